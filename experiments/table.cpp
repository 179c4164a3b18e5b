#include "experiments/table.hpp"

#include <algorithm>
#include <cstdio>

namespace clustersim::cli {

// One row per policy. Batch runs (a cluster without GPUs) show bounded slowdown and core
// utilisation, the HPC figures; GPU clusters show job completion time (JCT), GPU
// utilisation and finish-time fairness, the DL figures.
std::string format_table(const std::vector<std::pair<std::string, RunOutcome>>& rows, bool gpus) {
  std::string out;
  char line[512];
  size_t width = 10;
  for (const auto& [name, o] : rows) width = std::max(width, name.size());
  const int w = static_cast<int>(width);
  if (gpus) {
    std::snprintf(line, sizeof line, "%-*s %8s %12s %12s %12s %12s %8s %8s %14s %9s\n", w, "policy", "jobs",
                  "wait mean s", "jct mean s", "jct p50 s", "jct p95 s", "gpu util", "ftf mean", "makespan s", "wall s");
  } else {
    std::snprintf(line, sizeof line, "%-*s %8s %12s %12s %12s %12s %8s %14s %9s\n", w, "policy", "jobs",
                  "wait mean s", "wait p95 s", "bsld mean", "bsld p95", "util", "makespan s", "wall s");
  }
  out += line;
  out += std::string(std::string(line).size() - 1, '-') + "\n";
  for (const auto& [name, o] : rows) {
    const RunSummary& s = o.summary;
    if (gpus) {
      std::snprintf(line, sizeof line, "%-*s %8lld %12.1f %12.1f %12.1f %12.1f %8.3f %8.2f %14.0f %9.3f\n", w,
                    name.c_str(), static_cast<long long>(s.finished), s.wait.mean, s.turnaround.mean,
                    s.turnaround.p50, s.turnaround.p95, s.gpu_utilisation, s.finish_time_fairness.mean, s.makespan,
                    o.wall_seconds);
    } else {
      std::snprintf(line, sizeof line, "%-*s %8lld %12.1f %12.1f %12.2f %12.2f %8.3f %14.0f %9.3f\n", w,
                    name.c_str(), static_cast<long long>(s.finished), s.wait.mean, s.wait.p95,
                    s.bounded_slowdown.mean, s.bounded_slowdown.p95, s.utilisation, s.makespan, o.wall_seconds);
    }
    out += line;
  }
  for (const auto& [name, o] : rows) {
    const RunSummary& s = o.summary;
    if (s.kills == 0 && s.failed == 0) continue;
    std::snprintf(line, sizeof line, "%s: node failures killed jobs %lld times, %.0f s of work lost, %lld jobs failed\n",
                  name.c_str(), static_cast<long long>(s.kills), s.lost_work_s, static_cast<long long>(s.failed));
    out += line;
  }
  return out;
}

}  // namespace clustersim::cli
