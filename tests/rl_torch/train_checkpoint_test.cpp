// Checkpoints of training (Trainer::save_state / restore_state, docs/rl.md): k steps, a save, a
// fresh VecEnv and trainer restored from it, then the rest, give every record and the final
// parameters of the uninterrupted training bit for bit (PPO, MAPPO, DDPG, at two k each); a
// checkpoint of another configuration is refused naming what differs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "policies/rl/agent.hpp"
#include "policies/rl/runtime_mlp.hpp"
#include "sim/error.hpp"
#include "sources.hpp"
#include "support/builders.hpp"

namespace clustersim::rl {
namespace {

using clustersim::testing::job;
using clustersim::testing::pool;

// 60 jobs on a 64-core pool (single agent), with users for the user-mean2 estimates.
std::shared_ptr<EpisodeSource> pool_source() { return testing::pool_source("checkpoint-test", 60, 7, 4); }
std::shared_ptr<EpisodeSource> two_type_source() { return testing::two_type_source("checkpoint-test-two-types"); }

EnvConfig env_config(const std::string& agents, const std::string& estimate = "requested") {
  EnvConfig c;
  c.window = 8;
  c.episode_jobs = 16;
  c.split = Split::All;
  c.agents = agents;
  c.estimate = estimate;
  return c;
}

TrainConfig ppo_config() {
  TrainConfig c;
  c.seed = 5;
  c.num_envs = 2;
  c.hidden = 16;
  c.rollout = 24;
  c.epochs = 2;
  c.minibatches = 2;
  c.total_steps = 5 * 2 * 24;  // 5 updates
  return c;
}

TrainConfig ddpg_config() {
  TrainConfig c;
  c.algo = "ddpg";
  c.seed = 5;
  c.num_envs = 2;
  c.hidden = 16;
  c.replay_size = 100;  // fills, then wraps
  c.batch_size = 16;
  c.warmup_steps = 40;
  c.log_every = 32;
  c.noise_decay = 0.9;
  c.total_steps = 5 * 32;
  return c;
}

struct Run {
  std::vector<UpdateRecord> records;
  uint64_t checksum = 0;
  size_t checkpoint_bytes = 0;
};

// Trains to the end; with stop_after >= 0, saves after that many steps, throws the trainer
// and its environments away, and goes on with fresh ones restored from the bytes.
Run train(const std::shared_ptr<EpisodeSource>& source, const EnvConfig& env, const TrainConfig& cfg,
          int stop_after = -1, Collective* collective = nullptr) {
  Run run;
  std::string bytes;
  {
    VecEnv envs(source, env, cfg.num_envs);
    auto trainer = make_trainer(envs, cfg, collective);
    EXPECT_TRUE(trainer->checkpointable());
    while (!trainer->done()) {
      if (static_cast<int>(run.records.size()) == stop_after) {
        StateWriter w;
        trainer->save_state(w);
        bytes = w.take();
        break;
      }
      run.records.push_back(trainer->train_step());
    }
    if (stop_after < 0) {
      run.checksum = trainer->parameter_checksum();
      return run;
    }
  }
  run.checkpoint_bytes = bytes.size();
  VecEnv envs(source, env, cfg.num_envs);
  auto trainer = make_trainer(envs, cfg, collective);
  StateReader r(bytes, "test.ck");
  trainer->restore_state(r);
  EXPECT_TRUE(r.at_end());
  while (!trainer->done()) run.records.push_back(trainer->train_step());
  run.checksum = trainer->parameter_checksum();
  return run;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Every field but the timings.
void expect_same_records(const std::vector<UpdateRecord>& a, const std::vector<UpdateRecord>& b, int k) {
  ASSERT_EQ(a.size(), b.size()) << "resumed after " << k;
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i) + ", resumed after " + std::to_string(k));
    EXPECT_EQ(a[i].update, b[i].update);
    EXPECT_EQ(a[i].steps, b[i].steps);
    EXPECT_EQ(a[i].episodes, b[i].episodes);
    EXPECT_TRUE(same(a[i].mean_return, b[i].mean_return));
    EXPECT_TRUE(same(a[i].episode_metric, b[i].episode_metric));
    EXPECT_TRUE(same(a[i].policy_loss, b[i].policy_loss));
    EXPECT_TRUE(same(a[i].value_loss, b[i].value_loss));
    EXPECT_TRUE(same(a[i].entropy, b[i].entropy));
    EXPECT_TRUE(same(a[i].approx_kl, b[i].approx_kl));
  }
}

