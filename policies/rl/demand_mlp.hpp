#pragma once
// The `mlp` demand forecaster (docs/autoscaling.md): a small multilayer perceptron in
// libtorch, trained online on the demand series the autoscaler has seen so far. This header
// is torch-free; rl::register_policies() adds `mlp` to ForecasterRegistry::builtin().
//
// Each control step gives one sample d_i. A training pair maps a sliding window of `window`
// samples d_{i-w+1..i} to the mean of the next horizon_steps samples; pairs join the training
// set once their targets are known. After each observation the net takes `train_steps` Adam
// steps on minibatches drawn (with its own seeded generator) from the latest `buffer` pairs;
// inputs and targets are divided by the largest demand seen so far (at least 1). Until
// `warmup` pairs exist it predicts the last sample. Weights are initialised from the seed
// (PyTorch's default uniform bounds), so a run is deterministic and never touches torch's
// global generator.
#include <cstdint>
#include <memory>

namespace clustersim {
class DemandForecaster;
class ForecasterRegistry;
}  // namespace clustersim

namespace clustersim::rl {

struct DemandMlpConfig {
  int64_t window = 12;
  int64_t hidden = 32;
  double learning_rate = 1e-2;
  int64_t batch = 32;
  int64_t train_steps = 2;   // Adam steps per observation
  int64_t warmup = 16;       // pairs needed before the net predicts
  int64_t buffer = 4096;     // the latest pairs it trains on
  int64_t horizon_steps = 1; // the target: mean of this many next samples
  uint64_t seed = 1;

  void validate() const;  // InputError naming the parameter
};

std::unique_ptr<DemandForecaster> make_demand_mlp(const DemandMlpConfig& config);
// Adds `mlp` (parameters window, hidden, lr, batch, train_steps, warmup, buffer; the horizon
// and seed come from the autoscaler's ForecastSetup).
void register_demand_mlp(ForecasterRegistry& registry);

}  // namespace clustersim::rl
