// The workload cache against re-parsing the text, file to Workload: tests/data/lublin_256.swf
// repeated N times (bench/lublin100.hpp's layout; N = 1, 10, 100: 10,000 to 1,000,000 jobs),
// read_swf of the text file vs read_cache / load_trace of its cache (traces/cache.hpp).
//
// Both sides end with the same std::vector<JobSpec> (120 bytes a job), whose allocation,
// construction and release a loader cannot avoid: BM_CacheJobsFloor measures that alone. At
// 1,000,000 jobs (120 MB, a fresh mapping every iteration) it dominates the cache's time.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "bench/lublin100.hpp"
#include "traces/format.hpp"
#include "traces/text_file.hpp"

namespace {

using namespace clustersim;

// lublin_256.swf x copies and its cache in the temporary folder, written once per process.
struct Files {
  std::string text;
  std::string cache;
  int64_t jobs = 0;
  explicit Files(int copies) {
    const std::string stem = std::string(P_tmpdir) + "/clustersim-cache-bench-" + std::to_string(::getpid()) + "-" +
                             std::to_string(copies);
    text = stem + ".swf";
    cache = stem + ".cache";
    traces_detail::write_text_file(
        text, bench::make_repeated_swf(CLUSTERSIM_TEST_DATA_DIR "/lublin_256.swf", copies, 10'000'000));
    TraceOptions o;
    o.format = TraceFormat::Swf;
    jobs = static_cast<int64_t>(convert_trace(text, cache, o).jobs.size());
  }
  ~Files() {
    std::remove(text.c_str());
    std::remove(cache.c_str());
  }
};

const Files& files(int copies) {
  static std::map<int, std::unique_ptr<Files>> made;
  auto& f = made[copies];
  if (!f) f = std::make_unique<Files>(copies);
  return *f;
}

void report(benchmark::State& state, const std::string& path, int64_t jobs) {
  FILE* f = std::fopen(path.c_str(), "rb");
  std::fseek(f, 0, SEEK_END);
  const long bytes = std::ftell(f);
  std::fclose(f);
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(state.iterations() * jobs);
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
}

// The text file parsed: what every run pays without a cache.
void BM_CacheParseSwfFile(benchmark::State& state) {
  const Files& f = files(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    Workload w = read_swf(f.text);
    benchmark::DoNotOptimize(w.jobs.data());
  }
  report(state, f.text, f.jobs);
}
BENCHMARK(BM_CacheParseSwfFile)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// The cache read and checked (magic, version, both checksums) and the jobs decoded.
void BM_CacheLoad(benchmark::State& state) {
  const Files& f = files(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    CacheFile c = read_cache(f.cache);
    benchmark::DoNotOptimize(c.workload.jobs.data());
  }
  report(state, f.cache, f.jobs);
}
BENCHMARK(BM_CacheLoad)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// Through the loader, as `--trace x.cache` does: the cache plus the freshness check of its
// source (a stat: same size and mtime).
void BM_CacheLoadTrace(benchmark::State& state) {
  const Files& f = files(static_cast<int>(state.range(0)));
  const TraceOptions o;
  for (auto _ : state) {
    Workload w = load_trace(f.cache, o);
    benchmark::DoNotOptimize(w.jobs.data());
  }
  report(state, f.cache, f.jobs);
}
BENCHMARK(BM_CacheLoadTrace)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// The floor under any loader: allocate, default-construct and free the jobs (10,000 x N).
void BM_CacheJobsFloor(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0)) * 10'000;
  for (auto _ : state) {
    std::vector<JobSpec> jobs(n);
    benchmark::DoNotOptimize(jobs.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_CacheJobsFloor)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// The largest DL trace sample: the openb pod list (8,152 pods, tests/data/alibaba-gpu-v2023),
// its CSV parsed and mapped (the reader's default settings) against its cache.
struct OpenbFiles {
  std::string text = CLUSTERSIM_TEST_DATA_DIR "/alibaba-gpu-v2023/openb_pod_list_default.csv";
  std::string cache = std::string(P_tmpdir) + "/clustersim-cache-bench-" + std::to_string(::getpid()) + "-openb.cache";
  int64_t jobs = 0;
  OpenbFiles() {
    TraceOptions o;
    o.format = TraceFormat::Openb;
    jobs = static_cast<int64_t>(convert_trace(text, cache, o).jobs.size());
  }
  ~OpenbFiles() { std::remove(cache.c_str()); }
};

const OpenbFiles& openb_files() {
  static const OpenbFiles f;
  return f;
}

void BM_CacheParseOpenb(benchmark::State& state) {
  const OpenbFiles& f = openb_files();
  TraceOptions o;
  o.format = TraceFormat::Openb;
  for (auto _ : state) {
    Workload w = load_trace(f.text, o);
    benchmark::DoNotOptimize(w.jobs.data());
  }
  report(state, f.text, f.jobs);
}
BENCHMARK(BM_CacheParseOpenb)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CacheLoadOpenb(benchmark::State& state) {
  const OpenbFiles& f = openb_files();
  for (auto _ : state) {
    CacheFile c = read_cache(f.cache);
    benchmark::DoNotOptimize(c.workload.jobs.data());
  }
  report(state, f.cache, f.jobs);
}
BENCHMARK(BM_CacheLoadOpenb)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
