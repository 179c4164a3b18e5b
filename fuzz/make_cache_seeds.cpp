// Writes the seed corpus of fuzz_cache: small valid caches made by the cache writer from small
// workloads (the test samples of each trace format, the head of a real SWF trace, a generated
// workload). Run once from the repository root after changing the cache format:
//   build/fuzz-build/fuzz/make_cache_seeds fuzz/corpus/cache
#include <cstdio>
#include <string>

#include "sim/error.hpp"
#include "traces/alibaba2018.hpp"
#include "traces/cache.hpp"
#include "traces/helios.hpp"
#include "traces/openb.hpp"
#include "traces/pai.hpp"
#include "traces/philly.hpp"
#include "traces/swf.hpp"
#include "traces/text_file.hpp"

using namespace clustersim;

namespace {

void write(const std::string& dir, const std::string& file, Workload w, const std::string& format) {
  CacheSource source;
  source.path = "/data/" + w.name;
  source.format = format;
  source.settings = {{"strict", "true"}};
  source.size = 1234;
  source.mtime_ns = 1'700'000'000'000'000'000;
  source.checksum = 0x0123456789abcdefull;
  write_cache(dir + "/" + file, w, source);
}

// The first `lines` lines of a text file.
std::string head(const std::string& path, size_t lines) {
  const std::string text = traces_detail::read_text_file(path);
  size_t at = 0;
  for (size_t i = 0; i < lines && at != std::string::npos; ++i) at = text.find('\n', at + 1);
  return text.substr(0, at == std::string::npos ? text.size() : at + 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_cache_seeds OUT_DIR (run from the repository root)\n");
    return 2;
  }
  const std::string out = argv[1];
  try {
    write(out, "swf-nasa-head.cache",
          parse_swf(head("tests/data/NASA-iPSC-1993-3.1-cln.swf", 60), "nasa_head.swf"), "swf");
    write(out, "philly.cache", read_philly("tests/data/philly/cluster_job_log"), "philly");
    write(out, "helios.cache", read_helios("tests/data/helios/cluster_log.csv"), "helios");
    write(out, "alibaba2018.cache", read_alibaba2018("tests/data/alibaba2018/batch_task.csv"), "alibaba2018");
    write(out, "pai.cache", read_pai("tests/data/pai/pai_job_table.csv", "tests/data/pai/pai_task_table.csv"), "pai");
    write(out, "openb-pods-20.cache",
          parse_openb_workload(head("tests/data/alibaba-gpu-v2023/openb_pod_list_default.csv", 21), "openb_pods.csv"),
          "openb");
    Workload empty;
    empty.name = "empty";
    write(out, "empty.cache", empty, "swf");
    // Identical jobs with consecutive ids: every column is one value (width 0), delta-coded ids.
    Workload same;
    same.name = "identical";
    for (int i = 0; i < 50; ++i) {
      JobSpec& j = same.jobs.emplace_back();
      j.trace_id = i + 1;
      j.runtime = j.walltime = Time::from_seconds(60);
    }
    write(out, "identical-50.cache", same, "swf");
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
