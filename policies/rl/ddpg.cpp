// DDPG (Lillicrap et al., "Continuous control with deep reinforcement learning", ICLR 2016)
// for job selection: the networks, the replay buffer, the trainer, the trained model and its
// loader.
//
// Formulation. The action space of the scheduling environment is discrete (a window slot), so
// DDPG acts in a continuous proxy: the action is a vector of K scores in [-1, 1], one per
// window slot, and the environment action is the highest-scoring VALID slot (the mask).
//   actor   mu(s): a per-slot MLP over [job features of slot k, cluster features] -> tanh
//           score (2 hidden layers of width `hidden`); permutation-equivariant in the slots.
//   critic  Q(s, a): a per-slot MLP over [job features_k, cluster features, p_k, m_k]
//           -> embedding, mean-pooled over the K slots, concatenated with the cluster
//           features -> MLP -> scalar; m = the mask and p = softmax(a / 0.1) over the valid
//           slots (0 elsewhere), a soft version of the job the scores start.
//           Why p rather than the raw a_k: the job started depends only on the order of the
//           valid scores. With raw scores the critic extrapolates to "all scores higher is
//           better", the actor drives every score into tanh saturation (all ~ +1) and the
//           gradient that orders them vanishes (seen on a shortest-job-first toy: the learned
//           policy became longest-first). p is invariant to adding a constant to all scores
//           and to the scores of invalid slots, so the actor's gradient only reorders slots.
//   replay  a preallocated ring of (obs, mask, a, r, next_obs, next_mask, done) holding
//           replay_size transitions, sampled uniformly with a seeded std::mt19937_64.
//   targets a target actor and a target critic, copies at the start, moved after each
//           gradient update by theta' <- tau theta + (1 - tau) theta'.
//   update  critic: MSE to y = r + gamma (1 - done) Q'(s', m', mu'(s')) (Adam, critic_lr);
//           actor: -Q(s, m, mu(s)).mean() (Adam, lr). A done transition's next observation
//           is already the next episode's first one (VecEnv auto-resets); (1 - done) drops it.
//   explore during the first warmup_steps steps the scores are uniform in [-1, 1] (a random
//           valid job); afterwards Gaussian noise N(0, sigma) is added to the actor's scores,
//           which are then clipped to [-1, 1]. sigma starts at noise_sigma and is multiplied
//           by noise_decay after each block of log_every steps (one train_step()).
//   schedule one train_step() runs log_every environment steps (a VecEnv step is num_envs
//           steps, so a block may overshoot by up to num_envs - 1). Each VecEnv step in which
//           the actor acted (not a warm-up step) is followed by updates_per_step gradient
//           updates, once the buffer holds a batch. The trainer resets the VecEnv with `seed`.
// Records: policy_loss / value_loss = mean actor / critic loss over the block's updates (NaN
// when none), entropy = the exploration sigma used in the block (DDPG has no policy entropy),
// approx_kl = NaN. Determinism: torch::manual_seed(seed) before building the networks and
// one std::mt19937_64(seed) for warm-up scores, noise and sampling: the same configuration
// gives the same curve bit for bit on one thread.
#include "policies/rl/ddpg.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "policies/rl/torch_models.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {
namespace ddpg {
namespace {

namespace nn = torch::nn;

// The per-slot input [B, K, job_features + cluster_dim]: each slot's features next to the
// cluster's.
torch::Tensor per_slot_input(const ObsLayout& l, const torch::Tensor& obs) {
  const int64_t b = obs.size(0);
  auto cluster = obs.narrow(1, 0, l.cluster_dim);
  auto jobs = obs.narrow(1, l.cluster_dim, int64_t{l.window} * l.job_features)
                  .reshape({b, l.window, l.job_features});
  return torch::cat({jobs, cluster.unsqueeze(1).expand({b, l.window, l.cluster_dim})}, 2);
}

// DDPG's output layers start near zero (uniform +-3e-3, Lillicrap et al. section 7) so that
// tanh starts unsaturated and Q starts near 0.
void init_small(nn::Linear& layer) {
  torch::NoGradGuard no_grad;
  layer->weight.uniform_(-3e-3, 3e-3);
  layer->bias.uniform_(-3e-3, 3e-3);
}

}  // namespace

torch::Tensor choice_weights(const torch::Tensor& scores, const torch::Tensor& mask) {
  // -1e9 rather than -inf: a row without a valid slot gives zeros, not NaN.
  auto logits = (scores / kScoreTemperature).masked_fill(mask == 0, -1e9);
  return torch::softmax(logits, 1) * mask;
}

ActorImpl::ActorImpl(const ObsLayout& l, int32_t h) : layout(l), hidden(h) { reset(); }

void ActorImpl::reset() {
  nn::Linear out(hidden, 1);
  init_small(out);
  net = register_module("net", nn::Sequential(nn::Linear(layout.job_features + layout.cluster_dim, hidden),
                                              nn::ReLU(), nn::Linear(hidden, hidden), nn::ReLU(), out));
}

torch::Tensor ActorImpl::forward(const torch::Tensor& obs) {
  return torch::tanh(net->forward(per_slot_input(layout, obs)).squeeze(-1));
}

CriticImpl::CriticImpl(const ObsLayout& l, int32_t h) : layout(l), hidden(h) { reset(); }

void CriticImpl::reset() {
  slot_net = register_module(
      "slot_net", nn::Sequential(nn::Linear(layout.job_features + layout.cluster_dim + 2, hidden),
                                 nn::ReLU(), nn::Linear(hidden, hidden), nn::ReLU()));
  nn::Linear out(hidden, 1);
  init_small(out);
  head = register_module("head", nn::Sequential(nn::Linear(hidden + layout.cluster_dim, hidden),
                                                nn::ReLU(), out));
}

torch::Tensor CriticImpl::forward(const torch::Tensor& obs, const torch::Tensor& mask,
                                  const torch::Tensor& scores) {
  auto m = mask.to(obs.scalar_type());
  auto p = choice_weights(scores, m);
  auto x = torch::cat({per_slot_input(layout, obs), p.unsqueeze(2), m.unsqueeze(2)}, 2);
  auto pooled = slot_net->forward(x).mean(1);
  auto cluster = obs.narrow(1, 0, layout.cluster_dim);
  return head->forward(torch::cat({pooled, cluster}, 1)).squeeze(-1);
}

Batch Batch::to(torch::Device device) const {
  return {obs.to(device),      mask.to(device),      scores.to(device), reward.to(device),
          next_obs.to(device), next_mask.to(device), done.to(device)};
}

ReplayBuffer::ReplayBuffer(int64_t capacity, int32_t obs_dim, int32_t num_actions)
    : capacity_(capacity), obs_dim_(obs_dim), k_(num_actions) {
  if (capacity < 1) throw InputError("ddpg: replay_size must be at least 1, got " + std::to_string(capacity));
  auto f = torch::TensorOptions().dtype(torch::kFloat32);
  obs_ = torch::zeros({capacity, obs_dim}, f);
  next_obs_ = torch::zeros({capacity, obs_dim}, f);
  mask_ = torch::zeros({capacity, num_actions}, torch::kUInt8);
  next_mask_ = torch::zeros({capacity, num_actions}, torch::kUInt8);
  scores_ = torch::zeros({capacity, num_actions}, f);
  reward_ = torch::zeros({capacity}, f);
  done_ = torch::zeros({capacity}, f);
}

void ReplayBuffer::add(const float* obs, const uint8_t* mask, const float* scores, float reward,
                       const float* next_obs, const uint8_t* next_mask, bool done) {
  const int64_t i = next_;
  const auto d = static_cast<size_t>(obs_dim_), k = static_cast<size_t>(k_);
  std::memcpy(obs_.data_ptr<float>() + i * obs_dim_, obs, d * sizeof(float));
  std::memcpy(next_obs_.data_ptr<float>() + i * obs_dim_, next_obs, d * sizeof(float));
  std::memcpy(mask_.data_ptr<uint8_t>() + i * k_, mask, k);
  std::memcpy(next_mask_.data_ptr<uint8_t>() + i * k_, next_mask, k);
  std::memcpy(scores_.data_ptr<float>() + i * k_, scores, k * sizeof(float));
  reward_.data_ptr<float>()[i] = reward;
  done_.data_ptr<float>()[i] = done ? 1.0f : 0.0f;
  next_ = (next_ + 1) % capacity_;
  size_ = std::min(size_ + 1, capacity_);
}

Batch ReplayBuffer::sample(int64_t n, std::mt19937_64& rng) const {
  if (size_ == 0) throw std::logic_error("ddpg: sampling an empty replay buffer");
  auto index = torch::empty({n}, torch::kInt64);
  std::uniform_int_distribution<int64_t> pick(0, size_ - 1);
  auto* p = index.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = pick(rng);
  return {obs_.index_select(0, index),
          mask_.index_select(0, index).to(torch::kFloat32),
          scores_.index_select(0, index),
          reward_.index_select(0, index),
          next_obs_.index_select(0, index),
          next_mask_.index_select(0, index).to(torch::kFloat32),
          done_.index_select(0, index)};
}

namespace {
// The first `rows` rows of a CPU tensor's bytes, and back.
void put_rows(StateWriter& w, const torch::Tensor& t, int64_t rows) {
  const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(t.nbytes() / static_cast<size_t>(t.size(0)));
  w.put(std::string(static_cast<const char*>(t.data_ptr()), n));
}
void get_rows(StateReader& r, torch::Tensor& t, int64_t rows) {
  const std::string bytes = r.get<std::string>();
  const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(t.nbytes() / static_cast<size_t>(t.size(0)));
  if (bytes.size() != n) r.corrupt("the replay buffer's rows");
  std::memcpy(t.data_ptr(), bytes.data(), n);
}
}  // namespace

void ReplayBuffer::save(StateWriter& w) const {
  w.section("replay buffer");
  w.put(capacity_);
  w.put(obs_dim_);
  w.put(k_);
  w.put(size_);
  w.put(next_);
  for (const torch::Tensor* t : {&obs_, &mask_, &scores_, &reward_, &next_obs_, &next_mask_, &done_})
    put_rows(w, *t, size_);
}

void ReplayBuffer::restore(StateReader& r) {
  r.section("replay buffer");
  r.expect_same(r.get<int64_t>(), capacity_, "the replay buffer's size (replay_size)");
  r.expect_same(r.get<int32_t>(), obs_dim_, "the observation size");
  r.expect_same(r.get<int32_t>(), k_, "the window");
  r.get(size_);
  r.get(next_);
  if (size_ < 0 || size_ > capacity_ || next_ < 0 || next_ >= capacity_) r.corrupt("the replay buffer's counts");
  for (torch::Tensor* t : {&obs_, &mask_, &scores_, &reward_, &next_obs_, &next_mask_, &done_}) get_rows(r, *t, size_);
}

void soft_update(nn::Module& target, const nn::Module& online, double tau) {
  torch::NoGradGuard no_grad;
  auto t = target.parameters();
  auto o = online.parameters();
  auto tb = target.buffers();
  auto ob = online.buffers();
  if (t.size() != o.size() || tb.size() != ob.size())
    throw std::logic_error("ddpg: soft_update between modules of different shapes");
  for (size_t i = 0; i < t.size(); ++i) t[i].mul_(1 - tau).add_(o[i], tau);
  for (size_t i = 0; i < tb.size(); ++i) tb[i].mul_(1 - tau).add_(ob[i], tau);
}

torch::Tensor critic_target(const torch::Tensor& reward, const torch::Tensor& done, double gamma,
                            const torch::Tensor& q_next) {
  return reward + gamma * (1 - done) * q_next;
}

int32_t masked_argmax(const float* scores, const uint8_t* mask, int32_t k) {
  int32_t best = -1;
  for (int32_t i = 0; i < k; ++i)
    if (mask[i] != 0 && (best < 0 || scores[i] > scores[best])) best = i;
  return best;
}

}  // namespace ddpg

