// The RLScheduler profile: one window of 1,024 Lublin-1 jobs per score, with and without
// backfilling (the reference Python simulator takes seconds per window).
#include <benchmark/benchmark.h>

#include <string>

#include "compat/rlscheduler.hpp"

namespace {

using namespace clustersim::compat::rlscheduler;

const Trace& lublin() {
  static const Trace t = load(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf");
  return t;
}

void BM_RlschedulerWindow(benchmark::State& state) {
  const auto score = static_cast<Score>(state.range(0));
  const bool backfill = state.range(1) != 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(replay_window(lublin(), 1981, 1024, score, backfill));
  }
  state.SetItemsProcessed(state.iterations() * 1024);
  state.SetLabel(std::string(to_string(score)) + (backfill ? "+backfill" : ""));
}
BENCHMARK(BM_RlschedulerWindow)
    ->ArgsProduct({{static_cast<int>(Score::Fcfs), static_cast<int>(Score::Sjf),
                    static_cast<int>(Score::F1)},
                   {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
