#pragma once
// A policy-side copy of the queue in the policy's own order (arrival order for FCFS, shortest
// estimate first for SJF), kept up to date incrementally: new arrivals and re-queued jobs are
// inserted; jobs the policy starts are marked gone and compacted away later (amortised O(1)).
// What a backfilling scan reads (each job's total request and remaining estimate) is kept in
// a dense per-job array, so the scan does not touch the engine's larger job tables.
// Estimates come from a RuntimeEstimates source (policies/predict/estimates.hpp; requested
// time when none is set); SJF orders by it.
#include <cstddef>
#include <vector>

#include "sim/state_io.hpp"
#include "sim/view.hpp"

namespace clustersim {
class RuntimeEstimates;
}

namespace clustersim {

enum class QueueOrder { Fcfs, Sjf };

class OrderedQueue {
 public:
  struct Info {
    Resources need;   // tasks x per_task
    Time estimate;    // estimated time still to run (estimate minus work done), >= 1 us
    Time requested;   // requested time still to run (walltime minus work done), >= 1 us
    bool gone = true; // not (or no longer) in this queue
  };

  explicit OrderedQueue(QueueOrder order = QueueOrder::Fcfs) : order_(order) {}
  // Where Info::estimate comes from (null: the requested time). Must outlive the queue; the
  // source must be synced before sync().
  void set_estimates(const RuntimeEstimates* estimates) { estimates_ = estimates; }
  void reset();
  // Adds the jobs that arrived or were re-queued since the last call.
  void sync(const EngineView& view);
  // Jobs in order from first(); skip those whose info says gone.
  const std::vector<JobId>& jobs() const { return jobs_; }
  const Info& info(JobId j) const { return info_[j.value()]; }
  size_t first() const { return first_; }
  // The job at index i has left the queue (the policy started it).
  void mark_gone(size_t i);
  // Drops gone entries when they outnumber the live ones.
  void maybe_compact();
  // The jobs the last sync() added, in queue order.
  const std::vector<JobId>& added() const { return added_; }
  // Index of a job in jobs() (binary search by the queue order); jobs().size() if absent.
  size_t index_of(JobId j) const;
  // Checkpoints (the estimates source is the owner's to restore).
  void save(StateWriter& w) const;
  void restore(StateReader& r);

 private:
  bool before(JobId a, JobId b) const;
  void insert(JobId j);

  QueueOrder order_;
  const RuntimeEstimates* estimates_ = nullptr;
  std::vector<JobId> jobs_;
  std::vector<Info> info_;  // indexed by JobId
  std::vector<JobId> added_;
  size_t first_ = 0;        // entries before this are all gone
  size_t gone_ = 0;         // gone entries at or after first_
  uint32_t seen_arrived_ = 0;
  size_t seen_requeued_ = 0;
};

}  // namespace clustersim