namespace {

using ddpg::Actor;
using ddpg::Critic;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_single_agent(const ObsLayout& layout) {
  if (layout.num_agents != 1)
    throw InputError("ddpg: needs a single-agent environment (agents = single), got " +
                     std::to_string(layout.num_agents) +
                     " agents; use algo = ppo (MAPPO) for agents = per-type");
}

template <class M>
M clone_of(const M& m) {
  return M(std::dynamic_pointer_cast<typename M::ContainedType>(m->clone()));
}

class DdpgModel final : public TrainedModel {
 public:
  DdpgModel(Actor actor, Critic critic, ModelMeta meta, torch::Device device)
      : actor_(std::move(actor)), critic_(std::move(critic)), meta_(std::move(meta)),
        device_(device), obs_in_(torch::zeros({1, meta_.layout.obs_dim()})) {
    actor_->eval();
    critic_->eval();
  }
  std::string algo() const override { return "ddpg"; }
  const ObsLayout& layout() const override { return meta_.layout; }
  const EnvConfig& env_config() const override { return meta_.env; }

  int32_t act(const float* obs, const uint8_t* mask) override {
    torch::InferenceMode guard;
    std::memcpy(obs_in_.data_ptr<float>(), obs, sizeof(float) * static_cast<size_t>(meta_.layout.obs_dim()));
    auto scores = actor_->forward(obs_in_.to(device_)).to(torch::kCPU).contiguous();
    const int32_t a = ddpg::masked_argmax(scores.data_ptr<float>(), mask, meta_.layout.window);
    if (a < 0) throw std::invalid_argument("ddpg: act() called with a mask that has no valid slot");
    return a;
  }

