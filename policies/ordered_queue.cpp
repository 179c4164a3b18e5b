#include "policies/ordered_queue.hpp"

#include <algorithm>

#include "policies/predict/estimates.hpp"

namespace clustersim {

void OrderedQueue::reset() {
  jobs_.clear();
  info_.clear();
  first_ = gone_ = 0;
  seen_arrived_ = 0;
  seen_requeued_ = 0;
}

void OrderedQueue::save(StateWriter& w) const {
  w.section(order_ == QueueOrder::Sjf ? "ordered queue sjf" : "ordered queue fcfs");
  w.put(jobs_);
  w.put(info_);
  w.put(added_);
  w.put(static_cast<uint64_t>(first_));
  w.put(static_cast<uint64_t>(gone_));
  w.put(seen_arrived_);
  w.put(static_cast<uint64_t>(seen_requeued_));
}

void OrderedQueue::restore(StateReader& r) {
  r.section(order_ == QueueOrder::Sjf ? "ordered queue sjf" : "ordered queue fcfs");
  r.get(jobs_);
  r.get(info_);
  r.get(added_);
  first_ = static_cast<size_t>(r.get<uint64_t>());
  gone_ = static_cast<size_t>(r.get<uint64_t>());
  r.get(seen_arrived_);
  seen_requeued_ = static_cast<size_t>(r.get<uint64_t>());
  if (first_ > jobs_.size()) r.corrupt("the policy queue's first entry");
  for (JobId j : jobs_)
    if (j.value() >= info_.size()) r.corrupt("a job in the policy queue");
}

bool OrderedQueue::before(JobId a, JobId b) const {
  if (order_ == QueueOrder::Sjf) {
    Time ea = info_[a.value()].estimate, eb = info_[b.value()].estimate;
    if (ea != eb) return ea < eb;
  }
  return a < b;  // JobIds follow arrival order
}

void OrderedQueue::insert(JobId j) {
  auto it = std::upper_bound(jobs_.begin() + static_cast<std::ptrdiff_t>(first_), jobs_.end(), j,
                             [&](JobId x, JobId y) { return before(x, y); });
  jobs_.insert(it, j);
}

void OrderedQueue::sync(const EngineView& v) {
  if (info_.size() != v.num_jobs()) info_.resize(v.num_jobs());
  added_.clear();
  auto fill = [&](JobId j) {
    const JobSpec& s = v.spec(j);
    const JobRecord& r = v.record(j);
    double done = static_cast<double>(s.runtime.us()) - r.remaining_us;
    const Time requested = Time::from_us(std::max<int64_t>(1, s.walltime.us() - static_cast<int64_t>(done)));
    info_[j.value()] = Info{s.total(), estimates_ ? estimates_->remaining(v, j) : requested, requested, false};
  };
  for (uint32_t i = seen_arrived_; i < v.arrived(); ++i) {
    JobId j(i);
    if (v.state(j) != JobState::Queued) continue;  // rejected
    fill(j);
    added_.push_back(j);
    if (order_ == QueueOrder::Fcfs) jobs_.push_back(j);  // arrivals come in order
    else insert(j);
  }
  seen_arrived_ = v.arrived();
  auto log = v.requeued_log();
  for (size_t i = seen_requeued_; i < log.size(); ++i) {
    if (v.state(log[i]) != JobState::Queued) continue;
    fill(log[i]);
    added_.push_back(log[i]);
    insert(log[i]);
  }
  seen_requeued_ = log.size();
  std::sort(added_.begin(), added_.end(), [&](JobId a, JobId b) { return before(a, b); });
}

size_t OrderedQueue::index_of(JobId j) const {
  auto it = std::lower_bound(jobs_.begin() + static_cast<std::ptrdiff_t>(first_), jobs_.end(), j,
                             [&](JobId x, JobId y) { return before(x, y); });
  return it != jobs_.end() && *it == j ? static_cast<size_t>(it - jobs_.begin()) : jobs_.size();
}

void OrderedQueue::mark_gone(size_t i) {
  info_[jobs_[i].value()].gone = true;
  ++gone_;
  while (first_ < jobs_.size() && info_[jobs_[first_].value()].gone) {
    ++first_;
    --gone_;
  }
}

void OrderedQueue::maybe_compact() {
  size_t live_span = jobs_.size() - first_;
  if (first_ > 1024 && first_ > live_span) {
    jobs_.erase(jobs_.begin(), jobs_.begin() + static_cast<std::ptrdiff_t>(first_));
    first_ = 0;
  }
  if (gone_ > 64 && gone_ * 2 > live_span) {
    size_t w = first_;
    for (size_t r = first_; r < jobs_.size(); ++r)
      if (!info_[jobs_[r].value()].gone) jobs_[w++] = jobs_[r];
    jobs_.resize(w);
    gone_ = 0;
  }
}

}  // namespace clustersim
