// DL clusters: the largest DL trace sample (the openb pod list, 8,152 pods on the 1,523-node
// openb cluster, tests/data/alibaba-gpu-v2023) replayed with heterogeneity-aware greedy
// placement; and a 2,000-job Gavel-style workload on a 108-GPU V100/P100/K80 cluster with the
// throughput speed model, per policy. Counters: jobs/s and events/s of simulated work.
#include <benchmark/benchmark.h>

#include <string>

#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "traces/openb.hpp"
#include "workloads/dl.hpp"

namespace {

using namespace clustersim;

const std::string kOpenb = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/alibaba-gpu-v2023/";

// Replays `jobs` on `cluster` under `policy` (with `speed` if given) once per iteration.
void replay(benchmark::State& st, const Cluster& cluster, const std::vector<JobSpec>& jobs, const char* policy,
            const SpeedModel* speed, EngineConfig config = {}) {
  int64_t events = 0, n = 0;
  RunSummary s;
  for (auto _ : st) {
    st.PauseTiming();
    std::vector<JobSpec> specs = jobs;
    Cluster c = cluster;
    st.ResumeTiming();
    Engine e(std::move(c), std::move(specs), config);
    if (speed) e.set_speed_model(speed);
    auto p = PolicyRegistry::builtin().make(policy);
    e.run(*p);
    events += e.events_processed();
    n += static_cast<int64_t>(e.num_jobs());
    st.PauseTiming();
    s = summarize(e);
    st.ResumeTiming();
  }
  st.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  st.counters["jobs/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  st.counters["finished"] = static_cast<double>(s.finished);
  st.counters["jct_mean_s"] = s.turnaround.mean;
}

void BM_OpenbReplay(benchmark::State& st, const char* policy) {
  static const ClusterSpec cluster = read_openb_cluster(kOpenb + "openb_node_list_all_node.csv");
  static const Workload pods = read_openb_workload(kOpenb + "openb_pod_list_default.csv");
  replay(st, cluster.cluster, pods.jobs, policy, nullptr);
}
BENCHMARK_CAPTURE(BM_OpenbReplay, hetero_greedy, "hetero-greedy")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_OpenbReplay, fcfs, "fcfs")->Unit(benchmark::kMillisecond);

void BM_GavelWorkload(benchmark::State& st, const char* policy) {
  static const ThroughputTable table =
      read_throughputs(std::string(CLUSTERSIM_SOURCE_DIR) + "/data/gavel-throughputs/simulation_throughputs.json");
  static const Workload w = [] {
    DlWorkloadConfig cfg;
    cfg.jobs = 2000;
    cfg.jobs_per_hour = 4;
    return generate_dl(table, cfg);
  }();
  Cluster cluster;
  int32_t rack = 0;
  for (const char* model : {"v100", "p100", "k80"})
    cluster.add_nodes(cluster.add_node_type(NodeType{std::string(model) + "-server", Resources{32, 4000, 0}, model}),
                      9, rack++);
  const ThroughputSpeedModel speed(table);
  replay(st, cluster, w.jobs, policy, &speed, {.restore_delay = Time::from_seconds(10)});
}
BENCHMARK_CAPTURE(BM_GavelWorkload, fcfs, "fcfs")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GavelWorkload, hetero_greedy, "hetero-greedy")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GavelWorkload, las, "las")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GavelWorkload, drf, "drf")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GavelWorkload, rr_timeshare, "rr-timeshare")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GavelWorkload, lp_max_min, "lp")->Unit(benchmark::kMillisecond);

}  // namespace
