#pragma once
// The scheduling environment: the engine as a reinforcement-learning environment
// (docs/rl.md). No torch here: the environment, its observations and the vectorised
// environments are plain C++ over the engine; the learners (policies/rl/*_torch) use them.
//
// An episode is a window of N consecutive jobs of a workload (a trace or a generator's
// output), taken at a seeded offset inside one split of the workload (train, validation or
// test: the jobs in arrival order cut at fixed fractions, so windows of different splits never
// overlap in time), shifted to start at time 0, replayed on a fresh engine.
//
// Decision points. The environment asks for an action whenever an agent has a valid one: a
// queued job in its window that can start now on the agent's resources. One step = one action
// = one job started; the simulation advances (arrivals, finishes) only when no agent has a
// valid action left. The scheduler is therefore work-conserving and never picks an invalid
// job: the action mask marks exactly the window slots whose job starts if chosen.
//
// Agents. `single`: one agent over the whole cluster (plain PPO, DDPG); a job starts on the
// fastest node type that holds it now (policies/dl.hpp place_fastest) or, without a speed
// model, with the engine's first-fit placement. `per-type`: one agent per node type (MAPPO),
// each placing jobs on its own type's nodes only; at a decision point the agents with a valid
// action act in turn, round-robin.
//
// Observation (floats, fixed size for a given environment; every feature roughly in [0, 1]):
//   state (agent-independent, the centralised critic's input):
//     cluster, per node type t:  free cores / capacity, free GPUs / capacity, nodes up / nodes
//     global:                    queued jobs / 4K and running jobs / 4K (each capped at 1)
//     window, per slot k < K:    present, waiting time w as w / (w + 1 h), requested time r
//                                as r / (r + 1 h) (or the estimate of EnvConfig::estimate
//                                in its place), cores and GPUs asked (fractions of the
//                                cluster's), and per node type t: whether it can start there
//                                now, its speed there (rate / its best rate over types)
//   agent one-hot (num_agents entries, only when num_agents > 1)
// The window holds the K queued jobs that arrived first (FCFS order); empty slots are zero.
//
// Rewards (EnvConfig::reward), per step; an episode's return is their sum:
//   bsld   -mean bounded slowdown of the window's jobs, given at the last step (sparse)
//   jct    -(jobs in the system) x (time advanced) / (N x mean runtime) at every step: the
//          episode's sum is exactly -mean JCT / mean runtime of the window's jobs (dense)
//   util   the fraction of the cluster in use (cores, or GPUs when the cluster has GPUs) over
//          the interval until the next decision point, / N: the sum is the mean utilisation
//          seen across decision points
//   mix    alpha x (the bsld term) + beta x (the util term)
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "policies/predict/estimates.hpp"
#include "sim/engine.hpp"
#include "sim/state_io.hpp"
#include "sim/workload.hpp"
#include "traces/throughputs.hpp"
#include "workloads/dl.hpp"

namespace clustersim::rl {

enum class Split : uint8_t { Train, Validation, Test, All };
Split parse_split(const std::string& name);  // train | validation | test | all
std::string_view to_string(Split s);

// Where episodes come from: a workload, the cluster it runs on, an optional DL speed model.
struct EpisodeSource {
  Workload workload;
  Cluster cluster;
  std::shared_ptr<const ThroughputTable> throughputs;  // null: every job runs at rate 1
  ThroughputModelConfig speed;
  EngineConfig engine;
  double train_fraction = 0.7, validation_fraction = 0.15;  // the rest is test

