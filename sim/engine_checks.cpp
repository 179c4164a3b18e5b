// The engine's error messages and its invariant checker (EngineConfig::check_invariants).
#include "sim/engine.hpp"

#include <string>
#include <vector>

#include "sim/error.hpp"

namespace clustersim {


std::string Engine::describe(JobId j) const {
  if (j.value() >= specs_.size()) return "#" + std::to_string(j.value());
  return std::to_string(specs_[j.value()].trace_id) + " (index " + std::to_string(j.value()) + ")";
}

void Engine::refuse(const char* what, JobId j, const std::string& why) const {
  throw DecisionError(std::string(what) + " job " + describe(j) + " at t=" + std::to_string(now_.seconds()) +
                      " s refused: " + why);
}

void Engine::check_invariants() const {
  auto fail = [this](const std::string& what) {
    throw InvariantError("invariant violated at t=" + std::to_string(now_.us()) + " us: " + what);
  };
  // Each job is in exactly one state, and the queue / running set agree with the states.
  int64_t live = 0;
  for (size_t i = queue_first_; i < queue_.size(); ++i) {
    if (i > queue_first_ && !(queue_[i - 1] < queue_[i])) fail("queue out of arrival order at job " + describe(queue_[i]));
    if (state(queue_[i]) == JobState::Queued) ++live;
  }
  if (live != n_queued_) fail("queue holds " + std::to_string(live) + " queued jobs, the count says " + std::to_string(n_queued_));
  if (static_cast<int64_t>(running_.size()) != n_running_) fail("running set size differs from the running count");
  int64_t pending = static_cast<int64_t>(specs_.size()) - arrived_;
  if (pending + n_queued_ + n_running_ + n_finished_ + n_rejected_ + n_failed_ != static_cast<int64_t>(specs_.size()))
    fail("job conservation: pending + queued + running + finished + rejected + failed != jobs");
  // No node over capacity: recompute every node's use from the running placements.
  std::vector<Resources> used(cluster_.num_nodes());
  for (JobId j : running_) {
    const JobRecord& r = records_[j.value()];
    const JobSpec& s = specs_[j.value()];
    if (r.state != JobState::Running) fail("job " + describe(j) + " is in the running set but " + std::string(to_string(r.state)));
    if (r.first_start < s.submit) fail("job " + describe(j) + " started before its submission");
    // With a co-location-aware speed model, every rate is re-planned when a GPU's jobs change.
    if (colocation_ && rate_if_placed(j, placement(j)) != r.rate)
      fail("job " + describe(j) + " runs at rate " + std::to_string(r.rate) + " but the speed model gives " +
           std::to_string(rate_if_placed(j, placement(j))) + " next to the jobs now sharing its GPUs");
    for (const Slot& sl : placement(j)) {
      used[sl.node.value()] += s.per_task * sl.tasks;
      if (!cluster_.is_up(sl.node))
        fail("job " + describe(j) + " runs on node " + std::to_string(sl.node.value()) + ", which is " +
             (power_[sl.node.value()] == PowerState::On ? std::string("down") : describe_node(sl.node)));
    }
  }
  // Power: a node is in the pool exactly when it is on and has not failed, and the counts agree.
  int64_t off = 0, booting = 0;
  std::vector<int64_t> billed(billed_by_type_.size(), 0);
  for (uint32_t n = 0; n < cluster_.num_nodes(); ++n) {
    const NodeId id(n);
    const PowerState p = power_[n];
    off += p == PowerState::Off;
    booting += p == PowerState::Booting;
    if (p != PowerState::Off) ++billed[cluster_.type_index(id)];
    if (cluster_.is_up(id) != (p == PowerState::On && !failed_[n]))
      fail("node " + std::to_string(n) + " is " + describe_node(id) + " but the cluster counts it " +
           (cluster_.is_up(id) ? "up" : "down"));
    if (p != PowerState::On && !used[n].is_zero())
      fail("node " + std::to_string(n) + " is " + describe_node(id) + " and holds " + used[n].to_string());
  }
  if (off != n_nodes_off_ || booting != n_nodes_booting_)
    fail("power counts: " + std::to_string(off) + " off and " + std::to_string(booting) + " booting, the counts say " +
         std::to_string(n_nodes_off_) + " and " + std::to_string(n_nodes_booting_));
  if (billed != billed_by_type_) fail("billed node counts per type disagree with the nodes' power states");
  for (uint32_t n = 0; n < cluster_.num_nodes(); ++n) {
    NodeId id(n);
    if (!used[n].fits_in(cluster_.capacity(id)))
      fail("node " + std::to_string(n) + " over capacity: " + used[n].to_string() + " used of " + cluster_.capacity(id).to_string());
    if (!(cluster_.capacity(id) - used[n] == cluster_.free(id)))
      fail("node " + std::to_string(n) + " free " + cluster_.free(id).to_string() + " disagrees with its jobs' use " + used[n].to_string());
  }
}

}  // namespace clustersim
