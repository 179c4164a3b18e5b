#pragma once
// Hand-made training workloads shared by the torch tests.
#include <memory>
#include <random>
#include <string>

#include "policies/rl/env.hpp"
#include "support/builders.hpp"

namespace clustersim::rl::testing {

// `jobs` jobs on a 64-core pool (one agent): gaps of 0..29 s, runtimes 20..419 s with twice
// that requested, 1..32 cores; with `users` > 0 each job also gets a user 0..users-1.
inline std::shared_ptr<EpisodeSource> pool_source(const std::string& name, int jobs, uint64_t seed, int users = 0) {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.name = name;
  std::mt19937_64 rng(seed);
  int64_t t = 0;
  for (int i = 0; i < jobs; ++i) {
    t += static_cast<int64_t>(rng() % 30);
    const int64_t runtime = 20 + static_cast<int64_t>(rng() % 400);
    const auto procs = static_cast<int32_t>(1 + rng() % 32);
    JobSpec j = clustersim::testing::job(i + 1, t, runtime, procs, runtime * 2);
    if (users > 0) j.user = static_cast<int32_t>(rng() % static_cast<uint64_t>(users));
    s->workload.jobs.push_back(j);
  }
  s->cluster = clustersim::testing::pool(64);
  return s;
}

// Two node types of 8 cores and 2 GPUs each, 40 one-GPU jobs: MAPPO with one agent per type.
inline std::shared_ptr<EpisodeSource> two_type_source(const std::string& name) {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.name = name;
  const uint32_t a = s->cluster.add_node_type({"fast", Resources{8, 2000, 0}, "V100"});
  const uint32_t b = s->cluster.add_node_type({"slow", Resources{8, 2000, 0}, "K80"});
  s->cluster.add_nodes(a, 1);
  s->cluster.add_nodes(b, 1);
  std::mt19937_64 rng(43);
  for (int i = 0; i < 40; ++i) {
    JobSpec j = clustersim::testing::job(i + 1, i * 10, 30 + static_cast<int64_t>(rng() % 100), 1);
    j.per_task = Resources{1, 1000, 0};
    s->workload.jobs.push_back(j);
  }
  return s;
}

}  // namespace clustersim::rl::testing
