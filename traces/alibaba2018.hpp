#pragma once
// Alibaba cluster-trace-v2018 batch tasks (alibaba/clusterdata cluster-trace-v2018,
// batch_task.csv, CSV without a header row as published): one row per task of a batch job; a
// task has instance_num identical instances. Each task becomes one clustersim job of
// instance_num tasks; the mapping and its reasons are in docs/traces.md. The raw reader keeps
// every column (Alibaba2018Task).
//
// Errors: a malformed row raises InputError "file:line: column N (name): expected ..., found
// '...'"; with Alibaba2018Options::strict = false malformed rows are skipped and counted and
// the first kMaxWarnings messages kept. File errors are always raised.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload.hpp"
#include "traces/openb.hpp"

namespace clustersim {

struct Alibaba2018Options {
  // What Resources::cores holds (as for openb): milli-CPUs (plan_cpu x 10, the default) or
  // whole cores (plan_cpu / 100 rounded up).
  OpenbCpuUnit cpu = OpenbCpuUnit::Milli;
  // plan_mem is normalised to the largest machine's memory (0..100). With this many MiB for
  // that machine, per_task.mem_mib = ceil(plan_mem / 100 x memory_mib); 0 (the default): the
  // memory is not modelled (mem_mib 0), since the trace does not say how large it is.
  int64_t memory_mib = 0;
  // Tasks that started but have no end time (0) run until the trace's last timestamp by
  // default; true drops and counts them.
  bool skip_unfinished = false;
  bool strict = true;

  // Raises InputError naming the field and the value.
  void validate() const;
};

// One row as written. Times are seconds since the trace's start; 0 means "before or after the
// 8-day window" (the schema).
struct Alibaba2018Task {
  int64_t index = 0;  // 0-based data row (file order, malformed rows counted)
  std::string task_name;  // encodes the DAG: M1, R2_1, M5_3_4, or task_<random> when none
  int64_t instance_num = 0;
  std::string job_name;
  std::string task_type;
  std::string status;
  int64_t start_time = 0;
  int64_t end_time = 0;
  int64_t plan_cpu_milli = 0;      // plan_cpu (100 = one core) x 10; empty: 0
  int64_t plan_mem_millionths = 0;  // plan_mem (0..100) x 10^6, rounded up; empty: 0
  bool operator==(const Alibaba2018Task&) const = default;
};

struct Alibaba2018Tasks {
  std::vector<Alibaba2018Task> rows;  // file order
  int64_t malformed_rows = 0;         // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first messages
};

// Raw rows. `name` labels error messages. A first line that is the column names (task_name,
// instance_num, job_name, task_type, status, start_time, end_time, plan_cpu, plan_mem) is
// skipped.
Alibaba2018Tasks read_alibaba2018_tasks(const std::string& path, const Alibaba2018Options& options = {});
Alibaba2018Tasks parse_alibaba2018_tasks(std::string_view text, const std::string& name,
                                         const Alibaba2018Options& options = {});

// The workload (docs/traces.md, "Alibaba 2018"). Workload::name is the base name of `name`.
Workload read_alibaba2018(const std::string& path, const Alibaba2018Options& options = {});
Workload parse_alibaba2018(std::string_view text, const std::string& name, const Alibaba2018Options& options = {});
Workload alibaba2018_workload(const Alibaba2018Tasks& tasks, const std::string& name,
                              const Alibaba2018Options& options = {});

namespace alibaba2018_code {
// JobSpec::status: Terminated 1, Failed 0, Cancelled 5, anything else (Running, Waiting, ...)
// -1. The schema does not list the statuses.
int32_t status(std::string_view status);
}  // namespace alibaba2018_code

// Keys of Workload::skipped used by the Alibaba 2018 reader.
namespace alibaba2018_skip {
inline constexpr const char* kMalformed = "malformed row";
inline constexpr const char* kNoStart = "start time unknown (0)";
inline constexpr const char* kUnfinished = "no end time";
inline constexpr const char* kNoInstances = "no instances";
inline constexpr const char* kNoResources = "no resources requested";
}  // namespace alibaba2018_skip

}  // namespace clustersim
