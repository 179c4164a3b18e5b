// The HDF5 run writer alone, under the flush settings that decide what a crash can lose: a
// finished run of 1,000,000 Lublin-Feitelson jobs (FCFS on 256 processors) is replayed into
// the writer's callbacks (one /jobs row per job in end order, a /timeseries sample every 100
// rows), so the engine's time is not counted. Every flush is crash-atomic (docs/hdf5-format.md,
// "Commit records and killed runs"); flush_rows sets how many there are: 65,536 (the default:
// 16 flushes), 4,096 (245) and 1,000 (1,000, each leaving a partly filled chunk to commit).
// Wall time, as chunks are compressed on several threads. Counters: rows/s (/jobs rows), MB
// (the file's size).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "output/hdf5_writer.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "workloads/lublin.hpp"

namespace {

using namespace clustersim;

struct FinishedRun {
  std::unique_ptr<Engine> engine;
  std::vector<JobId> end_order;  // jobs by end time, then index: the order the writer sees them
};

const FinishedRun& finished_run() {
  static const FinishedRun run = [] {
    LublinConfig c;
    c.jobs = 1'000'000;
    c.machine_procs = 256;
    c.seed = 1;
    Workload w = generate_lublin(c);
    FinishedRun r;
    r.engine = std::make_unique<Engine>(Cluster::homogeneous(1, Resources{256, 0, 0}), std::move(w.jobs));
    r.engine->run(*PolicyRegistry::builtin().make("fcfs"));
    for (uint32_t i = 0; i < r.engine->num_jobs(); ++i) r.end_order.push_back(JobId(i));
    std::stable_sort(r.end_order.begin(), r.end_order.end(),
                     [&](JobId a, JobId b) { return r.engine->record(a).end < r.engine->record(b).end; });
    return r;
  }();
  return run;
}

void BM_Hdf5Writer(benchmark::State& st) {
  const FinishedRun& run = finished_run();
  const EngineView& view = *run.engine;
  std::string path =
      (std::filesystem::temp_directory_path() / ("clustersim_hdf5_crash_bench_" + std::to_string(::getpid()) + ".h5"))
          .string();
  Hdf5Options options{.flush_rows = st.range(0), .flush_seconds = 1e9};
  int64_t rows = 0;
  for (auto _ : st) {
    Hdf5RunWriter writer(path, {}, options);
    writer.on_run_start(view);
    int64_t n = 0;
    for (JobId j : run.end_order) {
      writer.on_job_finish(view, j);
      if (++n % 100 == 0) writer.on_sample(view);
    }
    writer.on_run_end(view);
    rows += n;
  }
  st.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  st.counters["MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::filesystem::remove(path);
}
BENCHMARK(BM_Hdf5Writer)->ArgName("flush_rows")->Arg(65536)->Arg(4096)->Arg(1000)->Unit(benchmark::kMillisecond)->MinTime(3)->UseRealTime();

}  // namespace