  void save(const std::string& path) const override {
    torch::serialize::OutputArchive archive;
    write_meta(archive, meta_);
    torch::serialize::OutputArchive actor, critic;
    actor_->save(actor);
    critic_->save(critic);
    archive.write("actor", actor);
    archive.write("critic", critic);
    try {
      archive.save_to(path);
    } catch (const c10::Error& e) {
      throw InputError(path + ": cannot write the model: " + e.what_without_backtrace());
    }
  }

 private:
  Actor actor_;
  Critic critic_;
  ModelMeta meta_;
  torch::Device device_;
  torch::Tensor obs_in_;  // [1, obs_dim] on the CPU, reused by act()
};

class DdpgTrainer final : public Trainer {
 public:
  DdpgTrainer(VecEnv& envs, const TrainConfig& config)
      : envs_(envs), cfg_(config), device_(parse_device(config.device)), rng_(config.seed),
        sigma_(config.noise_sigma) {
    config.validate();
    SchedulingEnv& env0 = envs.env(0);
    layout_ = layout_of(env0.featurizer());
    require_single_agent(layout_);
    if (layout_.obs_dim() != envs.obs_dim() || layout_.window != envs.num_actions())
      throw std::logic_error("ddpg: the featurizer's layout does not match the environments'");
    meta_ = ModelMeta{.algo = "ddpg", .layout = layout_, .env = env0.config(),
                      .hidden = config.hidden, .shared_actor = true};

    torch::manual_seed(config.seed);
    actor_ = Actor(layout_, config.hidden);
    critic_ = Critic(layout_, config.hidden);
    actor_->to(device_);
    critic_->to(device_);
    target_actor_ = clone_of(actor_);
    target_critic_ = clone_of(critic_);
    actor_opt_ = std::make_unique<torch::optim::Adam>(actor_->parameters(),
                                                      torch::optim::AdamOptions(config.lr));
    critic_opt_ = std::make_unique<torch::optim::Adam>(critic_->parameters(),
                                                       torch::optim::AdamOptions(config.critic_lr));
    buffer_ = std::make_unique<ddpg::ReplayBuffer>(config.replay_size, layout_.obs_dim(), layout_.window);

    const auto m = static_cast<size_t>(envs.num_envs());
    scores_.resize(m * static_cast<size_t>(layout_.window));
    actions_.resize(m);
    prev_obs_.resize(m * static_cast<size_t>(layout_.obs_dim()));
    prev_mask_.resize(m * static_cast<size_t>(layout_.window));
    envs_.reset(config.seed);
  }

