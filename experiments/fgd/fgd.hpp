#pragma once
// The FGD paper's headline experiment (Weng et al., USENIX ATC'23, the openb trace) on
// clustersim: tasks arrive one at a time and never depart; a packing policy places each or
// skips it; the metric is the GPU allocation ratio (allocated / cluster milli-GPUs) when the
// first task cannot be placed, and when the last task has arrived. docs/packing.md has the
// protocol and the results.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/cluster.hpp"
#include "sim/job.hpp"

namespace clustersim::fgd {

// The workload at one load: tasks drawn from the trace (seeded) until their GPU requests
// reach `target_gpu_milli`, in trace order. At or below the trace's own GPU total, a uniformly
// random subset (without replacement); above it, every trace task plus copies drawn uniformly
// with replacement (a copy arrives right after its original, copies in draw order). Task i
// arrives at i seconds and runs far beyond the last arrival (it never departs).
std::vector<JobSpec> inflate(const std::vector<JobSpec>& trace, int64_t target_gpu_milli, uint64_t seed);

// A policy to run: a registry name and its parameters ("dot-product:pick=min").
struct PolicySpec {
  std::string label;  // as given
  std::string name;
  std::map<std::string, std::string> params;
};
PolicySpec parse_policy(const std::string& text);  // InputError on a malformed parameter

struct RunResult {
  int64_t tasks = 0;
  int64_t placed = 0;                // tasks running when the last one has arrived
  int64_t first_failure = -1;        // index of the first task that could not be placed; -1: none
  int64_t first_failure_gpu = -1;    // its GPU request (milli-GPUs, all tasks); -1: none
  double ratio_at_first_failure = 0; // allocated / total GPU milli then (at the end if none failed)
  double ratio_at_end = 0;           // ... when the last task has arrived (failed ones skipped)
};

// One run of `jobs` (from inflate) on `cluster` under `policy`; `seed` is given to policies
// that take one. `check`: the engine checks its invariants after every decision point, and
// the run ends with check_gpus; a violation throws InvariantError.
RunResult run(const Cluster& cluster, const std::vector<JobSpec>& jobs, const PolicySpec& policy, uint64_t seed,
              bool check);

}  // namespace clustersim::fgd
