// libFuzzer target: the Alibaba cluster-trace-v2018 batch_task.csv reader, strict and lenient,
// and the mapping to a Workload in both CPU units, with and without a machine memory size,
// keeping or dropping unfinished tasks. Bad input may only raise InputError naming the file;
// what reads must satisfy the rows' ranges and the Workload properties (fuzz/fuzz_check.hpp).
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/alibaba2018.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kName = "fuzz/batch_task.csv";

void check_tasks(const Alibaba2018Tasks& tasks, bool strict) {
  fuzz::check_lenient_counts(strict, tasks.malformed_rows, tasks.warnings.size(), 10);
  for (size_t i = 0; i < tasks.rows.size(); ++i) {
    const Alibaba2018Task& t = tasks.rows[i];
    if (i > 0) require(t.index > tasks.rows[i - 1].index, "row indices not increasing");
    require(!t.task_name.empty() && !t.job_name.empty() && !t.status.empty(), "empty required text");
    require(t.instance_num >= 0 && t.start_time >= 0 && t.end_time >= 0, "negative field");
    require(t.plan_cpu_milli >= 0 && t.plan_mem_millionths >= 0 && t.plan_mem_millionths <= 1'000'000'000,
            "request out of range");
    if (t.start_time > 0 && t.end_time > 0) require(t.end_time >= t.start_time, "ends before it starts");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Alibaba2018Tasks strict_tasks;
  bool strict_ok = false;
  for (bool strict : {true, false}) {
    Alibaba2018Options o;
    o.strict = strict;
    Alibaba2018Tasks tasks;
    try {
      tasks = parse_alibaba2018_tasks(text, kName, o);
    } catch (const InputError& e) {
      fuzz::check_names_file(e, kName);
      continue;
    }
    check_tasks(tasks, strict);
    if (strict) {
      strict_tasks = tasks;
      strict_ok = true;
    } else if (strict_ok) {
      require(tasks.rows == strict_tasks.rows && tasks.malformed_rows == 0, "lenient read differs from strict");
    }
    for (OpenbCpuUnit cpu : {OpenbCpuUnit::Milli, OpenbCpuUnit::Cores}) {
      for (int64_t memory : {int64_t{0}, int64_t{96} * 1024, int64_t{1} << 32}) {
        for (bool skip : {false, true}) {
          o.cpu = cpu;
          o.memory_mib = memory;
          o.skip_unfinished = skip;
          const Workload w = alibaba2018_workload(tasks, kName, o);
          fuzz::check_workload(w);
          fuzz::check_accounted(w, tasks.rows.size(), alibaba2018_skip::kMalformed);
          for (const JobSpec& j : w.jobs) {
            require(j.per_task.gpu_milli == 0, "a GPU request from a CPU trace");
            require(memory > 0 || j.per_task.mem_mib == 0, "memory without a machine size");
            require(j.per_task.mem_mib <= memory * 10, "memory above 10x the largest machine");
          }
        }
      }
    }
  }
  return 0;
}
