#include "policies/autoscale/autoscaler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace clustersim {

namespace {

std::string key_error(const std::string& key, const std::string& what) { return "autoscale." + key + ": " + what; }

double parse_number(const std::string& key, const std::string& text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v))
    throw InputError(key_error(key, "expected a number, got '" + text + "'"));
  return v;
}

int64_t parse_integer(const std::string& key, const std::string& text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size())
    throw InputError(key_error(key, "expected an integer, got '" + text + "'"));
  return v;
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

std::vector<std::string> AutoscaleConfig::keys() {
  return {"forecaster", "interval_s", "horizon_s", "scale_out", "scale_in", "headroom",
          "cooldown_s", "min_nodes",  "max_nodes", "initial_nodes", "seed"};
}

void AutoscaleConfig::set(const std::map<std::string, std::string>& params) {
  for (const auto& [key, value] : params) {
    if (key.starts_with("forecaster.") && key.size() > 11) {
      forecaster_params[key.substr(11)] = value;
      continue;
    }
    if (key == "forecaster") forecaster = value;
    else if (key == "interval_s") interval_s = parse_number(key, value);
    else if (key == "horizon_s") horizon_s = parse_number(key, value);
    else if (key == "scale_out") scale_out = parse_number(key, value);
    else if (key == "scale_in") scale_in = parse_number(key, value);
    else if (key == "headroom") headroom = parse_number(key, value);
    else if (key == "cooldown_s") cooldown_s = parse_number(key, value);
    else if (key == "min_nodes") min_nodes = parse_integer(key, value);
    else if (key == "max_nodes") max_nodes = parse_integer(key, value);
    else if (key == "initial_nodes") initial_nodes = parse_integer(key, value);
    else if (key == "seed") seed = static_cast<uint64_t>(parse_integer(key, value));
    else
      throw InputError("autoscale: unknown key '" + key + "'" + did_you_mean(key, keys()) +
                       "; forecaster parameters are forecaster.KEY");
  }
}

void AutoscaleConfig::validate() const {
  auto require = [](bool ok, const std::string& key, const std::string& rule, const std::string& got) {
    if (!ok) throw InputError(key_error(key, "must be " + rule + ", got " + got));
  };
  require(interval_s > 0 && std::isfinite(interval_s), "interval_s", "> 0", number_text(interval_s));
  require(horizon_s > 0 && std::isfinite(horizon_s), "horizon_s", "> 0", number_text(horizon_s));
  require(scale_out > 0 && std::isfinite(scale_out), "scale_out", "> 0", number_text(scale_out));
  require(scale_in >= 0 && scale_in < scale_out, "scale_in", "in [0, scale_out = " + number_text(scale_out) + ")",
          number_text(scale_in));
  require(headroom >= 0 && std::isfinite(headroom), "headroom", ">= 0", number_text(headroom));
  require(cooldown_s >= 0 && std::isfinite(cooldown_s), "cooldown_s", ">= 0", number_text(cooldown_s));
  require(min_nodes >= 0, "min_nodes", ">= 0", std::to_string(min_nodes));
  require(max_nodes == -1 || max_nodes >= std::max<int64_t>(1, min_nodes), "max_nodes",
          ">= max(1, min_nodes) or -1 (every node)", std::to_string(max_nodes));
  require(initial_nodes >= -1, "initial_nodes", ">= 0 or -1 (every node)", std::to_string(initial_nodes));
  require(!forecaster.empty(), "forecaster", "a forecaster name", "''");
}

void AutoscaleConfig::check_cluster(const Cluster& cluster) const {
  const auto nodes = static_cast<int64_t>(cluster.num_nodes());
  if (nodes < 2)
    throw InputError("autoscale: the cluster has " + std::to_string(nodes) +
                     " node; autoscaling powers whole nodes on and off, so model the machine as nodes "
                     "(--nodes N --cores-per-node C, or --cluster-spec FILE)");
  if (cluster.node_types().size() != 1)
    throw InputError("autoscale: the cluster has " + std::to_string(cluster.node_types().size()) +
                     " node types; the autoscaler measures demand in nodes of one type");
  auto within = [&](int64_t v, const char* key) {
    if (v > nodes)
      throw InputError(key_error(key, std::to_string(v) + ", but the cluster has " + std::to_string(nodes) + " nodes"));
  };
  within(min_nodes, "min_nodes");
  within(max_nodes, "max_nodes");
  within(initial_nodes, "initial_nodes");
}

