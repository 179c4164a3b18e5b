// SWF reader and writer throughput on lublin_256.swf x 100 (65 MB, 1,000,000 records).
#include <benchmark/benchmark.h>

#include "bench/lublin100.hpp"
#include "traces/swf.hpp"

namespace {

using clustersim::bench::lublin100_text;

// The headline number: text -> Workload (jobs mapped, sorted, counted).
void BM_SwfParse(benchmark::State& state) {
  const std::string& text = lublin100_text();
  for (auto _ : state) {
    clustersim::Workload w = clustersim::parse_swf(text, "lublin100.swf");
    benchmark::DoNotOptimize(w.jobs.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_SwfParse)->Unit(benchmark::kMillisecond)->UseRealTime();

// Text -> all 18 fields of every record.
void BM_SwfParseRecords(benchmark::State& state) {
  const std::string& text = lublin100_text();
  for (auto _ : state) {
    clustersim::SwfTrace t = clustersim::parse_swf_records(text, "lublin100.swf");
    benchmark::DoNotOptimize(t.records.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_SwfParseRecords)->Unit(benchmark::kMillisecond)->UseRealTime();

// Workload -> SWF text.
void BM_SwfWrite(benchmark::State& state) {
  const clustersim::Workload w = clustersim::parse_swf(lublin100_text(), "lublin100.swf");
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string text = clustersim::to_swf_text(w);
    bytes += static_cast<int64_t>(text.size());
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(w.jobs.size()));
}
BENCHMARK(BM_SwfWrite)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
