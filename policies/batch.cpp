#include "policies/batch.hpp"

#include <algorithm>

namespace clustersim {

BatchPolicy::BatchPolicy(std::string name, BatchPolicyConfig config, RuntimeEstimates estimates)
    : name_(std::move(name)), config_(config), estimates_(std::move(estimates)), queue_(config.order) {}

void BatchPolicy::reset(const EngineView& view) {
  estimates_.reset(view);
  queue_.set_estimates(estimates_.is_requested() ? nullptr : &estimates_);
  queue_.reset();
  ends_.reset(view);
  mark_ = PassMark{};
  wake_ = Time::zero();
}

void BatchPolicy::save_state(StateWriter& w) const {
  w.section("policy " + name_);
  estimates_.save(w);
  queue_.save(w);
  ends_.save(w);
  w.put(mark_);
  w.put(wake_);
}

void BatchPolicy::restore_state(const EngineView& view, StateReader& r) {
  reset(view);  // sizes and wiring, then the saved state over them
  r.section("policy " + name_);
  estimates_.restore(r);
  queue_.restore(r);
  ends_.restore(r);
  r.get(mark_);
  r.get(wake_);
}

bool BatchPolicy::nothing_new(const EngineView& v) const {
  if (!mark_.valid || v.arrived() != mark_.arrived || v.finished_count() != mark_.finished ||
      v.failed_count() != mark_.failed || v.requeued_log().size() != mark_.requeued ||
      v.running_by_expected_end().size() != mark_.running || !(v.cluster().total_free() == mark_.free))
    return false;
  // With requested times the pass would be incremental with nothing added; with estimates,
  // also while no end the last walk used has passed (no estimate it rested on expired).
  if (estimates_.is_requested()) return true;
  return config_.reservation == Reservation::Estimate && v.now() < mark_.valid_until;
}

void BatchPolicy::schedule(Decisions& d) {
  const EngineView& v = d.view();
  // Nothing that can start a job happened since the last pass, which ended with a blocked
  // head and a backfill: no arrival, finish, failure or re-queue, the same free resources,
  // the same reservation. Its outcome stands (the head does not fit; a job that could not be
  // backfilled then cannot now, the window to the shadow only shrank), so this pass would
  // start nothing: typically a wakeup at the expiry of a prediction whose job has ended.
  if (nothing_new(v)) {
    if (mark_.expires != Time::max() && (wake_ <= v.now() || mark_.expires < wake_)) {  // as the pass would
      d.wake_at(mark_.expires);
      wake_ = mark_.expires;
    }
    return;
  }
  estimates_.sync(v);  // before the queue reads the new arrivals' estimates
  queue_.sync(v);
  const auto& q = queue_.jobs();
  size_t i = queue_.first();
  // Start jobs from the head while they fit; the first that does not fit blocks the rest.
  for (; i < q.size(); ++i) {
    if (queue_.info(q[i]).gone) continue;
    if (!d.try_start(q[i], config_.placement)) break;
    queue_.mark_gone(i);
  }
  if (config_.backfill == Backfill::Easy && i < q.size()) backfill_easy(d, i);
  else mark_.valid = false;
  queue_.maybe_compact();
}

// Shadow time: walk running jobs by expected end, adding what they free, until the head fits;
// every job ending at that same time is counted. Ends in the past count as now (the same walk
// as estimated_shadow, over the engine's order).
template <class Ends, class EndOf, class JobOf>
static void walk_shadow(const EngineView& v, const Resources& need, const Ends& running, EndOf end_of, JobOf job_of,
                          Time& shadow, Resources& extra) {
  const Time now = v.now();
  Resources avail = v.cluster().total_free();
  shadow = now;
  for (const auto& r : running) {
    Time end = end_of(r);
    if (need.fits_in(avail) && end > shadow) break;
    avail += v.spec(job_of(r)).total();
    shadow = std::max(now, end);
  }
  extra = avail - need;
}

BatchPolicy::Shadow BatchPolicy::estimated_shadow(const EngineView& v, const Resources& need, Time& expires,
                                                  Time& valid_until) {
  const Time now = v.now();
  Shadow s{now, v.cluster().total_free()};
  expires = valid_until = Time::max();
  for (const RunningEnds::Entry& r : ends_.update(v, estimates_)) {
    if (need.fits_in(s.extra) && r.end > s.time) break;
    s.extra += r.need;
    s.time = std::max(now, r.end);
    // The jobs the walk takes shape the reservation: when one of their estimates expires, the
    // shadow moves later.
    expires = std::min(expires, r.expires);
    // Until the earliest of their ends nothing moves the shadow but the running set changing
    // (an end in the past counts as now: then the shadow moves with time).
    valid_until = std::min(valid_until, r.end <= now ? now : r.end);
  }
  s.extra -= need;  // what is free at the shadow time beyond the head's need
  return s;
}

void BatchPolicy::backfill_easy(Decisions& d, size_t head) {
  const EngineView& v = d.view();
  const Time now = v.now();
  const auto& q = queue_.jobs();
  const Resources head_need = queue_.info(q[head]).need;
  const bool exact = estimates_.is_requested();
  const bool guard = !exact && config_.reservation == Reservation::Requested;

  // The reservation with requested times (the engine's expected ends) and, unless that is
  // the source, with the estimates.
  Shadow requested;
  if (exact || guard)
    walk_shadow(
        v, head_need, v.running_by_expected_end(), [&](JobId r) { return v.record(r).expected_end; },
        [](JobId r) { return r; }, requested.time, requested.extra);
  Resources free = v.cluster().total_free();
  // A job killed by a node failure (failed, not re-queued) leaves the running jobs too: the
  // failure count belongs to "the same running jobs" in every mode.
  const bool same_running = mark_.valid && mark_.head == q[head] && mark_.finished == v.finished_count() &&
                            mark_.failed == v.failed_count() && mark_.running == v.running_by_expected_end().size() &&
                            mark_.requeued == v.requeued_log().size() && mark_.free == free;
  Time expires = Time::max(), valid_until = Time::max();
  Shadow est = requested;
  bool incremental = same_running;
  if (!exact && same_running && now < mark_.valid_until) {
    // The same running jobs, none of whose estimated ends the last walk used has passed: the
    // shadow and extra are those the last pass ended with (no need to walk again).
    est = mark_.shadow;
    expires = mark_.expires;
    valid_until = mark_.valid_until;
    incremental = !guard || mark_.shadow_requested == requested;
  } else if (!exact) {
    est = estimated_shadow(v, head_need, expires, valid_until);
    incremental = same_running && mark_.shadow == est && (!guard || mark_.shadow_requested == requested);
  }
  Resources extra = est.extra, extra_req = requested.extra;
  const Time limit = est.time - now;             // a job ends in time if its estimate is at most this
  const Time limit_req = requested.time - now;  // ... and, with the guard, its requested time this

  auto visit = [&](size_t i) {
    const OrderedQueue::Info& e = queue_.info(q[i]);
    if (e.gone || !e.need.fits_in(free)) return;
    const bool ends_in_time = e.estimate <= limit;
    if (!ends_in_time && !e.need.fits_in(extra)) return;
    const bool ends_in_time_req = !guard || e.requested <= limit_req;
    if (!ends_in_time_req && !e.need.fits_in(extra_req)) return;
    if (!d.try_start(q[i], config_.placement)) return;  // fragmentation: no placement after all
    queue_.mark_gone(i);
    free = v.cluster().total_free();
    if (!ends_in_time) extra -= e.need;
    if (!ends_in_time_req) extra_req -= e.need;
  };
  if (incremental) {
    for (JobId j : queue_.added()) {
      if (free.is_zero()) break;
      size_t i = queue_.index_of(j);
      if (i > head && i < q.size()) visit(i);
    }
  } else {
    for (size_t i = head + 1; i < q.size() && !free.is_zero(); ++i) visit(i);
  }
  mark_ = PassMark{true,  q[head], v.finished_count(), v.running_by_expected_end().size(), v.requeued_log().size(),
                   free,  Shadow{est.time, extra}, Shadow{requested.time, extra_req}, v.failed_count(), expires,
                   valid_until, v.arrived()};
  // A prediction the reservation rests on runs out at `expires`: the shadow moves then, and
  // more may be backfilled; be called then even if nothing else happens.
  if (expires != Time::max() && (wake_ <= now || expires < wake_)) {
    d.wake_at(expires);
    wake_ = expires;
  }
}

}  // namespace clustersim