std::string AutoscaleConfig::describe() const {
  std::string s = "forecaster=" + forecaster;
  for (const auto& [k, v] : forecaster_params) s += ",forecaster." + k + "=" + v;
  s += ",interval_s=" + number_text(interval_s) + ",horizon_s=" + number_text(horizon_s) +
       ",scale_out=" + number_text(scale_out) + ",scale_in=" + number_text(scale_in) +
       ",headroom=" + number_text(headroom) + ",cooldown_s=" + number_text(cooldown_s) +
       ",min_nodes=" + std::to_string(min_nodes) + ",max_nodes=" + std::to_string(max_nodes) +
       ",initial_nodes=" + std::to_string(initial_nodes) + ",seed=" + std::to_string(seed);
  return s;
}

// ---------------------------------------------------------------------------------------------

DemandSample measure_demand(const EngineView& v, Time horizon, Time interval) {
  DemandSample s;
  const Resources& cap = v.cluster().node_types()[0].capacity;
  const double h = static_cast<double>(horizon.us());
  auto nodes_of = [&](JobId j) {
    const JobSpec& spec = v.spec(j);
    const int64_t per_node = cap.copies_of(spec.per_task);
    return per_node > 0 ? static_cast<double>(spec.tasks) / static_cast<double>(per_node) : 0.0;
  };
  for (JobId j : v.queue()) {
    const JobSpec& spec = v.spec(j);
    const double left = std::min(static_cast<double>(spec.walltime.us()), h);
    s.nodes += nodes_of(j) * left / h;
    const int64_t per_node = cap.copies_of(spec.per_task);
    if (per_node > 0) s.fit_floor = std::max(s.fit_floor, (spec.tasks + per_node - 1) / per_node);
  }
  for (JobId j : v.running_by_expected_end()) {
    const Time end = v.record(j).expected_end;
    const Time left_t = std::max(end > v.now() ? end - v.now() : Time::zero(), interval);
    s.nodes += nodes_of(j) * std::min(static_cast<double>(left_t.us()), h) / h;
  }
  return s;
}

Autoscaler::Autoscaler(Policy& inner, AutoscaleConfig config, std::unique_ptr<DemandForecaster> forecaster)
    : inner_(&inner), config_(std::move(config)), forecaster_(std::move(forecaster)) {
  config_.validate();
  interval_ = Time::from_seconds_ceil(config_.interval_s);
  horizon_ = Time::from_seconds_ceil(config_.horizon_s);
  cooldown_ = Time::from_seconds_ceil(config_.cooldown_s);
}

void Autoscaler::reset(const EngineView& view) {
  config_.check_cluster(view.cluster());
  inner_->reset(view);
  const auto nodes = static_cast<int64_t>(view.cluster().num_nodes());
  max_nodes_ = config_.max_nodes < 0 ? nodes : config_.max_nodes;
  idle_since_.assign(view.cluster().num_nodes(), Time::max());
  next_tick_ = Time::zero();
  asked_for_ = Time::max();
  steps_.clear();
  powered_on_ = powered_off_ = 0;
}

void Autoscaler::save_state(StateWriter& w) const {
  inner_->save_state(w);
  w.section("autoscaler " + forecaster_->name());
  forecaster_->save(w);
  w.put(next_tick_);
  w.put(asked_for_);
  w.put(idle_since_);
  w.put(steps_);
  w.put(powered_on_);
  w.put(powered_off_);
}

void Autoscaler::restore_state(const EngineView& view, StateReader& r) {
  config_.check_cluster(view.cluster());
  const auto nodes = static_cast<int64_t>(view.cluster().num_nodes());
  max_nodes_ = config_.max_nodes < 0 ? nodes : config_.max_nodes;
  inner_->restore_state(view, r);
  r.section("autoscaler " + forecaster_->name());
  forecaster_->restore(r);
  r.get(next_tick_);
  r.get(asked_for_);
  r.get(idle_since_);
  r.get(steps_);
  r.get(powered_on_);
  r.get(powered_off_);
  if (idle_since_.size() != view.cluster().num_nodes()) r.corrupt("the autoscaler's node table");
}

void Autoscaler::track_idle(const EngineView& v) {
  const Cluster& c = v.cluster();
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    const NodeId id(n);
    const bool idle = c.is_up(id) && c.free(id) == c.capacity(id);
    if (!idle) idle_since_[n] = Time::max();
    else if (idle_since_[n] == Time::max()) idle_since_[n] = v.now();
  }
}

