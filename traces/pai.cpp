// The Alibaba PAI 2020 job and task table readers and their join into a Workload
// (docs/traces.md, "PAI").
#include "traces/pai.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <unordered_map>

#include "traces/csv_rows.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

using namespace traces_detail;

// The published column orders (cluster-trace-gpu-v2020/data/*.header).
enum JobColumn : size_t { kJobName, kInstId, kUser, kJobStatus, kJobStart, kJobEnd };
constexpr ColumnSpec kJobColumns[] = {{"job_name", true}, {"inst_id", true},    {"user", true},
                                      {"status", true},   {"start_time", true}, {"end_time", true}};

enum TaskColumn : size_t {
  kTaskJob, kTaskName, kInstNum, kTaskStatus, kTaskStart, kTaskEnd, kPlanCpu, kPlanMem, kPlanGpu, kGpuType
};
constexpr ColumnSpec kTaskColumns[] = {{"job_name", true}, {"task_name", true}, {"inst_num", true},
                                       {"status", true},   {"start_time", true}, {"end_time", true},
                                       {"plan_cpu", true}, {"plan_mem", true},  {"plan_gpu", true},
                                       {"gpu_type", true}};

constexpr int64_t kMaxInstances = 2'147'483'647;
constexpr int64_t kMaxRequest = int64_t{1} << 40;

// A time in seconds; 0 and empty mean missing (the trace's analysis code maps 0 to NaN).
std::optional<Time> optional_time(const CsvRows& rows, size_t c) {
  const auto us = optional_seconds_us(rows, c);
  if (!us || *us == 0) return std::nullopt;
  return Time::from_us(*us);
}

// The end of a span must not come before its start.
void check_order(const CsvRows& rows, size_t start, size_t end, std::optional<Time> s, std::optional<Time> e) {
  if (s && e && *e < *s) {
    rows.fail(end, "expected a time >= start_time (" + std::string(rows.field(start)) + "), found " +
                       std::string(rows.field(end)));
  }
}

