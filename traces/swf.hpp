#pragma once
// The Standard Workload Format (SWF) of the Parallel Workloads Archive: a reader that keeps
// every field (SwfTrace), a reader that maps a log to the common Workload, and writers for both.
// The mapping and the accepted syntax are described in docs/swf.md.
//
// Errors: every malformed line raises InputError "file:line: field N (name): expected ...,
// found '...'"; a missing or unreadable file raises InputError naming the path and the OS
// reason. With SwfOptions::strict = false malformed record lines are skipped and counted.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"
#include "sim/workload.hpp"

namespace clustersim {

// Where a job's processor count (Workload tasks) comes from.
enum class ProcsSource : uint8_t {
  AllocatedElseRequested,  // field 5, or field 8 when field 5 is missing (<= 0)  "allocated"
  RequestedElseAllocated,  // field 8, or field 5 when field 8 is missing (<= 0)  "requested"
  MaxOfBoth,               // max(field 5, field 8)                                "max"
};

// Where a job's walltime (the user's estimate, JobSpec::walltime) comes from.
enum class EstimateSource : uint8_t {
  RequestedElseRuntime,  // field 9 when > 0, else the run time (field 4)  "requested"
  Runtime,               // the run time: a perfect estimate               "runtime"
};

std::string_view to_string(ProcsSource s);
std::string_view to_string(EstimateSource s);
// Inverse of to_string; an unknown name raises InputError listing the valid names.
ProcsSource parse_procs_source(std::string_view name);
EstimateSource parse_estimate_source(std::string_view name);

// How to read a log. Filled by the CLI, experiment files and Python alike.
struct SwfOptions {
  ProcsSource procs = ProcsSource::AllocatedElseRequested;
  EstimateSource estimate = EstimateSource::RequestedElseRuntime;
  bool skip_failed = false;     // drop jobs with status 0
  bool skip_cancelled = false;  // drop jobs with status 5
  // true: the first malformed line raises InputError. false (lenient): malformed record
  // lines are skipped and counted, malformed header values are ignored; the first
  // kMaxWarnings messages are kept.
  bool strict = true;
  // Stop after this many jobs (read_swf) or records (read_swf_records) in file order; 0 = all.
  int64_t max_jobs = 0;

  static constexpr int kMaxWarnings = 10;

  // Raises InputError naming the field and the value when a setting is invalid.
  void validate() const;
};

// One "; Key: value" comment line. Lines that are not "Key: value" (continuations, blank
// comments) have an empty key and keep their raw text after ';' (right-trimmed) in value.
struct SwfHeaderLine {
  std::string key;
  std::string value;
  bool operator==(const SwfHeaderLine&) const = default;
};

// What the comment lines say. Typed fields hold the last occurrence of their key and are
// 0 / -1 / empty when absent; `lines` keeps every comment line in file order.
struct SwfHeader {
  std::string version;           // Version
  std::string computer;          // Computer
  std::string installation;      // Installation
  int64_t max_nodes = 0;         // MaxNodes
  int64_t max_procs = 0;         // MaxProcs
  int64_t unix_start_time = -1;  // UnixStartTime (seconds since the epoch); -1: absent
  int64_t time_zone = 0;         // TimeZone (seconds to add to UTC)
  std::string time_zone_string;  // TimeZoneString, e.g. "US/Pacific"
  std::string start_time;        // StartTime, human-readable
  std::string end_time;          // EndTime, human-readable
  int64_t max_jobs = 0;          // MaxJobs
  int64_t max_records = 0;       // MaxRecords
  int64_t max_runtime = 0;       // MaxRuntime (s)
  int64_t max_memory = 0;        // MaxMemory (KB)
  int64_t max_queues = 0;        // MaxQueues
  int64_t max_partitions = 0;    // MaxPartitions
  std::string allow_overuse;     // AllowOveruse
  std::string preemption;        // Preemption
  std::vector<std::string> queues;      // every Queue line
  std::vector<std::string> partitions;  // every Partition line
  std::vector<std::string> notes;       // every Note line (first line of each note)
  std::vector<SwfHeaderLine> lines;     // all comment lines, in order

