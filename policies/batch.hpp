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
//
// Estimates (param `estimate`, policies/predict/estimates.hpp; docs/predictors.md): SJF order,
// the backfill test and the running jobs' ends use a RuntimeEstimates source: the requested
// time (default: the engine's estimate, exactly the behaviour above), the real runtime (an
// oracle) or a predictor trained online. With anything but the requested time, the shadow
// time is computed from the running jobs' ends under the source (start + corrected estimate,
// kept in order across passes: RunningEnds); a prediction that expires moves an end later, so the pass asks
// to be woken when the earliest prediction that shapes the reservation expires, and the
// incremental scan is taken only when the shadow time and extra resources also equal those
// the last pass ended with (a correction changes them; otherwise the argument above holds).
//
// Reservation (param `reservation`, only with an estimate other than requested):
//   estimate   (default) the head's reservation is computed with the estimates: EASY with
//              predictions as Tsafrir et al. (2007) evaluate it; a backfilled job that
//              outlives its prediction can delay the head past the requested-time shadow
//   requested  a backfill must also respect the head's reservation computed with requested
//              times (its requested time ends by that shadow, or it fits in that extra): the
//              head never starts later than the requested-time shadow computed when it became
//              head, EASY's guarantee, whatever the predictions (when jobs do not outlive their
//              requested time, as EASY itself assumes). Costs backfills that predictions allow.
// The default is `estimate` because predictions are meant to change the reservation (the
// oracle would not be an upper bound otherwise) and it is the behaviour the literature reports.
#include <string>
#include <utility>
#include <vector>

#include "policies/ordered_queue.hpp"
#include "policies/predict/estimates.hpp"
#include "sim/policy.hpp"

namespace clustersim {

enum class Backfill { None, Easy };
enum class Reservation { Estimate, Requested };

struct BatchPolicyConfig {
  QueueOrder order = QueueOrder::Fcfs;
  Backfill backfill = Backfill::None;
  PlacementStrategy placement = PlacementStrategy::FirstFit;
  Reservation reservation = Reservation::Estimate;
};

class BatchPolicy : public Policy {
 public:
  BatchPolicy(std::string name, BatchPolicyConfig config, RuntimeEstimates estimates = {});
  std::string name() const override { return name_; }
  void reset(const EngineView& view) override;
  void schedule(Decisions& d) override;
  bool checkpointable() const override { return estimates_.checkpointable(); }
  void save_state(StateWriter& w) const override;
  void restore_state(const EngineView& view, StateReader& r) override;
  // The estimate source (its accuracy so far: estimates().stats()).
  const RuntimeEstimates& estimates() const { return estimates_; }

 private:
  struct Shadow {
    Time time;
    Resources extra;
    bool operator==(const Shadow&) const = default;
  };
  void backfill_easy(Decisions& d, size_t head);
  // The head's shadow time from the running jobs' ends under the estimates (ends_);
  // `expires` gets the earliest expiry of an estimate the walk used.
  // `valid_until` gets the earliest end the walk used: until then, with the same running jobs,
  // the shadow cannot move.
  Shadow estimated_shadow(const EngineView& v, const Resources& need, Time& expires, Time& valid_until);
  // What the last backfill pass saw, to tell whether the next one may be incremental.
  struct PassMark {
    bool valid = false;
    JobId head;
    int64_t finished = 0;
    size_t running = 0, requeued = 0;
    Resources free;
    Shadow shadow, shadow_requested;  // as the pass ended (with estimates other than requested)
    int64_t failed = 0;
    Time expires = Time::max(), valid_until = Time::max();
    uint32_t arrived = 0;
  };
  PassMark mark_;
  // Whether this pass would only repeat the last one (see schedule()).
  bool nothing_new(const EngineView& v) const;

  std::string name_;
  BatchPolicyConfig config_;
  RuntimeEstimates estimates_;
  OrderedQueue queue_;
  RunningEnds ends_;  // running jobs by estimated end (with estimates other than requested)
  Time wake_;                                 // the wakeup asked for last (zero: none)
};

}  // namespace clustersim
