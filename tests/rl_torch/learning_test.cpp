// PPO learns, in a minute of training on a workload whose best order is known: every 200 s a
// long job asking for the whole 4-core pool (150-190 s) arrives just before three one-core
// jobs of 5-15 s. Starting the long job first makes the short ones wait for it (bounded
// slowdown ~10 to 19 each); starting the short ones first delays the long one by at most 15 s
// and every job is done before the next burst. FCFS always starts the long job first; a
// random choice among the jobs that fit does so a quarter of the time. The trained agent must
// beat both by a wide margin on held-out windows.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <random>

#include "policies/registry.hpp"
#include "policies/rl/agent.hpp"
#include "policies/rl/evaluate.hpp"
#include "policies/rl/rl_policy.hpp"
#include "support/builders.hpp"
#include "workloads/random.hpp"

namespace clustersim::rl {
namespace {

std::shared_ptr<EpisodeSource> bursts(int64_t count) {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.name = "bursts";
  uint64_t x = 12345;
  auto uniform = [&](int64_t lo, int64_t hi) {
    x = splitmix64(x);
    return lo + static_cast<int64_t>(x % static_cast<uint64_t>(hi - lo + 1));
  };
  int64_t id = 1;
  for (int64_t b = 0; b < count; ++b) {
    const int64_t t = 200 * b;
    s->workload.jobs.push_back(clustersim::testing::job(id++, t, uniform(150, 190), 4));
    for (int i = 0; i < 3; ++i) s->workload.jobs.push_back(clustersim::testing::job(id++, t, uniform(5, 15), 1));
  }
  s->cluster = clustersim::testing::pool(4);
  return s;
}

TEST(RlLearning, PpoLearnsToRunShortJobsFirstAndBeatsFcfs) {
  at::set_num_threads(1);
  auto src = bursts(500);
  EnvConfig ec;
  ec.window = 8;
  ec.episode_jobs = 32;
  ec.reward = "bsld";
  TrainConfig tc;
  tc.seed = 3;
  tc.total_steps = 24'000;
  tc.num_envs = 8;
  tc.rollout = 64;
  tc.epochs = 4;
  tc.minibatches = 4;
  tc.lr = 1e-3;
  tc.hidden = 32;
  VecEnv envs(src, ec, tc.num_envs);
  auto trainer = make_trainer(envs, tc);
  // The sampled policy starts near uniform over the valid jobs and must get much better.
  std::vector<double> curve;
  while (!trainer->done()) {
    const UpdateRecord r = trainer->train_step();
    if (r.episodes > 0) curve.push_back(r.episode_metric);
  }
  ASSERT_GE(curve.size(), 4u);
  EXPECT_GT(curve.front(), 2.0);
  EXPECT_LT(curve.back(), curve.front() / 1.5) << "first " << curve.front() << ", last " << curve.back();
  std::shared_ptr<TrainedModel> trained = trainer->model();

  EnvConfig test = ec;
  test.split = Split::Test;
  const std::vector<int64_t> offsets = SchedulingEnv(src, test).eval_offsets(10);
  auto score = [&](const std::function<std::unique_ptr<Policy>()>& make) {
    return mean_of(evaluate_windows(*src, ec.episode_jobs, offsets, make)).mean_bsld;
  };
  const double fcfs = score([] { return PolicyRegistry::builtin().make("fcfs"); });
  // A random choice among the valid jobs, in the environment, on the same windows.
  double random = 0;
  {
    SchedulingEnv env(src, test);
    std::mt19937_64 rng(11);
    for (int64_t off : offsets) {
      env.reset_at(off);
      while (!env.done()) {
        std::vector<int32_t> valid;
        for (int32_t k = 0; k < ec.window; ++k)
          if (env.mask()[static_cast<size_t>(k)]) valid.push_back(k);
        env.step(valid[rng() % valid.size()]);
      }
      random += env.stats().mean_bsld / static_cast<double>(offsets.size());
    }
  }
  const double after = score([&] { return std::make_unique<TrainedPolicy>(trained, "ppo"); });
  // Independently known: shorts-first gives every job a bounded slowdown of at most
  // (15 + 190) / 150 < 1.4 for the long one and 1 for the short ones; FCFS about 13.
  EXPECT_GT(fcfs, 8.0);
  EXPECT_GT(random, 2.0);
  EXPECT_LT(after, fcfs / 3) << "fcfs " << fcfs << ", random " << random << ", trained " << after;
  EXPECT_LT(after, random / 1.5) << "fcfs " << fcfs << ", random " << random << ", trained " << after;
  EXPECT_LT(after, 1.4) << "fcfs " << fcfs << ", random " << random << ", trained " << after;
}

}  // namespace
}  // namespace clustersim::rl
