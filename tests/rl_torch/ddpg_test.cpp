// DDPG (policies/rl/ddpg.cpp): its pieces against hand-computed values, the trained model's
// save/load round trip, and whole trainings for determinism on a small hand-made workload.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "policies/rl/ddpg.hpp"
#include "policies/rl/torch_models.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"

namespace clustersim::rl {
namespace {

using clustersim::testing::job;
using clustersim::testing::pool;

void single_thread() { at::set_num_threads(1); }

// --- soft target update ---------------------------------------------------------------

TEST(DdpgSoftUpdate, MovesTheTargetTauOfTheWayEachCall) {
  single_thread();
  torch::nn::Linear target(3, 2), online(3, 2);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : target->parameters()) p.fill_(0);
    for (auto& p : online->parameters()) p.fill_(1);
  }
  // 0.75 x 0 + 0.25 x 1 = 0.25; then 0.75 x 0.25 + 0.25 x 1 = 0.4375 (exact in binary).
  ddpg::soft_update(*target, *online, 0.25);
  for (auto& p : target->parameters()) EXPECT_TRUE(torch::all(p == 0.25f).item<bool>());
  ddpg::soft_update(*target, *online, 0.25);
  for (auto& p : target->parameters()) EXPECT_TRUE(torch::all(p == 0.4375f).item<bool>());
  // The online module is read only.
  for (auto& p : online->parameters()) EXPECT_TRUE(torch::all(p == 1.0f).item<bool>());
}

// --- replay buffer ----------------------------------------------------------------------

// Transition i: obs = {i, -i}, next_obs = {i + 0.5, 0}, scores = {i, i, i}, reward i,
// mask = {1, i % 2, 0}, done when i is a multiple of 3.
void add_numbered(ddpg::ReplayBuffer& b, int i) {
  const float f = static_cast<float>(i);
  const float obs[2] = {f, -f}, next[2] = {f + 0.5f, 0}, scores[3] = {f, f, f};
  const uint8_t mask[3] = {1, static_cast<uint8_t>(i % 2), 0};
  b.add(obs, mask, scores, f, next, mask, i % 3 == 0);
}

TEST(DdpgReplayBuffer, RingOverwritesTheOldestEntryAtCapacity) {
  ddpg::ReplayBuffer b(4, 2, 3);
  EXPECT_EQ(b.capacity(), 4);
  EXPECT_EQ(b.size(), 0);
  for (int i = 0; i < 3; ++i) add_numbered(b, i);
  EXPECT_EQ(b.size(), 3);
  EXPECT_EQ(b.next_slot(), 3);
  for (int i = 3; i < 6; ++i) add_numbered(b, i);
  // Six adds into four slots: 4 and 5 replaced 0 and 1; the next add replaces 2.
  EXPECT_EQ(b.size(), 4);
  EXPECT_EQ(b.next_slot(), 2);
  const float expected[4] = {4, 5, 2, 3};
  for (int s = 0; s < 4; ++s) EXPECT_EQ(b.reward_at(s), expected[s]) << "slot " << s;
}

TEST(DdpgReplayBuffer, SamplesOnlyFilledEntriesWithTheirWholeTransition) {
  ddpg::ReplayBuffer b(10, 2, 3);
  for (int i = 0; i < 3; ++i) add_numbered(b, i);
  std::mt19937_64 rng(7);
  const ddpg::Batch batch = b.sample(300, rng);
  ASSERT_EQ(batch.obs.sizes(), (std::vector<int64_t>{300, 2}));
  ASSERT_EQ(batch.mask.sizes(), (std::vector<int64_t>{300, 3}));
  std::set<int> seen;
  for (int64_t r = 0; r < 300; ++r) {
    const float i = batch.reward[r].item<float>();
    seen.insert(static_cast<int>(i));
    // Every field of the row belongs to the same transition.
    EXPECT_EQ(batch.obs[r][0].item<float>(), i);
    EXPECT_EQ(batch.obs[r][1].item<float>(), -i);
    EXPECT_EQ(batch.next_obs[r][0].item<float>(), i + 0.5f);
    EXPECT_EQ(batch.scores[r][2].item<float>(), i);
    EXPECT_EQ(batch.mask[r][1].item<float>(), static_cast<float>(static_cast<int>(i) % 2));
    EXPECT_EQ(batch.next_mask[r][0].item<float>(), 1.0f);
    EXPECT_EQ(batch.done[r].item<float>(), static_cast<int>(i) % 3 == 0 ? 1.0f : 0.0f);
  }
  // Only the three filled slots, and (300 draws) each of them.
  EXPECT_EQ(seen, (std::set<int>{0, 1, 2}));
}

