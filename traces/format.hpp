#pragma once
// One entry point for every workload trace format: detection (by content and name), the
// reader settings shared by the CLI, experiment files and Python (TraceOptions), loading with
// the workload cache (an explicit .cache file, or an automatic one next to the trace), and
// conversion to a cache. The formats and their mappings: docs/traces.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/workload.hpp"
#include "traces/alibaba2018.hpp"
#include "traces/cache.hpp"
#include "traces/helios.hpp"
#include "traces/openb.hpp"
#include "traces/pai.hpp"
#include "traces/philly.hpp"
#include "traces/swf.hpp"

namespace clustersim {

enum class TraceFormat : uint8_t { Swf, Openb, Philly, Pai, Helios, Alibaba2018, Cache };
std::string_view to_string(TraceFormat f);
// "swf", "openb", "philly", "pai", "helios", "alibaba2018", "cache".
const std::vector<std::string>& trace_format_names();
// InputError with a suggestion for an unknown name.
TraceFormat parse_trace_format(std::string_view name);

// Where the loader keeps a cache of a text trace.
enum class CacheUse : uint8_t {
  Off,   // parse the trace every time                                          "off"
  Auto,  // use FILE.cache next to the trace when it is current, else parse and
         // (re)write it; a cache that cannot be written is a warning          "auto"
};
std::string_view to_string(CacheUse c);
CacheUse parse_cache_use(std::string_view name);

// How to read a trace: one struct for every format. Each setting names the formats it affects.
struct TraceOptions {
  std::optional<TraceFormat> format;  // nullopt: detect_trace_format
  bool strict = true;                 // all: false skips and counts malformed rows
  bool skip_failed = false;           // all: drop jobs with status 0 (failed)
  bool skip_cancelled = false;        // all: drop jobs with status 5 (cancelled / killed)
  ProcsSource swf_procs = ProcsSource::AllocatedElseRequested;            // swf
  EstimateSource swf_estimate = EstimateSource::RequestedElseRuntime;     // swf
  OpenbCpuUnit cpu = OpenbCpuUnit::Milli;   // openb, pai, helios, alibaba2018
  bool skip_unfinished = false;             // openb, philly, pai, helios, alibaba2018
  PhillyRuntime philly_runtime = PhillyRuntime::Span;  // philly
  int64_t alibaba2018_memory_mib = 0;                  // alibaba2018
  CacheUse cache = CacheUse::Off;

  // The settings that shape a workload of `f`, as (CLI option name, value) pairs: what a cache
  // records, and compares to tell whether it was made the same way.
  std::vector<std::pair<std::string, std::string>> settings(TraceFormat f) const;
  // Applies such pairs (e.g. read back from a cache). Raises InputError for an unknown key or value.
  void apply(const std::vector<std::pair<std::string, std::string>>& settings);

  SwfOptions swf() const;
  OpenbOptions openb() const;
  PhillyOptions philly() const;
  PaiOptions pai() const;
  HeliosOptions helios() const;
  Alibaba2018Options alibaba2018() const;
};

// The format of a trace: a cache by its magic bytes; a folder holding the PAI tables; then by
// name (.swf, .json, pai_job_table / pai_task_table, batch_task) and by content (a JSON array
// or object, SWF comment or record lines, a CSV header naming Helios or openb columns, the
// published PAI and Alibaba 2018 column layouts). Raises InputError listing the formats when
// it cannot tell (or naming what the file looks like, e.g. an openb node list).
TraceFormat detect_trace_format(const std::string& path);

// The files a trace of format `f` at `path` is read from (two for PAI, one otherwise).
std::vector<std::string> trace_files(const std::string& path, TraceFormat f);

// Parses a trace (never a cache) with the options.
Workload parse_trace_file(const std::string& path, TraceFormat f, const TraceOptions& options);

// Loads a workload from a trace or a cache (docs/traces.md, "Loading"):
//  - a cache file: checked; when it is corrupt or truncated, or its source trace changed,
//    it is rebuilt from that source (with the settings it records) and a warning says so;
//    when the source is gone it is used as it is, with a warning;
//  - a text trace with CacheUse::Auto: FILE.cache is used when it is current and was made
//    with the same settings, else rebuilt;
//  - otherwise the trace is parsed.
Workload load_trace(const std::string& path, const TraceOptions& options);

// Parses `in` and writes its cache to `out` (its source recorded with an absolute path).
// Returns the workload written.
Workload convert_trace(const std::string& in, const std::string& out, const TraceOptions& options);

// Where CacheUse::Auto keeps the cache of `trace`.
std::string auto_cache_path(const std::string& trace);

// Keys of Workload::skipped added by the status filters of non-SWF formats (SWF's own).
namespace trace_skip {
inline constexpr const char* kFailed = "status failed (0)";
inline constexpr const char* kCancelled = "status cancelled (5)";
}  // namespace trace_skip

}  // namespace clustersim
