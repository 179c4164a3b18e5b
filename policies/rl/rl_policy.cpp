#include "policies/rl/rl_policy.hpp"

#include <mutex>

#include "policies/autoscale/forecaster.hpp"
#include "policies/registry.hpp"
#include "policies/rl/demand_mlp.hpp"
#include "policies/rl/runtime_mlp.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {

TrainedPolicy::TrainedPolicy(std::shared_ptr<TrainedModel> model, std::string name)
    : model_(std::move(model)), name_(std::move(name)) {}

void TrainedPolicy::reset(const EngineView& view) {
  const EnvConfig& env = model_->env_config();
  const int32_t agents = env.agents == "per-type" ? static_cast<int32_t>(view.cluster().node_types().size()) : 1;
  features_ = std::make_unique<Featurizer>(view.cluster(), env.window, agents, env.estimate);
  const ObsLayout here = layout_of(*features_), trained = model_->layout();
  if (!(here == trained))
    throw InputError("policy " + name_ + ": the model was trained on observations of " +
                     std::to_string(trained.cluster_dim) + " cluster features, " + std::to_string(trained.window) +
                     " slots of " + std::to_string(trained.job_features) + " features and " +
                     std::to_string(trained.num_agents) + " agents; this cluster gives " +
                     std::to_string(here.cluster_dim) + ", " + std::to_string(here.window) + " x " +
                     std::to_string(here.job_features) + " and " + std::to_string(here.num_agents) +
                     " (a cluster with another number of node types?)");
  features_->prepare(view);
  obs_.assign(static_cast<size_t>(features_->obs_dim()), 0.0f);
  mask_.assign(static_cast<size_t>(env.window), 0);
  slots_.assign(static_cast<size_t>(env.window), JobId::invalid());
  next_agent_ = 0;
}

void TrainedPolicy::schedule(Decisions& d) {
  const EngineView& v = d.view();
  const int32_t n = features_->num_agents();
  for (;;) {
    bool acted = false;
    for (int32_t i = 0; i < n && !acted; ++i) {
      const int32_t a = (next_agent_ + i) % n;
      if (features_->observe(v, a, obs_.data(), mask_.data(), slots_.data()) == 0) continue;
      const int32_t k = model_->act(obs_.data(), mask_.data());
      if (k < 0 || k >= static_cast<int32_t>(mask_.size()) || !mask_[static_cast<size_t>(k)])
        throw DecisionError("policy " + name_ + ": the model chose slot " + std::to_string(k) + ", which is not valid");
      features_->start(d, a, slots_[static_cast<size_t>(k)]);
      next_agent_ = (a + 1) % n;
      acted = true;
    }
    if (!acted) return;
  }
}

void register_policies() {
  register_runtime_predictors();  // estimate=mlp for the policies that take an estimate
  static std::once_flag once;
  std::call_once(once, [] {
    PolicyRegistry::extend_builtin([](PolicyRegistry& r) {
      for (const char* algo : {"ppo", "ddpg"}) {
        const std::string name = algo;
        r.add({name,
               std::string("a trained ") + (name == "ppo" ? "PPO / MAPPO" : "DDPG") +
                   " agent (clustersim train): starts the valid job its model scores highest, until none is left",
               {{"model", "", "the model file written by clustersim train (required)"},
                {"device", "cpu", "cpu or cuda"}},
               [name](const PolicyParams& p) -> std::unique_ptr<Policy> {
                 p.reject_unknown({"model", "device"});
                 const std::string path = p.get_string("model", "");
                 if (path.empty())
                   throw InputError("policy " + name + ": parameter 'model' is required (a file from clustersim train)");
                 std::shared_ptr<TrainedModel> m = load_model(path, p.get_string("device", "cpu"));
                 if (m->algo() != name)
                   throw InputError("policy " + name + ": " + path + " holds a " + m->algo() + " model (use --policy " +
                                    m->algo() + ")");
                 return std::make_unique<TrainedPolicy>(std::move(m), name);
               }});
      }
    });
    ForecasterRegistry::extend_builtin(register_demand_mlp);  // the autoscaler's `mlp` forecaster
  });
}

}  // namespace clustersim::rl
