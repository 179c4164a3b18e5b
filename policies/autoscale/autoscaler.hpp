#pragma once
// Autoscaling (docs/autoscaling.md): a policy wrapper that leaves scheduling to any inner
// policy and, every control interval, powers nodes on (they boot, billed, before they are
// usable) or off (only nodes idle for a cool-down) so that the powered nodes follow the
// forecast demand. The inner policy sees off and booting nodes as unavailable (they are out of
// the cluster's pool), so it works unchanged; the engine refuses to power off a node that
// runs a job, whatever this class does.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policies/autoscale/forecaster.hpp"
#include "sim/policy.hpp"

namespace clustersim {

struct AutoscaleConfig {
  bool enabled = false;
  std::string forecaster = "ewma";                        // a ForecasterRegistry name
  std::map<std::string, std::string> forecaster_params;  // its parameters (key forecaster.NAME)
  double interval_s = 300;   // control period
  double horizon_s = 1800;   // demand counts work within this horizon; forecasts cover the next one
  // Hysteresis on the ratio r = wanted demand / powered nodes: scale out (power on up to the
  // target) when r > scale_out, scale in (power off idle nodes down to the target) when
  // r < scale_in; in between, hold.
  double scale_out = 0.9;
  double scale_in = 0.5;
  double headroom = 0.1;     // target nodes = ceil(wanted demand x (1 + headroom))
  double cooldown_s = 600;   // a node is powered off only after it has been idle this long
  int64_t min_nodes = 1;
  int64_t max_nodes = -1;     // -1: every node
  int64_t initial_nodes = -1; // nodes on at the start (nodes 0 .. k-1); -1: every node
  uint64_t seed = 1;          // for forecasters that draw (mlp)

  // Throws InputError naming the key ("autoscale.scale_in: ...").
  void validate() const;
  // Checks the config against a cluster: more than one node, one node type, node counts within
  // the cluster. Throws InputError saying what to do.
  void check_cluster(const Cluster& cluster) const;
  // Sets fields from "key=value" pairs (the CLI's --autoscale-param): the keys above, and
  // forecaster.KEY for the forecaster's parameters. Unknown key or bad value: InputError
  // naming the key (with "did you mean").
  void set(const std::map<std::string, std::string>& params);
  // "key=value,..." of every setting, for /meta.
  std::string describe() const;
  // The keys set() knows.
  static std::vector<std::string> keys();
};

// Demand, in node-equivalents: what the work in the system needs over the next horizon H if
// it all ran now. A job of `tasks` tasks needs tasks / (tasks per node) nodes, for its
// remaining estimate (a queued job: its walltime estimate; a running job: expected end - now,
// at least one control interval, since it still holds its nodes), counted up to H:
//   demand = sum over queued and running jobs of nodes_j x min(remaining_j, H) / H.
// fit_floor: the nodes the largest queued job needs on an otherwise empty cluster; the scaler
// never goes below it, so no job waits forever for nodes that are off.
struct DemandSample {
  double nodes = 0;
  int64_t fit_floor = 0;
};
DemandSample measure_demand(const EngineView& view, Time horizon, Time interval);

// One control step, for tests and analysis.
struct ControlStep {
  Time time;
  double demand = 0, forecast = 0;
  int64_t powered = 0;  // nodes on or booting (and not failed) before the step's decisions
  int64_t target = 0;
  int64_t powered_on = 0, powered_off = 0;  // this step's decisions
};

class Autoscaler : public Policy {
 public:
  // `inner` must outlive the Autoscaler. config.validate() is called here.
  Autoscaler(Policy& inner, AutoscaleConfig config, std::unique_ptr<DemandForecaster> forecaster);
  std::string name() const override { return inner_->name() + "+autoscale"; }
  void reset(const EngineView& view) override;  // also check_cluster
  void schedule(Decisions& d) override;
  Time round_interval() const override { return inner_->round_interval(); }
  bool checkpointable() const override { return inner_->checkpointable() && forecaster_->checkpointable(); }
  void save_state(StateWriter& w) const override;
  void restore_state(const EngineView& view, StateReader& r) override;

  const std::vector<ControlStep>& steps() const { return steps_; }
  int64_t nodes_powered_on() const { return powered_on_; }
  int64_t nodes_powered_off() const { return powered_off_; }

 private:
  // Returns whether a node became usable at once (boot_time 0), so the inner policy runs again.
  bool control(Decisions& d);
  void track_idle(const EngineView& v);

  Policy* inner_;
  AutoscaleConfig config_;
  std::unique_ptr<DemandForecaster> forecaster_;
  Time interval_, horizon_, cooldown_;
  Time next_tick_, asked_for_ = Time::max();
  std::vector<Time> idle_since_;  // per node: since when it is seen on, usable and empty; max() if not
  std::vector<ControlStep> steps_;
  int64_t powered_on_ = 0, powered_off_ = 0;
  int64_t max_nodes_ = 0;
};

// An Autoscaler around `inner` with the config's forecaster from ForecasterRegistry::builtin()
// (horizon_steps = ceil(horizon / interval)). Throws InputError for a bad config.
std::unique_ptr<Autoscaler> make_autoscaler(Policy& inner, const AutoscaleConfig& config);

}  // namespace clustersim