TEST(DdpgReplayBuffer, SamplingIsDeterministicForASeed) {
  ddpg::ReplayBuffer b(64, 2, 3);
  for (int i = 0; i < 50; ++i) add_numbered(b, i);
  std::mt19937_64 r1(42), r2(42), r3(43);
  const auto a = b.sample(32, r1).reward, same = b.sample(32, r2).reward, other = b.sample(32, r3).reward;
  EXPECT_TRUE(torch::equal(a, same));
  EXPECT_FALSE(torch::equal(a, other));
}

// --- critic target and action selection ------------------------------------------------

TEST(DdpgCriticTarget, HandComputedBootstrapStopsAtEpisodeEnds) {
  const auto r = torch::tensor({1.0f, -2.0f, 0.5f});
  const auto done = torch::tensor({0.0f, 1.0f, 0.0f});
  const auto q_next = torch::tensor({10.0f, 100.0f, -4.0f});
  // y = r + 0.9 (1 - done) q': 1 + 9 = 10; -2 (done: q' dropped); 0.5 - 3.6 = -3.1.
  const auto y = ddpg::critic_target(r, done, 0.9, q_next);
  EXPECT_FLOAT_EQ(y[0].item<float>(), 10.0f);
  EXPECT_FLOAT_EQ(y[1].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(y[2].item<float>(), -3.1f);
}

TEST(DdpgMaskedArgmax, NeverPicksAnInvalidSlotEvenWhenItScoresHigher) {
  const float scores[5] = {0.9f, -0.5f, 1.0f, 0.2f, 0.95f};
  const uint8_t mask[5] = {0, 1, 0, 1, 0};
  // The three highest scores (slots 2, 4, 0) are invalid; the best valid one is slot 3.
  EXPECT_EQ(ddpg::masked_argmax(scores, mask, 5), 3);
  const uint8_t none[5] = {0, 0, 0, 0, 0};
  EXPECT_EQ(ddpg::masked_argmax(scores, none, 5), -1);
  const float tied[3] = {0.5f, 0.5f, 0.5f};
  const uint8_t last_two[3] = {0, 1, 1};
  EXPECT_EQ(ddpg::masked_argmax(tied, last_two, 3), 1);  // ties: the lowest valid index

  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int trial = 0; trial < 1000; ++trial) {
    float s[8];
    uint8_t m[8];
    for (int k = 0; k < 8; ++k) {
      s[k] = u(rng);
      m[k] = static_cast<uint8_t>(rng() % 2);
    }
    m[rng() % 8] = 1;
    const int32_t a = ddpg::masked_argmax(s, m, 8);
    ASSERT_GE(a, 0);
    ASSERT_EQ(m[a], 1);
    for (int k = 0; k < 8; ++k)
      if (m[k]) {
        ASSERT_LE(s[k], s[a]);
      }
  }
}

// --- networks and the model file -------------------------------------------------------

// Two node-type-free cluster features, K = 6 slots of 4 features.
ObsLayout tiny_layout() { return ObsLayout{.cluster_dim = 2, .window = 6, .job_features = 4, .num_agents = 1}; }

