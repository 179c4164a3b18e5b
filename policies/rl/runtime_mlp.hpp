#pragma once
// mlp: a runtime predictor that is a small neural network trained online in libtorch
// (docs/predictors.md). Torch-free header: the network lives in runtime_mlp.cpp.
//
// Input (19 floats, each roughly in [-1, 1]), all known at submit time: log requested time,
// log cores, log GPUs; the user's history (whether there is one; log of their last runtime,
// of the mean of their last two and last four; log of the last runtime over the requested
// time); the time of day of the submission as sin / cos (relative to the workload's origin:
// traces do not all say when they start); a running mean of the log runtimes of all recently
// finished jobs (for traces without users); a one-hot of the user hashed into 8 buckets.
//
// Output: the log of runtime over requested time (log1p seconds), so an untrained network
// (output layer initialised to zero) predicts the requested time, and the loss, the squared
// error of that log ratio, is the squared error of log runtime: runtimes span five orders of
// magnitude and an error in seconds would be dominated by the longest jobs.
//
// Training: each finished job adds (its features as computed when it was predicted, its
// target) to a replay of the last `replay` jobs; after `train_every` finished jobs, then
// after twice as many more, and so on (the interval doubles up to `max_interval`), the network
// takes `steps` Adam steps (torch::optim::Adam) on minibatches of `batch` drawn from the replay
// with a seeded generator. Early rounds are frequent while the model knows little; later ones
// are rare. A step costs about 0.05 ms: the parameters are one flat tensor (one Adam update),
// and the gradient is written with the ATen calls autograd's backward would make, without
// recording a graph. Weights are initialised from the same seeded generator, so a run is
// deterministic; the tensors are far below torch's parallel grain size, so every operation
// runs on the calling thread whatever the torch thread count. Predictions use a plain C++
// forward pass over a copy of the weights taken after each training round (no torch call per
// arrival). With both, EASY with mlp replays within 2x of EASY with requested times
// (docs/predictors.md, bench/predict_bench.cpp).
#include <cstdint>
#include <memory>

#include "policies/predict/predictor.hpp"

namespace clustersim::rl {

struct RuntimeMlpConfig {
  int32_t hidden = 16;         // two hidden ReLU layers of this width
  int32_t train_every = 64;    // finished jobs before the first training round
  int32_t max_interval = 1024; // the interval between rounds doubles up to this
  int32_t steps = 2;           // Adam steps per round
  int32_t batch = 128;         // minibatch size
  int32_t replay = 4096;       // most recent finished jobs kept for training
  double lr = 1e-2;            // Adam learning rate
  uint64_t seed = 1;
  void validate() const;       // throws InputError naming the field
};

inline constexpr int32_t kRuntimeMlpFeatures = 19;

std::unique_ptr<RuntimePredictor> make_runtime_mlp(const RuntimeMlpConfig& config = {});

// The features of a job (for tests): `history` holds the user's last runtimes, newest first.
void runtime_mlp_features(const SubmitInfo& job, const double* history, int n_history, double recent_log_mean,
                          float* out);

// Alignment check (tests): training writes the gradient by hand; this returns the largest
// absolute difference between that gradient and autograd's, on a random batch of `batch`
// inputs for the network `config` initialises (with a random output layer).
double runtime_mlp_gradient_gap(const RuntimeMlpConfig& config, int64_t batch);

// Adds `mlp` to PredictorRegistry::builtin(); idempotent. rl::register_policies calls it.
void register_runtime_predictors();

}  // namespace clustersim::rl
