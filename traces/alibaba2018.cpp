// The Alibaba cluster-trace-v2018 batch_task.csv reader and its mapping to a Workload
// (docs/traces.md, "Alibaba 2018").
#include "traces/alibaba2018.hpp"

#include <algorithm>

#include "traces/csv_rows.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

using namespace traces_detail;

// The column order of cluster-trace-v2018/schema.txt ("batch task").
enum Column : size_t { kTaskName, kInstances, kJobName, kTaskType, kStatus, kStart, kEnd, kPlanCpu, kPlanMem };
constexpr ColumnSpec kColumns[] = {{"task_name", true}, {"instance_num", true}, {"job_name", true},
                                   {"task_type", true}, {"status", true},       {"start_time", true},
                                   {"end_time", true},  {"plan_cpu", true},     {"plan_mem", true}};

constexpr int64_t kMaxInstances = 2'147'483'647;
constexpr int64_t kMaxRequest = int64_t{1} << 40;
constexpr int64_t kMaxMemoryMib = int64_t{1} << 32;
// Times in seconds: at most 10^12 (31,700 years, as the SWF reader allows), so that a time in
// microseconds, and the sum of two, fits in 64 bits.
constexpr int64_t kMaxSeconds = 1'000'000'000'000;

// A request; empty or -1 (the trace's mark of an invalid normalised value) is 0.
int64_t request(const CsvRows& rows, size_t c, int64_t num, int64_t max) {
  if (rows.field(c) == "-1") return 0;
  return optional_scaled(rows, c, num, 1, max).value_or(0);
}

Alibaba2018Task parse_task(const CsvRows& r, int64_t index) {
  Alibaba2018Task t;
  t.index = index;
  t.task_name = std::string(text(r, kTaskName, "a task name"));
  if (r.field(kInstances).empty()) r.fail(kInstances, "expected a number of instances, found nothing");
  t.instance_num = count(r, kInstances, kMaxInstances);
  t.job_name = std::string(text(r, kJobName, "a job name"));
  t.task_type = std::string(r.field(kTaskType));
  t.status = std::string(text(r, kStatus, "a status"));
  t.start_time = optional_count(r, kStart, kMaxSeconds).value_or(0);
  t.end_time = optional_count(r, kEnd, kMaxSeconds).value_or(0);
  if (t.start_time > 0 && t.end_time > 0 && t.end_time < t.start_time) {
    r.fail(kEnd, "expected a time >= start_time (" + std::to_string(t.start_time) + "), found " +
                     std::to_string(t.end_time));
  }
  t.plan_cpu_milli = request(r, kPlanCpu, 10, kMaxRequest);
  // At most 1000 (100 is the largest machine), so that x memory_mib cannot overflow.
  t.plan_mem_millionths = request(r, kPlanMem, 1'000'000, 1'000'000'000);
  return t;
}

}  // namespace

void Alibaba2018Options::validate() const {
  if (memory_mib < 0 || memory_mib > kMaxMemoryMib) {
    throw InputError("Alibaba2018Options.memory_mib: expected 0 (not modelled) to " + std::to_string(kMaxMemoryMib) +
                     ", found " + std::to_string(memory_mib));
  }
}

int32_t alibaba2018_code::status(std::string_view status) {
  if (status == "Terminated") return 1;
  if (status == "Failed") return 0;
  if (status == "Cancelled") return 5;
  return -1;
}

Alibaba2018Tasks parse_alibaba2018_tasks(std::string_view text, const std::string& name,
                                         const Alibaba2018Options& options) {
  options.validate();
  CsvRows rows(text, name, kColumns, CsvRows::Header::Positional);
  auto read = read_rows<Alibaba2018Task>(rows, name, options.strict, parse_task);
  return Alibaba2018Tasks{std::move(read.rows), read.malformed_rows, std::move(read.warnings)};
}

Alibaba2018Tasks read_alibaba2018_tasks(const std::string& path, const Alibaba2018Options& options) {
  return parse_alibaba2018_tasks(read_text_file(path), path, options);
}

Workload alibaba2018_workload(const Alibaba2018Tasks& tasks, const std::string& name,
                              const Alibaba2018Options& options) {
  options.validate();
  Workload w;
  w.name = base_name(name);
  w.warnings = tasks.warnings;
  if (tasks.malformed_rows > 0) w.skipped[alibaba2018_skip::kMalformed] = tasks.malformed_rows;
  int64_t trace_end = 0;
  for (const Alibaba2018Task& t : tasks.rows) trace_end = std::max({trace_end, t.start_time, t.end_time});
  NameIds jobs;
  auto skip = [&](const char* why) { ++w.skipped[why]; };
  w.jobs.reserve(tasks.rows.size());
  for (const Alibaba2018Task& t : tasks.rows) {
    if (t.start_time == 0) {
      skip(alibaba2018_skip::kNoStart);
      continue;
    }
    if (t.end_time == 0 && options.skip_unfinished) {
      skip(alibaba2018_skip::kUnfinished);
      continue;
    }
    if (t.instance_num == 0) {
      skip(alibaba2018_skip::kNoInstances);
      continue;
    }
    const int64_t cores = options.cpu == OpenbCpuUnit::Milli ? t.plan_cpu_milli : (t.plan_cpu_milli + 999) / 1000;
    const int64_t mem = (t.plan_mem_millionths * options.memory_mib + 99'999'999) / 100'000'000;
    const Resources per_task{cores, 0, mem};
    if (per_task.is_zero()) {
      skip(alibaba2018_skip::kNoResources);
      continue;
    }
    JobSpec& j = w.jobs.emplace_back();
    j.trace_id = t.index;
    j.submit = Time::from_seconds(t.start_time);
    const int64_t run = (t.end_time > 0 ? t.end_time : trace_end) - t.start_time;
    j.runtime = Time::from_seconds(run);
    j.walltime = Time::from_seconds(std::max<int64_t>(run, 1));  // no user estimate: a perfect one
    j.tasks = static_cast<int32_t>(t.instance_num);
    j.per_task = per_task;
    j.group = jobs.id(t.job_name);
    j.status = alibaba2018_code::status(t.status);
  }
  sort_by_arrival_if_needed(w);
  return w;
}

Workload parse_alibaba2018(std::string_view text, const std::string& name, const Alibaba2018Options& options) {
  return alibaba2018_workload(parse_alibaba2018_tasks(text, name, options), name, options);
}

Workload read_alibaba2018(const std::string& path, const Alibaba2018Options& options) {
  return alibaba2018_workload(read_alibaba2018_tasks(path, options), path, options);
}

}  // namespace clustersim
