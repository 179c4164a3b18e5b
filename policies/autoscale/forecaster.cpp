#include "policies/autoscale/forecaster.hpp"

#include <cmath>
#include <stdexcept>

#include "sim/error.hpp"

namespace clustersim {

EwmaForecaster::EwmaForecaster(double alpha) : alpha_(alpha) {
  if (!(alpha > 0 && alpha <= 1)) throw InputError("forecaster ewma: parameter 'alpha': must be in (0, 1], got " + std::to_string(alpha));
}

void EwmaForecaster::observe(double demand) {
  level_ = seen_ ? alpha_ * demand + (1 - alpha_) * level_ : demand;
  seen_ = true;
}

namespace {
ForecasterRegistry& builtin_registry() {
  static ForecasterRegistry registry = [] {
    ForecasterRegistry r;
    r.add({"last", "the last demand sample (purely reactive)", {},
           [](const PolicyParams&, const ForecastSetup&) -> std::unique_ptr<DemandForecaster> {
             return std::make_unique<LastValueForecaster>();
           }});
    r.add({"ewma", "exponentially weighted moving average of the demand samples",
           {{"alpha", "0.3", "weight of the newest sample, in (0, 1]"}},
           [](const PolicyParams& p, const ForecastSetup&) -> std::unique_ptr<DemandForecaster> {
             return std::make_unique<EwmaForecaster>(p.get_double("alpha", 0.3));
           }});
    return r;
  }();
  return registry;
}
}  // namespace

const ForecasterRegistry& ForecasterRegistry::builtin() { return builtin_registry(); }

void ForecasterRegistry::extend_builtin(const std::function<void(ForecasterRegistry&)>& add) { add(builtin_registry()); }

void ForecasterRegistry::add(ForecasterInfo info) {
  if (find(info.name)) throw std::logic_error("forecaster '" + info.name + "' registered twice");
  entries_.push_back(std::move(info));
}

const ForecasterInfo* ForecasterRegistry::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> ForecasterRegistry::names() const {
  std::vector<std::string> n;
  for (const auto& e : entries_) n.push_back(e.name);
  return n;
}

std::unique_ptr<DemandForecaster> ForecasterRegistry::make(const std::string& name,
                                                           const std::map<std::string, std::string>& params,
                                                           const ForecastSetup& setup) const {
  const ForecasterInfo* info = find(name);
  if (!info) {
    std::string msg = "unknown forecaster '" + name + "'" + did_you_mean(name, names());
    if (!find("mlp")) msg += "; mlp needs the libtorch layer (rl::register_policies)";
    throw InputError(msg);
  }
  if (setup.horizon_steps < 1) throw std::invalid_argument("forecaster: horizon_steps must be >= 1");
  // PolicyParams words its errors "policy NAME: parameter ...": say forecaster instead.
  try {
    PolicyParams p(name, params);
    std::vector<std::string> known;
    for (const auto& pi : info->params) known.push_back(pi.name);
    p.reject_unknown(known);
    return info->make(p, setup);
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.starts_with("policy ")) throw InputError("forecaster " + what.substr(7));
    throw;
  }
}

}  // namespace clustersim