  bool done() const override { return steps_ >= cfg_.total_steps; }

  UpdateRecord train_step() override {
    const auto t0 = Clock::now();
    const int64_t start = steps_;
    const int64_t end = std::min(steps_ + int64_t{cfg_.log_every}, cfg_.total_steps);
    const int32_t m = envs_.num_envs();
    const int32_t d = layout_.obs_dim(), k = layout_.window;
    const int64_t min_fill = std::min<int64_t>(cfg_.batch_size, buffer_->capacity());
    double sim_s = 0, inference_s = 0, update_s = 0, actor_sum = 0, critic_sum = 0;
    int64_t updates = 0;

    while (steps_ < end) {
      const bool warm_up = steps_ < cfg_.warmup_steps;
      choose_actions(warm_up, inference_s);
      std::copy(envs_.obs().begin(), envs_.obs().end(), prev_obs_.begin());
      std::copy(envs_.mask().begin(), envs_.mask().end(), prev_mask_.begin());
      const auto ts = Clock::now();
      envs_.step(actions_);
      sim_s += seconds_since(ts);
      for (int32_t i = 0; i < m; ++i)
        buffer_->add(prev_obs_.data() + int64_t{i} * d, prev_mask_.data() + int64_t{i} * k,
                     scores_.data() + int64_t{i} * k, envs_.rewards()[i],
                     envs_.obs().data() + int64_t{i} * d, envs_.mask().data() + int64_t{i} * k,
                     envs_.dones()[i] != 0);
      steps_ += m;
      if (!warm_up && buffer_->size() >= min_fill) {
        const auto tu = Clock::now();
        for (int32_t u = 0; u < cfg_.updates_per_step; ++u) {
          const auto [actor_loss, critic_loss] = update();
          actor_sum += actor_loss;
          critic_sum += critic_loss;
          ++updates;
        }
        update_s += seconds_since(tu);
      }
    }

    UpdateRecord r;
    r.update = ++records_;
    r.steps = steps_;
    fill_episodes(r);
    r.policy_loss = updates > 0 ? actor_sum / static_cast<double>(updates) : kNaN;
    r.value_loss = updates > 0 ? critic_sum / static_cast<double>(updates) : kNaN;
    r.entropy = sigma_;
    r.approx_kl = kNaN;
    sigma_ *= cfg_.noise_decay;
    const double wall = seconds_since(t0);
    wall_s_ += wall;
    r.steps_per_s = wall > 0 ? static_cast<double>(steps_ - start) / wall : kNaN;
    r.sim_s = sim_s;
    r.inference_s = inference_s;
    r.update_s = update_s;
    r.wall_s = wall_s_;
    return r;
  }

