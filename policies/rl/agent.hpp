#pragma once
// The torch-free face of the learners (policies/rl/*.cpp behind it use libtorch): training
// configurations, per-update learning-curve records, and trained models that pick actions.
// The CLI, the Python bindings and the `ppo`/`ddpg` policies include only this header.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "policies/rl/env.hpp"

namespace clustersim::rl {

// How an observation is laid out (Featurizer): [state: cluster_dim cluster features, then
// window x job_features] then num_agents one-hot entries when num_agents > 1.
struct ObsLayout {
  int32_t cluster_dim = 0;
  int32_t window = 0;
  int32_t job_features = 0;
  int32_t num_agents = 1;
  int32_t state_dim() const { return cluster_dim + window * job_features; }
  int32_t obs_dim() const { return state_dim() + (num_agents > 1 ? num_agents : 0); }
  bool operator==(const ObsLayout&) const = default;
};
ObsLayout layout_of(const Featurizer& f);

// Every hyper-parameter of both learners, with defaults; `algo` picks the learner.
struct TrainConfig {
  std::string algo = "ppo";      // ppo (MAPPO when the env has several agents) | ddpg
  uint64_t seed = 1;
  int64_t total_steps = 100'000; // environment steps (actions) in all
  int32_t num_envs = 8;          // M vectorised environments
  int32_t env_threads = 1;       // threads stepping them
  std::string device = "cpu";    // cpu | cuda
  int32_t hidden = 64;           // width of the hidden layers
  double lr = 3e-4;              // Adam learning rate (PPO; DDPG's actor)
  double gamma = 1.0;            // discount (episodes are finite)
  // PPO / MAPPO
  int32_t rollout = 256;         // steps per environment per update
  int32_t epochs = 4;
  int32_t minibatches = 4;
  double gae_lambda = 0.95;
  double clip = 0.2;             // clipped surrogate
  double value_clip = 0.2;       // <= 0: no value clipping
  double value_coef = 0.5;
  double entropy_coef = 0.01;
  double max_grad_norm = 0.5;
  bool shared_actor = true;      // MAPPO: one actor with an agent-id input, or one per agent
  // DDPG
  double critic_lr = 1e-3;
  double tau = 0.005;            // soft target update
  int64_t replay_size = 20'000;  // transitions (two observations each: 2 x 4 x obs_dim bytes)
  int32_t batch_size = 128;
  int64_t warmup_steps = 1'000;  // random valid actions before learning starts
  int32_t updates_per_step = 1;  // gradient updates per environment step (after warm-up)
  double noise_sigma = 0.2;      // Gaussian exploration noise on the scores
  double noise_decay = 1.0;      // sigma multiplied by this after each learning-curve record
  int32_t log_every = 1'000;     // DDPG: steps between learning-curve records

  // Reads key=value overrides (e.g. from --param); throws InputError naming an unknown key.
  void set(const std::map<std::string, std::string>& values);
  void validate() const;
  static std::vector<std::string> keys();
  // Every key with its value (exact text), for checkpoints to compare; env_threads is left
  // out (it does not change the results).
  Settings settings() const;
};

// One learning-curve record (one PPO update, or log_every DDPG steps).
struct UpdateRecord {
  int64_t update = 0;
  int64_t steps = 0;             // environment steps so far
  int64_t episodes = 0;          // episodes finished in this update
  double mean_return = 0;        // of those episodes (NaN if none)
  double episode_metric = 0;     // their mean bounded slowdown (bsld, mix) or mean JCT s (jct)
  double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0;  // DDPG: actor, critic
  double steps_per_s = 0;
  double sim_s = 0, inference_s = 0, update_s = 0;  // wall time split
  double wall_s = 0;
};

// Fills the record's episodes, mean_return and episode_metric (NaN when none) from the
// episodes `envs` finished since the last call (VecEnv::take_finished). The learners share it.
void record_episodes(VecEnv& envs, const std::string& reward, UpdateRecord& record);

// A trained model: picks the action with the highest score among the valid ones.
class TrainedModel {
 public:
  virtual ~TrainedModel() = default;
  virtual std::string algo() const = 0;
  virtual const ObsLayout& layout() const = 0;
  // The environment settings it was trained with (window, agents, reward).
  virtual const EnvConfig& env_config() const = 0;
  // Greedy action for one observation (obs_dim floats) and mask (window bytes; some valid).
  virtual int32_t act(const float* obs, const uint8_t* mask) = 0;
  virtual void save(const std::string& path) const = 0;
};

// Loads a model saved by a trainer (any algo). Throws InputError naming the file when it is
// missing or not a clustersim model.
std::unique_ptr<TrainedModel> load_model(const std::string& path, const std::string& device = "cpu");

class Trainer {
 public:
  virtual ~Trainer() = default;
  // Runs one unit of training (one PPO rollout + update; log_every DDPG steps) and returns
  // its record; done() once total_steps are spent.
  virtual UpdateRecord train_step() = 0;
  virtual bool done() const = 0;
  // The current policy as a model (a snapshot; saving it gives a checkpoint).
  virtual std::unique_ptr<TrainedModel> model() const = 0;
  // A checksum of every parameter's bits (FNV-1a): equal on all ranks of a distributed run
  // after every update (the PPO trainer checks it). DDPG never runs distributed and keeps
  // this default, 0.
  virtual uint64_t parameter_checksum() const { return 0; }

  // Checkpoints (docs/rl.md): the whole training state — networks, optimiser moments, every
  // random stream, counters, a DDPG replay buffer, and the environments (VecEnv::save) — so
  // that a trainer made afresh (make_trainer on a new VecEnv of the same source, config and
  // size) and given restore_state() goes on bit for bit as the saved one would have. Save
  // between train_step()s. restore_state throws InputError naming the checkpoint and what
  // differs when it holds another configuration. checkpointable(): false when some state
  // cannot be saved (an `mlp` estimate source in the environments).
  virtual bool checkpointable() const = 0;
  virtual void save_state(StateWriter& w) const = 0;
  virtual void restore_state(StateReader& r) = 0;
};

// Data-parallel training over processes (`mpirun -np N clustersim train`): every rank steps
// its own environments, and the trainer sums statistics and gradients through this so that
// all ranks take the same update. The rl library does not depend on MPI: the program's
// implementation is experiments/mpi_collective.cpp; SingleProcess is the one-rank case.
class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Element-wise sum over the ranks, in place; every rank gets the same bits.
  virtual void sum(std::span<double> values) = 0;
  virtual void sum(std::span<float> values) = 0;
  // Rank 0's values, on every rank.
  virtual void broadcast(std::span<float> values) = 0;
  // Every rank's value, in rank order (each rank gets all of them).
  virtual std::vector<uint64_t> all_gather(uint64_t value) = 0;
};

class SingleProcess final : public Collective {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum(std::span<double>) override {}
  void sum(std::span<float>) override {}
  void broadcast(std::span<float>) override {}
  std::vector<uint64_t> all_gather(uint64_t value) override { return {value}; }
};

// With a collective (PPO / MAPPO only): `envs` are this rank's environments, global indices
// [rank x M, (rank + 1) x M); total_steps counts every rank's steps. See ppo.cpp for what is
// shared, and what makes N ranks of M environments equal to one rank of N x M.
std::unique_ptr<Trainer> make_trainer(VecEnv& envs, const TrainConfig& config, Collective* collective = nullptr);

// Threads for torch's intra-op pool and, when it is the BLAS in use, OpenBLAS (>= 1).
void set_torch_threads(int32_t threads);

}  // namespace clustersim::rl