TEST(DdpgNetworks, ActorIsPermutationEquivariantAndCriticSeesOnlyTheOrderOfValidScores) {
  single_thread();
  torch::manual_seed(5);
  const ObsLayout l = tiny_layout();
  ddpg::Actor actor(l, 16);
  ddpg::Critic critic(l, 16);
  const auto obs = torch::rand({3, l.obs_dim()});
  const auto scores = actor->forward(obs);
  ASSERT_EQ(scores.sizes(), (std::vector<int64_t>{3, 6}));
  EXPECT_TRUE(torch::all(scores.abs() <= 1).item<bool>());
  // Swapping slots 0 and 4 swaps their scores.
  auto swapped = obs.clone();
  const int64_t c = l.cluster_dim, f = l.job_features;
  swapped.narrow(1, c, f).copy_(obs.narrow(1, c + 4 * f, f));
  swapped.narrow(1, c + 4 * f, f).copy_(obs.narrow(1, c, f));
  const auto s2 = actor->forward(swapped);
  EXPECT_TRUE(torch::allclose(s2.select(1, 0), scores.select(1, 4)));
  EXPECT_TRUE(torch::allclose(s2.select(1, 4), scores.select(1, 0)));
  EXPECT_TRUE(torch::allclose(s2.select(1, 2), scores.select(1, 2)));
  // Q does not depend on the scores of masked-out slots.
  auto mask = torch::ones({3, 6});
  mask.select(1, 1).fill_(0);
  auto other = scores.clone();
  other.select(1, 1).fill_(-0.7f);
  EXPECT_TRUE(torch::equal(critic->forward(obs, mask, scores), critic->forward(obs, mask, other)));
  // Nor on a shift of every score (only their order picks the job).
  EXPECT_TRUE(torch::allclose(critic->forward(obs, mask, scores), critic->forward(obs, mask, scores - 0.3), 1e-5, 1e-6));
  // Its view of the scores: a softmax at temperature 0.1 over the valid slots, 0 elsewhere.
  const auto p = ddpg::choice_weights(torch::tensor({{0.0f, 0.1f, 5.0f}}), torch::tensor({{1.0f, 1.0f, 0.0f}}));
  const float e = std::exp(1.0f);  // (0.1 - 0) / 0.1 = 1
  EXPECT_NEAR(p[0][0].item<float>(), 1 / (1 + e), 1e-6);
  EXPECT_NEAR(p[0][1].item<float>(), e / (1 + e), 1e-6);
  EXPECT_EQ(p[0][2].item<float>(), 0.0f);
}

TEST(DdpgModel, SaveLoadRoundTripGivesIdenticalActions) {
  single_thread();
  torch::manual_seed(11);
  const ObsLayout l = tiny_layout();
  ModelMeta meta{.algo = "ddpg", .layout = l, .env = EnvConfig{}, .hidden = 16, .shared_actor = true};
  meta.env.window = l.window;
  ddpg::Actor actor(l, 16);
  auto model = ddpg::make_model(actor, ddpg::Critic(l, 16), meta, torch::kCPU);
  const std::string path = ::testing::TempDir() + "ddpg_round_trip.pt";
  model->save(path);
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->algo(), "ddpg");
  EXPECT_EQ(loaded->layout(), l);
  EXPECT_EQ(loaded->env_config().window, l.window);

  std::mt19937_64 rng(9);
  std::uniform_real_distribution<float> u(0, 1);
  int changed = 0, prev = -1;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> obs(static_cast<size_t>(l.obs_dim()));
    for (float& x : obs) x = u(rng);
    std::vector<uint8_t> mask(6);
    for (auto& m : mask) m = static_cast<uint8_t>(rng() % 2);
    mask[rng() % 6] = 1;
    const int32_t a = model->act(obs.data(), mask.data());
    ASSERT_EQ(loaded->act(obs.data(), mask.data()), a);
    ASSERT_EQ(mask[static_cast<size_t>(a)], 1);
    // The greedy action is the masked argmax of the actor's scores.
    torch::NoGradGuard no_grad;
    auto s = actor->forward(torch::from_blob(obs.data(), {1, l.obs_dim()})).contiguous();
    ASSERT_EQ(a, ddpg::masked_argmax(s.data_ptr<float>(), mask.data(), 6));
    changed += a != prev;
    prev = a;
  }
  EXPECT_GT(changed, 20);  // the observations do matter
  std::remove(path.c_str());
}

TEST(DdpgModel, RefusesSeveralAgents) {
  ObsLayout l = tiny_layout();
  l.num_agents = 2;
  ModelMeta meta{.algo = "ddpg", .layout = l, .env = EnvConfig{}, .hidden = 8, .shared_actor = true};
  torch::serialize::InputArchive archive;
  try {
    load_ddpg_model(archive, meta, torch::kCPU);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("single-agent"), std::string::npos) << e.what();
  }
}

// --- whole trainings ------------------------------------------------------------------------

// 40 jobs on a 4-core pool: one arrives every 7 s, needing 1-4 cores for 10-120 s.
std::shared_ptr<EpisodeSource> forty_jobs() {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.name = "forty";
  for (int i = 0; i < 40; ++i)
    s->workload.jobs.push_back(job(i + 1, 7 * i, 10 + (i * 37) % 111, 1 + (i * 5) % 4, 20 + (i * 53) % 150));
  s->cluster = pool(4);
  return s;
}

