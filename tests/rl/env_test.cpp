// The RL environment layer (policies/rl/env.hpp) against hand-computed schedules, features
// and rewards, and its invariants on random play.
#include <gtest/gtest.h>

#include <random>

#include "policies/rl/env.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "workloads/lublin.hpp"

namespace clustersim::rl {
namespace {

using clustersim::testing::job;
using clustersim::testing::pool;

// Three jobs on a 4-core pool: A (4 cores, 100 s, asks 200 s) and B (1 core, 10 s, asks 20 s)
// at t=0, C (2 cores, 10 s) at t=5.
std::shared_ptr<EpisodeSource> three_jobs() {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.name = "three";
  s->workload.jobs = {job(1, 0, 100, 4, 200), job(2, 0, 10, 1, 20), job(3, 5, 10, 2)};
  s->cluster = pool(4);
  return s;
}

EnvConfig small(const std::string& reward) {
  EnvConfig c;
  c.window = 4;
  c.episode_jobs = 3;
  c.reward = reward;
  c.split = Split::All;
  return c;
}

TEST(RlEnv, ObservationOfAHandBuiltState) {
  SchedulingEnv env(three_jobs(), small("bsld"));
  env.reset(1);
  ASSERT_FALSE(env.done());
  // Layout: 3 cluster features for the one node type + 2 global, then 4 slots x (5 + 2 x 1).
  ASSERT_EQ(env.obs_dim(), 5 + 4 * 7);
  const std::vector<float> expected = {
      1, 0, 1,          // free cores 4/4, no GPUs, node up
      2.0f / 16, 0,     // 2 queued of a cap of 4 x K = 16, none running
      1, 0, 200.0f / 3800, 1.0f, 0, 1, 1,   // A: waited 0, asks 200 s, all 4 cores, fits, speed 1
      1, 0, 20.0f / 3620, 0.25f, 0, 1, 1,   // B
      0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0};
  ASSERT_EQ(env.obs().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(env.obs()[i], expected[i]) << "feature " << i;
  EXPECT_EQ(std::vector<uint8_t>(env.mask().begin(), env.mask().end()), (std::vector<uint8_t>{1, 1, 0, 0}));
}

TEST(RlEnv, HandComputedEpisodeAndBoundedSlowdownReward) {
  SchedulingEnv env(three_jobs(), small("bsld"));
  env.reset(1);
  // t=0: start B; A no longer fits, so time runs to t=5 (C arrives, fits).
  StepResult r = env.step(1);
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.reward, 0.0f);
  EXPECT_EQ(env.view().now(), Time::from_seconds(5));
  EXPECT_EQ(std::vector<uint8_t>(env.mask().begin(), env.mask().end()), (std::vector<uint8_t>{0, 1, 0, 0}));
  // t=5: start C (ends 15); A fits only at t=15.
  r = env.step(1);
  EXPECT_EQ(env.view().now(), Time::from_seconds(15));
  EXPECT_EQ(env.mask()[0], 1);
  r = env.step(0);
  ASSERT_TRUE(r.done);
  // bsld: B 10/10 = 1, C 10/10 = 1, A 115/100 = 1.15 -> mean 1.05.
  EXPECT_NEAR(r.reward, -1.05, 1e-6);
  EXPECT_NEAR(env.stats().mean_bsld, 1.05, 1e-12);
  EXPECT_NEAR(env.stats().mean_jct_s, 45.0, 1e-9);
  EXPECT_EQ(env.stats().steps, 3);
  EXPECT_EQ(env.stats().finished, 3);
}

TEST(RlEnv, FcfsOrderGivesTheTextbookSlowdowns) {
  SchedulingEnv env(three_jobs(), small("bsld"));
  env.reset(1);
  // Always the oldest valid job: A at 0, then B and C at 100 -> bsld 1, 11, 10.5.
  while (!env.done()) {
    int32_t a = 0;
    while (!env.mask()[static_cast<size_t>(a)]) ++a;
    env.step(a);
  }
  EXPECT_NEAR(env.stats().mean_bsld, 7.5, 1e-12);
}

TEST(RlEnv, DenseJctRewardSumsToMeanJctOverMeanRuntime) {
  SchedulingEnv env(three_jobs(), small("jct"));
  env.reset(1);
  double sum = 0;
  for (int32_t a : {1, 1, 0}) sum += env.step(a).reward;
  ASSERT_TRUE(env.done());
  // mean JCT 45 s, mean runtime 40 s.
  EXPECT_NEAR(sum, -45.0 / 40.0, 1e-6);
  EXPECT_NEAR(env.stats().ret, -45.0 / 40.0, 1e-9);
}

TEST(RlEnv, InvalidActionsAreRefused) {
  SchedulingEnv env(three_jobs(), small("bsld"));
  env.reset(1);
  env.step(1);
  EXPECT_THROW(env.step(0), DecisionError);   // A does not fit at t=5
  EXPECT_THROW(env.step(3), DecisionError);   // empty slot
  EXPECT_THROW(env.step(-1), DecisionError);
  EXPECT_THROW(env.step(4), DecisionError);
}

TEST(RlEnv, BadConfigsNameTheField) {
  EnvConfig c = small("speed");
  EXPECT_THROW(SchedulingEnv(three_jobs(), c), InputError);
  c = small("bsld");
  c.episode_jobs = 4;  // more than the workload has
  EXPECT_THROW(SchedulingEnv(three_jobs(), c), InputError);
  c = small("bsld");
  c.agents = "many";
  EXPECT_THROW(SchedulingEnv(three_jobs(), c), InputError);
}

std::shared_ptr<EpisodeSource> lublin(int64_t jobs, int64_t procs = 128) {
  LublinConfig cfg;
  cfg.jobs = jobs;
  cfg.machine_procs = procs;
  cfg.seed = 7;
  auto s = std::make_shared<EpisodeSource>();
  s->workload = generate_lublin(cfg);
  s->cluster = pool(procs);
  return s;
}

// Random valid play: every slot the mask allows holds a queued job that fits now, every slot
// it refuses does not (or is empty), and the episode ends with every job finished.
TEST(RlEnv, MaskIsExactlyTheFeasibleJobsUnderRandomPlay) {
  EnvConfig c;
  c.window = 16;
  c.episode_jobs = 200;
  SchedulingEnv env(lublin(2000), c);
  std::mt19937_64 rng(3);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    env.reset(seed);
    int64_t steps = 0;
    while (!env.done()) {
      std::vector<int32_t> valid;
      for (int32_t k = 0; k < c.window; ++k) {
        const JobId j = env.slots()[static_cast<size_t>(k)];
        const bool m = env.mask()[static_cast<size_t>(k)] != 0;
        if (j == JobId::invalid()) {
          EXPECT_FALSE(m);
          continue;
        }
        EXPECT_EQ(env.view().state(j), JobState::Queued);
        EXPECT_EQ(m, env.view().fits_now(j)) << "slot " << k;
        if (m) valid.push_back(k);
      }
      ASSERT_FALSE(valid.empty());
      env.step(valid[rng() % valid.size()]);
      ++steps;
    }
    EXPECT_EQ(env.stats().finished + env.stats().rejected, 200);
    EXPECT_EQ(steps, env.stats().finished);
  }
}

TEST(RlEnv, SplitsDoNotOverlapAndSeedsRepeat) {
  auto src = lublin(1000);
  EnvConfig c;
  c.window = 8;
  c.episode_jobs = 50;
  c.split = Split::Train;
  SchedulingEnv train(src, c);
  c.split = Split::Test;
  SchedulingEnv test(src, c);
  const auto [tlo, thi] = src->split_range(Split::Train);
  const auto [slo, shi] = src->split_range(Split::Test);
  EXPECT_EQ(tlo, 0);
  EXPECT_EQ(thi, 700);
  EXPECT_EQ(slo, 850);
  EXPECT_EQ(shi, 1000);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    train.reset(seed);
    EXPECT_GE(train.offset(), 0);
    EXPECT_LE(train.offset() + 50, 700);
  }
  for (int64_t off : test.eval_offsets(3)) {
    EXPECT_GE(off, 850);
    EXPECT_LE(off + 50, 1000);
  }
  EXPECT_EQ(test.eval_offsets(3), (std::vector<int64_t>{850, 900, 950}));
  train.reset(42);
  const int64_t first = train.offset();
  train.reset(42);
  EXPECT_EQ(train.offset(), first);
}

