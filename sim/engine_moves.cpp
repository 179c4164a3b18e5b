// Engine: moving running jobs (migrate; the moves of a round's allocation, sim/allocation.cpp,
// use the same two halves) and keeping the rates of jobs that share a GPU true as its tenants
// change (SpeedModel::colocation_aware, docs/dl.md "Co-location").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/engine.hpp"
#include "sim/error.hpp"

namespace clustersim {

void Engine::migrate(JobId j, std::span<const Slot> placement_new) {
  if (j.value() >= specs_.size()) refuse("migrate", j, "no such job");
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  if (r.state != JobState::Running) refuse("migrate", j, "it is " + std::string(to_string(r.state)) + ", not running");
  // Check the new placement against the cluster without the job, then put it back.
  const int64_t tasks = tasks_in(placement_new);
  check_size("migrate", j, tasks);
  std::vector<Slot> old(placement(j).begin(), placement(j).end());
  cluster_.release(s.per_task, old);
  std::string bad = cluster_.check_placement(tasks, s.per_task, placement_new);
  double rate = 0;
  std::vector<Slot> resolved;
  try {
    if (bad.empty() && colocation_ && s.per_task.is_gpu_share()) {
      // Next to the jobs on the GPUs the cluster would choose: take them to see, then give back.
      const std::span<const Slot> chosen = cluster_.allocate(s.per_task, placement_new);
      resolved.assign(chosen.begin(), chosen.end());
      cluster_.release(s.per_task, resolved);
      placement_new = resolved;
    }
    if (bad.empty()) rate = rate_on("migrate", j, placement_new);
  } catch (...) {
    cluster_.allocate(s.per_task, old);
    throw;
  }
  cluster_.allocate(s.per_task, old);
  if (!bad.empty()) refuse("migrate", j, bad);
  move_out(j);
  move_in(j, placement_new, rate);
}

// A move in two halves (migrate, and apply() when jobs swap places): the job checkpoints and
// gives its resources back...
void Engine::move_out(JobId j) {
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  accrue(r);
  r.saved_us = static_cast<double>(s.runtime.us()) - r.remaining_us;  // checkpointed to move
  count_by_type(s, placement(j), -1);
  cluster_.release(s.per_task, placement(j));
}

// ...then takes its checked new placement and pays the restore delay.
void Engine::move_in(JobId j, std::span<const Slot> placement_new, double rate) {
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  placement_new = cluster_.allocate(s.per_task, placement_new);  // with the GPUs the cluster chose
  // Next to the jobs on those GPUs (within a round's allocation, jobs placed before it count).
  if (colocation_ && share_slots(placement_new, scratch2_)) rate = rate_on("migrate", j, placement_new);
  count_by_type(s, placement_new, +1);
  // An elastic job that changes size: the cores it held count at the old size up to now (the
  // rest of the segment is counted at the new size when it stops).
  const int64_t old_tasks = tasks_in(placements_[r.placement]), new_tasks = tasks_in(placement_new);
  if (old_tasks != new_tasks)
    r.busy_core_us += static_cast<double>(s.per_task.cores * (old_tasks - new_tasks)) *
                      static_cast<double>((now_ - r.last_start).us());
  const bool shared = colocation_ && share_slots(placements_[r.placement], shared_before_);
  placements_[r.placement].assign(placement_new.begin(), placement_new.end());
  ++r.migrations;
  r.progress_from = std::max(now_, r.progress_from) + config_.restore_delay;
  r.rate = rate;
  plan_finish(j);
  if (shared) replan_sharers(j, shared_before_);  // the GPUs it left
  replan_sharers(j, placement(j));                // and those it joined
  ++changes_;
}

bool Engine::share_slots(std::span<const Slot> placement, std::vector<Slot>& out) const {
  out.clear();
  for (const Slot& sl : placement)
    if (sl.gpu != Slot::kAnyGpu) out.push_back(sl);
  return !out.empty();
}

void Engine::replan_sharers(JobId changed, std::span<const Slot> slots) {
  if (!colocation_) return;
  auto on_those_gpus = [&](const Slot& a) {
    if (a.gpu == Slot::kAnyGpu) return false;
    for (const Slot& b : slots)
      if (b.gpu == a.gpu && b.node == a.node) return true;
    return false;
  };
  if (std::none_of(slots.begin(), slots.end(), [](const Slot& b) { return b.gpu != Slot::kAnyGpu; })) return;
  for (JobId k : running_) {
    if (k == changed) continue;
    const std::span<const Slot> pk = placement(k);
    if (std::none_of(pk.begin(), pk.end(), on_those_gpus)) continue;
    JobRecord& r = records_[k.value()];
    const double rate = rate_if_placed(k, pk);
    if (!(rate > 0) || !std::isfinite(rate))
      throw InvariantError("speed model gave job " + describe(k) + " rate " + std::to_string(rate) +
                           " when job " + describe(changed) + " joined or left its GPU");
    if (rate == r.rate) continue;
    accrue(r);  // at the old rate up to now
    r.rate = rate;
    plan_finish(k);
  }
}

}  // namespace clustersim