  std::unique_ptr<TrainedModel> model() const override {
    return std::make_unique<DdpgModel>(clone_of(actor_), clone_of(critic_), meta_, device_);
  }

  bool checkpointable() const override { return envs_.checkpointable(); }

  // Counters, sigma, the random stream, the four networks, both Adam optimisers, the replay
  // buffer (its filled entries: the bulk of the checkpoint), the environments. The per-step
  // scratch (scores, previous observations) is rewritten before it is read.
  void save_state(StateWriter& w) const override {
    w.section("ddpg trainer");
    w.put(cfg_.settings());
    w.put(steps_);
    w.put(records_);
    w.put(sigma_);
    w.put(wall_s_);
    std::ostringstream rng;
    rng << rng_;
    w.put(rng.str());
    torch::serialize::OutputArchive archive, actor, critic, target_actor, target_critic, actor_opt, critic_opt;
    actor_->save(actor);
    critic_->save(critic);
    target_actor_->save(target_actor);
    target_critic_->save(target_critic);
    actor_opt_->save(actor_opt);
    critic_opt_->save(critic_opt);
    archive.write("actor", actor);
    archive.write("critic", critic);
    archive.write("target_actor", target_actor);
    archive.write("target_critic", target_critic);
    archive.write("actor_opt", actor_opt);
    archive.write("critic_opt", critic_opt);
    put_archive(w, archive);
    buffer_->save(w);
    envs_.save(w);
    w.section("ddpg trainer end");
  }

  void restore_state(StateReader& r) override {
    r.section("ddpg trainer");
    expect_same_settings(r, cfg_.settings(), "training parameter");
    r.get(steps_);
    r.get(records_);
    r.get(sigma_);
    r.get(wall_s_);
    std::istringstream rng(r.get<std::string>());
    rng >> rng_;
    if (!rng) r.corrupt("the random stream");
    get_archive(r, [&](torch::serialize::InputArchive& archive) {
      torch::serialize::InputArchive actor, critic, target_actor, target_critic, actor_opt, critic_opt;
      archive.read("actor", actor);
      archive.read("critic", critic);
      archive.read("target_actor", target_actor);
      archive.read("target_critic", target_critic);
      archive.read("actor_opt", actor_opt);
      archive.read("critic_opt", critic_opt);
      actor_->load(actor);
      critic_->load(critic);
      target_actor_->load(target_actor);
      target_critic_->load(target_critic);
      actor_opt_->load(actor_opt);
      critic_opt_->load(critic_opt);
    });
    buffer_->restore(r);
    envs_.restore(r);
    r.section("ddpg trainer end");
  }