// One agent per node type: each agent is offered only the jobs that fit on its type and
// places them there.
TEST(RlEnv, PerTypeAgentsPlaceOnTheirOwnType) {
  auto s = std::make_shared<EpisodeSource>();
  const uint32_t a = s->cluster.add_node_type({"fast", Resources{8, 2000, 0}, "V100"});
  const uint32_t b = s->cluster.add_node_type({"slow", Resources{8, 2000, 0}, "K80"});
  s->cluster.add_nodes(a, 1);
  s->cluster.add_nodes(b, 1);
  for (int i = 0; i < 6; ++i) {
    JobSpec j = job(i + 1, i, 50, 1);
    j.per_task = Resources{1, 1000, 0};
    s->workload.jobs.push_back(j);
  }
  EnvConfig c;
  c.window = 4;
  c.episode_jobs = 6;
  c.agents = "per-type";
  c.split = Split::All;
  SchedulingEnv env(s, c);
  ASSERT_EQ(env.num_agents(), 2);
  env.reset(1);
  std::vector<int32_t> agents;
  while (!env.done()) {
    const int32_t agent = env.agent();
    agents.push_back(agent);
    // The one-hot agent id closes the observation.
    EXPECT_EQ(env.obs()[static_cast<size_t>(env.obs_dim() - 2 + agent)], 1.0f);
    int32_t k = 0;
    while (!env.mask()[static_cast<size_t>(k)]) ++k;
    const JobId j = env.slots()[static_cast<size_t>(k)];
    env.step(k);
    if (env.done()) break;  // the last step ran the episode to its end
    const auto where = env.view().placement(j);  // it runs 50 s: still running at the next decision
    ASSERT_FALSE(where.empty());
    EXPECT_EQ(env.view().cluster().type_index(where[0].node), static_cast<uint32_t>(agent));
  }
  // Jobs arrive one per second and run 50 s: agents alternate while both have room (2 GPUs
  // each), then the first finishes free GPUs on the fast type (agent 0) first.
  ASSERT_EQ(agents.size(), 6u);
  EXPECT_EQ((std::vector<int32_t>(agents.begin(), agents.begin() + 4)), (std::vector<int32_t>{0, 1, 0, 1}));
}

