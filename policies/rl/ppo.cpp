// PPO (Schulman et al., 2017) and its multi-agent form MAPPO (Yu et al., "The Surprising
// Effectiveness of PPO in Cooperative Multi-Agent Games", NeurIPS'22): actors that score window
// slots (nets.hpp) and one centralised critic on the agent-independent state.
//
// One train_step() = one rollout of `rollout` steps in each of the M environments, then
// `epochs` passes over `minibatches` shuffled minibatches of those T x M samples.
//  - Advantages: GAE(gamma, gae_lambda), normalised once over the whole rollout (mean 0,
//    std 1), as MAPPO does; per-minibatch statistics are noisy with small minibatches.
//  - Returns (the critic's targets) = advantages before normalisation + the rollout's values.
//  - The last update is shortened to ceil(remaining / M) steps per environment, so training
//    stops within M steps of total_steps (never more than M - 1 past it).
//  - Randomness: the networks' initial weights come from torch's global generator seeded with
//    config.seed at construction; actions are sampled and minibatches shuffled with the
//    trainer's own CPU generator (seeded with config.seed), so other torch users in the same
//    process do not disturb a run. With one torch thread, a config gives the same records bit
//    for bit.
//  - Gradient norms are clipped to max_grad_norm separately for the actor(s) and the critic,
//    as MAPPO does (separate optimisers there): with unnormalised returns (e.g. -mean bounded
//    slowdown, tens to hundreds) the critic's gradient is hundreds of times the actor's, and
//    one global clip would scale the actor's step by the critic's current error.
//  - Rollout storage lives on the CPU (the environments' batches are copied into it in place:
//    nothing big is allocated per step); each step's batch goes to the device for the forward
//    pass, and the whole rollout once per update.
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "policies/rl/nets.hpp"
#include "policies/rl/torch_models.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Sub-archive keys of a PPO model file (beside write_meta's "meta" entries).
constexpr const char* kActorKey = "ppo_actor";
constexpr const char* kCriticKey = "ppo_critic";

// The policy as a TrainedModel: greedy over the valid slots.
class PpoModel final : public TrainedModel {
 public:
  PpoModel(ModelMeta meta, torch::Device device)
      : meta_(std::move(meta)),
        device_(device),
        policy_(meta_.layout, meta_.hidden, meta_.shared_actor),
        critic_(meta_.layout, meta_.hidden),
        obs_(torch::zeros({1, meta_.layout.obs_dim()}, torch::kFloat)),
        mask_(torch::zeros({1, meta_.layout.window}, torch::kBool)) {
    policy_->to(device_);
    critic_->to(device_);
  }

  std::string algo() const override { return "ppo"; }
  const ObsLayout& layout() const override { return meta_.layout; }
  const EnvConfig& env_config() const override { return meta_.env; }

  int32_t act(const float* obs, const uint8_t* mask) override {
    torch::InferenceMode inference;
    const ObsLayout& l = meta_.layout;
    std::memcpy(obs_.data_ptr<float>(), obs, sizeof(float) * static_cast<size_t>(l.obs_dim()));
    bool* m = mask_.data_ptr<bool>();
    for (int32_t k = 0; k < l.window; ++k) m[k] = mask[k] != 0;
    // The acting agent: the hot entry of the one-hot (agent 0 without one).
    int64_t agent = 0;
    for (int32_t a = 1; a < (l.num_agents > 1 ? l.num_agents : 0); ++a)
      if (obs[l.state_dim() + a] > obs[l.state_dim() + agent]) agent = a;
    auto logits = device_.is_cpu() ? policy_->forward_agent(obs_, mask_, agent)
                                   : policy_->forward_agent(obs_.to(device_), mask_.to(device_), agent);
    return static_cast<int32_t>(logits.argmax(1).item<int64_t>());
  }

  void save(const std::string& path) const override {
    torch::serialize::OutputArchive root, actor, critic;
    write_meta(root, meta_);
    policy_->save(actor);
    critic_->save(critic);
    root.write(kActorKey, actor);
    root.write(kCriticKey, critic);
    try {
      root.save_to(path);
    } catch (const c10::Error& e) {
      throw InputError(path + ": cannot write the model: " + e.what_without_backtrace());
    }
  }

  PolicyNet& policy() { return policy_; }
  StateCritic& critic() { return critic_; }

 private:
  ModelMeta meta_;
  torch::Device device_;
  PolicyNet policy_;
  StateCritic critic_;
  torch::Tensor obs_, mask_;  // reused input rows (CPU)
};

class PpoTrainer final : public Trainer {
 public:
  PpoTrainer(VecEnv& envs, const TrainConfig& config, const ObsLayout& layout)
      : envs_(envs),
        config_(config),
        device_(parse_device(config.device)),
        gen_(at::make_generator<at::CPUGeneratorImpl>(config.seed)) {
    meta_.algo = "ppo";
    meta_.layout = layout;
    meta_.env = envs.env(0).config();
    meta_.hidden = config.hidden;
    meta_.shared_actor = config.shared_actor;
    torch::manual_seed(config.seed);
    policy_ = PolicyNet(layout, config.hidden, config.shared_actor);
    critic_ = StateCritic(layout, config.hidden);
    policy_->to(device_);
    critic_->to(device_);
    std::vector<torch::Tensor> params = policy_->parameters();
    for (auto& p : critic_->parameters()) params.push_back(p);
    optimizer_ = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(config.lr));

