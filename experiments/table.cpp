#include "experiments/table.hpp"

#include <cstdio>

namespace clustersim::cli {

std::string format_table(const std::vector<std::pair<std::string, RunOutcome>>& rows) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-10s %8s %12s %12s %12s %12s %8s %14s %9s\n", "policy", "jobs",
                "wait mean s", "wait p95 s", "bsld mean", "bsld p95", "util", "makespan s", "wall s");
  out += line;
  out += std::string(std::string(line).size() - 1, '-') + "\n";
  for (const auto& [name, o] : rows) {
    const RunSummary& s = o.summary;
    std::snprintf(line, sizeof line, "%-10s %8lld %12.1f %12.1f %12.2f %12.2f %8.3f %14.0f %9.3f\n", name.c_str(),
                  static_cast<long long>(s.finished), s.wait.mean, s.wait.p95, s.bounded_slowdown.mean,
                  s.bounded_slowdown.p95, s.utilisation, s.makespan, o.wall_seconds);
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
