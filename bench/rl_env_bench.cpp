// The RL environment layer (policies/rl/env.hpp): raw environment steps per second with
// random valid actions, K = 128 slots, 256-job windows of lublin_256 (the trace RLScheduler
// trains on) on its 256-processor machine, for one environment and for M = 8 vectorised
// ones; and the observation builder alone (where the step's time goes besides simulating).
#include <benchmark/benchmark.h>

#include "policies/rl/env.hpp"
#include "bench/rl_bench_common.hpp"

namespace {

using namespace clustersim;
using namespace clustersim::rl;

using bench::k128;
using bench::lublin_source;
using bench::Picker;

void BM_RlEnvRawSteps(benchmark::State& st) {
  SchedulingEnv env(lublin_source(), k128());
  Picker p;
  uint64_t seed = 1;
  int64_t steps = 0, episodes = 0;
  env.reset(seed);
  for (auto _ : st) {
    if (env.done()) {
      env.reset(++seed);
      ++episodes;
      continue;
    }
    env.step(p.pick(env.mask()));
    ++steps;
  }
  st.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  st.counters["episodes"] = static_cast<double>(episodes);
}
BENCHMARK(BM_RlEnvRawSteps)->MinTime(2);

void BM_RlVecEnvRawSteps(benchmark::State& st) {
  const int32_t m = static_cast<int32_t>(st.range(0)), threads = static_cast<int32_t>(st.range(1));
  VecEnv envs(lublin_source(), k128(), m, threads);
  envs.reset(1);
  Picker p;
  std::vector<int32_t> actions(static_cast<size_t>(m));
  const size_t k = static_cast<size_t>(envs.num_actions());
  int64_t steps = 0;
  for (auto _ : st) {
    for (int32_t i = 0; i < m; ++i)
      actions[static_cast<size_t>(i)] = p.pick(envs.mask().subspan(static_cast<size_t>(i) * k, k));
    envs.step(actions);
    steps += m;
  }
  st.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RlVecEnvRawSteps)->Args({8, 1})->Args({8, 2})->MinTime(2)->UseRealTime();

// Building one observation (K = 128) in the middle of an episode, without stepping.
void BM_RlObserve(benchmark::State& st) {
  SchedulingEnv env(lublin_source(), k128());
  env.reset(3);
  Picker p;
  for (int i = 0; i < 100 && !env.done(); ++i) env.step(p.pick(env.mask()));
  Featurizer f(env.source().cluster, 128, 1);
  f.prepare(env.view());
  std::vector<float> obs(static_cast<size_t>(f.obs_dim()));
  std::vector<uint8_t> mask(128);
  std::vector<JobId> slots(128);
  for (auto _ : st) {
    benchmark::DoNotOptimize(f.observe(env.view(), 0, obs.data(), mask.data(), slots.data()));
  }
  st.counters["queued"] = static_cast<double>(env.view().queue().size());
}
BENCHMARK(BM_RlObserve);

}  // namespace
