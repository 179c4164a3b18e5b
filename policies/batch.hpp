#pragma once
// The classic batch policies, one implementation with three choices:
//   order:     fcfs (arrival) or sjf (shortest requested time first, ties by arrival)
//   backfill:  none (the first job that does not fit blocks the queue) or easy
//   placement: first-fit or round-robin (which nodes a started job gets)
// Registered as fcfs, sjf, rr (round-robin placement), easy and easy-sjf.
//
// EASY backfilling (Lifka 1995; Mu'alem & Feitelson, IEEE TPDS 2001): the blocked queue head
// gets a reservation at the shadow time, the earliest time at which enough resources are
// free when running jobs end at their estimated ends (start + requested time; never before
// now); "extra" is what is free then beyond the head's need. Then the rest of the queue is
// visited in order and every job that fits now starts if it ends (now + estimate) no later
// than the shadow time, or if it fits in the extra resources (and then uses them up).
// A job that outlives its estimate keeps running; the reservation is recomputed at every
// decision point from the current state.
//
// Incremental scans (exact, for speed): when only arrivals happened since the last pass (same
// head, same running jobs, same free resources), the shadow time and the extra resources are
// what they were at the end of that pass and the window (shadow - now) has only shrunk, so
// every job that did not qualify then still does not; only the new arrivals are visited.
#include <string>

#include "policies/ordered_queue.hpp"
#include "sim/policy.hpp"

namespace clustersim {

enum class Backfill { None, Easy };

struct BatchPolicyConfig {
  QueueOrder order = QueueOrder::Fcfs;
  Backfill backfill = Backfill::None;
  PlacementStrategy placement = PlacementStrategy::FirstFit;
};

class BatchPolicy : public Policy {
 public:
  BatchPolicy(std::string name, BatchPolicyConfig config) : name_(std::move(name)), config_(config), queue_(config.order) {}
  std::string name() const override { return name_; }
  void reset(const EngineView& view) override;
  void schedule(Decisions& d) override;

 private:
  void backfill_easy(Decisions& d, size_t head);
  // What the last backfill pass saw, to tell whether the next one may be incremental.
  struct PassMark {
    bool valid = false;
    JobId head;
    int64_t finished = 0;
    size_t running = 0, requeued = 0;
    Resources free;
  };
  PassMark mark_;

  std::string name_;
  BatchPolicyConfig config_;
  OrderedQueue queue_;
};

}  // namespace clustersim
