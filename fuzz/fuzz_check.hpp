#pragma once
// What the trace fuzz targets check on every input: bad input raises only InputError whose
// message starts with the name the reader was given, and a workload that reads satisfies the
// properties every reader promises (sim/workload.hpp, sim/job.hpp). A violated property
// aborts with a line saying which, so that libFuzzer keeps the input as a crash.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sim/error.hpp"
#include "sim/workload.hpp"

namespace clustersim::fuzz {

[[noreturn]] inline void violated(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz property violated: %s %s\n", what, detail.c_str());
  std::abort();
}

inline void require(bool ok, const char* what, const std::string& detail = {}) {
  if (!ok) violated(what, detail);
}

// An InputError must name the file it was given, first ("name:line: ..." or "name: ...").
inline void check_names_file(const InputError& e, std::string_view name) {
  const std::string_view what = e.what();
  require(what.starts_with(name) && what.size() > name.size() &&
              (what[name.size()] == ':' || what[name.size()] == ' '),
          "error does not start with the file name:", std::string(what));
}

// Properties of any Workload a reader returns: jobs in arrival order (submit, then trace id),
// submit >= 0, runtime >= 0, walltime > 0, tasks >= 1, a non-negative and non-zero request per
// task whose GPU part is a share of one GPU (1..999) or whole GPUs, and skip counts >= 1. A
// request of nothing at all is allowed only where the reader keeps such records (openb).
inline void check_workload(const Workload& w, bool allow_empty_request = false) {
  for (size_t i = 0; i < w.jobs.size(); ++i) {
    const JobSpec& j = w.jobs[i];
    const std::string at = "job " + std::to_string(i) + " (trace id " + std::to_string(j.trace_id) + ")";
    if (i > 0) {
      const JobSpec& p = w.jobs[i - 1];
      require(p.submit < j.submit || (p.submit == j.submit && p.trace_id <= j.trace_id),
              "jobs not in arrival order at", at);
    }
    require(j.submit >= Time::zero(), "negative submit time:", at);
    require(j.runtime >= Time::zero(), "negative runtime:", at);
    require(j.walltime > Time::zero(), "walltime not positive:", at);
    require(j.tasks >= 1, "fewer than one task:", at);
    require(!j.per_task.any_negative(), "negative request:", at + " " + j.per_task.to_string());
    require(allow_empty_request || !j.per_task.is_zero(), "empty request:", at);
    require(j.per_task.gpu_milli <= kMilliPerGpu || j.per_task.gpu_milli % kMilliPerGpu == 0,
            "GPU request neither a share of one GPU nor whole GPUs:", at + " " + j.per_task.to_string());
  }
  for (const auto& [why, n] : w.skipped) require(n >= 1, "skip count below 1:", why);
}

// Jobs plus the records skipped for `reasons` other than malformed rows account for every row
// the raw reader returned.
inline void check_accounted(const Workload& w, size_t rows, const char* malformed_key) {
  int64_t skipped = 0;
  for (const auto& [why, n] : w.skipped) {
    if (why != malformed_key) skipped += n;
  }
  require(static_cast<int64_t>(w.jobs.size()) + skipped == static_cast<int64_t>(rows),
          "jobs + skipped != rows read:",
          std::to_string(w.jobs.size()) + " + " + std::to_string(skipped) + " != " + std::to_string(rows));
}

// A lenient read keeps at most `max_warnings` messages, no more than the rows it dropped; a
// strict read drops none.
inline void check_lenient_counts(bool strict, int64_t malformed, size_t warnings, size_t max_warnings) {
  require(malformed >= 0 && warnings <= max_warnings && static_cast<int64_t>(warnings) <= malformed,
          "warning count inconsistent with malformed rows");
  if (strict) require(malformed == 0 && warnings == 0, "a strict read counted malformed rows");
}

}  // namespace clustersim::fuzz