void expect_resumes_bit_for_bit(const std::shared_ptr<EpisodeSource>& source, const EnvConfig& env,
                                const TrainConfig& cfg, Collective* collective = nullptr) {
  set_torch_threads(1);
  const Run whole = train(source, env, cfg, -1, collective);
  ASSERT_EQ(whole.records.size(), 5u);
  int64_t episodes = 0;
  for (const auto& r : whole.records) episodes += r.episodes;
  EXPECT_GT(episodes, 0);  // the saved environments are mid-episode and have finished some
  for (int k : {1, 3}) {
    const Run resumed = train(source, env, cfg, k, collective);
    EXPECT_GT(resumed.checkpoint_bytes, 0u);
    expect_same_records(whole.records, resumed.records, k);
    EXPECT_EQ(resumed.checksum, whole.checksum) << "resumed after " << k;
  }
}

TEST(TrainCheckpoint, PpoResumesToTheSameRecordsAndParameters) {
  expect_resumes_bit_for_bit(pool_source(), env_config("single"), ppo_config());
}

TEST(TrainCheckpoint, PpoWithUserMean2EstimatesResumesToTheSameRecordsAndParameters) {
  expect_resumes_bit_for_bit(pool_source(), env_config("single", "user-mean2"), ppo_config());
}

TEST(TrainCheckpoint, MappoResumesToTheSameRecordsAndParameters) {
  for (bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared actor" : "one actor per agent");
    TrainConfig cfg = ppo_config();
    cfg.shared_actor = shared;
    expect_resumes_bit_for_bit(two_type_source(), env_config("per-type"), cfg);
  }
}

TEST(TrainCheckpoint, PpoWithPerEnvironmentStreamsResumesToTheSameRecordsAndParameters) {
  SingleProcess one;  // the distributed path: each environment samples from its own stream
  expect_resumes_bit_for_bit(pool_source(), env_config("single"), ppo_config(), &one);
}

TEST(TrainCheckpoint, DdpgResumesToTheSameRecordsAndParameters) {
  expect_resumes_bit_for_bit(pool_source(), env_config("single"), ddpg_config());
}

TEST(TrainCheckpoint, ACheckpointOfAnotherConfigurationIsRefusedNamingWhatDiffers) {
  set_torch_threads(1);
  const auto source = pool_source();
  std::string bytes;
  {
    VecEnv envs(source, env_config("single"), 2);
    auto trainer = make_trainer(envs, ppo_config());
    trainer->train_step();
    StateWriter w;
    trainer->save_state(w);
    bytes = w.take();
  }
  auto refused = [&](const EnvConfig& env, const TrainConfig& cfg, const std::shared_ptr<EpisodeSource>& src) {
    VecEnv envs(src, env, cfg.num_envs);
    auto trainer = make_trainer(envs, cfg);
    StateReader r(bytes, "other.ck");
    try {
      trainer->restore_state(r);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  TrainConfig lr = ppo_config();
  lr.lr = 1e-3;
  EXPECT_NE(refused(env_config("single"), lr, source).find("training parameter 'lr' (checkpoint: 3e-04, now: 0.001)"),
            std::string::npos)
      << refused(env_config("single"), lr, source);
  EnvConfig window = env_config("single");
  window.window = 4;
  EXPECT_NE(refused(window, ppo_config(), source).find("environment setting 'window' (checkpoint: 8, now: 4)"),
            std::string::npos)
      << refused(window, ppo_config(), source);
  auto other = pool_source();
  other->workload.jobs[30].runtime = other->workload.jobs[30].runtime + Time::from_seconds(1);
  const std::string workload = refused(env_config("single"), ppo_config(), other);
  EXPECT_NE(workload.find("other.ck: the workload"), std::string::npos) << workload;
  // A damaged checkpoint (cut short) is an InputError too, not a crash.
  bytes.resize(bytes.size() / 2);
  const std::string cut = refused(env_config("single"), ppo_config(), source);
  EXPECT_NE(cut.find("other.ck"), std::string::npos) << cut;
}

TEST(TrainCheckpoint, AnMlpEstimateSourceIsNotCheckpointable) {
  register_runtime_predictors();
  VecEnv envs(pool_source(), env_config("single", "mlp"), 1);
  EXPECT_FALSE(envs.checkpointable());
  auto trainer = make_trainer(envs, ppo_config());
  EXPECT_FALSE(trainer->checkpointable());
}

}  // namespace
}  // namespace clustersim::rl