  // Jobs [first, last) of a split (arrival order).
  std::pair<int64_t, int64_t> split_range(Split s) const;
  void validate() const;  // throws InputError (bad split fractions, no nodes, bad engine settings)
};

struct EnvConfig {
  int32_t window = 128;         // K: job slots in the observation (= actions)
  int64_t episode_jobs = 256;   // N: jobs per episode
  std::string reward = "bsld";  // bsld | jct | util | mix
  double alpha = 1, beta = 1;   // mix weights
  std::string agents = "single";  // single | per-type
  // Where the slots' time feature comes from (policies/predict/estimates.hpp): requested (the
  // requested time), runtime (oracle), user-mean2 or mlp (predicted at submit from the jobs
  // finished so far, as the batch policies' `estimate`).
  std::string estimate = "requested";
  Split split = Split::Train;
  void validate() const;        // throws InputError naming the field
};

// Metrics of a finished episode (over the window's jobs that finished).
struct EpisodeStats {
  int64_t jobs = 0, finished = 0, rejected = 0;
  double mean_bsld = 0, mean_jct_s = 0, mean_wait_s = 0, utilisation = 0, makespan_s = 0;
  double ret = 0;  // sum of the rewards
  int64_t steps = 0;
};

// Named settings a checkpoint stores and its restore compares (environment, learner and
// command settings): expect_same_settings reads the saved list and throws InputError naming
// the first that differs, with both values ("... setting 'window' (checkpoint: 64, now: 128)").
using Settings = std::vector<std::pair<std::string, std::string>>;
void expect_same_settings(StateReader& r, const Settings& now, const std::string& what);
// A double as text that reads back to the same bits (for Settings).
std::string exact(double v);

struct StepResult {
  float reward = 0;
  bool done = false;
};

// Builds observations and masks from any engine state (the environment and the trained
// policies share it, so a model sees the same features in training and in `clustersim run`).
class Featurizer {
 public:
  // `estimate`: the source of the slots' time feature (EnvConfig::estimate); an unknown name
  // throws InputError naming "env: estimate".
  Featurizer(const Cluster& cluster, int32_t window, int32_t num_agents, const std::string& estimate = "requested");
  int32_t window() const { return window_; }
  int32_t num_agents() const { return num_agents_; }
  int32_t num_types() const { return num_types_; }
  int32_t state_dim() const { return state_dim_; }
  int32_t obs_dim() const { return state_dim_ + (num_agents_ > 1 ? num_agents_ : 0); }
  int32_t job_features() const { return job_features_; }
  int32_t cluster_dim() const { return cluster_dim_; }

  // Per-job speeds on each node type (rate / best rate over types; 0 = cannot run there),
  // computed once per job from the engine's speed model on a representative placement; and a
  // fresh estimate source for this engine.
  void prepare(const EngineView& view);
  // Writes obs[obs_dim()] and mask[window()] (1 = valid) for `agent`, and the job in each slot
  // (JobId::invalid() for an empty one) into slots[window()]. Returns the number of valid slots.
  // Brings the estimate source up to date with the engine first (RuntimeEstimates::sync:
  // each arrival predicted with the jobs that had finished by its submit time).
  int32_t observe(const EngineView& view, int32_t agent, float* obs, uint8_t* mask, JobId* slots);
  // Whether the job can start now on the agent's resources (per-type agents: node type = agent).
  bool can_start(const EngineView& view, int32_t agent, JobId job);
  // Starts the job on the agent's resources (it must be startable).
  void start(Decisions& d, int32_t agent, JobId job);

  // Checkpoints: what carries across steps is the estimate source (a predictor learns across
  // episodes); the speeds are derived by prepare(), which restore's caller runs first.
  bool checkpointable() const { return estimates_.checkpointable(); }
  std::string estimate_name() const { return estimates_.name(); }
  void save(StateWriter& w) const { estimates_.save(w); }
  void restore(StateReader& r) { estimates_.restore(r); }

 private:
  bool fits_on_type(const EngineView& view, JobId job, uint32_t type);
  int32_t window_, num_agents_, num_types_, cluster_dim_, job_features_, state_dim_;
  double total_cores_ = 0, total_gpus_ = 0;
  std::vector<std::vector<uint32_t>> nodes_of_type_;
  std::vector<Resources> type_capacity_;  // per type: all its nodes together
  std::vector<float> speed_;              // [job][type], filled by prepare()
  std::vector<uint8_t> fits_;             // [type], scratch of can_start / observe
  std::vector<Slot> scratch_;
  bool simple_ = false;                   // one node type, no speed model: the engine's fits_now
  RuntimeEstimates estimates_;            // the slots' time feature
};

class SchedulingEnv {
 public:
  SchedulingEnv(std::shared_ptr<const EpisodeSource> source, EnvConfig config);
  ~SchedulingEnv();
  SchedulingEnv(SchedulingEnv&&) noexcept;
  SchedulingEnv& operator=(SchedulingEnv&&) noexcept;

  int32_t obs_dim() const { return features_.obs_dim(); }
  int32_t state_dim() const { return features_.state_dim(); }
  int32_t num_actions() const { return config_.window; }
  int32_t num_agents() const { return features_.num_agents(); }
  const EnvConfig& config() const { return config_; }
  const EpisodeSource& source() const { return *source_; }
  const Featurizer& featurizer() const { return features_; }