    const int64_t t = config.rollout, m = envs.num_envs();
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat);
    obs_ = torch::zeros({t, m, layout.obs_dim()}, f32);
    mask_ = torch::zeros({t, m, layout.window}, torch::kBool);
    action_ = torch::zeros({t, m}, torch::kLong);
    agent_ = torch::zeros({t, m}, torch::kLong);
    logp_ = torch::zeros({t, m}, f32);
    value_ = torch::zeros({t, m}, f32);
    reward_ = torch::zeros({t, m}, f32);
    done_ = torch::zeros({t, m}, f32);
    actions_.assign(static_cast<size_t>(m), 0);

    envs_.reset(config.seed);
    (void)envs_.take_finished();
  }

  bool done() const override { return steps_ >= config_.total_steps; }

  UpdateRecord train_step() override {
    if (done()) throw std::logic_error("PpoTrainer::train_step: total_steps already reached");
    const auto t0 = Clock::now();
    const int64_t m = envs_.num_envs();
    const int64_t steps = std::min<int64_t>(config_.rollout, (config_.total_steps - steps_ + m - 1) / m);
    UpdateRecord rec;
    rec.update = updates_++;
    torch::Tensor last_value = collect(steps, rec);
    steps_ += steps * m;
    rec.steps = steps_;
    record_episodes(rec);
    const auto t1 = Clock::now();
    update(steps, last_value, rec);
    rec.update_s = seconds_since(t1);
    const double wall = seconds_since(t0);
    wall_s_ += wall;
    rec.wall_s = wall_s_;
    rec.steps_per_s = static_cast<double>(steps * m) / wall;
    return rec;
  }

  std::unique_ptr<TrainedModel> model() const override {
    return make_ppo_model(meta_, policy_, critic_, device_);
  }

 private:
  // Fills the first `steps` rows of the rollout storage; returns the value of the last obs.
  torch::Tensor collect(int64_t steps, UpdateRecord& rec) {
    torch::NoGradGuard no_grad;
    const int64_t m = envs_.num_envs(), d = meta_.layout.obs_dim(), k = meta_.layout.window;
    for (int64_t t = 0; t < steps; ++t) {
      const auto ti = Clock::now();
      obs_[t].copy_(torch::from_blob(envs_.obs().data(), {m, d}, torch::kFloat));
      mask_[t].copy_(torch::from_blob(envs_.mask().data(), {m, k}, torch::kUInt8));
      agent_[t].copy_(torch::from_blob(envs_.agents().data(), {m}, torch::kInt));
      auto obs = obs_[t].to(device_);
      auto logits = policy_(obs, mask_[t].to(device_), agent_[t].to(device_)).to(torch::kCPU);
      value_[t].copy_(critic_(obs));
      auto logp_all = torch::log_softmax(logits, -1);
      auto action = torch::multinomial(logp_all.exp(), 1, /*replacement=*/false, gen_);  // [M, 1]
      logp_[t].copy_(logp_all.gather(1, action).squeeze(1));
      action_[t].copy_(action.squeeze(1));
      const int64_t* a = action.data_ptr<int64_t>();
      for (int64_t e = 0; e < m; ++e) actions_[static_cast<size_t>(e)] = static_cast<int32_t>(a[e]);
      const auto ts = Clock::now();
      rec.inference_s += std::chrono::duration<double>(ts - ti).count();
      envs_.step(actions_);
      rec.sim_s += seconds_since(ts);
      reward_[t].copy_(torch::from_blob(envs_.rewards().data(), {m}, torch::kFloat));
      done_[t].copy_(torch::from_blob(envs_.dones().data(), {m}, torch::kUInt8));
    }
    const auto ti = Clock::now();
    auto last = critic_(torch::from_blob(envs_.obs().data(), {m, d}, torch::kFloat).to(device_))
                    .to(torch::kCPU);
    rec.inference_s += seconds_since(ti);
    return last;
  }

  void record_episodes(UpdateRecord& rec) { rl::record_episodes(envs_, meta_.env.reward, rec); }

  void update(int64_t steps, const torch::Tensor& last_value, UpdateRecord& rec) {
    const int64_t n = steps * envs_.num_envs();
    auto values = value_.narrow(0, 0, steps);
    auto adv = compute_gae(reward_.narrow(0, 0, steps), values, done_.narrow(0, 0, steps),
                           last_value, config_.gamma, config_.gae_lambda);
    auto returns = (adv + values).reshape({n}).to(device_);
    adv = adv.reshape({n});
    adv = ((adv - adv.mean()) / (adv.std(/*unbiased=*/false) + 1e-8)).to(device_);
    auto obs = obs_.narrow(0, 0, steps).reshape({n, -1}).to(device_);
    auto mask = mask_.narrow(0, 0, steps).reshape({n, -1}).to(device_);
    auto action = action_.narrow(0, 0, steps).reshape({n}).to(device_);
    auto agent = agent_.narrow(0, 0, steps).reshape({n}).to(device_);
    auto old_logp = logp_.narrow(0, 0, steps).reshape({n}).to(device_);
    auto old_value = values.reshape({n}).to(device_);

    std::vector<torch::Tensor> actor_params = policy_->parameters(), critic_params = critic_->parameters();
    double policy = 0, value = 0, entropy = 0, kl = 0;
    int64_t count = 0;
    for (int32_t epoch = 0; epoch < config_.epochs; ++epoch) {
      auto perm = torch::randperm(n, gen_, torch::kLong).to(device_);
      for (const auto& idx : perm.chunk(config_.minibatches)) {
        auto mb_obs = obs.index_select(0, idx);
        auto mb_mask = mask.index_select(0, idx);
        auto logits = policy_(mb_obs, mb_mask, agent.index_select(0, idx));
        auto loss = ppo_loss(logits, mb_mask, action.index_select(0, idx),
                             old_logp.index_select(0, idx), adv.index_select(0, idx),
                             returns.index_select(0, idx), old_value.index_select(0, idx),
                             critic_(mb_obs), config_);
        optimizer_->zero_grad();
        loss.total.backward();
        if (config_.max_grad_norm > 0) {
          torch::nn::utils::clip_grad_norm_(actor_params, config_.max_grad_norm);
          torch::nn::utils::clip_grad_norm_(critic_params, config_.max_grad_norm);
        }
        optimizer_->step();
        policy += loss.policy.item<double>();
        value += loss.value.item<double>();
        entropy += loss.entropy.item<double>();
        kl += loss.approx_kl.item<double>();
        ++count;
      }
    }
    // Means over every minibatch of every epoch.
    const double c = static_cast<double>(std::max<int64_t>(count, 1));
    rec.policy_loss = policy / c;
    rec.value_loss = value / c;
    rec.entropy = entropy / c;
    rec.approx_kl = kl / c;
  }

  VecEnv& envs_;
  TrainConfig config_;
  torch::Device device_;
  at::Generator gen_;
  ModelMeta meta_;
  PolicyNet policy_{nullptr};
  StateCritic critic_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  // Rollout storage [rollout, M, ...] on the CPU.
  torch::Tensor obs_, mask_, action_, agent_, logp_, value_, reward_, done_;
  std::vector<int32_t> actions_;
  int64_t steps_ = 0, updates_ = 0;
  double wall_s_ = 0;  // time spent inside train_step, cumulative
};

