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
//  - Distributed (a Collective, `mpirun -np N clustersim train`): rank r steps the environments
//    of global indices [r x M, (r + 1) x M) (VecEnv::reset's first_index), samples each
//    environment's actions from that environment's own random stream (seeded by the config's
//    seed and the global index), normalises advantages with the mean and std over all ranks,
//    and averages gradients over the ranks before clipping, so every rank takes the same Adam
//    step; rank 0's initial parameters are broadcast first, and after every update the
//    parameters' checksums are compared (a difference stops training). total_steps counts all
//    ranks' steps. With minibatches = 1 (the whole rollout per gradient step) N ranks of M
//    environments compute what one rank of N x M does, up to the order of floating-point sums;
//    with more minibatches each is drawn per rank (N x the per-rank minibatch). A single
//    process with SingleProcess takes the same path. Episode statistics and losses in the
//    records are means over all ranks.
//  - Rollout storage lives on the CPU (the environments' batches are copied into it in place:
//    nothing big is allocated per step); each step's batch goes to the device for the forward
//    pass, and the whole rollout once per update.
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

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

uint64_t splitmix64_next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a over the bits of every parameter, in order.
uint64_t checksum(const std::vector<torch::Tensor>& params) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& p : params) {
    auto c = p.detach().to(torch::kCPU).contiguous();
    const auto* b = static_cast<const unsigned char*>(c.data_ptr());
    for (size_t i = 0, n = static_cast<size_t>(c.nbytes()); i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ULL;
  }
  return h;
}

class PpoTrainer final : public Trainer {
 public:
  PpoTrainer(VecEnv& envs, const TrainConfig& config, const ObsLayout& layout, Collective* collective)
      : envs_(envs),
        collective_(collective),
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

