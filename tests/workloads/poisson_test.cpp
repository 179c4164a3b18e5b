// The Poisson generator: deterministic, and its arrivals, sizes and runtimes have the
// configured distributions.
#include "workloads/poisson.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "sim/error.hpp"

namespace clustersim {
namespace {

PoissonConfig config(int64_t jobs, uint64_t seed) {
  PoissonConfig c;
  c.jobs = jobs;
  c.seed = seed;
  return c;
}

TEST(Poisson, SameSeedGivesIdenticalJobsAndAnotherSeedOthers) {
  const Workload a = generate_poisson(config(500, 1));
  const Workload b = generate_poisson(config(500, 1));
  const Workload c = generate_poisson(config(500, 2));
  ASSERT_EQ(a.jobs.size(), 500u);
  bool differs = false;
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    EXPECT_EQ(a.jobs[i].submit, b.jobs[i].submit);
    EXPECT_EQ(a.jobs[i].tasks, b.jobs[i].tasks);
    EXPECT_EQ(a.jobs[i].runtime, b.jobs[i].runtime);
    differs = differs || a.jobs[i].submit != c.jobs[i].submit;
  }
  EXPECT_TRUE(differs);
}

TEST(Poisson, InterArrivalsAreExponentialWithTheConfiguredMean) {
  PoissonConfig c = config(100000, 3);
  c.mean_interarrival_s = 30.0;
  const Workload w = generate_poisson(c);
  double sum = 0, sq = 0;
  Time prev = Time::zero();
  for (const JobSpec& j : w.jobs) {
    ASSERT_GE(j.submit, prev);
    const double gap = (j.submit - prev).seconds();
    sum += gap;
    sq += gap * gap;
    prev = j.submit;
  }
  const double n = static_cast<double>(w.jobs.size());
  const double mean = sum / n;
  EXPECT_NEAR(mean, 30.0, 4 * 30.0 / std::sqrt(n));
  // Coefficient of variation of an exponential is 1.
  EXPECT_NEAR(std::sqrt(sq / n - mean * mean) / mean, 1.0, 0.02);
}

TEST(Poisson, SizesStayInRangeAndAreLogUniform) {
  PoissonConfig c = config(50000, 4);
  c.machine_procs = 1024;
  c.min_procs = 2;
  c.max_procs = 512;
  const Workload w = generate_poisson(c);
  double log_sum = 0;
  for (const JobSpec& j : w.jobs) {
    ASSERT_GE(j.tasks, 2);
    ASSERT_LE(j.tasks, 512);
    log_sum += std::log2(j.tasks);
  }
  // log2(size) is uniform on [1, 9] before rounding: size n comes from the slice
  // [log2(n - 1/2), log2(n + 1/2)) of that interval.
  double expected = 0, var = 0;
  for (int n = 2; n <= 512; ++n) {
    const double lo = std::max(1.0, std::log2(n - 0.5)), hi = std::min(9.0, std::log2(n + 0.5));
    if (hi > lo) expected += std::log2(n) * (hi - lo) / 8;
  }
  for (int n = 2; n <= 512; ++n) {
    const double lo = std::max(1.0, std::log2(n - 0.5)), hi = std::min(9.0, std::log2(n + 0.5));
    if (hi > lo) var += std::pow(std::log2(n) - expected, 2) * (hi - lo) / 8;
  }
  EXPECT_NEAR(log_sum / 50000, expected, 4 * std::sqrt(var / 50000));
  EXPECT_EQ(w.machine.max_procs, 1024);
}

TEST(Poisson, Pow2SizesArePowersOfTwoCoveringTheRange) {
  PoissonConfig c = config(20000, 5);
  c.min_procs = 3;
  c.max_procs = 100;
  c.pow2_sizes = true;
  const Workload w = generate_poisson(c);
  std::set<int> sizes;
  for (const JobSpec& j : w.jobs) sizes.insert(j.tasks);
  EXPECT_EQ(sizes, (std::set<int>{4, 8, 16, 32, 64}));
}

TEST(Poisson, ExponentialRuntimesHaveTheConfiguredMean) {
  PoissonConfig c = config(100000, 6);
  c.mean_runtime_s = 600;
  const Workload w = generate_poisson(c);
  double sum = 0;
  for (const JobSpec& j : w.jobs) {
    ASSERT_GE(j.runtime, Time::from_seconds(1));
    EXPECT_EQ(j.walltime, j.runtime);
    sum += j.runtime.seconds();
  }
  // Rounding up to whole seconds adds half a second on average.
  EXPECT_NEAR(sum / 100000, 600.5, 4 * 600 / std::sqrt(100000.0));
}

TEST(Poisson, LognormalRuntimesKeepTheConfiguredMean) {
  PoissonConfig c = config(100000, 7);
  c.runtime = RuntimeDistribution::Lognormal;
  c.mean_runtime_s = 1000;
  c.lognormal_sigma = 1.0;
  const Workload w = generate_poisson(c);
  double sum = 0;
  for (const JobSpec& j : w.jobs) sum += j.runtime.seconds();
  // sd of a lognormal = mean * sqrt(e^(sigma^2) - 1).
  const double sd = 1000 * std::sqrt(std::exp(1.0) - 1);
  EXPECT_NEAR(sum / 100000, 1000.5, 4 * sd / std::sqrt(100000.0));
}

TEST(Poisson, RuntimesAreClampedToTheConfiguredBounds) {
  PoissonConfig c = config(5000, 8);
  c.min_runtime_s = 100;
  c.max_runtime_s = 2000;
  const Workload w = generate_poisson(c);
  bool hit_min = false, hit_max = false;
  for (const JobSpec& j : w.jobs) {
    ASSERT_GE(j.runtime, Time::from_seconds(100));
    ASSERT_LE(j.runtime, Time::from_seconds(2000));
    hit_min = hit_min || j.runtime == Time::from_seconds(100);
    hit_max = hit_max || j.runtime == Time::from_seconds(2000);
  }
  EXPECT_TRUE(hit_min);
  EXPECT_TRUE(hit_max);
}

TEST(Poisson, EstimateFactorBoundsWalltimesAndLeavesJobsAlone) {
  PoissonConfig c = config(2000, 9);
  const Workload exact = generate_poisson(c);
  c.estimate_factor = 3;
  const Workload est = generate_poisson(c);
  for (std::size_t i = 0; i < est.jobs.size(); ++i) {
    EXPECT_EQ(est.jobs[i].runtime, exact.jobs[i].runtime);
    EXPECT_EQ(est.jobs[i].submit, exact.jobs[i].submit);
    EXPECT_GE(est.jobs[i].walltime, est.jobs[i].runtime);
    EXPECT_LE(est.jobs[i].walltime.seconds(), std::ceil(est.jobs[i].runtime.seconds() * 3));
  }
}

TEST(Poisson, DocExampleRuns) {
  // docs/workloads.md
  clustersim::PoissonConfig cfg{.jobs = 5000, .mean_interarrival_s = 30, .machine_procs = 512};
  cfg.runtime = clustersim::RuntimeDistribution::Lognormal;
  cfg.mean_runtime_s = 1800;
  cfg.lognormal_sigma = 1.5;
  clustersim::Workload w = clustersim::generate_poisson(cfg);
  EXPECT_EQ(w.jobs.size(), 5000u);
  EXPECT_EQ(w.name, "poisson(jobs=5000,mean_interarrival_s=30,procs=512,runtime=lognormal,seed=1)");
}

void expect_error(const PoissonConfig& c, const std::string& message) {
  try {
    c.validate();
    FAIL() << "expected InputError: " << message;
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(PoissonConfig, ValidationErrorsNameTheField) {
  PoissonConfig c;
  c.mean_interarrival_s = 0;
  expect_error(c, "poisson.mean_interarrival_s: must be > 0 and finite, got 0");
  c = {};
  c.machine_procs = 0;
  expect_error(c, "poisson.machine_procs: must be in [1, 2147483647], got 0");
  c = {};
  c.max_procs = 300;
  expect_error(c, "poisson.max_procs: must be <= machine_procs (256), got 300");
  c = {};
  c.min_procs = 10;
  c.max_procs = 5;
  expect_error(c, "poisson.min_procs: must be <= max_procs (5), got 10");
  c = {};
  c.min_procs = 5;
  c.max_procs = 7;
  c.pow2_sizes = true;
  expect_error(
      c, "poisson.pow2_sizes: no power of two lies in [min_procs, max_procs] = [5, 7], got true");
  c = {};
  c.min_runtime_s = 0;
  expect_error(c, "poisson.min_runtime_s: must be >= 1, got 0");
  c = {};
  c.estimate_factor = 0.9;
  expect_error(c, "poisson.estimate_factor: must be >= 1 and finite, got 0.9");
  EXPECT_NO_THROW(PoissonConfig{}.validate());
}

}  // namespace
}  // namespace clustersim
