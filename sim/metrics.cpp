#include "sim/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace clustersim {

JobMetrics job_metrics(const JobSpec& spec, const JobRecord& r) {
  JobMetrics m;
  m.wait = (r.first_start - spec.submit).seconds();
  m.run = spec.runtime.seconds();
  m.turnaround = (r.end - spec.submit).seconds();
  m.bounded_slowdown = bounded_slowdown(m.turnaround, m.run);
  return m;
}

double quantile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

Distribution describe_distribution(std::vector<double>& v) {
  Distribution d;
  if (v.empty()) return d;
  double sum = 0;
  for (double x : v) sum += x;  // in the given order: deterministic
  d.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  d.p50 = quantile_sorted(v, 0.50);
  d.p90 = quantile_sorted(v, 0.90);
  d.p95 = quantile_sorted(v, 0.95);
  d.p99 = quantile_sorted(v, 0.99);
  d.max = v.back();
  return d;
}

RunSummary summarize(const EngineView& view) {
  RunSummary s;
  s.jobs = static_cast<int64_t>(view.num_jobs());
  s.finished = view.finished_count();
  s.rejected = view.rejected_count();
  s.failed = view.failed_count();
  s.unfinished = s.jobs - s.finished - s.rejected - s.failed;
  std::vector<double> wait, turnaround, bsld;
  wait.reserve(static_cast<size_t>(s.finished));
  turnaround.reserve(static_cast<size_t>(s.finished));
  bsld.reserve(static_cast<size_t>(s.finished));
  Time first = Time::max(), last = Time::zero();
  for (size_t i = 0; i < view.num_jobs(); ++i) {
    const JobSpec& spec = view.specs()[i];
    const JobRecord& r = view.records()[i];
    s.preemptions += r.preemptions;
    s.kills += r.kills;
    s.lost_work_s += r.lost_us / 1e6;
    s.migrations += r.migrations;
    if (r.state != JobState::Finished) continue;
    JobMetrics m = job_metrics(spec, r);
    wait.push_back(m.wait);
    turnaround.push_back(m.turnaround);
    bsld.push_back(m.bounded_slowdown);
    first = std::min(first, spec.submit);
    last = std::max(last, r.end);
  }
  s.wait = describe_distribution(wait);
  s.turnaround = describe_distribution(turnaround);
  s.bounded_slowdown = describe_distribution(bsld);
  if (s.finished > 0) {
    s.makespan = (last - first).seconds();
    double span_us = static_cast<double>((last - first).us());
    Resources cap = view.cluster().total_capacity();
    if (span_us > 0 && cap.cores > 0) s.utilisation = view.used_core_us() / (static_cast<double>(cap.cores) * span_us);
    if (span_us > 0 && cap.gpu_milli > 0)
      s.gpu_utilisation = view.used_gpu_milli_us() / (static_cast<double>(cap.gpu_milli) * span_us);
  }
  return s;
}

}  // namespace clustersim
