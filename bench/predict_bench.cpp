// Runtime predictors (docs/predictors.md).
//
// BM_EasyPredictReplay: replay time of EASY on the 10,000 Lublin-1 jobs with each estimate
// source; the goal is mlp under 2x requested. The trace has no requested times
// (walltime = runtime), so the jobs get synthetic ones, walltime = ceil(runtime x U[1, 5))
// (seeded), as the workload generators' estimate_factor does: otherwise every predictor
// capped at the requested time would just return it.
//
// BM_PredictorTable: one replay per (trace, estimates, policy, source), reporting the
// accuracy of the source's estimates over the finished jobs (mae_s: mean |p - r| in seconds;
// accuracy: mean min(p, r) / max(p, r); under: fraction with p < r) and the run's mean bounded
// slowdown (bsld, 10 s threshold). experiments/predictors/table.py turns it into the table.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "policies/batch.hpp"
#include "policies/rl/rl_policy.hpp"
#include "policies/rl/runtime_mlp.hpp"
#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "traces/swf.hpp"

namespace {

using namespace clustersim;

// walltime = ceil(runtime x U[1, factor)), from a seeded generator; factor 1: unchanged.
Workload with_estimates(Workload w, double factor, uint64_t seed) {
  if (factor <= 1) return w;
  std::mt19937_64 rng(seed);
  for (JobSpec& j : w.jobs) {
    const double u = 1 + (factor - 1) * (static_cast<double>(rng() >> 11) * 0x1.0p-53);
    j.walltime = Time::from_seconds(static_cast<int64_t>(std::ceil(j.runtime.seconds() * u)));
  }
  return w;
}

const Workload& trace(const std::string& file, double factor) {
  static std::map<std::pair<std::string, double>, Workload> cache;
  auto it = cache.find({file, factor});
  if (it == cache.end())
    it = cache.emplace(std::pair(file, factor), with_estimates(read_swf(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/" + file), factor, 1))
             .first;
  return it->second;
}

RuntimeEstimates source(const std::string& name) {
  rl::register_policies();  // mlp
  return RuntimeEstimates::by_name(name, "bench");
}

struct Run {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<BatchPolicy> policy;
};

Run replay(const Workload& w, QueueOrder order, RuntimeEstimates estimates) {
  Run r;
  r.engine = std::make_unique<Engine>(Cluster::homogeneous(1, Resources{w.machine.processors(), 0, 0}), w.jobs);
  r.policy = std::make_unique<BatchPolicy>("easy", BatchPolicyConfig{.order = order, .backfill = Backfill::Easy},
                                           std::move(estimates));
  r.engine->run(*r.policy);
  return r;
}

void BM_EasyPredictReplay(benchmark::State& st, const char* name) {
  const Workload& w = trace("lublin_256.swf", 5);
  double bsld = 0;
  for (auto _ : st) {
    Run r = replay(w, QueueOrder::Fcfs, source(name));
    st.PauseTiming();
    bsld = summarize(*r.engine).bounded_slowdown.mean;
    st.ResumeTiming();
  }
  st.counters["bsld"] = bsld;
  st.counters["jobs/s"] = benchmark::Counter(static_cast<double>(w.jobs.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_EasyPredictReplay, requested, "requested")->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_EasyPredictReplay, runtime, "runtime")->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_EasyPredictReplay, user_mean2, "user-mean2")->Unit(benchmark::kMillisecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_EasyPredictReplay, mlp, "mlp")->Unit(benchmark::kMillisecond)->MinTime(1);

// The MLP's parts: without training (forward passes and the EASY bookkeeping only).
void BM_EasyPredictReplayMlpNoTraining(benchmark::State& st) {
  const Workload& w = trace("lublin_256.swf", 5);
  for (auto _ : st) replay(w, QueueOrder::Fcfs, RuntimeEstimates::predicted(rl::make_runtime_mlp({.steps = 0})));
}
BENCHMARK(BM_EasyPredictReplayMlpNoTraining)->Unit(benchmark::kMillisecond)->MinTime(1);

void BM_PredictorTable(benchmark::State& st, const char* file, double factor, const char* policy, const char* name) {
  const Workload& w = trace(file, factor);
  const QueueOrder order = std::string(policy) == "easy-sjf" ? QueueOrder::Sjf : QueueOrder::Fcfs;
  for (auto _ : st) {
    Run r = replay(w, order, source(name));
    // Accuracy over the finished jobs; the requested and runtime sources learn nothing, so
    // their estimates are compared here.
    PredictionStats s = r.policy->estimates().stats();
    if (r.policy->estimates().kind() != EstimateKind::Predicted) {
      s = {};
      for (size_t i = 0; i < r.engine->num_jobs(); ++i)
        if (r.engine->records()[i].state == JobState::Finished)
          s.add(r.policy->estimates().total(*r.engine, JobId(static_cast<uint32_t>(i))).seconds(),
                w.jobs[i].runtime.seconds());
    }
    st.counters["mae_s"] = s.mean_abs_error_s();
    st.counters["accuracy"] = s.mean_accuracy();
    st.counters["under"] = s.jobs ? static_cast<double>(s.under) / static_cast<double>(s.jobs) : 0;
    st.counters["bsld"] = summarize(*r.engine).bounded_slowdown.mean;
  }
}

#define PREDICTOR_ROWS(label, file, factor, policy)                                                          \
  BENCHMARK_CAPTURE(BM_PredictorTable, label##_requested, file, factor, policy, "requested")->Iterations(1);   \
  BENCHMARK_CAPTURE(BM_PredictorTable, label##_user_mean2, file, factor, policy, "user-mean2")->Iterations(1); \
  BENCHMARK_CAPTURE(BM_PredictorTable, label##_mlp, file, factor, policy, "mlp")->Iterations(1);               \
  BENCHMARK_CAPTURE(BM_PredictorTable, label##_runtime, file, factor, policy, "runtime")->Iterations(1)

PREDICTOR_ROWS(nasa_easy, "NASA-iPSC-1993-3.1-cln.swf", 1.0, "easy");
PREDICTOR_ROWS(nasa_easy_sjf, "NASA-iPSC-1993-3.1-cln.swf", 1.0, "easy-sjf");
PREDICTOR_ROWS(lublin_easy, "lublin_256.swf", 1.0, "easy");
PREDICTOR_ROWS(lublin_easy_sjf, "lublin_256.swf", 1.0, "easy-sjf");
PREDICTOR_ROWS(nasa_f5_easy, "NASA-iPSC-1993-3.1-cln.swf", 5.0, "easy");
PREDICTOR_ROWS(nasa_f5_easy_sjf, "NASA-iPSC-1993-3.1-cln.swf", 5.0, "easy-sjf");
PREDICTOR_ROWS(lublin_f5_easy, "lublin_256.swf", 5.0, "easy");
PREDICTOR_ROWS(lublin_f5_easy_sjf, "lublin_256.swf", 5.0, "easy-sjf");

}  // namespace