void Autoscaler::schedule(Decisions& d) {
  const EngineView& v = d.view();
  inner_->schedule(d);
  track_idle(v);
  if (v.now() >= next_tick_) {
    if (control(d)) {
      inner_->schedule(d);
      track_idle(v);
    }
    next_tick_ = v.now() + interval_;
  }
  // Keep ticking while work remains; after the last job nothing is billed any more.
  const bool work = v.arrived() < v.num_jobs() || !v.queue().empty() || !v.running_by_expected_end().empty();
  if (work && asked_for_ != next_tick_) {
    d.wake_at(next_tick_);
    asked_for_ = next_tick_;
  }
}

bool Autoscaler::control(Decisions& d) {
  const EngineView& v = d.view();
  const Cluster& c = v.cluster();
  const DemandSample sample = measure_demand(v, horizon_, interval_);
  forecaster_->observe(sample.nodes);
  const double forecast = std::max(0.0, forecaster_->forecast());
  const double wanted = std::max(sample.nodes, forecast);

  ControlStep step;
  step.time = v.now();
  step.demand = sample.nodes;
  step.forecast = forecast;
  // A node that failed while on serves nothing but is billed: power it off (it holds no job).
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    const NodeId id(n);
    if (v.failed(id) && v.power_state(id) == PowerState::On) {
      d.power_off(id);
      ++step.powered_off;
    }
  }
  for (uint32_t n = 0; n < c.num_nodes(); ++n)
    step.powered += v.power_state(NodeId(n)) != PowerState::Off && !v.failed(NodeId(n));

  // The target: the wanted demand with headroom, within [min_nodes, max_nodes], but never
  // below what the largest queued job needs (that floor wins over max_nodes: no job waits
  // forever for nodes kept off).
  const double with_headroom = wanted * (1 + config_.headroom);
  int64_t target = static_cast<int64_t>(std::ceil(with_headroom - 1e-9));
  target = std::min(std::max(target, config_.min_nodes), max_nodes_);
  const int64_t floor = std::max(sample.fit_floor, config_.min_nodes);
  target = std::max(target, sample.fit_floor);
  step.target = target;

  const double ratio = step.powered > 0 ? wanted / static_cast<double>(step.powered)
                                        : (wanted > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  bool usable_now = false;
  if (step.powered < target && (ratio > config_.scale_out || step.powered < floor)) {
    // Scale out: power on off nodes, lowest-numbered first (nodes that failed while off wait
    // for their repair).
    int64_t need = target - step.powered;
    for (uint32_t n = 0; n < c.num_nodes() && need > 0; ++n) {
      const NodeId id(n);
      if (v.power_state(id) != PowerState::Off || v.failed(id)) continue;
      d.power_on(id);
      usable_now |= v.power_state(id) == PowerState::On;
      ++step.powered_on;
      --need;
    }
  } else if (step.powered > target && ratio < config_.scale_in) {
    // Scale in: power off nodes idle for the cool-down, highest-numbered first (first-fit
    // placement packs jobs onto the low-numbered ones).
    int64_t excess = step.powered - target;
    for (uint32_t n = static_cast<uint32_t>(c.num_nodes()); n-- > 0 && excess > 0;) {
      const NodeId id(n);
      if (v.power_state(id) != PowerState::On || idle_since_[n] == Time::max() ||
          v.now() - idle_since_[n] < cooldown_)
        continue;
      d.power_off(id);
      idle_since_[n] = Time::max();
      ++step.powered_off;
      --excess;
    }
  }
  powered_on_ += step.powered_on;
  powered_off_ += step.powered_off;
  steps_.push_back(step);
  return usable_now;
}

std::unique_ptr<Autoscaler> make_autoscaler(Policy& inner, const AutoscaleConfig& config) {
  config.validate();
  ForecastSetup setup;
  setup.horizon_steps = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(config.horizon_s / config.interval_s - 1e-9)));
  setup.seed = config.seed;
  std::unique_ptr<DemandForecaster> f;
  try {
    f = ForecasterRegistry::builtin().make(config.forecaster, config.forecaster_params, setup);
  } catch (const InputError& e) {
    throw InputError(std::string("autoscale.forecaster: ") + e.what());
  }
  return std::make_unique<Autoscaler>(inner, config, std::move(f));
}

}  // namespace clustersim