EnvConfig small_env() {
  EnvConfig c;
  c.window = 8;
  c.episode_jobs = 16;
  c.split = Split::All;
  return c;
}

TrainConfig small_train(uint64_t seed) {
  TrainConfig c;
  c.algo = "ddpg";
  c.seed = seed;
  c.total_steps = 600;
  c.num_envs = 2;
  c.hidden = 16;
  c.batch_size = 16;
  c.replay_size = 256;
  c.warmup_steps = 100;
  c.log_every = 100;
  c.noise_decay = 0.5;
  return c;
}

std::vector<UpdateRecord> train(VecEnv& envs, const TrainConfig& c, std::unique_ptr<TrainedModel>* model = nullptr) {
  auto trainer = make_trainer(envs, c);
  std::vector<UpdateRecord> out;
  while (!trainer->done()) out.push_back(trainer->train_step());
  if (model) *model = trainer->model();
  return out;
}

TEST(DdpgTrainer, SameSeedGivesTheSameCurveBitForBit) {
  single_thread();
  const auto src = forty_jobs();
  VecEnv e1(src, small_env(), 2), e2(src, small_env(), 2), e3(src, small_env(), 2);
  const auto a = train(e1, small_train(1)), b = train(e2, small_train(1)), c = train(e3, small_train(2));
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(b.size(), a.size());
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].steps, b[i].steps);
    EXPECT_EQ(a[i].episodes, b[i].episodes);
    // Bit for bit (NaN in the warm-up block on both sides).
    EXPECT_EQ(std::isnan(a[i].policy_loss), std::isnan(b[i].policy_loss));
    if (!std::isnan(a[i].policy_loss)) {
      EXPECT_EQ(a[i].policy_loss, b[i].policy_loss) << "record " << i;
      EXPECT_EQ(a[i].value_loss, b[i].value_loss) << "record " << i;
      differs |= a[i].value_loss != c[i].value_loss;
    }
    if (a[i].episodes > 0) {
      EXPECT_EQ(a[i].mean_return, b[i].mean_return);
    }
  }
  EXPECT_TRUE(differs) << "another seed should give another curve";
}

TEST(DdpgTrainer, RecordsFollowTheSchedule) {
  single_thread();
  VecEnv envs(forty_jobs(), small_env(), 2);
  const auto r = train(envs, small_train(3));
  ASSERT_EQ(r.size(), 6u);
  int64_t episodes = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].update, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(r[i].steps, 100 * static_cast<int64_t>(i + 1));  // 100 = 50 steps of 2 envs
    // sigma 0.2 halves after each record.
    EXPECT_DOUBLE_EQ(r[i].entropy, 0.2 * std::pow(0.5, static_cast<double>(i)));
    EXPECT_GE(r[i].wall_s, r[i].sim_s + r[i].update_s);
    if (i > 0) {
      EXPECT_GT(r[i].wall_s, r[i - 1].wall_s);
    }
    episodes += r[i].episodes;
    if (r[i].episodes > 0) {
      EXPECT_LT(r[i].mean_return, 0);         // -mean bsld
      EXPECT_GE(r[i].episode_metric, 1.0);    // a bounded slowdown is >= 1
      EXPECT_NEAR(r[i].mean_return, -r[i].episode_metric, 1e-5 * r[i].episode_metric);  // float rewards
    }
  }
  // The warm-up block (steps 0-100) makes no update; the others do.
  EXPECT_TRUE(std::isnan(r[0].policy_loss));
  EXPECT_EQ(r[0].update_s, 0);
  for (size_t i = 1; i < r.size(); ++i) {
    EXPECT_TRUE(std::isfinite(r[i].policy_loss));
    EXPECT_TRUE(std::isfinite(r[i].value_loss));
    EXPECT_GT(r[i].update_s, 0);
  }
  // 600 steps of 16-job episodes (16 steps each, or fewer when jobs are rejected).
  EXPECT_GE(episodes, 30);
}

