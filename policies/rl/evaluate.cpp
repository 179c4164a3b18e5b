#include "policies/rl/evaluate.hpp"

#include "sim/engine.hpp"
#include "sim/metrics.hpp"

namespace clustersim::rl {

std::vector<JobSpec> window_jobs(const EpisodeSource& source, int64_t offset, int64_t jobs) {
  const auto& all = source.workload.jobs;
  std::vector<JobSpec> out(all.begin() + offset, all.begin() + offset + jobs);
  const Time origin = out.front().submit;
  for (JobSpec& j : out) j.submit = j.submit - origin;
  return out;
}

std::vector<WindowResult> evaluate_windows(const EpisodeSource& source, int64_t jobs,
                                           const std::vector<int64_t>& offsets,
                                           const std::function<std::unique_ptr<Policy>()>& make) {
  std::unique_ptr<ThroughputSpeedModel> speed;
  if (source.throughputs) speed = std::make_unique<ThroughputSpeedModel>(*source.throughputs, source.speed);
  std::vector<WindowResult> out;
  for (int64_t off : offsets) {
    Engine e(source.cluster, window_jobs(source, off, jobs), source.engine);
    if (speed) e.set_speed_model(speed.get());
    std::unique_ptr<Policy> p = make();
    e.run(*p);
    const RunSummary s = summarize(e);
    WindowResult r;
    r.offset = off;
    r.mean_bsld = s.bounded_slowdown.mean;
    r.mean_jct_s = s.turnaround.mean;
    r.utilisation = s.gpu_utilisation > 0 ? s.gpu_utilisation : s.utilisation;
    r.finished = s.finished;
    out.push_back(r);
  }
  return out;
}

WindowResult mean_of(const std::vector<WindowResult>& results) {
  WindowResult m;
  if (results.empty()) return m;
  for (const auto& r : results) {
    m.mean_bsld += r.mean_bsld;
    m.mean_jct_s += r.mean_jct_s;
    m.utilisation += r.utilisation;
    m.finished += r.finished;
  }
  const double n = static_cast<double>(results.size());
  m.mean_bsld /= n;
  m.mean_jct_s /= n;
  m.utilisation /= n;
  return m;
}

}  // namespace clustersim::rl