 private:
  // Fills scores_ (uniform during warm-up, else the actor's plus noise, clipped) and actions_.
  void choose_actions(bool random, double& inference_s) {
    const int32_t m = envs_.num_envs(), k = layout_.window;
    if (random) {
      std::uniform_real_distribution<float> u(-1.0f, 1.0f);
      for (float& s : scores_) s = u(rng_);
    } else {
      const auto t0 = Clock::now();
      {
        torch::NoGradGuard no_grad;
        auto obs = torch::from_blob(envs_.obs().data(), {m, layout_.obs_dim()}, torch::kFloat32);
        auto out = actor_->forward(obs.to(device_)).to(torch::kCPU).contiguous();
        std::memcpy(scores_.data(), out.data_ptr<float>(), scores_.size() * sizeof(float));
      }
      inference_s += seconds_since(t0);
      if (sigma_ > 0) {
        std::normal_distribution<float> noise(0.0f, static_cast<float>(sigma_));
        for (float& s : scores_) s = std::clamp(s + noise(rng_), -1.0f, 1.0f);
      }
    }
    for (int32_t i = 0; i < m; ++i) {
      const int32_t a = ddpg::masked_argmax(scores_.data() + int64_t{i} * k,
                                            envs_.mask().data() + int64_t{i} * k, k);
      if (a < 0) throw std::logic_error("ddpg: environment " + std::to_string(i) + " has no valid action");
      actions_[static_cast<size_t>(i)] = a;
    }
  }

  // One gradient update of the critic, then the actor, then both targets. Returns the losses.
  std::pair<double, double> update() {
    const ddpg::Batch b = buffer_->sample(cfg_.batch_size, rng_).to(device_);
    torch::Tensor y;
    {
      torch::NoGradGuard no_grad;
      auto q_next = target_critic_->forward(b.next_obs, b.next_mask, target_actor_->forward(b.next_obs));
      y = ddpg::critic_target(b.reward, b.done, cfg_.gamma, q_next);
    }
    auto critic_loss = torch::mse_loss(critic_->forward(b.obs, b.mask, b.scores), y);
    critic_opt_->zero_grad();
    critic_loss.backward();
    critic_opt_->step();

    // The actor's gradient flows through the critic; the critic's own weights need none.
    for (auto& p : critic_->parameters()) p.requires_grad_(false);
    auto actor_loss = -critic_->forward(b.obs, b.mask, actor_->forward(b.obs)).mean();
    actor_opt_->zero_grad();
    actor_loss.backward();
    actor_opt_->step();
    for (auto& p : critic_->parameters()) p.requires_grad_(true);

    ddpg::soft_update(*target_critic_, *critic_, cfg_.tau);
    ddpg::soft_update(*target_actor_, *actor_, cfg_.tau);
    return {actor_loss.item<double>(), critic_loss.item<double>()};
  }

  void fill_episodes(UpdateRecord& r) { rl::record_episodes(envs_, meta_.env.reward, r); }

  VecEnv& envs_;
  TrainConfig cfg_;
  torch::Device device_;
  ObsLayout layout_;
  ModelMeta meta_;
  Actor actor_{nullptr}, target_actor_{nullptr};
  Critic critic_{nullptr}, target_critic_{nullptr};
  std::unique_ptr<torch::optim::Adam> actor_opt_, critic_opt_;
  std::unique_ptr<ddpg::ReplayBuffer> buffer_;
  std::mt19937_64 rng_;
  double sigma_;
  int64_t steps_ = 0, records_ = 0;
  double wall_s_ = 0;
  std::vector<float> scores_, prev_obs_;
  std::vector<uint8_t> prev_mask_;
  std::vector<int32_t> actions_;
};

}  // namespace

namespace ddpg {
std::unique_ptr<TrainedModel> make_model(Actor actor, Critic critic, ModelMeta meta, torch::Device device) {
  require_single_agent(meta.layout);
  return std::make_unique<DdpgModel>(std::move(actor), std::move(critic), std::move(meta), device);
}
}  // namespace ddpg

std::unique_ptr<Trainer> make_ddpg_trainer(VecEnv& envs, const TrainConfig& config) {
  return std::make_unique<DdpgTrainer>(envs, config);
}

std::unique_ptr<TrainedModel> load_ddpg_model(torch::serialize::InputArchive& archive,
                                              const ModelMeta& meta, torch::Device device) {
  require_single_agent(meta.layout);
  Actor actor(meta.layout, meta.hidden);
  Critic critic(meta.layout, meta.hidden);
  try {
    torch::serialize::InputArchive a, c;
    archive.read("actor", a);
    archive.read("critic", c);
    actor->load(a);
    critic->load(c);
  } catch (const c10::Error& e) {
    throw InputError(std::string("ddpg model: the actor or critic parameters are missing or of "
                                 "another shape: ") + e.what_without_backtrace());
  }
  actor->to(device);
  critic->to(device);
  return ddpg::make_model(std::move(actor), std::move(critic), meta, device);
}

}  // namespace clustersim::rl