  // A new episode: the window at an offset drawn from `seed` inside the split.
  void reset(uint64_t seed);
  // An episode on the window starting at job `offset` of the workload (evaluation).
  void reset_at(int64_t offset);
  // Starts the job in slot `action` (must be valid: DecisionError otherwise), then advances
  // to the next decision point. After done, reset before stepping again.
  StepResult step(int32_t action);
  bool done() const { return done_; }
  // The agent that acts now.
  int32_t agent() const { return agent_; }
  // The current observation and mask (valid until the next step/reset).
  std::span<const float> obs() const { return obs_; }
  std::span<const uint8_t> mask() const { return mask_; }
  // Copies obs and mask out (for the vectorised environments' batches).
  void write(float* obs, uint8_t* mask) const;
  // The job in each slot of the current observation.
  std::span<const JobId> slots() const { return slots_; }
  const EngineView& view() const;
  // The finished episode's metrics (done() must hold).
  const EpisodeStats& stats() const { return stats_; }
  // The offset of the current window in the workload.
  int64_t offset() const { return offset_; }

  // Evaluation windows of a split: `count` evenly spaced offsets (non-overlapping when the
  // split has room).
  std::vector<int64_t> eval_offsets(int64_t count) const;

  // Checkpoints (docs/rl.md): the episode in progress (its window, its engine's whole state,
  // the reward bookkeeping, the current observation) and the estimate source. restore() onto
  // an environment of the same source and config (checked, naming what differs) rebuilds the
  // window's engine and restores it: the environment then steps as the saved one would have.
  // checkpointable(): false when the estimate source cannot be saved (the torch mlp predictor).
  bool checkpointable() const { return features_.checkpointable(); }
  void save(StateWriter& w) const;
  void restore(StateReader& r);

 private:
  void open_window(int64_t offset);  // the window's fresh engine (not run), features prepared
  void begin_episode(int64_t offset);
  void advance_to_decision();   // runs the engine until some agent has a valid action or the end
  bool pick_agent();            // next agent with a valid action; fills obs/mask
  double in_use_fraction() const;
  void finish_episode();

  std::shared_ptr<const EpisodeSource> source_;
  EnvConfig config_;
  Featurizer features_;
  std::unique_ptr<SpeedModel> speed_model_;
  std::unique_ptr<Engine> engine_;
  std::vector<float> obs_;
  std::vector<uint8_t> mask_;
  std::vector<JobId> slots_;
  int32_t agent_ = 0;
  int32_t next_agent_ = 0;
  bool done_ = true;
  int64_t offset_ = 0;
  double mean_runtime_us_ = 1;
  double last_active_us_ = 0;
  double last_used_ = 0;
  Time last_time_;
  EpisodeStats stats_;
  int reward_kind_ = 0;
};

// M environments stepped together. Observations, masks, rewards and done flags live in
// contiguous batches owned here ([M x obs_dim], [M x K], [M], [M]) and are rewritten in place
// by step(): nothing is allocated per step. An environment that finishes is reset at once with
// the next seed of its own stream (its done flag says so; its obs row is the new episode's).
// With threads > 1 the environments are stepped on a pool of that many threads.
class VecEnv {
 public:
  VecEnv(std::shared_ptr<const EpisodeSource> source, EnvConfig config, int32_t num_envs,
         int32_t threads = 1);
  ~VecEnv();
  int32_t num_envs() const { return static_cast<int32_t>(envs_.size()); }
  int32_t obs_dim() const { return obs_dim_; }
  int32_t num_actions() const { return k_; }
  // Resets every environment; environment i draws its episodes from the seed stream of global
  // index first_index + i, so that ranks holding environments [r x M, (r + 1) x M) of a
  // distributed run see the episodes one process with all of them would.
  void reset(uint64_t seed, int64_t first_index = 0);
  void step(std::span<const int32_t> actions);
  std::span<float> obs() { return obs_; }
  std::span<uint8_t> mask() { return mask_; }
  std::span<float> rewards() { return rewards_; }
  std::span<uint8_t> dones() { return dones_; }
  std::span<int32_t> agents() { return agents_; }
  SchedulingEnv& env(int32_t i) { return *envs_[i]; }
  // Metrics of the episodes finished since the last call (cleared by it).
  std::vector<EpisodeStats> take_finished();

  // Checkpoints (docs/rl.md): every environment (SchedulingEnv::save), the seed streams, the
  // batches and the finished episodes not yet taken. restore() onto a VecEnv of the same
  // source (its workload fingerprinted), config and size; the thread count may differ.
  bool checkpointable() const { return envs_[0]->checkpointable(); }
  void save(StateWriter& w) const;
  void restore(StateReader& r);

 private:
  void step_one(int32_t i, int32_t action);
  struct Pool;
  std::vector<std::unique_ptr<SchedulingEnv>> envs_;
  int32_t obs_dim_, k_;
  std::vector<float> obs_, rewards_;
  std::vector<uint8_t> mask_, dones_;
  std::vector<int32_t> agents_;
  std::vector<uint64_t> seeds_;
  std::vector<std::vector<EpisodeStats>> finished_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace clustersim::rl
