#pragma once
// Forecasters of near-future resource demand (docs/autoscaling.md). The Autoscaler measures
// the demand once per control step (in node-equivalents: measure_demand in autoscaler.hpp)
// and feeds the series to a forecaster, which predicts the mean demand over the next
// horizon. `last` and `ewma` are here; `mlp` (libtorch, policies/rl/demand_mlp.cpp) joins the
// registry through rl::register_policies().
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policies/params.hpp"
#include "policies/registry.hpp"  // ParamInfo
#include "sim/state_io.hpp"

namespace clustersim {

class DemandForecaster {
 public:
  virtual ~DemandForecaster() = default;
  virtual std::string name() const = 0;
  // The demand of the latest control step; called once per step, in order.
  virtual void observe(double demand) = 0;
  // The predicted mean demand over the next ForecastSetup::horizon_steps steps (>= 0); 0
  // before the first observation.
  virtual double forecast() const = 0;
  // Checkpoints: whether save/restore keep everything observed (default: cannot).
  virtual bool checkpointable() const { return false; }
  virtual void save(StateWriter& w) const { (void)w; }
  virtual void restore(StateReader& r) { (void)r; }
};

// What every forecaster is made for.
struct ForecastSetup {
  int64_t horizon_steps = 1;  // control steps the forecast covers (>= 1)
  uint64_t seed = 1;          // for forecasters that draw random numbers
};

// Predicts the last sample: a purely reactive scaler.
class LastValueForecaster : public DemandForecaster {
 public:
  std::string name() const override { return "last"; }
  void observe(double demand) override { last_ = demand; }
  double forecast() const override { return last_; }
  bool checkpointable() const override { return true; }
  void save(StateWriter& w) const override { w.put(last_); }
  void restore(StateReader& r) override { r.get(last_); }

 private:
  double last_ = 0;
};

// Exponentially weighted moving average (Brown's simple exponential smoothing): the level
// s_0 = d_0, s_i = alpha d_i + (1 - alpha) s_{i-1}, predicted flat over the horizon. A small
// alpha smooths bursts (and lags a rise); alpha = 1 is `last`.
class EwmaForecaster : public DemandForecaster {
 public:
  explicit EwmaForecaster(double alpha);  // 0 < alpha <= 1, else InputError
  std::string name() const override { return "ewma"; }
  void observe(double demand) override;
  double forecast() const override { return level_; }
  bool checkpointable() const override { return true; }
  void save(StateWriter& w) const override {
    w.put(level_);
    w.put(seen_);
  }
  void restore(StateReader& r) override {
    r.get(level_);
    r.get(seen_);
  }

 private:
  double alpha_;
  double level_ = 0;
  bool seen_ = false;
};

struct ForecasterInfo {
  std::string name;
  std::string description;
  std::vector<ParamInfo> params;
  std::function<std::unique_ptr<DemandForecaster>(const PolicyParams&, const ForecastSetup&)> make;
};

// Forecasters by name, like PolicyRegistry: self-describing, "did you mean" for a misspelt
// name, parameters checked by name.
class ForecasterRegistry {
 public:
  // `last` and `ewma`, plus what extend_builtin added (rl::register_policies adds `mlp`).
  static const ForecasterRegistry& builtin();
  // Called once at start-up by libraries layered above (before any concurrent use).
  static void extend_builtin(const std::function<void(ForecasterRegistry&)>& add);

  void add(ForecasterInfo info);
  // Throws InputError for an unknown name (naming the known ones) or a bad parameter.
  std::unique_ptr<DemandForecaster> make(const std::string& name, const std::map<std::string, std::string>& params,
                                         const ForecastSetup& setup) const;
  const ForecasterInfo* find(const std::string& name) const;
  const std::vector<ForecasterInfo>& all() const { return entries_; }
  std::vector<std::string> names() const;

 private:
  std::vector<ForecasterInfo> entries_;
};

}  // namespace clustersim