  // The value of the last line with this key (case-sensitive), or nullptr.
  const std::string* find(std::string_view key) const;
  // Appends a line and updates the typed field its key names. Returns false, leaving the
  // typed field as it was, when the key is numeric (MaxProcs, UnixStartTime, ...) and the
  // value is not an integer.
  bool add(std::string key, std::string value);
  MachineHint machine() const { return {max_nodes, max_procs, unix_start_time}; }
  bool operator==(const SwfHeader&) const = default;
};

// Every field of one SWF record, in field order. -1 means "missing", as in the file.
// Time fields are exact microseconds (decimal seconds in the file are converted by decimal
// arithmetic, rounded to the nearest microsecond); missing is kSwfMissingTime (-1 s).
// Counts and ids are integers; the average CPU time and the memory fields are doubles.
inline constexpr Time kSwfMissingTime = Time::from_seconds(-1);

struct SwfRecord {
  int64_t job_number = -1;              // 1
  Time submit = kSwfMissingTime;        // 2  since the log's start
  Time wait = kSwfMissingTime;          // 3
  Time run = kSwfMissingTime;           // 4
  int64_t allocated_procs = -1;         // 5
  double avg_cpu_time = -1;             // 6  seconds
  double used_memory = -1;              // 7  KB per processor
  int64_t requested_procs = -1;         // 8
  Time requested_time = kSwfMissingTime;  // 9
  double requested_memory = -1;         // 10 KB per processor
  int64_t status = -1;                  // 11 1 completed, 0 failed, 5 cancelled, 2-4 partial
  int64_t user = -1;                    // 12
  int64_t group = -1;                   // 13
  int64_t executable = -1;              // 14
  int64_t queue = -1;                   // 15
  int64_t partition = -1;               // 16
  int64_t preceding_job = -1;           // 17
  Time think_time = kSwfMissingTime;    // 18
  bool operator==(const SwfRecord&) const = default;
};

namespace swf_status {
inline constexpr int64_t kFailed = 0;
inline constexpr int64_t kCompleted = 1;
inline constexpr int64_t kCancelled = 5;
}  // namespace swf_status

// The number of fields of a record and the name of field `n` (1-based), e.g. "run time".
inline constexpr int kSwfFields = 18;
std::string_view swf_field_name(int n);

// A log as it is: its header and all its records in file order.
struct SwfTrace {
  SwfHeader header;
  std::vector<SwfRecord> records;
  int64_t malformed_lines = 0;        // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first messages
};

// Raw records. `name` labels error messages (a path or e.g. "<inline>").
SwfTrace read_swf_records(const std::string& path, const SwfOptions& options = {});
SwfTrace parse_swf_records(std::string_view text, const std::string& name,
                           const SwfOptions& options = {});

// The common workload: see docs/swf.md for the mapping and the skip reasons below.
// Workload::name is the base name of `path` / `name`; jobs are sorted by arrival.
Workload read_swf(const std::string& path, const SwfOptions& options = {});
Workload parse_swf(std::string_view text, const std::string& name,
                   const SwfOptions& options = {});

// Keys of Workload::skipped used by read_swf.
namespace swf_skip {
inline constexpr const char* kMalformed = "malformed line";
inline constexpr const char* kNoSubmit = "submit time missing";
inline constexpr const char* kRuntime = "runtime <= 0 or missing";
inline constexpr const char* kNoProcs = "no processors";
inline constexpr const char* kFailed = "status failed (0)";
inline constexpr const char* kCancelled = "status cancelled (5)";
}  // namespace swf_skip

// Writers. A Workload is written with a Version 2.2 header (MaxJobs, MaxRecords, MaxNodes /
// MaxProcs, UnixStartTime when known) and -1 for what it does not know; an SwfTrace is
// written with its header lines and every record. Times are whole seconds when integral,
// else decimals. An unwritable path raises InputError naming the path.
std::string to_swf_text(const Workload& workload);
std::string to_swf_text(const SwfTrace& trace);
void write_swf(const std::string& path, const Workload& workload);
void write_swf(const std::string& path, const SwfTrace& trace);

}  // namespace clustersim
