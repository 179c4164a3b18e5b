// Whole replays: the 1,000,000-job trace made from lublin_256.swf repeated 100 times (parse +
// replay, and replay alone), and a 1,000,000-job Lublin-Feitelson workload on 10,000 nodes.
// Counters: events/s and jobs/s of simulated work; bsld is the run's mean bounded slowdown
// (the EASY figure must equal one copy's, 590.05).
#include <benchmark/benchmark.h>

#include "bench/lublin100.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "traces/swf.hpp"
#include "workloads/lublin.hpp"

namespace {

using namespace clustersim;

// One replay of `specs` under `policy`; adds to the event and job counts.
void replay(Engine& e, const char* policy, int64_t& events, int64_t& jobs) {
  auto p = PolicyRegistry::builtin().make(policy);
  e.run(*p);
  events += e.events_processed();
  jobs += static_cast<int64_t>(e.num_jobs());
}

void report(benchmark::State& st, int64_t events, int64_t jobs, double bsld) {
  st.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  st.counters["jobs/s"] = benchmark::Counter(static_cast<double>(jobs), benchmark::Counter::kIsRate);
  st.counters["bsld"] = bsld;
}

// Parse the 65 MB text and replay it: the figure the goal is stated for.
void BM_Lublin100ParseAndReplay(benchmark::State& st, const char* policy) {
  const std::string& text = bench::lublin100_text();
  int64_t events = 0, jobs = 0;
  double bsld = 0;
  for (auto _ : st) {
    Workload w = parse_swf(text, "lublin_256x100");
    Cluster c = Cluster::homogeneous(1, Resources{w.machine.processors(), 0, 0});
    Engine e(std::move(c), std::move(w.jobs));
    replay(e, policy, events, jobs);
    st.PauseTiming();
    bsld = summarize(e).bounded_slowdown.mean;
    st.ResumeTiming();
  }
  report(st, events, jobs, bsld);
}
BENCHMARK_CAPTURE(BM_Lublin100ParseAndReplay, fcfs, "fcfs")->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK_CAPTURE(BM_Lublin100ParseAndReplay, easy, "easy")->Unit(benchmark::kMillisecond)->MinTime(2);

// The replay alone (the workload parsed once).
void BM_Lublin100Replay(benchmark::State& st, const char* policy) {
  static const Workload w = parse_swf(bench::lublin100_text(), "lublin_256x100");
  int64_t events = 0, jobs = 0;
  for (auto _ : st) {
    st.PauseTiming();
    std::vector<JobSpec> specs = w.jobs;
    st.ResumeTiming();
    Engine e(Cluster::homogeneous(1, Resources{w.machine.processors(), 0, 0}), std::move(specs));
    replay(e, policy, events, jobs);
  }
  report(st, events, jobs, 0);
}
BENCHMARK_CAPTURE(BM_Lublin100Replay, fcfs, "fcfs")->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK_CAPTURE(BM_Lublin100Replay, easy, "easy")->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK_CAPTURE(BM_Lublin100Replay, sjf, "sjf")->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK_CAPTURE(BM_Lublin100Replay, easy_sjf, "easy-sjf")->Unit(benchmark::kMillisecond)->MinTime(2);

// 1,000,000 Lublin-Feitelson jobs on 10,000 one-core nodes (node-level placement).
void BM_Synthetic1MOn10kNodes(benchmark::State& st, const char* policy) {
  static const Workload w = [] {
    LublinConfig c;
    c.jobs = 1'000'000;
    c.machine_procs = 10'000;
    c.seed = 1;
    return generate_lublin(c);
  }();
  int64_t events = 0, jobs = 0;
  double bsld = 0;
  for (auto _ : st) {
    st.PauseTiming();
    std::vector<JobSpec> specs = w.jobs;
    st.ResumeTiming();
    Engine e(Cluster::homogeneous(10'000, Resources{1, 0, 0}), std::move(specs));
    replay(e, policy, events, jobs);
    st.PauseTiming();
    bsld = summarize(e).bounded_slowdown.mean;
    st.ResumeTiming();
  }
  report(st, events, jobs, bsld);
}
BENCHMARK_CAPTURE(BM_Synthetic1MOn10kNodes, fcfs, "fcfs")->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK_CAPTURE(BM_Synthetic1MOn10kNodes, easy, "easy")->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
