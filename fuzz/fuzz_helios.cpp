// libFuzzer target: the Helios cluster_log.csv reader, strict and lenient, and the mapping to
// a Workload in both CPU units, keeping or dropping unfinished jobs. Bad input may only raise
// InputError naming the file; what reads must satisfy the rows' time order and the Workload
// properties (fuzz/fuzz_check.hpp).
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/helios.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kName = "fuzz/cluster_log.csv";

void check_log(const HeliosLog& log, bool strict) {
  fuzz::check_lenient_counts(strict, log.malformed_rows, log.warnings.size(), 10);
  for (const HeliosJob& j : log.jobs) {
    require(!j.user.empty() && !j.vc.empty(), "empty user or vc");
    require(j.gpu_num >= 0 && j.cpu_num >= 0 && j.node_num >= 0, "negative count");
    if (j.start_time) require(*j.start_time >= j.submit_time, "started before submitted");
    if (j.end_time) require(j.start_time && *j.end_time >= *j.start_time, "ended before started");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  HeliosLog strict_log;
  bool strict_ok = false;
  for (bool strict : {true, false}) {
    HeliosOptions o;
    o.strict = strict;
    HeliosLog log;
    try {
      log = parse_helios_log(text, kName, o);
    } catch (const InputError& e) {
      fuzz::check_names_file(e, kName);
      continue;
    }
    check_log(log, strict);
    if (strict) {
      strict_log = log;
      strict_ok = true;
    } else if (strict_ok) {
      require(log.jobs == strict_log.jobs && log.malformed_rows == 0, "lenient read differs from strict");
    }
    for (OpenbCpuUnit cpu : {OpenbCpuUnit::Milli, OpenbCpuUnit::Cores}) {
      for (bool skip : {false, true}) {
        o.cpu = cpu;
        o.skip_unfinished = skip;
        const Workload w = helios_workload(log, kName, o);
        fuzz::check_workload(w);
        fuzz::check_accounted(w, log.jobs.size(), helios_skip::kMalformed);
        for (const JobSpec& j : w.jobs)
          require(j.per_task.gpu_milli % 1000 == 0 && j.per_task.mem_mib == 0, "a Helios task is not whole GPUs");
      }
    }
  }
  return 0;
}
