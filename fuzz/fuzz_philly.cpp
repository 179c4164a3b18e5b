// libFuzzer target: the Philly job-log reader (its own JSON parser), strict and lenient, and
// the mapping to a Workload with both runtime definitions, keeping or dropping unfinished jobs.
// Bad input may only raise InputError naming the file; what reads must satisfy the attempts'
// order and the Workload properties (fuzz/fuzz_check.hpp).
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/philly.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kName = "fuzz/cluster_job_log";

void check_log(const PhillyLog& log, bool strict) {
  fuzz::check_lenient_counts(strict, log.malformed_jobs, log.warnings.size(), 10);
  for (size_t i = 0; i < log.jobs.size(); ++i) {
    const PhillyJob& j = log.jobs[i];
    if (i > 0) require(j.index > log.jobs[i - 1].index, "job indices not increasing");
    require(j.line >= 1, "job without a line");
    for (const PhillyAttempt& a : j.attempts) {
      if (a.start_time && a.end_time) require(*a.end_time >= *a.start_time, "attempt ends before it starts");
    }
    if (!j.attempts.empty() && j.attempts.front().start_time && j.attempts.back().end_time)
      require(*j.attempts.back().end_time >= *j.attempts.front().start_time, "job ends before it starts");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  PhillyLog strict_log;
  bool strict_ok = false;
  for (bool strict : {true, false}) {
    PhillyOptions o;
    o.strict = strict;
    PhillyLog log;
    try {
      log = parse_philly_log(text, kName, o);
    } catch (const InputError& e) {
      fuzz::check_names_file(e, kName);
      continue;
    }
    check_log(log, strict);
    if (strict) {
      strict_log = log;
      strict_ok = true;
    } else if (strict_ok) {
      require(log.jobs == strict_log.jobs && log.malformed_jobs == 0, "lenient read differs from strict");
    }
    for (PhillyRuntime runtime : {PhillyRuntime::Span, PhillyRuntime::Attempts}) {
      for (bool skip : {false, true}) {
        o.runtime = runtime;
        o.skip_unfinished = skip;
        const Workload w = philly_workload(log, kName, o);
        fuzz::check_workload(w);
        fuzz::check_accounted(w, log.jobs.size(), philly_skip::kMalformed);
        for (const JobSpec& j : w.jobs) require(j.per_task == Resources{0, 1000, 0}, "a Philly task is not one GPU");
      }
    }
  }
  return 0;
}
