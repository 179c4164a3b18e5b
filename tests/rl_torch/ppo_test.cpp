// PPO / MAPPO (policies/rl/nets.hpp, ppo.cpp): GAE and the clipped loss against numbers worked
// out by hand (in the comments), the masked slot-scoring actor, model files, and short
// training runs on a hand-made workload (determinism, the last update's length, MAPPO).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "policies/rl/nets.hpp"
#include "policies/rl/torch_models.hpp"
#include "sim/error.hpp"
#include "sources.hpp"
#include "support/builders.hpp"

namespace clustersim::rl {
namespace {

using clustersim::testing::job;
using clustersim::testing::pool;

// 3 cluster features, 6 slots of 4 features, 2 agents: obs_dim = 3 + 24 + 2 = 29.
const ObsLayout kLayout{.cluster_dim = 3, .window = 6, .job_features = 4, .num_agents = 2};

// Random observations with some empty (all-zero) slots and a one-hot for a random agent, and
// masks with at least one valid slot per row (valid slots are present ones).
struct Batch {
  torch::Tensor obs, mask, agent;
};
Batch random_batch(const ObsLayout& l, int64_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-3, 3);
  std::bernoulli_distribution coin(0.5);
  Batch b{torch::zeros({rows, l.obs_dim()}), torch::zeros({rows, l.window}, torch::kBool),
          torch::zeros({rows}, torch::kLong)};
  auto o = b.obs.accessor<float, 2>();
  auto m = b.mask.accessor<bool, 2>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int32_t c = 0; c < l.cluster_dim; ++c) o[r][c] = u(rng);
    bool any = false;
    for (int32_t k = 0; k < l.window; ++k) {
      if (k > 0 && coin(rng)) continue;  // empty slot (slot 0 is always present)
      for (int32_t f = 0; f < l.job_features; ++f) o[r][l.cluster_dim + k * l.job_features + f] = u(rng);
      m[r][k] = k == 0 ? false : coin(rng);
      any = any || m[r][k];
    }
    if (!any) m[r][0] = true;
    if (l.num_agents > 1) {
      const int64_t a = static_cast<int64_t>(rng() % static_cast<uint64_t>(l.num_agents));
      o[r][l.state_dim() + a] = 1;
      b.agent[r] = a;
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// GAE

TEST(Gae, MatchesAHandComputedRolloutWithAnEpisodeEndInTheMiddle) {
  // gamma 0.9, lambda 0.8 (gamma lambda = 0.72), T = 4 steps, two environments.
  // Env 0: r = 1 2 3 4, V = 0.5 1 1.5 2, done at t = 1, V(after the last step) = 3.
  //   t=3: delta = 4 + 0.9 x 3 - 2 = 4.7                  A3 = 4.7
  //   t=2: delta = 3 + 0.9 x 2 - 1.5 = 3.3                A2 = 3.3 + 0.72 x 4.7 = 6.684
  //   t=1: done: delta = 2 - 1 = 1 (no next value)       A1 = 1 (A2 does not flow back)
  //   t=0: delta = 1 + 0.9 x 1 - 0.5 = 1.4                A0 = 1.4 + 0.72 x 1 = 2.12
  // Env 1: r = 0 0 0 1, V = 0, done at the last step: the bootstrap value 5 is cut.
  //   A3 = 1, A2 = 0.72, A1 = 0.72^2 = 0.5184, A0 = 0.72^3 = 0.373248
  auto rewards = torch::tensor({1.f, 0.f, 2.f, 0.f, 3.f, 0.f, 4.f, 1.f}).view({4, 2});
  auto values = torch::tensor({0.5f, 0.f, 1.f, 0.f, 1.5f, 0.f, 2.f, 0.f}).view({4, 2});
  auto dones = torch::tensor({0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 0.f, 1.f}).view({4, 2});
  auto last = torch::tensor({3.f, 5.f});
  auto adv = compute_gae(rewards, values, dones, last, 0.9, 0.8);
  ASSERT_EQ(adv.sizes(), rewards.sizes());
  const float expected[4][2] = {{2.12f, 0.373248f}, {1.f, 0.5184f}, {6.684f, 0.72f}, {4.7f, 1.f}};
  for (int t = 0; t < 4; ++t)
    for (int e = 0; e < 2; ++e) EXPECT_NEAR(adv[t][e].item<float>(), expected[t][e], 1e-5) << t << "," << e;
}

TEST(Gae, LambdaOneWithoutDiscountIsReturnToGoMinusValue) {
  // gamma = lambda = 1, no done: A_t = r_t + ... + r_{T-1} + V_T - V_t.
  // r = 1 2 3, V = 10 20 30, V_T = 4: A2 = 3 + 4 - 30 = -23, A1 = 2 + 3 + 4 - 20 = -11,
  // A0 = 1 + 2 + 3 + 4 - 10 = 0.
  auto adv = compute_gae(torch::tensor({1.f, 2.f, 3.f}).view({3, 1}),
                         torch::tensor({10.f, 20.f, 30.f}).view({3, 1}), torch::zeros({3, 1}),
                         torch::tensor({4.f}), 1.0, 1.0);
  EXPECT_NEAR(adv[0][0].item<float>(), 0, 1e-5);
  EXPECT_NEAR(adv[1][0].item<float>(), -11, 1e-5);
  EXPECT_NEAR(adv[2][0].item<float>(), -23, 1e-5);
}

// ---------------------------------------------------------------------------------------------
// The PPO loss

struct LossCase {
  torch::Tensor logits, mask, actions, old_logp, adv, returns, old_values, values;
};
// Two samples, three actions.
//   Sample 0: logits 0 0 0, all valid: p = 1/3 each. Action 0, old p = 1/2: ratio = 2/3,
//     A = +1: min(2/3, clip(2/3) = 0.8) = 2/3.
//   Sample 1: logits ln 2, 0, masked: p = 2/3, 1/3, 0. Action 1, old p = 1/4: ratio = 4/3,
//     A = -2: min(-8/3, 1.2 x -2 = -2.4) = -8/3.
//   policy loss = -(2/3 - 8/3) / 2 = 1.
//   entropy: ln 3 = 1.0986123 and -(2/3 ln 2/3 + 1/3 ln 1/3) = 0.6365142; mean 0.8675632.
//   approx_kl = mean(old - new) = (ln 1.5 + ln 0.75) / 2 = ln(1.125) / 2 = 0.0588915.
//   values: old 1, 0; new 2, -0.25; returns 3, 1. value_clip 0.5:
//     sample 0: unclipped (2-3)^2 = 1, clipped V = 1 + 0.5 = 1.5: (1.5-3)^2 = 2.25 -> 2.25
//     sample 1: change -0.25 is inside the clip range: (-1.25)^2 = 1.5625 both
//     value loss = 0.5 x (2.25 + 1.5625) / 2 = 0.953125; without clipping 0.5 x 2.5625 / 2 = 0.640625
LossCase hand_case() {
  LossCase c;
  c.logits = torch::tensor({0.f, 0.f, 0.f, std::log(2.f), 0.f, static_cast<float>(kMaskedLogit)})
                 .view({2, 3})
                 .requires_grad_(true);
  c.mask = torch::tensor({true, true, true, true, true, false}).view({2, 3});
  c.actions = torch::tensor({int64_t{0}, int64_t{1}});
  c.old_logp = torch::tensor({std::log(0.5f), std::log(0.25f)});
  c.adv = torch::tensor({1.f, -2.f});
  c.returns = torch::tensor({3.f, 1.f});
  c.old_values = torch::tensor({1.f, 0.f});
  c.values = torch::tensor({2.f, -0.25f}).requires_grad_(true);
  return c;
}

TEST(PpoLoss, MatchesHandComputedClippedSurrogateValueAndEntropy) {
  LossCase c = hand_case();
  TrainConfig cfg;
  cfg.clip = 0.2;
  cfg.value_clip = 0.5;
  cfg.value_coef = 0.5;
  cfg.entropy_coef = 0.01;
  PpoLoss l = ppo_loss(c.logits, c.mask, c.actions, c.old_logp, c.adv, c.returns, c.old_values, c.values, cfg);
  EXPECT_NEAR(l.policy.item<double>(), 1.0, 1e-5);
  EXPECT_NEAR(l.entropy.item<double>(), 0.8675632, 1e-5);
  EXPECT_NEAR(l.approx_kl.item<double>(), 0.0588915, 1e-5);
  EXPECT_NEAR(l.value.item<double>(), 0.953125, 1e-6);
  // total = 1 + 0.5 x 0.953125 - 0.01 x 0.8675632 = 1.4678869
  EXPECT_NEAR(l.total.item<double>(), 1.4678869, 1e-5);
  EXPECT_NEAR(l.clip_fraction.item<double>(), 1.0, 1e-6);  // |2/3 - 1| and |4/3 - 1| > 0.2

  // Gradients are finite, and the masked logit gets none.
  l.total.backward();
  EXPECT_TRUE(torch::isfinite(c.logits.grad()).all().item<bool>());
  EXPECT_EQ(c.logits.grad()[1][2].item<float>(), 0.0f);
  // d value / d V: sample 0 is on the clipped branch (constant in V): 0; sample 1:
  // 0.5 x 0.5 x 2 x (-1.25) / 2 = -0.3125 (value_coef x 0.5 x d(err^2)/dV / batch).
  EXPECT_NEAR(c.values.grad()[0].item<float>(), 0.0f, 1e-6);
  EXPECT_NEAR(c.values.grad()[1].item<float>(), -0.3125f, 1e-6);
}

TEST(PpoLoss, NoValueClippingWhenValueClipIsZero) {
  LossCase c = hand_case();
  TrainConfig cfg;
  cfg.value_clip = 0;
  PpoLoss l = ppo_loss(c.logits, c.mask, c.actions, c.old_logp, c.adv, c.returns, c.old_values, c.values, cfg);
  EXPECT_NEAR(l.value.item<double>(), 0.640625, 1e-6);
}

// ---------------------------------------------------------------------------------------------
// Networks

TEST(SlotScorer, GivesInvalidSlotsZeroProbabilityAndValidOnesFiniteLogProbabilities) {
  torch::set_num_threads(1);
  torch::manual_seed(3);
  for (bool shared : {true, false}) {
    PolicyNet policy(kLayout, 16, shared);
    Batch b = random_batch(kLayout, 256, 11);
    b.obs = b.obs * 100;  // large inputs saturate tanh but must not leak mass to masked slots
    torch::NoGradGuard no_grad;
    auto logp = torch::log_softmax(policy(b.obs, b.mask, b.agent), -1);
    auto p = logp.exp();
    EXPECT_TRUE(torch::isfinite(logp).all().item<bool>());
    EXPECT_LE(p.masked_select(b.mask.logical_not()).max().item<float>(), 1e-30f);
    EXPECT_NEAR((p * b.mask).sum(-1).min().item<float>(), 1.0f, 1e-5);
  }
}

TEST(SlotScorer, PermutingTheWindowPermutesTheLogits) {
  torch::manual_seed(4);
  SlotScorer actor(kLayout, 16, true);
  Batch b = random_batch(kLayout, 8, 12);
  b.mask.fill_(true);
  const std::vector<int64_t> perm = {3, 0, 5, 1, 4, 2};
  auto permuted = b.obs.clone();
  for (int k = 0; k < kLayout.window; ++k)
    permuted.narrow(1, kLayout.cluster_dim + k * kLayout.job_features, kLayout.job_features)
        .copy_(b.obs.narrow(1, kLayout.cluster_dim + perm[k] * kLayout.job_features, kLayout.job_features));
  torch::NoGradGuard no_grad;
  auto logits = actor(b.obs, b.mask);
  auto logits_permuted = actor(permuted, b.mask);
  for (int k = 0; k < kLayout.window; ++k)
    EXPECT_TRUE(torch::allclose(logits_permuted.select(1, k), logits.select(1, perm[k]), 1e-5, 1e-6));
}

TEST(PolicyNet, SeparateActorsScoreEachRowWithItsAgentsActor) {
  torch::manual_seed(5);
  PolicyNet policy(kLayout, 16, /*shared=*/false);
  Batch b = random_batch(kLayout, 32, 13);
  torch::NoGradGuard no_grad;
  auto logits = policy(b.obs, b.mask, b.agent);
  auto by0 = policy->forward_agent(b.obs, b.mask, 0), by1 = policy->forward_agent(b.obs, b.mask, 1);
  EXPECT_FALSE(torch::allclose(by0, by1));
  for (int64_t r = 0; r < 32; ++r)
    EXPECT_TRUE(torch::equal(logits[r], (b.agent[r].item<int64_t>() == 0 ? by0 : by1)[r])) << r;
}

TEST(StateCritic, IgnoresTheAgentOneHotAndEmptySlotOrder) {
  torch::manual_seed(6);
  StateCritic critic(kLayout, 16);
  Batch b = random_batch(kLayout, 16, 14);
  torch::NoGradGuard no_grad;
  auto v = critic(b.obs);
  ASSERT_EQ(v.sizes(), torch::IntArrayRef({16}));
  auto other_agent = b.obs.clone();
  other_agent.narrow(1, kLayout.state_dim(), kLayout.num_agents).fill_(0);
  EXPECT_TRUE(torch::equal(critic(other_agent), v));  // the centralised critic sees the state only
  // Swapping the first two slots (a set function of the slots): same value.
  auto swapped = b.obs.clone();
  const int64_t c = kLayout.cluster_dim, f = kLayout.job_features;
  swapped.narrow(1, c, f).copy_(b.obs.narrow(1, c + f, f));
  swapped.narrow(1, c + f, f).copy_(b.obs.narrow(1, c, f));
  EXPECT_TRUE(torch::allclose(critic(swapped), v, 1e-5, 1e-6));
}

TEST(SlotScorer, LearnsToPickTheSlotWithTheLargestFirstFeature) {
  // An obvious pattern: advantage +1 for choosing the slot whose job feature 0 is largest,
  // -1 otherwise. A few hundred on-policy PPO steps make the greedy choice right.
  torch::set_num_threads(1);
  torch::manual_seed(7);
  const ObsLayout l{.cluster_dim = 2, .window = 6, .job_features = 3, .num_agents = 1};
  PolicyNet policy(l, 16, true);
  torch::optim::Adam opt(policy->parameters(), torch::optim::AdamOptions(3e-3));
  TrainConfig cfg;
  cfg.entropy_coef = 0;
  auto best_slot = [&](const Batch& b) {
    auto first = b.obs.narrow(1, l.cluster_dim, l.window * l.job_features).view({-1, l.window, l.job_features}).select(2, 0);
    return first.masked_fill(b.mask.logical_not(), -1e9).argmax(1);
  };
  for (int it = 0; it < 300; ++it) {
    Batch b = random_batch(l, 64, 100 + static_cast<uint64_t>(it));
    torch::Tensor action, old_logp;
    {
      torch::NoGradGuard no_grad;
      auto logp_all = torch::log_softmax(policy(b.obs, b.mask, b.agent), -1);
      action = torch::multinomial(logp_all.exp(), 1).squeeze(1);
      old_logp = logp_all.gather(1, action.unsqueeze(1)).squeeze(1);
    }
    auto adv = (action == best_slot(b)).to(torch::kFloat) * 2 - 1;
    auto zeros = torch::zeros({64});
    auto loss = ppo_loss(policy(b.obs, b.mask, b.agent), b.mask, action, old_logp, adv, zeros, zeros, zeros, cfg);
    opt.zero_grad();
    loss.total.backward();
    opt.step();
  }
  Batch test = random_batch(l, 500, 9);
  torch::NoGradGuard no_grad;
  auto greedy = policy(test.obs, test.mask, test.agent).argmax(1);
  const double accuracy = (greedy == best_slot(test)).to(torch::kFloat).mean().item<double>();
  EXPECT_GT(accuracy, 0.9);
}

// ---------------------------------------------------------------------------------------------
// Model files

TEST(PpoModel, SaveLoadRoundTripGivesIdenticalActions) {
  torch::manual_seed(8);
  for (bool shared : {true, false}) {
    ModelMeta meta;
    meta.algo = "ppo";
    meta.layout = kLayout;
    meta.env.window = kLayout.window;
    meta.env.agents = "per-type";
    meta.hidden = 16;
    meta.shared_actor = shared;
    PolicyNet policy(kLayout, 16, shared);
    StateCritic critic(kLayout, 16);
    auto model = make_ppo_model(meta, policy, critic, torch::kCPU);
    const std::string path = ::testing::TempDir() + "ppo_round_trip_" + (shared ? "shared" : "separate") + ".pt";
    model->save(path);
    auto loaded = load_model(path);
    EXPECT_EQ(loaded->algo(), "ppo");
    EXPECT_EQ(loaded->layout(), kLayout);
    EXPECT_EQ(loaded->env_config().agents, "per-type");

    Batch b = random_batch(kLayout, 300, 15);
    torch::NoGradGuard no_grad;
    auto greedy = policy(b.obs, b.mask, b.agent).argmax(1);
    std::vector<uint8_t> mask(static_cast<size_t>(kLayout.window));
    for (int64_t r = 0; r < 300; ++r) {
      auto row = b.obs[r].contiguous();
      for (int32_t k = 0; k < kLayout.window; ++k) mask[static_cast<size_t>(k)] = b.mask[r][k].item<bool>() ? 1 : 0;
      const int32_t a = model->act(row.data_ptr<float>(), mask.data());
      EXPECT_EQ(a, greedy[r].item<int64_t>()) << "row " << r;
      EXPECT_EQ(loaded->act(row.data_ptr<float>(), mask.data()), a) << "row " << r;
      EXPECT_EQ(mask[static_cast<size_t>(a)], 1);
    }
    std::filesystem::remove(path);
  }
}

TEST(PpoModel, AFileWithoutTheNetworksIsAnInputErrorNamingTheFile) {
  ModelMeta meta;
  meta.algo = "ppo";
  meta.layout = kLayout;
  meta.hidden = 16;
  torch::serialize::OutputArchive archive;
  write_meta(archive, meta);
  const std::string path = ::testing::TempDir() + "ppo_meta_only.pt";
  archive.save_to(path);
  try {
    load_model(path);
    ADD_FAILURE() << "loaded a model without networks";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

// ---------------------------------------------------------------------------------------------
// Training on a hand-made workload: 40 jobs on a 64-core pool, 16-job episodes, window 8.

std::shared_ptr<EpisodeSource> small_source() { return testing::pool_source("ppo-test", 40, 42); }
std::shared_ptr<EpisodeSource> two_type_source() { return testing::two_type_source("ppo-test-two-types"); }

EnvConfig small_env(const std::string& agents = "single") {
  EnvConfig c;
  c.window = 8;
  c.episode_jobs = 16;
  c.split = Split::All;
  c.agents = agents;
  return c;
}

TrainConfig small_train(uint64_t seed) {
  TrainConfig c;
  c.seed = seed;
  c.num_envs = 2;
  c.hidden = 16;
  c.rollout = 32;
  c.epochs = 2;
  c.minibatches = 2;
  c.total_steps = 3 * 2 * 32;
  return c;
}

std::vector<UpdateRecord> train(const std::shared_ptr<EpisodeSource>& source, const EnvConfig& env,
                                const TrainConfig& cfg, std::unique_ptr<TrainedModel>* model = nullptr) {
  VecEnv envs(source, env, cfg.num_envs);
  auto trainer = make_trainer(envs, cfg);
  std::vector<UpdateRecord> records;
  while (!trainer->done()) records.push_back(trainer->train_step());
  if (model) *model = trainer->model();
  return records;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

TEST(PpoTrainer, SameSeedGivesTheSameCurveBitForBitAndAnotherSeedDoesNot) {
  torch::set_num_threads(1);
  const auto source = small_source();
  const auto a = train(source, small_env(), small_train(1));
  const auto b = train(source, small_env(), small_train(1));
  const auto c = train(source, small_env(), small_train(2));
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), a.size());
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].update, static_cast<int64_t>(i));
    EXPECT_EQ(a[i].steps, static_cast<int64_t>(i + 1) * 64);
    EXPECT_EQ(a[i].episodes, b[i].episodes);
    EXPECT_TRUE(same(a[i].mean_return, b[i].mean_return)) << i;
    EXPECT_TRUE(same(a[i].episode_metric, b[i].episode_metric)) << i;
    EXPECT_EQ(a[i].policy_loss, b[i].policy_loss) << i;
    EXPECT_EQ(a[i].value_loss, b[i].value_loss) << i;
    EXPECT_EQ(a[i].entropy, b[i].entropy) << i;
    EXPECT_EQ(a[i].approx_kl, b[i].approx_kl) << i;
    EXPECT_TRUE(std::isfinite(a[i].policy_loss) && std::isfinite(a[i].value_loss));
    EXPECT_GT(a[i].entropy, 0);
    EXPECT_GT(a[i].steps_per_s, 0);
    EXPECT_GE(a[i].wall_s, a[i].sim_s + a[i].inference_s + a[i].update_s - 1e-9);
    differs = differs || a[i].policy_loss != c[i].policy_loss || a[i].value_loss != c[i].value_loss;
  }
  EXPECT_TRUE(differs);
  int64_t episodes = 0;
  for (const auto& r : a) episodes += r.episodes;
  EXPECT_GT(episodes, 0);  // 192 steps of 16-job episodes finish some
}

