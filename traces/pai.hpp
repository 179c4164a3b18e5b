#pragma once
// Alibaba PAI GPU cluster trace v2020 (Weng et al., "MLaaS in the Wild", NSDI'22;
// alibaba/clusterdata cluster-trace-gpu-v2020): the job table (pai_job_table.csv) and the task
// table (pai_task_table.csv), CSV without a header row as published. A job has one or more
// tasks (roles: worker, ps, evaluator, ...), a task `inst_num` identical instances. Each task
// becomes one clustersim job of inst_num tasks, joined to its job for the submit time and the
// user; the mapping and its reasons are in docs/traces.md. The instance table is not needed.
//
// Errors: a malformed row raises InputError "file:line: column N (name): expected ..., found
// '...'"; with PaiOptions::strict = false malformed rows are skipped and counted and the first
// kMaxWarnings messages kept. File errors are always raised.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"
#include "sim/workload.hpp"
#include "traces/openb.hpp"

namespace clustersim {

struct PaiOptions {
  // What Resources::cores holds (as for openb): milli-CPUs (plan_cpu x 10, the default) or
  // whole cores (plan_cpu / 100 rounded up).
  OpenbCpuUnit cpu = OpenbCpuUnit::Milli;
  // Tasks that started but have no end_time run until the trace's last timestamp by default;
  // true drops and counts them.
  bool skip_unfinished = false;
  bool strict = true;
};

// One row of pai_job_table. Times are exact microseconds of the trace's (shifted) clock; a
// time of 0 or an empty field is missing, as the trace's own analysis code reads them.
struct PaiJob {
  int64_t index = 0;  // 0-based data row (file order, malformed rows counted)
  std::string job_name;
  std::string inst_id;
  std::string user;
  std::string status;  // Running, Terminated, Failed, Waiting
  std::optional<Time> start_time;  // the job's submission
  std::optional<Time> end_time;
  bool operator==(const PaiJob&) const = default;
};

// One row of pai_task_table. Requests are converted exactly to clustersim's integer units.
struct PaiTask {
  int64_t index = 0;  // 0-based data row (file order, malformed rows counted)
  std::string job_name;
  std::string task_name;
  int64_t inst_num = 0;
  std::string status;
  std::optional<Time> start_time;  // the task's launch
  std::optional<Time> end_time;
  int64_t plan_cpu_milli = 0;  // plan_cpu (percent of a core) x 10; empty: 0
  int64_t plan_mem_mib = 0;    // plan_mem (GB) x 1024, rounded up; empty: 0
  int64_t plan_gpu_milli = 0;  // plan_gpu (percent of a GPU) x 10; empty: 0
  std::string gpu_type;        // V100, P100, T4, MISC, ...; may be empty
  bool operator==(const PaiTask&) const = default;
};

template <class Row>
struct PaiRows {
  std::vector<Row> rows;              // file order
  int64_t malformed_rows = 0;         // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first messages
};

// Raw rows. `name` labels error messages. A first line equal to the published .header file
// (the column names) is skipped.
PaiRows<PaiJob> read_pai_jobs(const std::string& path, const PaiOptions& options = {});
PaiRows<PaiJob> parse_pai_jobs(std::string_view text, const std::string& name, const PaiOptions& options = {});
PaiRows<PaiTask> read_pai_tasks(const std::string& path, const PaiOptions& options = {});
PaiRows<PaiTask> parse_pai_tasks(std::string_view text, const std::string& name, const PaiOptions& options = {});

// The workload: the two tables joined on job_name (docs/traces.md, "PAI"). Workload::name is
// `name`. A job_name that appears twice in the job table is a malformed row of it.
Workload read_pai(const std::string& job_table, const std::string& task_table, const PaiOptions& options = {});
Workload pai_workload(const PaiRows<PaiJob>& jobs, const PaiRows<PaiTask>& tasks, const std::string& name,
                      const PaiOptions& options = {});

// The two tables of a PAI trace given as a folder holding pai_job_table.csv and
// pai_task_table.csv, or as either file (the other is the same name with job <-> task).
// Raises InputError explaining what was expected.
struct PaiPaths {
  std::string job_table;
  std::string task_table;
};
PaiPaths pai_paths(const std::string& path);

namespace pai_code {
// JobSpec::status from a task status: Terminated 1 (the README: the only successful one),
// Failed 0, anything else (Running, Waiting, ...) -1.
int32_t status(std::string_view status);
}  // namespace pai_code

// Keys of Workload::skipped used by the PAI reader.
namespace pai_skip {
inline constexpr const char* kMalformed = "malformed row";
inline constexpr const char* kNoJob = "task of a job not in the job table";
inline constexpr const char* kNoSubmit = "job without a submit time";
inline constexpr const char* kNeverStarted = "never started";
inline constexpr const char* kUnfinished = "no end time";
inline constexpr const char* kNoInstances = "no instances";
inline constexpr const char* kNoResources = "no resources requested";
}  // namespace pai_skip

}  // namespace clustersim
