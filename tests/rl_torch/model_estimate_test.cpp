// A model trained with an estimate source (EnvConfig::estimate) records it in its metadata and
// the trained policy observes with the same source at run time; model files written before
// the key existed read as "requested".
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "policies/rl/rl_policy.hpp"
#include "policies/rl/torch_models.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"

namespace clustersim::rl {
namespace {

using clustersim::testing::job;
using clustersim::testing::pool;

std::shared_ptr<EpisodeSource> source() {
  auto s = std::make_shared<EpisodeSource>();
  std::mt19937_64 rng(5);
  for (int i = 0; i < 40; ++i) {
    const int64_t runtime = 30 + static_cast<int64_t>(rng() % 100);
    s->workload.jobs.push_back(job(i + 1, i * 10, runtime, 1 + static_cast<int32_t>(rng() % 4), runtime * 3));
  }
  s->cluster = pool(8);
  return s;
}

EnvConfig env_config(const std::string& estimate) {
  EnvConfig c;
  c.window = 8;
  c.episode_jobs = 16;
  c.split = Split::All;
  c.estimate = estimate;
  return c;
}

std::unique_ptr<TrainedModel> train_briefly(const EnvConfig& env) {
  TrainConfig c;
  c.num_envs = 2;
  c.hidden = 16;
  c.rollout = 32;
  c.epochs = 1;
  c.minibatches = 2;
  c.total_steps = 2 * 32;
  VecEnv envs(source(), env, c.num_envs);
  auto trainer = make_trainer(envs, c);
  while (!trainer->done()) trainer->train_step();
  return trainer->model();
}

TEST(ModelMeta, TheEstimateSourceRoundTrips) {
  torch::set_num_threads(1);
  auto model = train_briefly(env_config("runtime"));
  EXPECT_EQ(model->env_config().estimate, "runtime");
  const std::string path = ::testing::TempDir() + "model_estimate.pt";
  model->save(path);
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->env_config().estimate, "runtime");
  // The trained policy schedules a whole workload with it.
  Engine e(pool(8), source()->workload.jobs);
  TrainedPolicy policy(std::shared_ptr<TrainedModel>(std::move(loaded)), "ppo");
  e.run(policy);
  EXPECT_EQ(e.unfinished_count(), 0);
  std::filesystem::remove(path);
}

TEST(ModelMeta, AFileWithoutTheKeyReadsAsRequested) {
  // The metadata as write_meta wrote it before meta/env_estimate existed.
  auto ints = [](std::vector<int64_t> v) { return torch::tensor(v, torch::kInt64); };
  auto text = [&](const std::string& s) { return ints(std::vector<int64_t>(s.begin(), s.end())); };
  torch::serialize::OutputArchive out;
  out.write("meta/version", ints({1}));
  out.write("meta/algo", text("ppo"));
  out.write("meta/layout", ints({5, 8, 7, 1}));
  out.write("meta/env", ints({8, 16, 16, 1}));
  out.write("meta/env_reward", text("bsld"));
  out.write("meta/env_agents", text("single"));
  out.write("meta/env_mix", torch::tensor(std::vector<double>{1, 1}, torch::kFloat64));
  const std::string path = ::testing::TempDir() + "model_meta_v1.pt";
  out.save_to(path);
  torch::serialize::InputArchive in;
  in.load_from(path);
  const ModelMeta meta = read_meta(in, path);
  EXPECT_EQ(meta.env.estimate, "requested");
  EXPECT_EQ(meta.env.agents, "single");
  std::filesystem::remove(path);
}

// `clustersim run --policy ppo` makes the decisions of the environment's greedy episode: the
// policy observes with the model's source, as the environment did in training.
TEST(ModelMeta, TheTrainedPolicyObservesWithTheModelsSource) {
  torch::set_num_threads(1);
  std::shared_ptr<TrainedModel> model = train_briefly(env_config("runtime"));
  EnvConfig c = env_config("runtime");
  c.episode_jobs = 40;  // the whole workload
  SchedulingEnv env(source(), c);
  env.reset_at(0);
  while (!env.done()) env.step(model->act(env.obs().data(), env.mask().data()));
  Engine e(pool(8), source()->workload.jobs);
  TrainedPolicy policy(model, "ppo");
  e.run(policy);
  for (size_t i = 0; i < e.num_jobs(); ++i)
    EXPECT_EQ(e.records()[i].first_start, env.view().records()[i].first_start) << "job " << i;
}

}  // namespace
}  // namespace clustersim::rl
