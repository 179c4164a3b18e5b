// libFuzzer target: the PAI 2020 job-table and task-table readers, strict and lenient, and
// their join into a Workload in both CPU units, keeping or dropping unfinished tasks. The
// input is the job table, a line "===", then the task table (without the line, the same bytes
// are both tables). Bad input may only raise InputError naming the table's file; what reads
// must satisfy the rows' ranges and the Workload properties (fuzz/fuzz_check.hpp).
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/pai.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kJobsName = "fuzz/pai_job_table.csv";
const std::string kTasksName = "fuzz/pai_task_table.csv";

void check_jobs(const PaiRows<PaiJob>& jobs, bool strict) {
  fuzz::check_lenient_counts(strict, jobs.malformed_rows, jobs.warnings.size(), 10);
  for (const PaiJob& j : jobs.rows) {
    require(!j.job_name.empty() && !j.user.empty() && !j.status.empty(), "empty required text");
    if (j.start_time) require(*j.start_time > Time::zero(), "a job start of 0 kept");
    if (j.start_time && j.end_time) require(*j.end_time >= *j.start_time, "job ends before it starts");
  }
}

void check_tasks(const PaiRows<PaiTask>& tasks, bool strict) {
  fuzz::check_lenient_counts(strict, tasks.malformed_rows, tasks.warnings.size(), 10);
  for (const PaiTask& t : tasks.rows) {
    require(!t.job_name.empty() && !t.status.empty(), "empty required text");
    require(t.inst_num >= 0 && t.plan_cpu_milli >= 0 && t.plan_mem_mib >= 0 && t.plan_gpu_milli >= 0,
            "negative request");
    if (t.start_time && t.end_time) require(*t.end_time >= *t.start_time, "task ends before it starts");
  }
}

template <class Rows, class Parse>
bool read(Rows& out, Parse parse, std::string_view text, const std::string& name, bool strict) {
  PaiOptions o;
  o.strict = strict;
  try {
    out = parse(text, name, o);
    return true;
  } catch (const InputError& e) {
    fuzz::check_names_file(e, name);
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view job_text = text, task_text = text;
  if (const size_t sep = text.find("\n===\n"); sep != std::string_view::npos) {
    job_text = text.substr(0, sep + 1);
    task_text = text.substr(sep + 5);
  }
  PaiRows<PaiJob> strict_jobs;
  PaiRows<PaiTask> strict_tasks;
  bool strict_jobs_ok = false, strict_tasks_ok = false;
  for (bool strict : {true, false}) {
    PaiRows<PaiJob> jobs;
    PaiRows<PaiTask> tasks;
    const bool jobs_ok = read(jobs, parse_pai_jobs, job_text, kJobsName, strict);
    const bool tasks_ok = read(tasks, parse_pai_tasks, task_text, kTasksName, strict);
    if (jobs_ok) {
      check_jobs(jobs, strict);
      if (strict) {
        strict_jobs = jobs;
        strict_jobs_ok = true;
      } else if (strict_jobs_ok) {
        require(jobs.rows == strict_jobs.rows && jobs.malformed_rows == 0, "lenient job table differs from strict");
      }
    }
    if (tasks_ok) {
      check_tasks(tasks, strict);
      if (strict) {
        strict_tasks = tasks;
        strict_tasks_ok = true;
      } else if (strict_tasks_ok) {
        require(tasks.rows == strict_tasks.rows && tasks.malformed_rows == 0, "lenient task table differs from strict");
      }
    }
    if (!jobs_ok || !tasks_ok) continue;
    for (OpenbCpuUnit cpu : {OpenbCpuUnit::Milli, OpenbCpuUnit::Cores}) {
      for (bool skip : {false, true}) {
        PaiOptions o;
        o.strict = strict;
        o.cpu = cpu;
        o.skip_unfinished = skip;
        const Workload w = pai_workload(jobs, tasks, "fuzz", o);
        fuzz::check_workload(w);
        fuzz::check_accounted(w, tasks.rows.size(), pai_skip::kMalformed);
        for (const JobSpec& j : w.jobs)
          require(j.gpu_model.empty() || j.per_task.gpu_milli > 0, "a GPU model without GPUs");
      }
    }
  }
  return 0;
}
