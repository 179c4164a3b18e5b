#include "policies/rl/nets.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace clustersim::rl {
namespace {

torch::nn::Linear init_linear(torch::nn::Linear l, double gain) {
  torch::NoGradGuard no_grad;
  torch::nn::init::orthogonal_(l->weight, gain);
  if (l->options.bias()) torch::nn::init::zeros_(l->bias);
  return l;
}

const double kHiddenGain = std::sqrt(2.0);

// [B, K, F] job features of the window slots.
torch::Tensor slot_features(const torch::Tensor& obs, const ObsLayout& l) {
  return obs.narrow(1, l.cluster_dim, int64_t{l.window} * l.job_features)
      .reshape({obs.size(0), l.window, l.job_features});
}

void check_obs(const torch::Tensor& obs, const ObsLayout& l, int64_t min_dim, const char* who) {
  if (obs.dim() != 2 || obs.size(1) < min_dim)
    throw std::invalid_argument(std::string(who) + ": expected observations [B, >= " +
                                std::to_string(min_dim) + "], got " +
                                std::to_string(obs.dim()) + "-d with " +
                                std::to_string(obs.dim() == 2 ? obs.size(1) : 0) +
                                " columns (window " + std::to_string(l.window) + ")");
}

}  // namespace

SlotScorerImpl::SlotScorerImpl(const ObsLayout& layout, int32_t hidden, bool agent_input)
    : layout_(layout), agent_input_(agent_input && layout.num_agents > 1) {
  const int64_t context = layout.cluster_dim + (agent_input_ ? layout.num_agents : 0);
  job_in_ = register_module(
      "job_in", init_linear(torch::nn::Linear(layout.job_features, hidden), kHiddenGain));
  if (context > 0)
    context_in_ = register_module(
        "context_in",
        init_linear(torch::nn::Linear(torch::nn::LinearOptions(context, hidden).bias(false)),
                    kHiddenGain));
  hidden_ = register_module("hidden", init_linear(torch::nn::Linear(hidden, hidden), kHiddenGain));
  out_ = register_module("out", init_linear(torch::nn::Linear(hidden, 1), 0.01));
}

torch::Tensor SlotScorerImpl::forward(const torch::Tensor& obs, const torch::Tensor& mask) {
  check_obs(obs, layout_, layout_.obs_dim(), "SlotScorer");
  // Only valid slots are scored (their logits are the only ones the mask keeps): usually a
  // few of the K slots, so this is much cheaper than scoring all of them.
  const int64_t rows = obs.size(0), k = layout_.window;
  if (mask.dim() != 2 || mask.size(0) != rows || mask.size(1) != k)
    throw std::invalid_argument("SlotScorer: expected a mask [" + std::to_string(rows) + ", " +
                                std::to_string(k) + "]");
  const auto valid = mask.reshape({-1}).nonzero().squeeze(1);  // flat row * K + slot
  auto h = job_in_(slot_features(obs, layout_).reshape({rows * k, -1}).index_select(0, valid));
  if (context_in_) {
    auto context = obs.narrow(1, 0, layout_.cluster_dim);
    if (agent_input_)
      context = torch::cat({context, obs.narrow(1, layout_.state_dim(), layout_.num_agents)}, 1);
    h = h + context_in_(context).index_select(0, torch::div(valid, k, "floor"));
  }
  auto scores = out_(torch::tanh(hidden_(torch::tanh(h)))).squeeze(-1);  // [V]
  return torch::full({rows * k}, kMaskedLogit, obs.options()).scatter(0, valid, scores).view({rows, k});
}

PolicyNetImpl::PolicyNetImpl(const ObsLayout& layout, int32_t hidden, bool shared) {
  const int32_t n = shared ? 1 : std::max(1, layout.num_agents);
  for (int32_t a = 0; a < n; ++a)
    actors_.push_back(register_module("actor" + std::to_string(a),
                                      SlotScorer(layout, hidden, /*agent_input=*/shared)));
}

torch::Tensor PolicyNetImpl::forward(const torch::Tensor& obs, const torch::Tensor& mask,
                                     const torch::Tensor& agent) {
  if (actors_.size() == 1) return actors_[0](obs, mask);
  std::vector<torch::Tensor> all;
  all.reserve(actors_.size());
  for (auto& actor : actors_) all.push_back(actor(obs, mask));
  auto stacked = torch::stack(all, 1);  // [B, A, K]
  auto index = agent.to(torch::kLong).view({-1, 1, 1}).expand({obs.size(0), 1, mask.size(1)});
  return stacked.gather(1, index).squeeze(1);
}

torch::Tensor PolicyNetImpl::forward_agent(const torch::Tensor& obs, const torch::Tensor& mask,
                                           int64_t agent) {
  const auto n = static_cast<int64_t>(actors_.size());
  return actors_[static_cast<size_t>(n == 1 ? 0 : std::clamp<int64_t>(agent, 0, n - 1))](obs, mask);
}

