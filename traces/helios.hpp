#pragma once
// SenseTime Helios traces (Hu et al., "Characterization and Prediction of Deep Learning
// Workloads in Large-Scale GPU Datacenters", SC'21; S-Lab-System-Group/HeliosData): one
// cluster_log.csv per cluster, one row per Slurm job. The raw reader keeps every column
// (HeliosJob); the mapping to a Workload and its reasons are in docs/traces.md.
//
// Errors: a malformed row raises InputError "file:line: column N (name): expected ..., found
// '...'"; with HeliosOptions::strict = false malformed rows are skipped and counted and the
// first kMaxWarnings messages kept. A bad header and file errors are always raised.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload.hpp"
#include "traces/openb.hpp"

namespace clustersim {

// A job's state when it ended (the trace's README, note 2).
enum class HeliosState : uint8_t { Completed, Cancelled, Failed, Timeout, NodeFail, Suspended };
std::string_view to_string(HeliosState s);

struct HeliosOptions {
  // What Resources::cores holds (as for openb): milli-CPUs (cpu_num x 1000, the default) or
  // whole cores.
  OpenbCpuUnit cpu = OpenbCpuUnit::Milli;
  // Jobs that started but have no end_time (running when the trace was cut) run until the
  // trace's last timestamp by default; true drops and counts them.
  bool skip_unfinished = false;
  bool strict = true;
};

// One row as written. Times are seconds since 1970-01-01 of the trace's own clock (it gives
// no time zone; see parse_datetime).
struct HeliosJob {
  int64_t job_id = 0;
  std::string user;
  std::string vc;
  int64_t gpu_num = 0;
  int64_t cpu_num = 0;
  int64_t node_num = 0;
  HeliosState state = HeliosState::Completed;
  int64_t submit_time = 0;
  std::optional<int64_t> start_time;  // empty: never started
  std::optional<int64_t> end_time;
  bool operator==(const HeliosJob&) const = default;
};

struct HeliosLog {
  std::vector<HeliosJob> jobs;        // file order
  int64_t malformed_rows = 0;         // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first messages
};

// Raw rows. `name` labels error messages (a path, or e.g. "<inline>").
HeliosLog read_helios_log(const std::string& path, const HeliosOptions& options = {});
HeliosLog parse_helios_log(std::string_view text, const std::string& name, const HeliosOptions& options = {});

// The workload (docs/traces.md, "Helios"): Workload::name is the base name of `name`.
Workload read_helios(const std::string& path, const HeliosOptions& options = {});
Workload parse_helios(std::string_view text, const std::string& name, const HeliosOptions& options = {});
Workload helios_workload(const HeliosLog& log, const std::string& name, const HeliosOptions& options = {});

namespace helios_code {
// JobSpec::status: COMPLETED 1, FAILED / TIMEOUT / NODE_FAIL 0 (the trace's authors count
// them as failed), CANCELLED 5, SUSPENDED -1.
int32_t status(HeliosState s);
}  // namespace helios_code

// Keys of Workload::skipped used by the Helios reader.
namespace helios_skip {
inline constexpr const char* kMalformed = "malformed row";
inline constexpr const char* kNeverStarted = "never started";
inline constexpr const char* kUnfinished = "no end time";
inline constexpr const char* kNoNodes = "no nodes";
inline constexpr const char* kNoResources = "no resources requested";
}  // namespace helios_skip

}  // namespace clustersim
