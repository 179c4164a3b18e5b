#pragma once
// A Workload is what every trace reader and generator produces: jobs sorted by arrival
// (submit time, then trace job number) plus what the source says about its machine.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/job.hpp"

namespace clustersim {

// What a trace's header (or a generator) says about the machine it ran on. 0 means unknown.
struct MachineHint {
  int64_t max_nodes = 0;
  int64_t max_procs = 0;
  int64_t unix_start_time = -1;  // -1: unknown
  // The machine size in processors as the literature uses it: MaxProcs, else MaxNodes.
  int64_t processors() const { return max_procs > 0 ? max_procs : max_nodes; }
};

struct Workload {
  std::string name;                 // e.g. the trace's file name, or the generator's
  std::vector<JobSpec> jobs;        // sorted by (submit, trace_id)
  MachineHint machine;
  // Records the source held but the workload does not contain, counted by reason
  // (e.g. "runtime <= 0", "no processors", "status cancelled").
  std::map<std::string, int64_t> skipped;
  // Human-readable notes from loading (e.g. the first malformed lines of a lenient read).
  std::vector<std::string> warnings;

  // Sorts jobs by (submit, trace_id), stably. Readers and transforms call it.
  void sort_by_arrival();
  int64_t skipped_total() const;
  // Time between the first and the last submit.
  Time span() const;
};

}  // namespace clustersim
