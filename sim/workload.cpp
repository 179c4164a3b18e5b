#include "sim/workload.hpp"

#include <algorithm>

namespace clustersim {

void Workload::sort_by_arrival() {
  std::stable_sort(jobs.begin(), jobs.end(), [](const JobSpec& a, const JobSpec& b) {
    if (a.submit != b.submit) return a.submit < b.submit;
    return a.trace_id < b.trace_id;
  });
}

int64_t Workload::skipped_total() const {
  int64_t n = 0;
  for (const auto& [reason, count] : skipped) n += count;
  return n;
}

Time Workload::span() const {
  if (jobs.empty()) return Time::zero();
  return jobs.back().submit - jobs.front().submit;
}

}  // namespace clustersim
