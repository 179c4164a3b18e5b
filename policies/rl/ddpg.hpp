#pragma once
// DDPG's building blocks (policies/rl/ddpg.cpp), exposed for the tests: the networks, the
// replay buffer, the soft target update, the critic target and the masked argmax. The
// formulation is described at the top of ddpg.cpp. Only torch translation units include this.
#include <torch/torch.h>

#include <cstdint>
#include <random>

#include "policies/rl/agent.hpp"
#include "policies/rl/torch_models.hpp"
#include "sim/state_io.hpp"

namespace clustersim::rl::ddpg {

// The actor mu(s): a per-slot MLP over [job features of slot k, cluster features] with a tanh
// output, so the K scores are in [-1, 1] and permuting the window's jobs permutes the scores.
struct ActorImpl : torch::nn::Cloneable<ActorImpl> {
  ActorImpl(const ObsLayout& layout, int32_t hidden);
  void reset() override;
  // obs [B, obs_dim] -> scores [B, K].
  torch::Tensor forward(const torch::Tensor& obs);

  ObsLayout layout;
  int32_t hidden;
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(Actor);

// The temperature of choice_weights: scores 0.1 apart weigh e times more.
inline constexpr double kScoreTemperature = 0.1;

// What the critic sees of the scores [B, K]: softmax(scores / kScoreTemperature) over the
// slots with mask != 0 (mask [B, K] float 0/1), 0 on the others. Invariant to adding a
// constant to every score and to the scores of invalid slots.
torch::Tensor choice_weights(const torch::Tensor& scores, const torch::Tensor& mask);

// The critic Q(s, a): a per-slot MLP over [job features_k, cluster features, p_k, m_k]
// (m = the action mask, p = choice_weights(a, m)), mean-pooled over the K slots,
// concatenated with the cluster features, then an MLP to one value.
struct CriticImpl : torch::nn::Cloneable<CriticImpl> {
  CriticImpl(const ObsLayout& layout, int32_t hidden);
  void reset() override;
  // obs [B, obs_dim], mask [B, K] (any dtype, 1 = valid), scores [B, K] -> Q [B].
  torch::Tensor forward(const torch::Tensor& obs, const torch::Tensor& mask,
                        const torch::Tensor& scores);

  ObsLayout layout;
  int32_t hidden;
  torch::nn::Sequential slot_net{nullptr}, head{nullptr};
};
TORCH_MODULE(Critic);

// A sampled minibatch (on the buffer's device, CPU; move with to()).
struct Batch {
  torch::Tensor obs, mask, scores, reward, next_obs, next_mask, done;  // mask: float 0/1
  Batch to(torch::Device device) const;
};

// Preallocated ring of transitions (obs, mask, scores, reward, next_obs, next_mask, done).
// Once full, each add overwrites the oldest entry. Memory: about 2 x capacity x obs_dim x 4
// bytes (the observations dominate).
class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int32_t obs_dim, int32_t num_actions);
  void add(const float* obs, const uint8_t* mask, const float* scores, float reward,
           const float* next_obs, const uint8_t* next_mask, bool done);
  // `n` entries drawn uniformly (with replacement) from the filled ones; size() > 0.
  Batch sample(int64_t n, std::mt19937_64& rng) const;
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  // The slot the next add writes.
  int64_t next_slot() const { return next_; }
  float reward_at(int64_t slot) const { return reward_.data_ptr<float>()[slot]; }
  // Checkpoints: the filled entries and the ring's position. restore() onto a buffer of the
  // same capacity and shapes (checked).
  void save(StateWriter& w) const;
  void restore(StateReader& r);

 private:
  int64_t capacity_, size_ = 0, next_ = 0;
  int32_t obs_dim_, k_;
  torch::Tensor obs_, mask_, scores_, reward_, next_obs_, next_mask_, done_;
};

// target <- tau * online + (1 - tau) * target, parameter by parameter (and buffers).
void soft_update(torch::nn::Module& target, const torch::nn::Module& online, double tau);

// The critic's regression target y = r + gamma (1 - done) q_next (elementwise).
torch::Tensor critic_target(const torch::Tensor& reward, const torch::Tensor& done, double gamma,
                            const torch::Tensor& q_next);

// The highest-scoring slot among those with mask[k] != 0 (the lowest index on ties);
// -1 when no slot is valid.
int32_t masked_argmax(const float* scores, const uint8_t* mask, int32_t k);

// The greedy model over these networks (the trainer's snapshots and load_ddpg_model use it;
// it takes the modules as they are, without copying). Throws InputError unless
// meta.layout.num_agents == 1.
std::unique_ptr<TrainedModel> make_model(Actor actor, Critic critic, ModelMeta meta, torch::Device device);

}  // namespace clustersim::rl::ddpg
