#include "policies/batch.hpp"

#include <algorithm>

namespace clustersim {

void BatchPolicy::reset(const EngineView&) {
  queue_.reset();
  mark_ = PassMark{};
}

void BatchPolicy::schedule(Decisions& d) {
  const EngineView& v = d.view();
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

void BatchPolicy::backfill_easy(Decisions& d, size_t head) {
  const EngineView& v = d.view();
  const Time now = v.now();
  const auto& q = queue_.jobs();
  const Resources head_need = queue_.info(q[head]).need;

  // Shadow time: walk running jobs by expected end, adding what they free, until the head
  // fits; every job ending at that same time is counted.
  Resources avail = v.cluster().total_free();
  Time shadow = now;
  for (JobId r : v.running_by_expected_end()) {
    Time end = v.record(r).expected_end;
    if (head_need.fits_in(avail) && end > shadow) break;
    avail += v.spec(r).total();
    shadow = std::max(now, end);
  }
  Resources extra = avail - head_need;
  const Time limit = shadow - now;  // a job ends in time if its estimate is at most this

  Resources free = v.cluster().total_free();
  const bool incremental = mark_.valid && mark_.head == q[head] && mark_.finished == v.finished_count() &&
                           mark_.running == v.running_by_expected_end().size() &&
                           mark_.requeued == v.requeued_log().size() && mark_.free == free;
  auto visit = [&](size_t i) {
    const OrderedQueue::Info& e = queue_.info(q[i]);
    if (e.gone || !e.need.fits_in(free)) return;
    bool ends_in_time = e.estimate <= limit;
    if (!ends_in_time && !e.need.fits_in(extra)) return;
    if (!d.try_start(q[i], config_.placement)) return;  // fragmentation: no placement after all
    queue_.mark_gone(i);
    free = v.cluster().total_free();
    if (!ends_in_time) extra -= e.need;
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
  mark_ = PassMark{true, q[head], v.finished_count(), v.running_by_expected_end().size(), v.requeued_log().size(), free};
}

}  // namespace clustersim
