#pragma once
// The one boundary between the engine and whoever decides. At each decision point the engine
// calls Policy::schedule with a Decisions handle: a read-only view of the state plus the
// decisions a policy can make. Every decision is validated by the engine and applied at once
// (so the view reflects it); an invalid one throws DecisionError naming the job and reason.
#include <span>
#include <string>
#include <vector>

#include "sim/state_io.hpp"
#include "sim/view.hpp"

namespace clustersim {

class Engine;

// A round's allocation (its leases): the jobs that run until the next round, each on its
// placement. Built by a round-based policy and handed to Decisions::apply.
class Allocation {
 public:
  void clear() { jobs_.clear(); first_.assign(1, 0); slots_.clear(); }
  void add(JobId job, std::span<const Slot> placement) {
    jobs_.push_back(job);
    slots_.insert(slots_.end(), placement.begin(), placement.end());
    first_.push_back(static_cast<uint32_t>(slots_.size()));
  }
  size_t size() const { return jobs_.size(); }
  bool empty() const { return jobs_.empty(); }
  JobId job(size_t i) const { return jobs_[i]; }
  std::span<const Slot> placement(size_t i) const {
    return std::span<const Slot>(slots_).subspan(first_[i], first_[i + 1] - first_[i]);
  }

 private:
  std::vector<JobId> jobs_;
  std::vector<uint32_t> first_{0};
  std::vector<Slot> slots_;
};

// What applying an allocation did (for policies' statistics and tests).
struct AllocationChanges {
  int64_t kept = 0, started = 0, migrated = 0, preempted = 0;
};

class Decisions {
 public:
  explicit Decisions(Engine& engine) : engine_(&engine) {}
  const EngineView& view() const;

  // Start a queued job: with the engine's default placement strategy, a given strategy, or an
  // explicit placement (an elastic job's may hold any number of tasks in its range; the
  // strategies place JobSpec::tasks). Throws DecisionError if the job is not queued or does
  // not fit.
  void start(JobId job);
  void start(JobId job, PlacementStrategy strategy);
  void start(JobId job, std::span<const Slot> placement);
  // Starts the job if it fits now (default placement); returns whether it started.
  bool try_start(JobId job);
  bool try_start(JobId job, PlacementStrategy strategy);
  // Stop a running job and put it back in the queue; it keeps its progress, pays the
  // engine's restore delay when it next starts.
  void preempt(JobId job);
  // Move a running job to another placement; it keeps its progress and pays the restore delay.
  // An elastic job (JobSpec::min_tasks/max_tasks) may move to a placement with another number
  // of tasks in its range: a resize, at the speed of its new size.
  void migrate(JobId job, std::span<const Slot> placement);
  void resize(JobId job, std::span<const Slot> placement) { migrate(job, placement); }
  // Ask to be called again at time t (> now) even if nothing else happens then.
  void wake_at(Time t);
  // Renew the leases of a round: afterwards exactly the allocation's jobs run, each on its
  // placement. A running job left out is preempted; one given a different placement is
  // migrated; one given the placement it has keeps running without cost; a queued job
  // starts. Preempted and migrated jobs keep their progress and pay the restore delay.
  // Throws DecisionError naming the job when a job is listed twice, is neither queued nor
  // running, or its placement does not fit once the jobs leaving have released theirs.
  AllocationChanges apply(const Allocation& allocation);
  // Autoscaling (docs/autoscaling.md). power_on: an off node boots for its type's
  // NodePower::boot_time (billed, not usable), then is on (at once when boot_time is 0).
  // power_off: an on node leaves the pool and stops costing. Both throw DecisionError naming
  // the node when it is in the wrong state; power_off also refuses, naming the job, a node
  // that any job runs on, so no policy can take a node from under a job.
  void power_on(NodeId node);
  void power_off(NodeId node);

 private:
  Engine* engine_;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  // Called once before the first event, with the engine in its initial state.
  virtual void reset(const EngineView& view) { (void)view; }
  // Called once after all events of an instant (see Engine::advance for when).
  virtual void schedule(Decisions& decisions) = 0;
  // The round length a round-based policy schedules on (EngineConfig::round_interval), or
  // zero for an event-driven policy. Runners give the engine this interval when none is set.
  virtual Time round_interval() const { return Time::zero(); }

  // Checkpoints (docs/checkpoints.md). A checkpointable policy writes everything it remembers
  // from one call to the next (its own queues, caches, statistics, random streams, what it
  // learned); restore_state reads that into a policy made the same way (same name and
  // parameters), on an engine restored from the same checkpoint, in place of reset(). A policy
  // keeps the default false when it cannot: a run that asks for checkpoints then fails before
  // it starts, naming the policy.
  virtual bool checkpointable() const { return false; }
  virtual void save_state(StateWriter& w) const { (void)w; }
  virtual void restore_state(const EngineView& view, StateReader& r) { (void)view, (void)r; }
};

}  // namespace clustersim