void check_positive(const char* field, int64_t v) {
  if (v <= 0) throw InputError::at("train config", 0, field, "must be > 0, got " + std::to_string(v));
}

}  // namespace

std::unique_ptr<Trainer> make_ppo_trainer(VecEnv& envs, const TrainConfig& config) {
  check_positive("rollout", config.rollout);
  check_positive("epochs", config.epochs);
  check_positive("minibatches", config.minibatches);
  check_positive("hidden", config.hidden);
  if (envs.num_envs() <= 0) throw InputError("ppo: no environments");
  const ObsLayout layout = layout_of(envs.env(0).featurizer());
  if (envs.obs_dim() != layout.obs_dim() || envs.num_actions() != layout.window)
    throw InputError("ppo: the environments' observations (" + std::to_string(envs.obs_dim()) +
                     " floats, " + std::to_string(envs.num_actions()) +
                     " actions) do not match their featurizer's layout (" +
                     std::to_string(layout.obs_dim()) + " floats, window " +
                     std::to_string(layout.window) + ")");
  return std::make_unique<PpoTrainer>(envs, config, layout);
}

std::unique_ptr<TrainedModel> make_ppo_model(const ModelMeta& meta, const PolicyNet& policy,
                                             const StateCritic& critic, torch::Device device) {
  auto model = std::make_unique<PpoModel>(meta, device);
  copy_parameters(*model->policy(), *policy);
  copy_parameters(*model->critic(), *critic);
  return model;
}

std::unique_ptr<TrainedModel> load_ppo_model(torch::serialize::InputArchive& archive,
                                             const ModelMeta& meta, torch::Device device) {
  // Parameters arrive on the archive's device: loaded into CPU networks, then copied. A missing
  // or misshapen entry throws c10::Error, which load_model reports with the file's name.
  PolicyNet policy(meta.layout, meta.hidden, meta.shared_actor);
  StateCritic critic(meta.layout, meta.hidden);
  torch::serialize::InputArchive actor_archive, critic_archive;
  archive.read(kActorKey, actor_archive);
  archive.read(kCriticKey, critic_archive);
  policy->load(actor_archive);
  critic->load(critic_archive);
  return make_ppo_model(meta, policy, critic, device);
}

}  // namespace clustersim::rl