TEST(RlVecEnv, ThreadsDoNotChangeResults) {
  auto src = lublin(3000);
  EnvConfig c;
  c.window = 16;
  c.episode_jobs = 64;
  VecEnv one(src, c, 4, 1), two(src, c, 4, 2);
  one.reset(9);
  two.reset(9);
  std::mt19937_64 rng(5);
  int64_t finished = 0;
  std::vector<int32_t> actions(4);
  for (int step = 0; step < 1000; ++step) {
    for (int32_t i = 0; i < 4; ++i) {
      std::vector<int32_t> valid;
      for (int32_t k = 0; k < 16; ++k)
        if (one.mask()[static_cast<size_t>(i * 16 + k)]) valid.push_back(k);
      ASSERT_FALSE(valid.empty()) << "env " << i << " offered no action";
      actions[static_cast<size_t>(i)] = valid[rng() % valid.size()];
    }
    one.step(actions);
    two.step(actions);
    ASSERT_TRUE(std::equal(one.obs().begin(), one.obs().end(), two.obs().begin()));
    ASSERT_TRUE(std::equal(one.rewards().begin(), one.rewards().end(), two.rewards().begin()));
    ASSERT_TRUE(std::equal(one.dones().begin(), one.dones().end(), two.dones().begin()));
    for (uint8_t d : one.dones()) finished += d;
  }
  EXPECT_GT(finished, 0);
  const auto a = one.take_finished(), b = two.take_finished();
  ASSERT_EQ(a.size(), static_cast<size_t>(finished));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].mean_bsld, b[i].mean_bsld);
  EXPECT_TRUE(one.take_finished().empty());
}

}  // namespace
}  // namespace clustersim::rl
