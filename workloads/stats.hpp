#pragma once
// Summary statistics of a workload, for `clustersim info` and for checking generators
// against the models they implement.
#include <cstdint>
#include <map>
#include <string>

#include "sim/workload.hpp"

namespace clustersim {

// Order statistics of one quantity. Percentiles interpolate linearly between the two nearest
// order statistics (Hyndman and Fan's type 7, numpy.percentile's default): with the values
// sorted as x[0..n-1], the q-quantile is x[h] interpolated at h = (n - 1) q; so the median of
// an even count is the mean of the middle two. All zero for an empty set.
struct Summary {
  double min = 0;
  double mean = 0;
  double median = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

struct WorkloadStats {
  int64_t jobs = 0;
  int64_t users = 0;              // distinct user ids >= 0
  int64_t jobs_without_user = 0;  // jobs whose user is unknown (-1)
  Time first_submit;
  Time last_submit;
  Time span;                  // last_submit - first_submit
  int64_t machine_procs = 0;  // the size the load refers to; 0 if unknown
  // sum over jobs of runtime (s) x tasks, divided by span (s) x machine_procs: the fraction of
  // the machine the jobs would keep busy if they ran back to back over the submit span
  // (Lublin and Feitelson's definition). 0 when the span or the machine size is 0.
  double offered_load = 0;
  Summary size;                 // tasks per job
  double size_frac_serial = 0;  // jobs with 1 task
  double size_frac_pow2 = 0;    // jobs whose task count is a power of two > 1
  Summary runtime_s;            // runtime in seconds
  // Gaps between consecutive submits (n - 1 of them), in seconds: their mean, and their
  // coefficient of variation (population standard deviation / mean; 1 for a Poisson process).
  double interarrival_mean_s = 0;
  double interarrival_cv = 0;
  // Whether any job's walltime differs from its runtime; if so, estimate_accuracy is the mean
  // of runtime / walltime over the jobs with walltime > 0 (1 = perfect estimates).
  bool estimates_differ = false;
  double estimate_accuracy = 0;
  std::map<int32_t, int64_t> jobs_per_status;  // SWF status code -> jobs (-1: unknown)
};

// machine_procs <= 0: take the machine size from w.machine.processors().
WorkloadStats compute_stats(const Workload& w, int64_t machine_procs = 0);

// A readable, aligned text block (one item per line, ending in a newline), as the CLI prints.
std::string format_stats(const WorkloadStats& s);

}  // namespace clustersim
