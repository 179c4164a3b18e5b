#pragma once
// The PPO / MAPPO networks and the pieces of the PPO update that tests check by hand
// (GAE, the clipped loss). Internal to the torch learners: only torch translation units
// include this header.
//
// Actor (SlotScorer): RLScheduler's permutation-equivariant kernel (Zhang et al., "RLScheduler:
// an automated HPC batch job scheduler using reinforcement learning", SC'20): one small MLP
// scores every window slot from [that slot's job features, the cluster features, the agent
// one-hot]; the scores are the logits of a categorical policy over slots, masked to the valid
// ones. Reordering the window reorders the logits the same way, and the same weights serve
// any window size.
//
// Critic (StateCritic): a Deep Sets value function (Zaheer et al., NeurIPS'17) on the state
// only (agent-independent, so one centralised critic serves all MAPPO agents): each present
// slot is embedded by a shared layer, the embeddings are mean-pooled, and an MLP maps
// [cluster features, pooled embedding] to V(s). Mean pooling keeps the value's scale
// independent of the window size; the number of queued jobs is among the cluster features.
//
// Both use tanh hidden layers with orthogonal initialisation (gain sqrt 2 for hidden layers,
// 0.01 for the actor's output so the first policy is near uniform over valid slots, 1 for the
// critic's output), as in the reference PPO implementations (baselines PPO2, MAPPO).
#include <cstdint>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "policies/rl/agent.hpp"
#include "policies/rl/torch_models.hpp"

namespace clustersim::rl {

// The logit given to invalid slots: exp(kMaskedLogit - max valid logit) is exactly 0 in
// float, and log_softmax stays finite for every entry.
inline constexpr double kMaskedLogit = -1e9;

// Scores each window slot; forward(obs [B, obs_dim], mask [B, K] bool) -> logits [B, K] with
// invalid slots at kMaskedLogit. `agent_input`: the MLP also sees the agent one-hot (a shared
// MAPPO actor); a per-agent actor ignores it.
class SlotScorerImpl : public torch::nn::Module {
 public:
  SlotScorerImpl(const ObsLayout& layout, int32_t hidden, bool agent_input);
  torch::Tensor forward(const torch::Tensor& obs, const torch::Tensor& mask);

 private:
  ObsLayout layout_;
  bool agent_input_;
  // The first layer over [job_k, context] is split into a per-slot part and a per-row part
  // (the same affine map, computed once per row instead of once per slot). Only valid slots
  // are scored.
  torch::nn::Linear job_in_{nullptr}, context_in_{nullptr}, hidden_{nullptr}, out_{nullptr};
};
TORCH_MODULE(SlotScorer);

// One actor (shared, with the agent one-hot as input) or one per agent (MAPPO with
// shared_actor = false; agent a's rows are scored by actor a).
class PolicyNetImpl : public torch::nn::Module {
 public:
  PolicyNetImpl(const ObsLayout& layout, int32_t hidden, bool shared);
  // Logits [B, K] for a batch whose rows belong to agents `agent` ([B] int64; ignored with a
  // shared actor). Separate actors each score the whole batch and the rows are gathered by
  // agent (num_agents x the compute, but one code path for autograd; num_agents is small).
  torch::Tensor forward(const torch::Tensor& obs, const torch::Tensor& mask,
                        const torch::Tensor& agent);
  // Logits from one agent's actor only (greedy inference).
  torch::Tensor forward_agent(const torch::Tensor& obs, const torch::Tensor& mask, int64_t agent);
  bool shared() const { return actors_.size() == 1; }

 private:
  std::vector<SlotScorer> actors_;
};
TORCH_MODULE(PolicyNet);

// V(s) from the state (the first state_dim floats of obs; a longer row is cut): [B] values.
// (Submodule names end up as identifiers in the archive's TorchScript code: no Python keywords.)
class StateCriticImpl : public torch::nn::Module {
 public:
  StateCriticImpl(const ObsLayout& layout, int32_t hidden);
  torch::Tensor forward(const torch::Tensor& obs);

 private:
  ObsLayout layout_;
  torch::nn::Linear embed_{nullptr}, joint_{nullptr}, hidden_{nullptr}, out_{nullptr};
};
TORCH_MODULE(StateCritic);

// Copies every parameter and buffer of `src` into `dst` (same architecture): snapshots.
void copy_parameters(torch::nn::Module& dst, const torch::nn::Module& src);

// Generalised advantage estimation (Schulman et al., ICLR'16) over a rollout of T steps of M
// environments. rewards, values, dones: [T, M]; last_value: [M], the value of the observation
// after step T-1. dones[t] = 1 means the episode ended at step t (the next observation starts
// a new episode), so neither the next value nor later advantages flow back across it:
//   delta_t = r_t + gamma (1 - d_t) V_{t+1} - V_t,   A_t = delta_t + gamma lambda (1 - d_t) A_{t+1}.
// Returns the advantages [T, M] (float, on the device of `rewards`); returns = A + values.
torch::Tensor compute_gae(const torch::Tensor& rewards, const torch::Tensor& values,
                          const torch::Tensor& dones, const torch::Tensor& last_value,
                          double gamma, double lambda);

// The PPO loss of one minibatch and its parts (scalars).
struct PpoLoss {
  torch::Tensor total;      // policy + value_coef * value - entropy_coef * entropy
  torch::Tensor policy;     // -mean min(ratio A, clip(ratio, 1 - clip, 1 + clip) A)
  torch::Tensor value;      // 0.5 mean max((V - R)^2, (V_clipped - R)^2) (PPO2); unclipped if value_clip <= 0
  torch::Tensor entropy;    // mean entropy of the masked policy (valid actions only)
  torch::Tensor approx_kl;  // mean(old_logp - new_logp)
  torch::Tensor clip_fraction;  // share of samples with |ratio - 1| > clip
};

// logits [B, K] (already masked, e.g. from SlotScorer), mask [B, K] bool, actions [B] int64,
// old_logp, advantages (as they are to be used: normalise before), returns, old_values,
// values (the critic's new output): [B]. Uses config.clip, value_clip, value_coef,
// entropy_coef.
PpoLoss ppo_loss(const torch::Tensor& logits, const torch::Tensor& mask,
                 const torch::Tensor& actions, const torch::Tensor& old_logp,
                 const torch::Tensor& advantages, const torch::Tensor& returns,
                 const torch::Tensor& old_values, const torch::Tensor& values,
                 const TrainConfig& config);

// A PPO model (greedy over the valid slots) holding copies of these networks on `device`
// (ppo.cpp; the trainer's snapshots and load_ppo_model build theirs with it).
std::unique_ptr<TrainedModel> make_ppo_model(const ModelMeta& meta, const PolicyNet& policy,
                                             const StateCritic& critic, torch::Device device);

}  // namespace clustersim::rl