StateCriticImpl::StateCriticImpl(const ObsLayout& layout, int32_t hidden) : layout_(layout) {
  embed_ = register_module(
      "embed", init_linear(torch::nn::Linear(layout.job_features, hidden), kHiddenGain));
  joint_ = register_module(
      "joint", init_linear(torch::nn::Linear(layout.cluster_dim + hidden, hidden), kHiddenGain));
  hidden_ = register_module("hidden", init_linear(torch::nn::Linear(hidden, hidden), kHiddenGain));
  out_ = register_module("out", init_linear(torch::nn::Linear(hidden, 1), 1.0));
}

torch::Tensor StateCriticImpl::forward(const torch::Tensor& obs) {
  check_obs(obs, layout_, layout_.state_dim(), "StateCritic");
  // Empty slots are all zero: embed the present ones only and mean-pool them per row.
  const int64_t rows = obs.size(0), k = layout_.window;
  auto jobs = slot_features(obs, layout_);  // [B, K, F]
  const auto present_mask = jobs.abs().sum(-1).gt(0);  // [B, K]
  const auto present = present_mask.reshape({-1}).nonzero().squeeze(1);
  auto e = torch::tanh(embed_(jobs.reshape({rows * k, -1}).index_select(0, present)));  // [P, H]
  auto pooled = torch::zeros({rows, e.size(1)}, obs.options())
                    .index_add(0, torch::div(present, k, "floor"), e);
  pooled = pooled / present_mask.sum(1, /*keepdim=*/true).to(obs.scalar_type()).clamp_min(1);
  auto h = torch::tanh(joint_(torch::cat({obs.narrow(1, 0, layout_.cluster_dim), pooled}, 1)));
  return out_(torch::tanh(hidden_(h))).squeeze(-1);
}

void copy_parameters(torch::nn::Module& dst, const torch::nn::Module& src) {
  torch::NoGradGuard no_grad;
  auto from = src.named_parameters(true);
  for (auto& p : dst.named_parameters(true)) p.value().copy_(from[p.key()]);
  auto from_buffers = src.named_buffers(true);
  for (auto& b : dst.named_buffers(true)) b.value().copy_(from_buffers[b.key()]);
}

torch::Tensor compute_gae(const torch::Tensor& rewards, const torch::Tensor& values,
                          const torch::Tensor& dones, const torch::Tensor& last_value,
                          double gamma, double lambda) {
  const auto cpu = [](const torch::Tensor& t) { return t.to(torch::kCPU, torch::kFloat).contiguous(); };
  auto r = cpu(rewards), v = cpu(values), d = cpu(dones), last = cpu(last_value);
  if (r.dim() != 2 || v.sizes() != r.sizes() || d.sizes() != r.sizes() || last.dim() != 1 ||
      last.size(0) != r.size(1))
    throw std::invalid_argument("compute_gae: rewards, values, dones must be [T, M] and last_value [M]");
  const int64_t steps = r.size(0), m = r.size(1);
  auto adv = torch::zeros_like(r);
  auto ra = r.accessor<float, 2>(), va = v.accessor<float, 2>(), da = d.accessor<float, 2>();
  auto aa = adv.accessor<float, 2>();
  auto la = last.accessor<float, 1>();
  const auto g = static_cast<float>(gamma), gl = static_cast<float>(gamma * lambda);
  for (int64_t e = 0; e < m; ++e) {
    float next_value = la[e], next_adv = 0;
    for (int64_t t = steps - 1; t >= 0; --t) {
      const float live = 1.0f - da[t][e];
      const float delta = ra[t][e] + g * live * next_value - va[t][e];
      next_adv = delta + gl * live * next_adv;
      aa[t][e] = next_adv;
      next_value = va[t][e];
    }
  }
  return adv.to(rewards.device());
}

PpoLoss ppo_loss(const torch::Tensor& logits, const torch::Tensor& mask,
                 const torch::Tensor& actions, const torch::Tensor& old_logp,
                 const torch::Tensor& advantages, const torch::Tensor& returns,
                 const torch::Tensor& old_values, const torch::Tensor& values,
                 const TrainConfig& config) {
  PpoLoss out;
  auto logp_all = torch::log_softmax(logits, -1);
  auto logp = logp_all.gather(1, actions.to(torch::kLong).view({-1, 1})).squeeze(1);
  auto ratio = torch::exp(logp - old_logp);
  auto surr = ratio * advantages;
  auto surr_clipped = ratio.clamp(1 - config.clip, 1 + config.clip) * advantages;
  out.policy = -torch::min(surr, surr_clipped).mean();

  // Invalid actions have probability 0 and a finite log-probability: zeroed explicitly so the
  // entropy is that of the distribution over the valid actions only.
  auto plogp = (logp_all.exp() * logp_all).masked_fill(mask.logical_not(), 0);
  out.entropy = -plogp.sum(-1).mean();

  auto err = (values - returns).pow(2);
  if (config.value_clip > 0) {
    auto clipped = old_values + (values - old_values).clamp(-config.value_clip, config.value_clip);
    err = torch::max(err, (clipped - returns).pow(2));
  }
  out.value = 0.5 * err.mean();
  out.total = out.policy + config.value_coef * out.value - config.entropy_coef * out.entropy;
  {
    torch::NoGradGuard no_grad;
    out.approx_kl = (old_logp - logp).mean();
    out.clip_fraction = ((ratio - 1).abs() > config.clip).to(torch::kFloat).mean();
  }
  return out;
}

}  // namespace clustersim::rl
