// The CI regression set: one small benchmark per layer that matters for speed, each well under a
// second, and a calibration benchmark of plain CPU work. scripts/bench_regress.py runs them,
// divides each time by the calibration's (machines differ; the ratio much less so) and compares
// the ratios with the committed baseline (bench/regression/baseline.json). The full benches in
// bench/*.cpp measure the same paths at scale.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/lp_round_common.hpp"
#include "bench/rl_bench_common.hpp"
#include "policies/registry.hpp"
#include "policies/rl/agent.hpp"
#include "sim/engine.hpp"
#include "traces/swf.hpp"

namespace {

using namespace clustersim;

const std::string& lublin_text() {
  static const std::string text = [] {
    std::ifstream in(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return text;
}

// Plain CPU work that touches memory like a simulation does: sort 200,000 pseudo-random keys,
// then a dependent floating-point chain. No project code, so it moves only with the machine.
void BM_Calibration(benchmark::State& st) {
  std::vector<uint64_t> keys(200'000);
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (uint64_t& k : keys) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    k = x;
  }
  std::vector<uint64_t> work;
  for (auto _ : st) {
    work = keys;
    std::sort(work.begin(), work.end());
    double acc = 0;
    for (int i = 1; i < 200'000; ++i) acc += std::sqrt(static_cast<double>(i) + acc * 1e-9);
    benchmark::DoNotOptimize(acc);
    benchmark::DoNotOptimize(work.data());
  }
}
BENCHMARK(BM_Calibration)->Unit(benchmark::kMillisecond);

// The SWF reader: lublin_256.swf (10,000 records) from memory to a Workload.
void BM_SwfParse(benchmark::State& st) {
  for (auto _ : st) {
    Workload w = parse_swf(lublin_text(), "lublin_256.swf");
    benchmark::DoNotOptimize(w.jobs.data());
  }
}
BENCHMARK(BM_SwfParse)->Unit(benchmark::kMillisecond);

// The engine: EASY backfilling replays the 10,000 Lublin jobs on the 256-processor pool.
void BM_EngineReplayEasy(benchmark::State& st) {
  static const Workload w = parse_swf(lublin_text(), "lublin_256.swf");
  for (auto _ : st) {
    Engine e(Cluster::homogeneous(1, Resources{w.machine.processors(), 0, 0}), w.jobs);
    auto policy = PolicyRegistry::builtin().make("easy");
    e.run(*policy);
    benchmark::DoNotOptimize(e.finished_count());
  }
}
BENCHMARK(BM_EngineReplayEasy)->Unit(benchmark::kMillisecond);

// One LP round: the max-min allocation LP over 100 DL jobs on three GPU types, warm-started.
void BM_LpRound(benchmark::State& st) {
  const bench::Round& r = bench::round_with(100);
  lp::Solver solver;
  solver.set_warm_start(true);
  lp::LinearProgram lp;
  AllocationProblem problem;
  int64_t solves = 0;
  for (auto _ : st) {
    const size_t shift = static_cast<size_t>(solves++ % 2);
    build_allocation_problem(*r.engine, std::span<const JobId>(r.queued.data() + shift, 100), nullptr, problem);
    AllocationResult res = solve_allocation(problem, AllocationObjective::MaxMin, solver, lp, true, true);
    benchmark::DoNotOptimize(res.iterations);
  }
}
BENCHMARK(BM_LpRound)->Unit(benchmark::kMillisecond);

// The RL environment: 10,000 raw steps with random valid actions (K = 128, 256-job windows).
void BM_EnvSteps(benchmark::State& st) {
  rl::SchedulingEnv env(rl::bench::lublin_source(), rl::bench::k128());
  rl::bench::Picker p;
  uint64_t seed = 1;
  env.reset(seed);
  for (auto _ : st) {
    for (int i = 0; i < 10'000; ++i) {
      if (env.done()) env.reset(++seed);
      else env.step(p.pick(env.mask()));
    }
  }
}
BENCHMARK(BM_EnvSteps)->Unit(benchmark::kMillisecond);

// One PPO update: 4 environments x 128 steps collected, 4 epochs of 4 minibatches, hidden 32.
void BM_PpoUpdate(benchmark::State& st) {
  rl::set_torch_threads(1);
  rl::TrainConfig tc;
  tc.num_envs = 4;
  tc.rollout = 128;
  tc.hidden = 32;
  tc.total_steps = int64_t{1} << 40;
  rl::VecEnv envs(rl::bench::lublin_source(), rl::bench::k128(), tc.num_envs);
  auto trainer = rl::make_trainer(envs, tc);
  for (auto _ : st) benchmark::DoNotOptimize(trainer->train_step().steps);
}
BENCHMARK(BM_PpoUpdate)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
