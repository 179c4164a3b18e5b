// Node power (autoscaling): on, booting and off states, billing and energy integrals, and the
// power_on / power_off decisions (a node a job runs on is never powered off).
#include "sim/engine.hpp"

#include <string>

#include "sim/error.hpp"

namespace clustersim {

double EngineView::busy_node_us(uint32_t type) const {
  const Resources& cap = cluster_.node_types()[type].capacity;
  if (cap.gpu_milli > 0) return used_gpu_by_type_us_[type] / static_cast<double>(cap.gpu_milli);
  if (cap.cores <= 0) return 0;
  const double cores_us = cores_by_type_ ? used_cores_by_type_us_[type] : used_core_us_;
  return cores_us / static_cast<double>(cap.cores);
}

void Engine::settle_power() {
  const Time t = std::min(now_, power_end_);
  if (t <= power_mark_) return;
  const double dt = static_cast<double>((t - power_mark_).us());
  for (size_t k = 0; k < billed_by_type_.size(); ++k) billed_us_by_type_[k] += static_cast<double>(billed_by_type_[k]) * dt;
  power_mark_ = t;
}

void Engine::set_power(NodeId n, PowerState to) {
  const PowerState from = power_[n.value()];
  if (from == to) return;
  settle_power();
  auto count = [this](PowerState s, int64_t d) {
    if (s == PowerState::Off) n_nodes_off_ += d;
    if (s == PowerState::Booting) n_nodes_booting_ += d;
  };
  count(from, -1);
  count(to, +1);
  const uint32_t k = cluster_.type_index(n);
  billed_by_type_[k] += (from == PowerState::Off) - (to == PowerState::Off);
  power_[n.value()] = to;
  // Cluster::set_up refuses (std::logic_error) to take a node that jobs hold out of the pool:
  // a second guard behind power_off's own check.
  cluster_.set_up(n, to == PowerState::On && !failed_[n.value()]);
  for (Observer* o : observers_) o->on_node_power(*this, n);
}

void Engine::power_on(NodeId n) {
  if (n.value() >= cluster_.num_nodes()) refuse_node("power_on", n, "no such node");
  if (power_[n.value()] != PowerState::Off) refuse_node("power_on", n, "it is " + describe_node(n) + ", not off");
  const Time boot = cluster_.power(cluster_.type_index(n)).boot_time;
  if (boot == Time::zero()) {
    set_power(n, PowerState::On);
    return;
  }
  set_power(n, PowerState::Booting);
  events_.push(Event::make(now_ + boot, EventKind::Boot, seq_++, n.value()));
}

// The structural guarantee of autoscaling: a node that a job runs on is never powered off.
void Engine::power_off(NodeId n) {
  if (n.value() >= cluster_.num_nodes()) refuse_node("power_off", n, "no such node");
  if (power_[n.value()] != PowerState::On) refuse_node("power_off", n, "it is " + describe_node(n) + ", not on");
  if (!(cluster_.free(n) == cluster_.capacity(n))) {
    for (JobId j : running_)
      for (const Slot& sl : placement(j))
        if (sl.node == n) refuse_node("power_off", n, "job " + describe(j) + " runs on it");
    refuse_node("power_off", n, "jobs hold " + (cluster_.capacity(n) - cluster_.free(n)).to_string() + " of it");
  }
  set_power(n, PowerState::Off);
}

void Engine::finish_boot(NodeId n) {
  if (power_[n.value()] != PowerState::Booting)
    throw InvariantError("node " + std::to_string(n.value()) + " finished booting but is " + describe_node(n));
  set_power(n, PowerState::On);
  reasons_.nodes = true;
  ++changes_;
}

std::string Engine::describe_node(NodeId n) const {
  std::string s(to_string(power_[n.value()]));
  if (failed_[n.value()]) s += ", failed";
  return s;
}

void Engine::refuse_node(const char* what, NodeId n, const std::string& why) const {
  throw DecisionError(std::string(what) + " node " + std::to_string(n.value()) + " at t=" + std::to_string(now_.seconds()) +
                      " s refused: " + why);
}

}  // namespace clustersim
