#pragma once
// The one boundary between the engine and whoever decides. At each decision point the engine
// calls Policy::schedule with a Decisions handle: a read-only view of the state plus the
// decisions a policy can make. Every decision is validated by the engine and applied at once
// (so the view reflects it); an invalid one throws DecisionError naming the job and reason.
#include <span>
#include <string>

#include "sim/view.hpp"

namespace clustersim {

class Engine;

class Decisions {
 public:
  explicit Decisions(Engine& engine) : engine_(&engine) {}
  const EngineView& view() const;

  // Start a queued job: with the engine's default placement strategy, a given strategy, or an
  // explicit placement. Throws DecisionError if the job is not queued or does not fit.
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
  void migrate(JobId job, std::span<const Slot> placement);
  // Ask to be called again at time t (> now) even if nothing else happens then.
  void wake_at(Time t);

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
};

}  // namespace clustersim
