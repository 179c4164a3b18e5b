#pragma once
// Observers subscribe to engine events (metrics, HDF5 output, progress, checks) without the
// engine knowing them. Each callback sees the engine's state after the event.
#include <string_view>

#include "sim/view.hpp"

namespace clustersim {

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_run_start(const EngineView&) {}
  virtual void on_job_submit(const EngineView&, JobId) {}
  virtual void on_job_reject(const EngineView&, JobId, std::string_view /*reason*/) {}
  virtual void on_job_start(const EngineView&, JobId) {}
  virtual void on_job_preempt(const EngineView&, JobId) {}
  virtual void on_job_finish(const EngineView&, JobId) {}
  // A node failure killed the job; it is queued again or failed (its state says which).
  virtual void on_job_kill(const EngineView&, JobId) {}
  virtual void on_node_down(const EngineView&, NodeId) {}
  virtual void on_node_up(const EngineView&, NodeId) {}
  // A node's power state changed (EngineView::power_state says to what).
  virtual void on_node_power(const EngineView&, NodeId) {}
  // A periodic time-series sample (EngineConfig::sample_interval).
  virtual void on_sample(const EngineView&) {}
  virtual void on_run_end(const EngineView&) {}
};

// Gives a running job its speed relative to nominal (1.0) on a placement: heterogeneous GPU
// types, spread placements and co-location change it. The engine re-plans the job's finish
// whenever its rate changes.
class SpeedModel {
 public:
  virtual ~SpeedModel() = default;
  virtual double rate(const EngineView& view, JobId job, std::span<const Slot> placement) const = 0;
  // True when a job's rate also depends on the other running jobs that share a GPU with it
  // (tasks that hold a share of one GPU: slots that name their GPU). The engine then computes
  // a starting or moving job's rate on the GPUs the cluster chose, and re-plans the other jobs
  // of a GPU whenever a job starts on it, leaves it or moves.
  virtual bool colocation_aware() const { return false; }
};

}  // namespace clustersim
