#pragma once
// Small builders for hand-made workloads in tests.
#include <vector>

#include "sim/engine.hpp"
#include "sim/workload.hpp"

namespace clustersim::testing {

// A rigid job: `procs` one-core tasks, times in whole seconds; estimate defaults to runtime.
inline JobSpec job(int64_t id, int64_t submit, int64_t runtime, int32_t procs, int64_t estimate = -1) {
  JobSpec j;
  j.trace_id = id;
  j.submit = Time::from_seconds(submit);
  j.runtime = Time::from_seconds(runtime);
  j.walltime = Time::from_seconds(estimate > 0 ? estimate : runtime);
  j.tasks = procs;
  j.per_task = Resources{1, 0, 0};
  return j;
}

inline std::vector<JobSpec> sorted(std::vector<JobSpec> jobs) {
  Workload w;
  w.jobs = std::move(jobs);
  w.sort_by_arrival();
  return std::move(w.jobs);
}

// A processor pool: one node of `procs` cores.
inline Cluster pool(int64_t procs) { return Cluster::homogeneous(1, Resources{procs, 0, 0}); }

// Start time in seconds of the job with this trace id.
inline double start_of(const EngineView& v, int64_t trace_id) {
  for (size_t i = 0; i < v.num_jobs(); ++i)
    if (v.specs()[i].trace_id == trace_id) return v.records()[i].first_start.seconds();
  return -1;
}

}  // namespace clustersim::testing