std::string join(const std::string& dir, const char* file) {
  return dir.empty() || dir.back() == '/' ? dir + file : dir + "/" + file;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

int32_t pai_code::status(std::string_view status) {
  if (status == "Terminated") return 1;
  if (status == "Failed") return 0;
  return -1;
}

PaiRows<PaiJob> parse_pai_jobs(std::string_view text, const std::string& name, const PaiOptions& options) {
  CsvRows rows(text, name, kJobColumns, CsvRows::Header::Positional);
  std::unordered_map<std::string, long> first_line;  // job_name -> line, for duplicates
  auto read = read_rows<PaiJob>(rows, name, options.strict, [&](const CsvRows& r, int64_t index) {
    PaiJob j;
    j.index = index;
    j.job_name = std::string(traces_detail::text(r, kJobName, "a job name"));
    j.inst_id = std::string(r.field(kInstId));
    j.user = std::string(traces_detail::text(r, kUser, "a user"));
    j.status = std::string(traces_detail::text(r, kJobStatus, "a status"));
    j.start_time = optional_time(r, kJobStart);
    j.end_time = optional_time(r, kJobEnd);
    check_order(r, kJobStart, kJobEnd, j.start_time, j.end_time);
    if (auto [it, fresh] = first_line.emplace(j.job_name, r.line()); !fresh)
      r.fail(kJobName, "duplicate job '" + shown(j.job_name) + "', first on line " + std::to_string(it->second));
    return j;
  });
  return PaiRows<PaiJob>{std::move(read.rows), read.malformed_rows, std::move(read.warnings)};
}

PaiRows<PaiTask> parse_pai_tasks(std::string_view text, const std::string& name, const PaiOptions& options) {
  CsvRows rows(text, name, kTaskColumns, CsvRows::Header::Positional);
  auto read = read_rows<PaiTask>(rows, name, options.strict, [&](const CsvRows& r, int64_t index) {
    PaiTask t;
    t.index = index;
    t.job_name = std::string(traces_detail::text(r, kTaskJob, "a job name"));
    t.task_name = std::string(r.field(kTaskName));
    if (r.field(kInstNum).empty()) r.fail(kInstNum, "expected a number of instances, found nothing");
    t.inst_num = count(r, kInstNum, kMaxInstances);
    t.status = std::string(traces_detail::text(r, kTaskStatus, "a status"));
    t.start_time = optional_time(r, kTaskStart);
    t.end_time = optional_time(r, kTaskEnd);
    check_order(r, kTaskStart, kTaskEnd, t.start_time, t.end_time);
    t.plan_cpu_milli = optional_scaled(r, kPlanCpu, 10, 1, kMaxRequest).value_or(0);
    t.plan_mem_mib = optional_scaled(r, kPlanMem, 1024, 1, kMaxRequest).value_or(0);
    t.plan_gpu_milli = optional_scaled(r, kPlanGpu, 10, 1, kMaxRequest).value_or(0);
    t.gpu_type = std::string(r.field(kGpuType));
    return t;
  });
  return PaiRows<PaiTask>{std::move(read.rows), read.malformed_rows, std::move(read.warnings)};
}

PaiRows<PaiJob> read_pai_jobs(const std::string& path, const PaiOptions& options) {
  return parse_pai_jobs(read_text_file(path), path, options);
}

PaiRows<PaiTask> read_pai_tasks(const std::string& path, const PaiOptions& options) {
  return parse_pai_tasks(read_text_file(path), path, options);
}

Workload pai_workload(const PaiRows<PaiJob>& jobs, const PaiRows<PaiTask>& tasks, const std::string& name,
                      const PaiOptions& options) {
  Workload w;
  w.name = name;
  w.warnings = jobs.warnings;
  w.warnings.insert(w.warnings.end(), tasks.warnings.begin(), tasks.warnings.end());
  if (const int64_t bad = jobs.malformed_rows + tasks.malformed_rows; bad > 0) w.skipped[pai_skip::kMalformed] = bad;
  std::unordered_map<std::string_view, const PaiJob*> by_name;
  by_name.reserve(jobs.rows.size());
  Time trace_end = Time::zero();
  for (const PaiJob& j : jobs.rows) {
    by_name.emplace(j.job_name, &j);
    trace_end = std::max({trace_end, j.start_time.value_or(Time::zero()), j.end_time.value_or(Time::zero())});
  }
  for (const PaiTask& t : tasks.rows)
    trace_end = std::max({trace_end, t.start_time.value_or(Time::zero()), t.end_time.value_or(Time::zero())});
  traces_detail::NameIds users;
  auto skip = [&](const char* why) { ++w.skipped[why]; };
  w.jobs.reserve(tasks.rows.size());
  for (const PaiTask& t : tasks.rows) {
    const auto it = by_name.find(t.job_name);
    if (it == by_name.end()) {
      skip(pai_skip::kNoJob);
      continue;
    }
    const PaiJob& job = *it->second;
    if (!job.start_time) {
      skip(pai_skip::kNoSubmit);
      continue;
    }
    if (!t.start_time) {
      skip(pai_skip::kNeverStarted);
      continue;
    }
    if (!t.end_time && options.skip_unfinished) {
      skip(pai_skip::kUnfinished);
      continue;
    }
    if (t.inst_num == 0) {
      skip(pai_skip::kNoInstances);
      continue;
    }
    const int64_t cores =
        options.cpu == OpenbCpuUnit::Milli ? t.plan_cpu_milli : (t.plan_cpu_milli + 999) / 1000;
    // A task takes a share of one GPU or whole GPUs (docs/gpu-sharing.md): a request above one
    // GPU that is not whole (150 %) is rounded up to whole GPUs (2).
    constexpr int64_t kOneGpu = 1000;  // milli-GPUs
    const int64_t gpu = t.plan_gpu_milli <= kOneGpu ? t.plan_gpu_milli : (t.plan_gpu_milli + kOneGpu - 1) / kOneGpu * kOneGpu;
    const Resources per_task{cores, gpu, t.plan_mem_mib};
    if (per_task.is_zero()) {
      skip(pai_skip::kNoResources);
      continue;
    }
    JobSpec& j = w.jobs.emplace_back();
    j.trace_id = t.index;
    j.submit = *job.start_time;
    j.runtime = t.end_time.value_or(trace_end) - *t.start_time;
    j.walltime = std::max(j.runtime, Time::from_seconds(1));  // no user estimate: a perfect one
    j.tasks = static_cast<int32_t>(t.inst_num);
    j.per_task = per_task;
    j.user = users.id(job.user);
    j.group = static_cast<int32_t>(job.index);
    j.status = pai_code::status(t.status);
    if (t.plan_gpu_milli > 0) j.gpu_model = t.gpu_type;
  }
  sort_by_arrival_if_needed(w);
  return w;
}

Workload read_pai(const std::string& job_table, const std::string& task_table, const PaiOptions& options) {
  const PaiRows<PaiJob> jobs = read_pai_jobs(job_table, options);
  const PaiRows<PaiTask> tasks = read_pai_tasks(task_table, options);
  // Named after the folder that holds the tables (as a trace is usually kept), else the job table.
  const std::string dir = job_table.substr(0, job_table.size() - base_name(job_table).size());
  const std::string folder = dir.empty() ? std::string() : base_name(dir.substr(0, dir.size() - 1));
  return pai_workload(jobs, tasks, folder.empty() || folder == "." ? base_name(job_table) : folder, options);
}

PaiPaths pai_paths(const std::string& path) {
  static constexpr const char* kJobs = "pai_job_table";
  static constexpr const char* kTasks = "pai_task_table";
  if (is_directory(path)) return {join(path, "pai_job_table.csv"), join(path, "pai_task_table.csv")};
  const std::string base = base_name(path);
  const std::string dir = path.substr(0, path.size() - base.size());
  for (const auto& [from, to] : {std::pair{kJobs, kTasks}, std::pair{kTasks, kJobs}}) {
    const size_t at = base.find(from);
    if (at == std::string::npos) continue;
    const std::string other = dir + base.substr(0, at) + to + base.substr(at + std::string_view(from).size());
    return from == kJobs ? PaiPaths{path, other} : PaiPaths{other, path};
  }
  throw InputError(path + ": a PAI trace is two tables: give the folder that holds pai_job_table.csv and "
                          "pai_task_table.csv, or one of those files");
}

}  // namespace clustersim
