// Training throughput of the learners (policies/rl/): PPO end to end (environment steps per
// second, inference and updates included, on 256-job windows of lublin_256 with K = 128 and a
// small MLP), with the wall time split into simulation, inference and updates; and DDPG
// gradient updates per second. Torch and OpenBLAS run on one thread.
#include <benchmark/benchmark.h>

#include "policies/rl/agent.hpp"
#include "bench/rl_bench_common.hpp"

namespace {

using namespace clustersim;
using namespace clustersim::rl;

using bench::k128;
using bench::lublin_source;

// Counters over the records of one benchmark: environment steps per wall-clock second since
// the trainer started, and the share of that time spent simulating, choosing actions and in
// gradient updates.
void report(benchmark::State& st, const std::vector<UpdateRecord>& recs) {
  if (recs.empty() || !(recs.back().wall_s > 0)) return;
  double sim = 0, inf = 0, upd = 0;
  for (const auto& r : recs) {
    sim += r.sim_s;
    inf += r.inference_s;
    upd += r.update_s;
  }
  const double wall = recs.back().wall_s;
  st.counters["steps/s"] = static_cast<double>(recs.back().steps) / wall;
  st.counters["sim%"] = 100 * sim / wall;
  st.counters["inference%"] = 100 * inf / wall;
  st.counters["update%"] = 100 * upd / wall;
}

// One PPO update per iteration: 8 environments x 256 steps collected, 4 epochs of 4 minibatches.
void BM_PpoTrain(benchmark::State& st) {
  set_torch_threads(1);
  TrainConfig tc;
  tc.num_envs = 8;
  tc.rollout = 256;
  tc.hidden = static_cast<int32_t>(st.range(0));
  tc.total_steps = int64_t{1} << 40;
  VecEnv envs(lublin_source(), k128(), tc.num_envs);
  auto trainer = make_trainer(envs, tc);
  std::vector<UpdateRecord> recs;
  for (auto _ : st) recs.push_back(trainer->train_step());
  report(st, recs);
}
BENCHMARK(BM_PpoTrain)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond)->MinTime(3)->UseRealTime();

// DDPG: one record = log_every environment steps with one gradient update per vector step
// (batch 128) after warm-up.
void BM_DdpgTrain(benchmark::State& st) {
  set_torch_threads(1);
  TrainConfig tc;
  tc.algo = "ddpg";
  tc.num_envs = 1;
  tc.hidden = 64;
  tc.warmup_steps = 256;
  tc.log_every = 256;
  tc.total_steps = int64_t{1} << 40;
  VecEnv envs(lublin_source(), k128(), tc.num_envs);
  auto trainer = make_trainer(envs, tc);
  trainer->train_step();  // the warm-up
  std::vector<UpdateRecord> recs;
  for (auto _ : st) recs.push_back(trainer->train_step());
  report(st, recs);
  st.counters["updates/s"] = benchmark::Counter(static_cast<double>(recs.size()) * 256, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DdpgTrain)->Unit(benchmark::kMillisecond)->MinTime(3)->UseRealTime();

}  // namespace