TEST(PpoTrainer, ShortensTheLastRolloutToStopNearTotalSteps) {
  torch::set_num_threads(1);
  TrainConfig cfg = small_train(1);
  cfg.total_steps = 101;  // 64, then ceil(37 / 2) = 19 steps per env: 38 more
  const auto records = train(small_source(), small_env(), cfg);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].steps, 64);
  EXPECT_EQ(records[1].steps, 102);
}

TEST(PpoTrainer, RejectsAnInvalidConfig) {
  VecEnv envs(small_source(), small_env(), 1);
  TrainConfig cfg = small_train(1);
  cfg.minibatches = 0;
  EXPECT_THROW(make_ppo_trainer(envs, cfg), InputError);
}

// Greedy actions of `a` and `b` along an episode (driven by `a`'s choices) agree.
void expect_same_actions(TrainedModel& a, TrainedModel& b, const std::shared_ptr<EpisodeSource>& source,
                         const EnvConfig& cfg) {
  SchedulingEnv env(source, cfg);
  env.reset(5);
  int steps = 0;
  while (!env.done()) {
    const int32_t x = a.act(env.obs().data(), env.mask().data());
    ASSERT_EQ(b.act(env.obs().data(), env.mask().data()), x) << "step " << steps;
    ASSERT_EQ(env.mask()[static_cast<size_t>(x)], 1);
    env.step(x);
    ++steps;
  }
  EXPECT_GT(steps, 0);
}

