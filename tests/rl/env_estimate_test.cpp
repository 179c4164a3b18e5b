// The observation's job-time feature under an estimate source (EnvConfig::estimate,
// docs/predictors.md): the slot holds squash(estimate) = e / (e + 1 h) instead of the
// requested time; the default, requested, leaves observations as they were (env_test.cpp).
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

constexpr int32_t kJobFeatures = 7;  // one node type: present, wait, time, cores, GPUs, fits, speed
constexpr int32_t kClusterDim = 5;   // one node type: 3, and queued / running

float squash(double seconds) { return static_cast<float>(seconds / (seconds + 3600.0)); }

EnvConfig small(const std::string& estimate) {
  EnvConfig c;
  c.window = 4;
  c.episode_jobs = 3;
  c.split = Split::All;
  c.estimate = estimate;
  return c;
}

// The time feature of slot k.
float time_feature(const SchedulingEnv& env, int32_t k) { return env.obs()[kClusterDim + k * kJobFeatures + 2]; }

// A (4 cores, 100 s, asks 200 s) and B (1 core, 10 s, asks 20 s) at t=0, C (2 cores, 10 s,
// asks 40 s) at t=5, on 4 cores.
std::shared_ptr<EpisodeSource> three_jobs() {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.jobs = {job(1, 0, 100, 4, 200), job(2, 0, 10, 1, 20), job(3, 5, 10, 2, 40)};
  s->cluster = pool(4);
  return s;
}

TEST(RlEnvEstimate, RuntimePutsTheRealRuntimeInTheTimeSlot) {
  SchedulingEnv env(three_jobs(), small("runtime"));
  env.reset(1);
  EXPECT_FLOAT_EQ(time_feature(env, 0), 100.0f / 3700);  // A: its runtime, not the 200 s it asks
  EXPECT_FLOAT_EQ(time_feature(env, 1), 10.0f / 3610);   // B
  env.step(1);                                            // B starts; at t=5 C arrives
  ASSERT_EQ(env.view().now(), Time::from_seconds(5));
  EXPECT_FLOAT_EQ(time_feature(env, 1), 10.0f / 3610);   // C: 10 s, not 40
  // The rest of the observation is the requested-time one's.
  SchedulingEnv requested(three_jobs(), small("requested"));
  requested.reset(1);
  requested.step(1);
  for (size_t i = 0; i < env.obs().size(); ++i) {
    const bool time_slot = i >= kClusterDim && (i - kClusterDim) % kJobFeatures == 2;
    if (!time_slot) {
      EXPECT_EQ(env.obs()[i], requested.obs()[i]) << i;
    }
  }
  EXPECT_FLOAT_EQ(time_feature(requested, 1), 40.0f / 3640);
}

// user-mean2 predicts each job at its submission from the user's jobs finished by then: the
// user's first job gets its requested time, the second the first one's runtime.
TEST(RlEnvEstimate, UserMean2PredictsFromTheJobsFinishedBeforeTheSubmission) {
  auto s = std::make_shared<EpisodeSource>();
  JobSpec a = job(1, 0, 100, 4, 1000), b = job(2, 0, 50, 4, 1000), c = job(3, 300, 30, 4, 1000);
  a.user = b.user = c.user = 7;
  s->workload.jobs = {a, b, c};
  s->cluster = pool(4);
  SchedulingEnv env(s, small("user-mean2"));
  env.reset(1);
  EXPECT_FLOAT_EQ(time_feature(env, 0), squash(1000));  // no history yet: the requested time
  EXPECT_FLOAT_EQ(time_feature(env, 1), squash(1000));
  env.step(0);  // A runs 0..100; B is the only choice at t=100
  ASSERT_EQ(env.view().now(), Time::from_seconds(100));
  EXPECT_FLOAT_EQ(time_feature(env, 0), squash(1000));  // B was predicted at t=0, before A ended
  env.step(0);  // B runs 100..150; C arrives at t=300 with A and B finished
  ASSERT_EQ(env.view().now(), Time::from_seconds(300));
  EXPECT_FLOAT_EQ(time_feature(env, 0), squash(75));    // mean of B's 50 s and A's 100 s
}

// On a Lublin workload with requested times up to 5x the runtime, every slot of every
// observation along an episode holds squash(runtime) under the oracle.
TEST(RlEnvEstimate, EverySlotHoldsTheSourcesEstimateAlongAnEpisode) {
  LublinConfig cfg;
  cfg.jobs = 400;
  cfg.machine_procs = 64;
  cfg.seed = 3;
  cfg.estimate_factor = 5;
  auto s = std::make_shared<EpisodeSource>();
  s->workload = generate_lublin(cfg);
  s->cluster = pool(64);
  EnvConfig c;
  c.window = 16;
  c.episode_jobs = 200;
  c.estimate = "runtime";
  SchedulingEnv env(s, c);
  env.reset(5);
  std::mt19937 rng(1);
  int64_t checked = 0, differs = 0;
  while (!env.done()) {
    std::vector<int32_t> valid;
    for (int32_t k = 0; k < c.window; ++k) {
      const JobId j = env.slots()[static_cast<size_t>(k)];
      if (!j.valid()) continue;
      const JobSpec& spec = env.view().spec(j);
      EXPECT_EQ(time_feature(env, k), squash(spec.runtime.seconds()));
      differs += spec.walltime != spec.runtime ? 1 : 0;
      ++checked;
      if (env.mask()[static_cast<size_t>(k)]) valid.push_back(k);
    }
    ASSERT_FALSE(valid.empty());
    env.step(valid[rng() % valid.size()]);
  }
  EXPECT_GT(checked, 200);
  EXPECT_GT(differs, checked / 2);  // the requested time would have been another number
}

TEST(RlEnvEstimate, AnUnknownSourceNamesTheKeyAndSuggests) {
  EnvConfig c;
  c.estimate = "user-man2";
  try {
    c.validate();
    ADD_FAILURE() << "validated an unknown estimate source";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("env: estimate"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'user-mean2'"), std::string::npos) << msg;
  }
  EXPECT_THROW(SchedulingEnv(three_jobs(), small("nope")), InputError);
  EXPECT_NO_THROW(small("user-mean2").validate());
}

}  // namespace
}  // namespace clustersim::rl
