#pragma once
// Trained agents as ordinary policies (docs/rl.md): `ppo` and `ddpg` load a model file saved
// by `clustersim train` and schedule like any other policy. At each decision point they build
// the observation the model was trained on (Featurizer, same window and node types) and start
// the job the model scores highest among the valid ones, again and again until no agent has a
// valid action: exactly the environment's decisions, so `clustersim run` reproduces the
// environment's evaluation episodes.
#include <memory>
#include <string>

#include "policies/rl/agent.hpp"
#include "sim/policy.hpp"

namespace clustersim {
class PolicyRegistry;
}

namespace clustersim::rl {

class TrainedPolicy : public Policy {
 public:
  TrainedPolicy(std::shared_ptr<TrainedModel> model, std::string name);
  std::string name() const override { return name_; }
  void reset(const EngineView& view) override;
  void schedule(Decisions& d) override;

 private:
  std::shared_ptr<TrainedModel> model_;
  std::string name_;
  std::unique_ptr<Featurizer> features_;
  std::vector<float> obs_;
  std::vector<uint8_t> mask_;
  std::vector<JobId> slots_;
  int32_t next_agent_ = 0;
};

// Adds `ppo` (also MAPPO models) and `ddpg` (parameters: model = the file, device) to the
// built-in registry; idempotent. Programs that offer the trained policies call it at start-up.
void register_policies();

}  // namespace clustersim::rl