TEST(PpoTrainer, TrainedModelSurvivesSaveAndLoad) {
  torch::set_num_threads(1);
  const auto source = small_source();
  std::unique_ptr<TrainedModel> model;
  train(source, small_env(), small_train(3), &model);
  const std::string path = ::testing::TempDir() + "ppo_trained.pt";
  model->save(path);
  auto loaded = load_model(path);
  expect_same_actions(*model, *loaded, source, small_env());
  std::filesystem::remove(path);
}

TEST(Mappo, TrainsOneActorPerNodeTypeAndRoundTrips) {
  torch::set_num_threads(1);
  const auto source = two_type_source();
  for (bool shared : {true, false}) {
    TrainConfig cfg = small_train(4);
    cfg.shared_actor = shared;
    std::unique_ptr<TrainedModel> model;
    const auto records = train(source, small_env("per-type"), cfg, &model);
    ASSERT_EQ(records.size(), 3u);
    for (const auto& r : records) EXPECT_TRUE(std::isfinite(r.policy_loss) && std::isfinite(r.value_loss));
    EXPECT_EQ(model->layout().num_agents, 2);
    const std::string path = ::testing::TempDir() + "mappo_trained.pt";
    model->save(path);
    auto loaded = load_model(path);
    expect_same_actions(*model, *loaded, source, small_env("per-type"));
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace clustersim::rl
