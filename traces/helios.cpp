// The Helios (SenseTime) cluster_log.csv reader and its mapping to a Workload (docs/traces.md).
#include "traces/helios.hpp"

#include <algorithm>
#include <limits>

#include "traces/csv_rows.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

using namespace traces_detail;

enum Column : size_t {
  kJobId, kUser, kVc, kGpuNum, kCpuNum, kNodeNum, kState, kSubmit, kStart, kEnd, kDuration, kQueue
};
// duration (end - start) and queue (start - submit) are derived columns: the reader computes
// them from the times and does not need them.
constexpr ColumnSpec kColumns[] = {
    {"job_id", true},      {"user", true},        {"vc", true},          {"gpu_num", true},
    {"cpu_num", true},     {"node_num", true},    {"state", true},       {"submit_time", true},
    {"start_time", true},  {"end_time", true},   {"duration", false},   {"queue", false}};

constexpr int64_t kMaxGpus = int64_t{1} << 20;  // x 1000 milli-GPUs stays exact
constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();

std::optional<HeliosState> parse_state(std::string_view s) {
  for (HeliosState st : {HeliosState::Completed, HeliosState::Cancelled, HeliosState::Failed, HeliosState::Timeout,
                         HeliosState::NodeFail, HeliosState::Suspended}) {
    if (s == to_string(st)) return st;
  }
  return std::nullopt;
}

HeliosJob parse_job(const CsvRows& rows) {
  HeliosJob j;
  if (rows.field(kJobId).empty()) rows.fail(kJobId, "expected a job id, found nothing");
  j.job_id = count(rows, kJobId, kMaxId);
  j.user = std::string(text(rows, kUser, "a user"));
  j.vc = std::string(text(rows, kVc, "a virtual cluster"));
  j.gpu_num = count(rows, kGpuNum, kMaxGpus);
  j.cpu_num = count(rows, kCpuNum, kMaxGpus);
  j.node_num = count(rows, kNodeNum, kMaxGpus);
  const auto state = parse_state(rows.field(kState));
  if (!state) {
    rows.fail(kState, "expected COMPLETED, CANCELLED, FAILED, TIMEOUT, NODE_FAIL or SUSPENDED, found '" +
                          shown(rows.field(kState)) + "'");
  }
  j.state = *state;
  const auto submit = optional_datetime(rows, kSubmit);
  if (!submit) rows.fail(kSubmit, "expected a time 'YYYY-MM-DD HH:MM:SS', found nothing");
  j.submit_time = *submit;
  j.start_time = optional_datetime(rows, kStart);
  j.end_time = optional_datetime(rows, kEnd);
  if (j.start_time && *j.start_time < j.submit_time)
    rows.fail(kStart, "expected a time >= submit_time (" + std::string(rows.field(kSubmit)) + "), found " +
                          std::string(rows.field(kStart)));
  if (j.end_time && !j.start_time)
    rows.fail(kStart, "expected the start of a job that has an end_time, found nothing");
  if (j.end_time && *j.end_time < *j.start_time)
    rows.fail(kEnd, "expected a time >= start_time (" + std::string(rows.field(kStart)) + "), found " +
                        std::string(rows.field(kEnd)));
  return j;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

std::string_view to_string(HeliosState s) {
  switch (s) {
    case HeliosState::Completed: return "COMPLETED";
    case HeliosState::Cancelled: return "CANCELLED";
    case HeliosState::Failed: return "FAILED";
    case HeliosState::Timeout: return "TIMEOUT";
    case HeliosState::NodeFail: return "NODE_FAIL";
    case HeliosState::Suspended: return "SUSPENDED";
  }
  return "?";
}

int32_t helios_code::status(HeliosState s) {
  switch (s) {
    case HeliosState::Completed: return 1;
    case HeliosState::Failed:
    case HeliosState::Timeout:
    case HeliosState::NodeFail: return 0;
    case HeliosState::Cancelled: return 5;
    case HeliosState::Suspended: return -1;
  }
  return -1;
}

HeliosLog parse_helios_log(std::string_view text, const std::string& name, const HeliosOptions& options) {
  CsvRows rows(text, name, kColumns, CsvRows::Header::Named);
  auto read = read_rows<HeliosJob>(rows, name, options.strict, [](const CsvRows& r, int64_t) { return parse_job(r); });
  return HeliosLog{std::move(read.rows), read.malformed_rows, std::move(read.warnings)};
}

HeliosLog read_helios_log(const std::string& path, const HeliosOptions& options) {
  return parse_helios_log(traces_detail::read_text_file(path), path, options);
}

Workload helios_workload(const HeliosLog& log, const std::string& name, const HeliosOptions& options) {
  Workload w;
  w.name = traces_detail::base_name(name);
  w.warnings = log.warnings;
  if (log.malformed_rows > 0) w.skipped[helios_skip::kMalformed] = log.malformed_rows;
  if (log.jobs.empty()) return w;
  // Submit times count from the first submission; its clock time is kept in the hint.
  int64_t origin = log.jobs.front().submit_time, trace_end = origin;
  for (const HeliosJob& j : log.jobs) {
    origin = std::min(origin, j.submit_time);
    trace_end = std::max({trace_end, j.submit_time, j.start_time.value_or(origin), j.end_time.value_or(origin)});
  }
  w.machine.unix_start_time = origin;
  NameIds users, vcs;
  auto skip = [&](const char* why) { ++w.skipped[why]; };
  w.jobs.reserve(log.jobs.size());
  for (const HeliosJob& h : log.jobs) {
    if (!h.start_time) {
      skip(helios_skip::kNeverStarted);
      continue;
    }
    if (!h.end_time && options.skip_unfinished) {
      skip(helios_skip::kUnfinished);
      continue;
    }
    if (h.node_num == 0) {
      skip(helios_skip::kNoNodes);
      continue;
    }
    if (h.gpu_num == 0 && h.cpu_num == 0) {
      skip(helios_skip::kNoResources);
      continue;
    }
    JobSpec& j = w.jobs.emplace_back();
    j.trace_id = h.job_id;
    j.submit = Time::from_seconds(h.submit_time - origin);
    const int64_t run = h.end_time.value_or(trace_end) - *h.start_time;
    j.runtime = Time::from_seconds(run);
    j.walltime = Time::from_seconds(std::max<int64_t>(run, 1));  // no user estimate: a perfect one
    // One task per node, each with its share, rounded up when the shares are uneven.
    j.tasks = static_cast<int32_t>(h.node_num);
    const int64_t cores = options.cpu == OpenbCpuUnit::Milli ? ceil_div(h.cpu_num * 1000, h.node_num)
                                                             : ceil_div(h.cpu_num, h.node_num);
    j.per_task = Resources{cores, ceil_div(h.gpu_num, h.node_num) * 1000, 0};
    j.user = users.id(h.user);
    j.queue = vcs.id(h.vc);
    j.status = helios_code::status(h.state);
  }
  sort_by_arrival_if_needed(w);
  return w;
}

Workload parse_helios(std::string_view text, const std::string& name, const HeliosOptions& options) {
  return helios_workload(parse_helios_log(text, name, options), name, options);
}

Workload read_helios(const std::string& path, const HeliosOptions& options) {
  return helios_workload(read_helios_log(path, options), path, options);
}

}  // namespace clustersim