    if (collective_ != nullptr) {
      const int64_t first = static_cast<int64_t>(collective_->rank()) * m;
      env_rng_.resize(static_cast<size_t>(m));
      for (int64_t e = 0; e < m; ++e) {
        uint64_t s = config.seed ^ (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(first + e + 1));
        env_rng_[static_cast<size_t>(e)] = splitmix64_next(s);
      }
      std::vector<float> flat = flatten(params, /*grads=*/false);
      collective_->broadcast(flat);
      unflatten(flat, params, /*grads=*/false);
      envs_.reset(config.seed, first);
    } else {
      envs_.reset(config.seed);
    }
    (void)envs_.take_finished();
  }

  bool done() const override { return steps_ >= config_.total_steps; }

  UpdateRecord train_step() override {
    if (done()) throw std::logic_error("PpoTrainer::train_step: total_steps already reached");
    const auto t0 = Clock::now();
    // Environments over all ranks: every rank runs the same number of steps per update.
    const int64_t m = static_cast<int64_t>(envs_.num_envs()) * (collective_ ? collective_->size() : 1);
    const int64_t steps = std::min<int64_t>(config_.rollout, (config_.total_steps - steps_ + m - 1) / m);
    UpdateRecord rec;
    rec.update = updates_++;
    torch::Tensor last_value = collect(steps, rec);
    steps_ += steps * m;
    rec.steps = steps_;
    record_episodes(rec);
    const auto t1 = Clock::now();
    update(steps, last_value, rec);
    if (collective_ != nullptr) share_record(rec);
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

  uint64_t parameter_checksum() const override { return checksum(all_params()); }

  bool checkpointable() const override { return envs_.checkpointable(); }

  // Everything a train_step reads that an earlier one wrote: counters, the networks and Adam's
  // moments, the sampling generator (or the per-environment streams), the environments. The
  // rollout storage is rewritten by each step before it is read, and is not saved.
  void save_state(StateWriter& w) const override {
    w.section("ppo trainer");
    w.put(config_.settings());
    w.put(collective_ ? collective_->rank() : -1);
    w.put(collective_ ? collective_->size() : 0);
    w.put(steps_);
    w.put(updates_);
    w.put(wall_s_);
    w.put(env_rng_);
    torch::serialize::OutputArchive archive, policy, critic, optimizer;
    policy_->save(policy);
    critic_->save(critic);
    optimizer_->save(optimizer);
    archive.write("policy", policy);
    archive.write("critic", critic);
    archive.write("optimizer", optimizer);
    archive.write("generator", gen_.get_state(), /*is_buffer=*/true);
    put_archive(w, archive);
    envs_.save(w);
    w.section("ppo trainer end");
  }

  void restore_state(StateReader& r) override {
    r.section("ppo trainer");
    expect_same_settings(r, config_.settings(), "training parameter");
    r.expect_same(r.get<int>(), collective_ ? collective_->rank() : -1, "the MPI rank");
    r.expect_same(r.get<int>(), collective_ ? collective_->size() : 0, "the number of MPI ranks");
    r.get(steps_);
    r.get(updates_);
    r.get(wall_s_);
    r.get(env_rng_);
    if (env_rng_.size() != (collective_ ? static_cast<size_t>(envs_.num_envs()) : 0u))
      r.corrupt("the environments' sampling streams");
    get_archive(r, [&](torch::serialize::InputArchive& archive) {
      torch::serialize::InputArchive policy, critic, optimizer;
      archive.read("policy", policy);
      archive.read("critic", critic);
      archive.read("optimizer", optimizer);
      policy_->load(policy);
      critic_->load(critic);
      optimizer_->load(optimizer);
      torch::Tensor generator;
      archive.read("generator", generator, /*is_buffer=*/true);
      gen_.set_state(generator);
    });
    envs_.restore(r);
    r.section("ppo trainer end");
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
      auto action = collective_ ? sample_per_env(logp_all)
                                : torch::multinomial(logp_all.exp(), 1, /*replacement=*/false, gen_);  // [M, 1]
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

  std::vector<torch::Tensor> all_params() const {
    std::vector<torch::Tensor> params = policy_->parameters();
    for (auto& p : critic_->parameters()) params.push_back(p);
    return params;
  }

  // Parameters (or their gradients; an undefined gradient reads as zeros) as one flat vector.
  static std::vector<float> flatten(const std::vector<torch::Tensor>& params, bool grads) {
    std::vector<float> flat;
    for (const auto& p : params) {
      auto t = grads ? (p.grad().defined() ? p.grad() : torch::zeros_like(p)) : p.detach();
      t = t.to(torch::kCPU).contiguous();
      flat.insert(flat.end(), t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    }
    return flat;
  }
  static void unflatten(const std::vector<float>& flat, const std::vector<torch::Tensor>& params, bool grads) {
    torch::NoGradGuard no_grad;
    size_t at = 0;
    for (const auto& p : params) {
      auto src = torch::from_blob(const_cast<float*>(flat.data() + at), p.sizes(), torch::kFloat).to(p.device());
      if (grads) {
        if (!p.grad().defined()) const_cast<torch::Tensor&>(p).mutable_grad() = torch::zeros_like(p);
        p.grad().copy_(src);
      } else {
        const_cast<torch::Tensor&>(p).copy_(src);
      }
      at += static_cast<size_t>(p.numel());
    }
  }

  // One action per environment from its own stream: the first slot whose cumulative
  // probability exceeds a uniform draw (masked slots have probability 0).
  torch::Tensor sample_per_env(const torch::Tensor& logp_all) {
    auto probs = logp_all.exp().contiguous();
    const int64_t m = probs.size(0), k = probs.size(1);
    auto out = torch::zeros({m, 1}, torch::kLong);
    const float* p = probs.data_ptr<float>();
    int64_t* o = out.data_ptr<int64_t>();
    for (int64_t e = 0; e < m; ++e) {
      const float* row = p + e * k;
      double total = 0;
      for (int64_t j = 0; j < k; ++j) total += row[j];
      const double u = static_cast<double>(splitmix64_next(env_rng_[static_cast<size_t>(e)]) >> 11) * 0x1.0p-53 * total;
      double cum = 0;
      int64_t pick = -1;
      for (int64_t j = 0; j < k; ++j) {
        if (row[j] <= 0) continue;
        pick = j;  // the last positive slot, should rounding leave u beyond the sum
        cum += row[j];
        if (u < cum) break;
      }
      o[e] = pick < 0 ? 0 : pick;
    }
    return out;
  }

  // Records over all ranks: episode counts and sums, mean losses; then the parameter check.
  void share_record(UpdateRecord& rec) {
    const double n = static_cast<double>(rec.episodes);
    std::vector<double> v{n, n > 0 ? n * rec.mean_return : 0.0, n > 0 ? n * rec.episode_metric : 0.0,
                          rec.policy_loss, rec.value_loss, rec.entropy, rec.approx_kl};
    collective_->sum(v);
    const double size = static_cast<double>(collective_->size());
    rec.episodes = static_cast<int64_t>(v[0]);
    rec.mean_return = v[0] > 0 ? v[1] / v[0] : std::nan("");
    rec.episode_metric = v[0] > 0 ? v[2] / v[0] : std::nan("");
    rec.policy_loss = v[3] / size;
    rec.value_loss = v[4] / size;
    rec.entropy = v[5] / size;
    rec.approx_kl = v[6] / size;
    const std::vector<uint64_t> sums = collective_->all_gather(parameter_checksum());
    for (size_t r = 1; r < sums.size(); ++r)
      if (sums[r] != sums[0])
        throw std::runtime_error("distributed PPO: after update " + std::to_string(rec.update) + " rank " +
                                 std::to_string(r) + "'s parameters differ from rank 0's");
  }

  void update(int64_t steps, const torch::Tensor& last_value, UpdateRecord& rec) {
    const int64_t n = steps * envs_.num_envs();
    auto values = value_.narrow(0, 0, steps);
    auto adv = compute_gae(reward_.narrow(0, 0, steps), values, done_.narrow(0, 0, steps),
                           last_value, config_.gamma, config_.gae_lambda);
    auto returns = (adv + values).reshape({n}).to(device_);
    adv = adv.reshape({n});
    if (collective_ == nullptr) {
      adv = ((adv - adv.mean()) / (adv.std(/*unbiased=*/false) + 1e-8)).to(device_);
    } else {  // mean and std over every rank's rollout
      auto a = adv.to(torch::kDouble);
      std::vector<double> moments{a.sum().item<double>(), (a * a).sum().item<double>(), static_cast<double>(n)};
      collective_->sum(moments);
      const double mean = moments[0] / moments[2];
      const double std = std::sqrt(std::max(0.0, moments[1] / moments[2] - mean * mean));
      adv = ((adv - mean) / (std + 1e-8)).to(device_);
    }
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
        if (collective_ != nullptr) {  // the mean gradient over the ranks
          const std::vector<torch::Tensor> params = all_params();
          std::vector<float> g = flatten(params, /*grads=*/true);
          collective_->sum(g);
          const float inv = 1.0f / static_cast<float>(collective_->size());
          for (float& x : g) x *= inv;
          unflatten(g, params, /*grads=*/true);
        }
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
  Collective* collective_;  // null: one process, the batch sampler
  std::vector<uint64_t> env_rng_;  // distributed: each environment's sampling stream
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

std::unique_ptr<Trainer> make_ppo_trainer(VecEnv& envs, const TrainConfig& config, Collective* collective) {
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
  return std::make_unique<PpoTrainer>(envs, config, layout, collective);
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
