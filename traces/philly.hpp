#pragma once
// Microsoft Philly traces (Jeon et al., "Analysis of Large-Scale Multi-Tenant GPU Clusters for
// DNN Training Workloads", USENIX ATC'19; msr-fiddle/philly-traces): the job log
// (cluster_job_log), a JSON array of jobs, each with its scheduling attempts and the GPUs of
// each attempt. The raw reader keeps every documented key (PhillyJob); the mapping to a
// Workload and its reasons are in docs/traces.md.
//
// The JSON is read by a small purpose-built parser (not Boost.PropertyTree, which keeps no
// positions) so that every error names its place: "file:line:column: [3].attempts[0].end_time:
// expected ..., found '...'". A JSON syntax error is always raised (the rest of the file
// cannot be trusted); with PhillyOptions::strict = false a job whose keys are wrong is skipped
// and counted and the first kMaxWarnings messages kept. A file of concatenated objects (JSON
// Lines) is read too.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload.hpp"

namespace clustersim {

// A job's status upon completion (the README: Pass, Killed or Failed).
enum class PhillyStatus : uint8_t { Pass, Killed, Failed };
std::string_view to_string(PhillyStatus s);

// Where a job's runtime comes from.
enum class PhillyRuntime : uint8_t {
  Span,      // from the first attempt's start to the last attempt's end, as the trace's own
             // analysis notebook computes run time                                      "span"
  Attempts,  // the sum of the attempts' own durations (the GPU time the job held)       "attempts"
};
std::string_view to_string(PhillyRuntime r);
PhillyRuntime parse_philly_runtime(std::string_view name);  // InputError listing the names

struct PhillyOptions {
  PhillyRuntime runtime = PhillyRuntime::Span;
  // Jobs whose last attempt has no end_time (running when the log was taken) run until the
  // trace's last timestamp by default; true drops and counts them.
  bool skip_unfinished = false;
  bool strict = true;
};

// Times are seconds since 1970-01-01 of the log's own clock ("YYYY-MM-DD HH:MM:SS", no zone).
struct PhillyServer {
  std::string ip;                 // the server's id
  std::vector<std::string> gpus;  // the GPUs used there ("gpu0", ...)
  bool operator==(const PhillyServer&) const = default;
};

struct PhillyAttempt {
  std::optional<int64_t> start_time;  // missing: null, "None" or "" (a logging error)
  std::optional<int64_t> end_time;    // missing on the last attempt: still running
  std::vector<PhillyServer> detail;
  bool operator==(const PhillyAttempt&) const = default;
};

struct PhillyJob {
  int64_t index = 0;  // 0-based position in the file (malformed jobs counted)
  long line = 0;      // where the job's object starts
  std::string jobid;  // "application_<cluster start>_<n>"
  std::string vc;     // hash of the virtual cluster
  std::string user;   // hash of the user
  PhillyStatus status = PhillyStatus::Pass;
  int64_t submitted_time = 0;
  std::vector<PhillyAttempt> attempts;  // may be empty
  bool operator==(const PhillyJob&) const = default;
};

struct PhillyLog {
  std::vector<PhillyJob> jobs;        // file order
  int64_t malformed_jobs = 0;         // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first messages
};

// Raw jobs. `name` labels error messages.
PhillyLog read_philly_log(const std::string& path, const PhillyOptions& options = {});
PhillyLog parse_philly_log(std::string_view text, const std::string& name, const PhillyOptions& options = {});

// The workload (docs/traces.md, "Philly"). Workload::name is the base name of `name`.
Workload read_philly(const std::string& path, const PhillyOptions& options = {});
Workload parse_philly(std::string_view text, const std::string& name, const PhillyOptions& options = {});
Workload philly_workload(const PhillyLog& log, const std::string& name, const PhillyOptions& options = {});

namespace philly_code {
// JobSpec::status in SWF's codes: Pass 1 (completed), Failed 0, Killed 5 (cancelled).
int32_t status(PhillyStatus s);
}  // namespace philly_code

// Keys of Workload::skipped used by the Philly reader.
namespace philly_skip {
inline constexpr const char* kMalformed = "malformed job";
inline constexpr const char* kNoAttempts = "no attempts";
inline constexpr const char* kNoStart = "no start time";
inline constexpr const char* kNoGpus = "no GPUs";
inline constexpr const char* kUnfinished = "no end time";
}  // namespace philly_skip

}  // namespace clustersim
