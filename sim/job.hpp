#pragma once
// What a job is (JobSpec: static, from a trace or a generator) and where it is in its life
// (JobState). The engine keeps the dynamic part in its own table, indexed by JobId.
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/resources.hpp"
#include "sim/time.hpp"

namespace clustersim {

// The static description of a job. A job asks for `tasks` copies of `per_task` (an SWF job on
// a processor pool is `procs` tasks of one core each). `runtime` is the real duration at
// nominal speed (rate 1.0); the engine turns it into work and recomputes the finish time
// whenever the job's rate changes. `walltime` is what the user asked for (the estimate that
// backfilling reasons with); a job is never killed for outliving it.
struct JobSpec {
  int64_t trace_id = 0;   // the job number in the trace (SWF field 1)
  Time submit;            // since the workload's origin
  Time runtime;           // real duration at rate 1.0
  Time walltime;          // requested time / estimate (> 0)
  int32_t tasks = 1;      // number of tasks (processors for SWF); `runtime` is at this many
  Resources per_task{1, 0, 0};
  int32_t user = -1;      // -1: unknown
  int32_t group = -1;
  int32_t queue = -1;
  int32_t partition = -1;
  int32_t status = -1;    // SWF status code (1 completed, 0 failed, 5 cancelled, ...)
  int32_t job_type = -1;  // a model / job type index for DL throughput tables; -1: none
  // The GPU models the job may run on, '|'-separated as in the openb trace's gpu_spec
  // (e.g. "V100M16|V100M32"); empty: any node. For placement code to match against
  // NodeType::gpu_model; the engine does not enforce it.
  std::string gpu_model;
  // Elastic jobs (docs/dl.md): the job may run on any number of tasks (workers) in
  // [min_tasks, max_tasks], at a speed in proportion (runtime is at `tasks`; on w tasks it runs
  // at w / tasks of the speed the speed model gives). 0: rigid (exactly `tasks`).
  int32_t min_tasks = 0;
  int32_t max_tasks = 0;

  Resources total() const { return per_task * tasks; }
  int32_t fewest_tasks() const { return min_tasks > 0 ? min_tasks : tasks; }
  int32_t most_tasks() const { return max_tasks > 0 ? max_tasks : tasks; }
  bool elastic() const { return fewest_tasks() != tasks || most_tasks() != tasks; }
  bool operator==(const JobSpec&) const = default;
};

// Life cycle: Pending (not yet submitted) -> Queued -> Running -> Finished, with
// Running -> Queued on preemption, Pending -> Rejected when the job can never fit (the engine
// records why), and Running -> Failed when a node failure kills a job that is not re-queued.
enum class JobState : uint8_t { Pending, Queued, Running, Finished, Rejected, Failed };

constexpr std::string_view to_string(JobState s) {
  switch (s) {
    case JobState::Pending: return "pending";
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Finished: return "finished";
    case JobState::Rejected: return "rejected";
    case JobState::Failed: return "failed";
  }
  return "?";
}

}  // namespace clustersim
