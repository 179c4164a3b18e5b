#include "workloads/poisson.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sim/error.hpp"
#include "workloads/detmath.hpp"
#include "workloads/random.hpp"
#include "workloads/text.hpp"

namespace clustersim {

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& what, const std::string& got) {
  throw InputError("poisson." + field + ": " + what + ", got " + got);
}

void require_positive_finite(const std::string& field, double v) {
  if (!(v > 0.0) || std::isinf(v)) fail(field, "must be > 0 and finite", text::shortest(v));
}

// floor(log2 n) and ceil(log2 n) for n >= 1, exactly.
int floor_log2(int64_t n) {
  int k = 0;
  while (n > 1) {
    n /= 2;
    ++k;
  }
  return k;
}
int ceil_log2(int64_t n) {
  const int k = floor_log2(n);
  return (int64_t{1} << k) == n ? k : k + 1;
}

}  // namespace

void PoissonConfig::validate() const {
  if (jobs < 0) fail("jobs", "must be >= 0", std::to_string(jobs));
  require_positive_finite("mean_interarrival_s", mean_interarrival_s);
  if (machine_procs < 1 || machine_procs > std::numeric_limits<int32_t>::max()) {
    fail("machine_procs", "must be in [1, 2147483647]", std::to_string(machine_procs));
  }
  if (min_procs < 1) fail("min_procs", "must be >= 1", std::to_string(min_procs));
  if (max_procs < 0)
    fail("max_procs", "must be >= 0 (0: machine_procs)", std::to_string(max_procs));
  if (max_procs > machine_procs) {
    fail("max_procs", "must be <= machine_procs (" + std::to_string(machine_procs) + ")",
         std::to_string(max_procs));
  }
  if (min_procs > effective_max_procs()) {
    fail("min_procs", "must be <= max_procs (" + std::to_string(effective_max_procs()) + ")",
         std::to_string(min_procs));
  }
  if (pow2_sizes && ceil_log2(min_procs) > floor_log2(effective_max_procs())) {
    fail("pow2_sizes",
         "no power of two lies in [min_procs, max_procs] = [" + std::to_string(min_procs) + ", " +
             std::to_string(effective_max_procs()) + "]",
         "true");
  }
  require_positive_finite("mean_runtime_s", mean_runtime_s);
  if (runtime == RuntimeDistribution::Lognormal) {
    if (!(lognormal_sigma >= 0.0) || std::isinf(lognormal_sigma)) {
      fail("lognormal_sigma", "must be >= 0 and finite", text::shortest(lognormal_sigma));
    }
  }
  if (min_runtime_s < 1) fail("min_runtime_s", "must be >= 1", std::to_string(min_runtime_s));
  if (max_runtime_s < 0) {
    fail("max_runtime_s", "must be >= 0 (0: no cap)", std::to_string(max_runtime_s));
  }
  if (max_runtime_s > 0 && max_runtime_s < min_runtime_s) {
    fail("max_runtime_s", "must be >= min_runtime_s (" + std::to_string(min_runtime_s) + ")",
         std::to_string(max_runtime_s));
  }
  if (!(estimate_factor >= 1.0) || std::isinf(estimate_factor)) {
    fail("estimate_factor", "must be >= 1 and finite", text::shortest(estimate_factor));
  }
}

Workload generate_poisson(const PoissonConfig& cfg) {
  cfg.validate();
  Rng rng(cfg.seed);
  Rng estimates(splitmix64(cfg.seed ^ 0x6573746d61746573ULL));
  const int64_t min_p = cfg.min_procs;
  const int64_t max_p = cfg.effective_max_procs();
  const double log_min = detmath::log2(static_cast<double>(min_p));
  const double log_max = detmath::log2(static_cast<double>(max_p));
  const int k_min = ceil_log2(min_p);
  const int k_max = floor_log2(max_p);
  const double sigma = cfg.lognormal_sigma;
  const double mu = detmath::log(cfg.mean_runtime_s) - 0.5 * sigma * sigma;
  // Cap runtimes at half the microsecond range (~146,000 years) so that submit + runtime
  // cannot overflow, whatever the distribution draws.
  const int64_t hard_cap_s = std::numeric_limits<int64_t>::max() / Time::kUsPerSecond / 2;
  const int64_t max_rt = cfg.max_runtime_s > 0 ? cfg.max_runtime_s : hard_cap_s;

  Workload w;
  w.name = "poisson(jobs=" + std::to_string(cfg.jobs) +
           ",mean_interarrival_s=" + text::shortest(cfg.mean_interarrival_s) +
           ",procs=" + std::to_string(cfg.machine_procs) +
           ",runtime=" + std::string(to_string(cfg.runtime)) + ",seed=" + std::to_string(cfg.seed) +
           ")";
  w.machine.max_procs = cfg.machine_procs;
  w.machine.max_nodes = cfg.machine_procs;
  w.jobs.reserve(static_cast<std::size_t>(cfg.jobs));
  double t = 0;  // seconds
  for (int64_t i = 0; i < cfg.jobs; ++i) {
    t += rng.exponential(cfg.mean_interarrival_s);
    int64_t size = 0;
    if (cfg.pow2_sizes) {
      size = int64_t{1} << rng.uniform_int(k_min, k_max);
    } else {
      const double x = rng.uniform(log_min, log_max);
      size = static_cast<int64_t>(std::floor(detmath::exp2(x) + 0.5));
      size = std::clamp(size, min_p, max_p);
    }
    const double rt = cfg.runtime == RuntimeDistribution::Exponential
                          ? rng.exponential(cfg.mean_runtime_s)
                          : rng.lognormal(mu, sigma);
    const double rt_ceil = std::ceil(rt);
    const int64_t runtime_s =
        rt_ceil >= static_cast<double>(max_rt)
            ? max_rt
            : std::clamp(static_cast<int64_t>(rt_ceil), cfg.min_runtime_s, max_rt);
    int64_t walltime_s = runtime_s;
    if (cfg.estimate_factor > 1.0) {
      const double f = estimates.uniform(1.0, cfg.estimate_factor);
      const double wt = std::ceil(static_cast<double>(runtime_s) * f);
      walltime_s = wt >= static_cast<double>(hard_cap_s)
                       ? hard_cap_s
                       : std::max(runtime_s, static_cast<int64_t>(wt));
    }
    JobSpec job;
    job.trace_id = i + 1;
    job.submit = Time::from_us(static_cast<int64_t>(std::floor(t * 1e6)));
    job.runtime = Time::from_seconds(runtime_s);
    job.walltime = Time::from_seconds(walltime_s);
    job.tasks = static_cast<int32_t>(size);
    job.per_task = Resources{1, 0, 0};
    job.status = 1;
    w.jobs.push_back(job);
  }
  w.sort_by_arrival();
  return w;
}

}  // namespace clustersim
