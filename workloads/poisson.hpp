#pragma once
// A simple synthetic workload: Poisson arrivals (exponential inter-arrival times), log2-uniform
// job sizes and exponential or lognormal runtimes, all independent. Useful as a baseline
// against the Lublin-Feitelson model and for tests that need a workload of a known shape.
#include <cstdint>
#include <string_view>

#include "sim/workload.hpp"

namespace clustersim {

enum class RuntimeDistribution : uint8_t {
  Exponential,  // mean mean_runtime_s
  Lognormal,    // exp(Normal(mu, sigma)), mu = ln(mean_runtime_s) - sigma^2 / 2 (mean kept)
};

constexpr std::string_view to_string(RuntimeDistribution d) {
  switch (d) {
    case RuntimeDistribution::Exponential: return "exponential";
    case RuntimeDistribution::Lognormal: return "lognormal";
  }
  return "?";
}

struct PoissonConfig {
  int64_t jobs = 1000;
  double mean_interarrival_s = 60.0;  // 1 / arrival rate
  int64_t machine_procs = 256;
  // Sizes: log2(size) uniform on [log2 min_procs, log2 max_procs], rounded to the nearest
  // integer size. With pow2_sizes the exponent is instead a uniform integer between
  // ceil(log2 min_procs) and floor(log2 max_procs), so every size is a power of two.
  int64_t min_procs = 1;
  int64_t max_procs = 0;  // 0: machine_procs
  bool pow2_sizes = false;
  // Runtimes, rounded up to whole seconds and clamped to [min_runtime_s, max_runtime_s].
  RuntimeDistribution runtime = RuntimeDistribution::Exponential;
  double mean_runtime_s = 3600.0;
  double lognormal_sigma = 1.0;
  int64_t min_runtime_s = 1;
  int64_t max_runtime_s = 0;  // 0: no cap
  // walltime = ceil(runtime * U), U uniform on [1, estimate_factor); 1: walltime = runtime.
  double estimate_factor = 1.0;
  uint64_t seed = 1;

  // Throws InputError naming the field ("poisson.mean_interarrival_s: must be > 0, got 0").
  void validate() const;
  // max_procs with 0 resolved to machine_procs.
  int64_t effective_max_procs() const { return max_procs > 0 ? max_procs : machine_procs; }
};

// Jobs with trace_id 1..n, submit times in whole microseconds (the first job arrives after
// one inter-arrival time, not at 0), 1 core per task, status 1, machine hint machine_procs.
Workload generate_poisson(const PoissonConfig& cfg);

}  // namespace clustersim