TEST(DdpgTrainer, TrainedModelSurvivesSaveLoadOnRealObservations) {
  single_thread();
  VecEnv envs(forty_jobs(), small_env(), 2);
  std::unique_ptr<TrainedModel> model;
  train(envs, small_train(4), &model);
  const std::string path = ::testing::TempDir() + "ddpg_trained.pt";
  model->save(path);
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->env_config().episode_jobs, 16);
  SchedulingEnv env(forty_jobs(), small_env());
  env.reset(17);
  int steps = 0;
  while (!env.done()) {
    const int32_t a = model->act(env.obs().data(), env.mask().data());
    ASSERT_EQ(loaded->act(env.obs().data(), env.mask().data()), a);
    ASSERT_EQ(env.mask()[static_cast<size_t>(a)], 1);
    env.step(a);
    ++steps;
  }
  EXPECT_GT(steps, 0);
  std::remove(path.c_str());
}

// Groups of 8 jobs that each take the whole 4-core pool, arriving together every 100,000 s,
// with runtimes alternating 20,000 s and 1,000 s (estimates exact). A group's jobs run one at
// a time, so the order decides their mean JCT (in thousands of seconds):
//   FCFS (long, short, ...): ends 20, 21, 41, 42, 62, 63, 83, 84 -> 416 / 8 = 52
//   shortest first:          ends 1, 2, 3, 4, 24, 44, 64, 84     -> 226 / 8 = 28.25 (optimal)
//   longest first:           ends 20, 40, 60, 80, 81, 82, 83, 84 -> 530 / 8 = 66.25
std::shared_ptr<EpisodeSource> short_or_long() {
  auto s = std::make_shared<EpisodeSource>();
  s->workload.name = "short-or-long";
  for (int g = 0; g < 12; ++g)
    for (int i = 0; i < 8; ++i) {
      const int64_t runtime = i % 2 == 0 ? 20'000 : 1'000;
      s->workload.jobs.push_back(job(8 * g + i + 1, 100'000 * g, runtime, 4));
    }
  s->cluster = pool(4);
  return s;
}

double mean_jct(TrainedModel* model, const EnvConfig& ec, int episodes) {
  SchedulingEnv env(short_or_long(), ec);
  double sum = 0;
  for (int e = 0; e < episodes; ++e) {
    env.reset_at(8 * e);
    while (!env.done()) env.step(model ? model->act(env.obs().data(), env.mask().data()) : [&] {
      for (int32_t k = 0;; ++k)
        if (env.mask()[static_cast<size_t>(k)]) return k;  // FCFS: the first valid slot
    }());
    sum += env.stats().mean_jct_s;
  }
  return sum / episodes;
}

TEST(DdpgTrainer, LearnsToRunShortJobsFirst) {
  single_thread();
  EnvConfig ec;
  ec.window = 8;
  ec.episode_jobs = 16;
  ec.reward = "jct";  // dense: -(jobs in the system) x (time advanced), normalised
  ec.split = Split::All;
  // (Seeds 5-8 all reach exactly shortest-first, 28,250 s, in these 2,000 steps.)
  TrainConfig c = small_train(5);
  c.total_steps = 2000;
  c.num_envs = 4;
  c.hidden = 32;
  c.batch_size = 64;
  c.replay_size = 2000;
  c.warmup_steps = 400;
  c.log_every = 400;
  c.lr = 1e-3;
  c.noise_decay = 0.8;
  VecEnv envs(short_or_long(), ec, c.num_envs);
  std::unique_ptr<TrainedModel> model;
  train(envs, c, &model);
  const double fcfs = mean_jct(nullptr, ec, 10), learned = mean_jct(model.get(), ec, 10);
  EXPECT_DOUBLE_EQ(fcfs, 52'000);
  // A random order averages (8 x 84 + 84) / 16 = 47.25 (thousand s); demand most of the way
  // to shortest-first (28.25).
  EXPECT_LT(learned, 35'000);
}

TEST(DdpgTrainer, RefusesSeveralAgents) {
  single_thread();
  auto src = std::make_shared<EpisodeSource>(*forty_jobs());
  src->cluster = Cluster();
  src->cluster.add_nodes(src->cluster.add_node_type(NodeType{"a", Resources{4, 0, 0}, ""}), 1);
  src->cluster.add_nodes(src->cluster.add_node_type(NodeType{"b", Resources{4, 0, 0}, ""}), 1);
  EnvConfig ec = small_env();
  ec.agents = "per-type";
  VecEnv envs(src, ec, 1);
  EXPECT_THROW(make_trainer(envs, small_train(1)), InputError);
}

}  // namespace
}  // namespace clustersim::rl
