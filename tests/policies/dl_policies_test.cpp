// The DL baselines on hand-built clusters where their choices differ from FCFS.
#include "policies/dl.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "workloads/dl.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// "a" trains at 10 it/s on a V100, 2 on a K80; "b" at 4 on both.
ThroughputTable table() {
  return parse_throughputs_csv(
      "job_type,gpu_type,throughput,placement,scale_factor\n"
      "a,v100,10,consolidated,1\n"
      "a,k80,2,consolidated,1\n"
      "b,v100,4,consolidated,1\n"
      "b,k80,4,consolidated,1\n"
      "a,v100,16,spread,2\n"
      "a,v100,18,consolidated,2\n"
      "a,k80,0,consolidated,2\n",
      "t.csv");
}

JobSpec gpu_job(int64_t id, int64_t submit, int64_t runtime, int32_t gpus, int32_t user, int32_t type) {
  JobSpec j = job(id, submit, runtime, gpus);
  j.per_task = Resources{0, 1000, 0};
  j.user = user;
  j.job_type = type;
  return j;
}

struct Outcome {
  std::vector<JobRecord> records;
  std::vector<std::vector<Slot>> first_placements;
};

// Runs `policy` and records where each job first started.
class FirstPlacement : public Observer {
 public:
  explicit FirstPlacement(size_t n) : slots(n) {}
  void on_job_start(const EngineView& v, JobId j) override {
    if (slots[j.value()].empty()) slots[j.value()].assign(v.placement(j).begin(), v.placement(j).end());
  }
  std::vector<std::vector<Slot>> slots;
};

Outcome run(Cluster c, std::vector<JobSpec> jobs, const std::string& policy, const ThroughputTable* t = nullptr,
        std::map<std::string, std::string> params = {}, EngineConfig cfg = {}) {
  cfg.check_invariants = true;
  const size_t n = jobs.size();
  Engine e(std::move(c), sorted(std::move(jobs)), cfg);
  std::optional<ThroughputSpeedModel> speed;
  if (t) {
    speed.emplace(*t);
    e.set_speed_model(&*speed);
  }
  FirstPlacement where(n);
  e.add_observer(&where);
  auto p = PolicyRegistry::builtin().make(policy, params);
  e.run(*p);
  EXPECT_EQ(e.unfinished_count(), 0);
  return {std::vector<JobRecord>(e.records().begin(), e.records().end()), where.slots};
}

// Node 0: 1 K80 GPU; node 1: 1 V100 GPU.
Cluster k80_and_v100() {
  Cluster c;
  c.add_nodes(c.add_node_type(NodeType{"k80-node", Resources{4, 1000, 0}, "k80"}), 1);
  c.add_nodes(c.add_node_type(NodeType{"v100-node", Resources{4, 1000, 0}, "v100"}), 1);
  return c;
}

}  // namespace

TEST(HeteroGreedy, EachJobGoesToItsFastestFreeGpuType) {
  // Job 1 ("a", 5x faster on V100) takes the V100; job 2 (also "a") gets the K80 and runs at
  // rate 0.2: 100 s of V100 work take 500 s. FCFS (first fit) would put job 1 on the K80.
  const ThroughputTable t = table();
  const int32_t a = *t.find_job_type("a"), b = *t.find_job_type("b");
  (void)b;
  const Outcome r = run(k80_and_v100(), {gpu_job(1, 0, 100, 1, 0, a), gpu_job(2, 0, 100, 1, 0, a)}, "hetero-greedy", &t);
  EXPECT_EQ(r.first_placements[0][0].node, NodeId(1));
  EXPECT_EQ(r.first_placements[1][0].node, NodeId(0));
  EXPECT_EQ(r.records[0].end, Time::from_seconds(100));
  EXPECT_EQ(r.records[1].end, Time::from_seconds(500));
  const Outcome fcfs = run(k80_and_v100(), {gpu_job(1, 0, 100, 1, 0, a), gpu_job(2, 0, 100, 1, 0, a)}, "fcfs", &t);
  EXPECT_EQ(fcfs.first_placements[0][0].node, NodeId(0));
}

TEST(HeteroGreedy, AvoidsGpuTypesWhereTheJobCannotRun) {
  // A 2-GPU "a" job cannot run on K80s (throughput 0): with two 2-GPU K80 nodes free and the
  // V100 node busy until 50, it waits for the V100 node instead of failing on the K80s.
  const ThroughputTable t = table();
  const int32_t a1 = *t.find_job_type("a", 1), a2 = *t.find_job_type("a", 2);
  Cluster c;
  c.add_nodes(c.add_node_type(NodeType{"k80x2", Resources{4, 2000, 0}, "k80"}), 2);
  c.add_nodes(c.add_node_type(NodeType{"v100x2", Resources{4, 2000, 0}, "v100"}), 1);
  const Outcome r = run(std::move(c), {gpu_job(1, 0, 50, 2, 0, a2), gpu_job(2, 1, 90, 2, 0, a2), gpu_job(3, 2, 10, 1, 0, a1)},
                    "hetero-greedy", &t);
  EXPECT_EQ(r.first_placements[1][0].node, NodeId(2));
  EXPECT_EQ(r.records[1].first_start, Time::from_seconds(50));
  // The 1-GPU job behind it is not blocked: it starts at 2 on a K80 (work-conserving).
  EXPECT_EQ(r.records[2].first_start, Time::from_seconds(2));
  EXPECT_EQ(r.first_placements[2][0].node, NodeId(0));
}

TEST(Las, AShortNewJobPreemptsALongOneThatHasHadItsShare) {
  // One GPU. A (1000 s) starts at 0; B (50 s) arrives at 100. Threshold 0.01 GPU-h = 36 GPU-s:
  // A is in the second queue by then, B in the first, so B preempts A at 100 and ends at 150;
  // A resumes at 150 (restore delay 10) and ends at 150 + 10 + 900 = 1060.
  const Outcome r = run(Cluster::homogeneous(1, Resources{4, 1000, 0}),
                    {gpu_job(1, 0, 1000, 1, 0, -1), gpu_job(2, 100, 50, 1, 0, -1)}, "las", nullptr,
                    {{"thresholds", "0.01"}, {"quantum", "60"}}, {.restore_delay = Time::from_seconds(10)});
  EXPECT_EQ(r.records[1].first_start, Time::from_seconds(100));
  EXPECT_EQ(r.records[1].end, Time::from_seconds(150));
  EXPECT_EQ(r.records[0].preemptions, 1u);
  EXPECT_EQ(r.records[0].end, Time::from_seconds(1060));
}

TEST(Las, JobsInTheSameQueueRunInArrivalOrder) {
  // With one high threshold both jobs stay in the first queue: no preemption, FIFO.
  const Outcome r = run(Cluster::homogeneous(1, Resources{4, 1000, 0}),
                    {gpu_job(1, 0, 1000, 1, 0, -1), gpu_job(2, 100, 50, 1, 0, -1)}, "las", nullptr,
                    {{"thresholds", "100"}});
  EXPECT_EQ(r.records[0].preemptions, 0u);
  EXPECT_EQ(r.records[1].first_start, Time::from_seconds(1000));
}

TEST(Las, BadThresholdsAreNamed) {
  EXPECT_THROW(PolicyRegistry::builtin().make("las", {{"thresholds", "10,1"}}), InputError);
  EXPECT_THROW(PolicyRegistry::builtin().make("las", {{"thresholds", "x"}}), InputError);
  EXPECT_THROW(PolicyRegistry::builtin().make("las", {{"quantum", "0"}}), InputError);
}

TEST(Drf, TheUserWithTheSmallerDominantShareGoesNext) {
  // 2 GPUs. User 0 submits three 1-GPU jobs at 0, user 1 one at 0. DRF starts user 0's first
  // job (ties go to the lower user), then user 1's (share 0 < 0.5), then user 0's second at
  // 100. FCFS would run user 0's first two jobs first.
  std::vector<JobSpec> jobs = {gpu_job(1, 0, 100, 1, 0, -1), gpu_job(2, 0, 100, 1, 0, -1),
                               gpu_job(3, 0, 100, 1, 0, -1), gpu_job(4, 0, 100, 1, 1, -1)};
  const Outcome drf = run(Cluster::homogeneous(1, Resources{4, 2000, 0}), jobs, "drf");
  EXPECT_EQ(drf.records[0].first_start, Time::zero());
  EXPECT_EQ(drf.records[3].first_start, Time::zero());
  EXPECT_EQ(drf.records[1].first_start, Time::from_seconds(100));
  EXPECT_EQ(drf.records[2].first_start, Time::from_seconds(100));
  const Outcome fcfs = run(Cluster::homogeneous(1, Resources{4, 2000, 0}), jobs, "fcfs");
  EXPECT_EQ(fcfs.records[1].first_start, Time::zero());
  EXPECT_EQ(fcfs.records[3].first_start, Time::from_seconds(100));
}

TEST(DlPolicies, GavelWorkloadOnAHeterogeneousClusterKeepsEveryInvariant) {
  // 200 Gavel-table jobs on 4 V100, 4 P100 and 4 K80 servers of 4 GPUs: every policy runs
  // them all with the engine's invariants checked after every instant; hetero-greedy and las
  // finish sooner on average than FCFS (they use the fast GPUs and do not block).
  const ThroughputTable t = read_throughputs(std::string(CLUSTERSIM_SOURCE_DIR) +
                                             "/data/gavel-throughputs/simulation_throughputs.json");
  DlWorkloadConfig cfg;
  cfg.jobs = 200;
  cfg.jobs_per_hour = 12;
  cfg.seed = 2;
  const Workload w = generate_dl(t, cfg);
  auto cluster = [] {
    Cluster c;
    int32_t rack = 0;
    for (const char* model : {"v100", "p100", "k80"})
      c.add_nodes(c.add_node_type(NodeType{std::string(model) + "-server", Resources{32, 4000, 0}, model}), 4, rack++);
    return c;
  };
  std::map<std::string, double> jct;
  for (const std::string policy : {"fcfs", "hetero-greedy", "las", "drf"}) {
    Engine e(cluster(), w.jobs, {.restore_delay = Time::from_seconds(10), .check_invariants = true});
    ThroughputSpeedModel speed(t);
    e.set_speed_model(&speed);
    auto p = PolicyRegistry::builtin().make(policy);
    e.run(*p);
    const RunSummary s = summarize(e);
    EXPECT_EQ(s.finished, 200) << policy;
    jct[policy] = s.turnaround.mean;
  }
  EXPECT_LT(jct["hetero-greedy"], jct["fcfs"]);
  EXPECT_LT(jct["las"], jct["fcfs"]);
}

TEST(HeteroGreedyElastic, AnElasticJobStartsShrunkAndGrowsWhenTheRoomIsFree) {
  // One node of 4 GPUs. A (rigid, 2 GPUs, 1000 s) starts; B (elastic 1..4, 4 GPUs, 1000 s at 4)
  // does not fit on 4 and starts on the 2 left (half speed). At 1000 s A ends; B has done 500 s
  // of work and grows to 4 GPUs (no restore delay here): it ends at 1500 s. Rigid, B would
  // wait for A and end at 2000 s.
  Cluster c;
  const uint32_t t = c.add_node_type(NodeType{"v100", Resources{8, 4000, 0}, "V100"});
  c.add_nodes(t, 1);
  JobSpec a = gpu_job(1, 0, 1000, 2, 0, -1), b = gpu_job(2, 0, 1000, 4, 1, -1);
  b.min_tasks = 1;
  b.max_tasks = 4;
  const Outcome elastic = run(c, {a, b}, "hetero-greedy", nullptr, {{"elastic", "true"}});
  EXPECT_EQ(elastic.records[1].first_start, Time::zero());
  EXPECT_EQ(elastic.first_placements[1], (std::vector<Slot>{{NodeId(0), 2}}));
  EXPECT_EQ(elastic.records[1].end, Time::from_seconds(1500));
  EXPECT_EQ(elastic.records[1].migrations, 1u);
  const Outcome rigid = run(c, {a, b}, "hetero-greedy");
  EXPECT_EQ(rigid.records[1].end, Time::from_seconds(2000));
}

TEST(HeteroGreedy, AGpuShareGoesWhereItRunsFastestNextToTheJobsThere) {
  // One V100 node of two GPUs. Job 1 ("A", half a GPU) runs alone on GPU 0 from 0. Job 2 ("B",
  // 0.3 of a GPU) arrives at 1: next to A on GPU 0 (the best fit) it would run at 8/20 and
  // slow A to 5/10 (the table's pair); hetero-greedy puts it on GPU 1, and both end after
  // their 100 s. FCFS (the cluster's best fit) shares GPU 0: A does 1 s alone, then 99 s at
  // 0.5 (ends 199); B does 79.2 s by then and its last 20.8 s alone (ends 219.8).
  const ThroughputTable t = parse_gavel_throughputs(R"json({"v100": {
    "('A', 1)": {"null": 10, "('B', 1)": [5, 8]},
    "('B', 1)": {"null": 20}}})json",
                                                    "pair.json");
  auto share = [&](int64_t id, int64_t submit, const char* type, int64_t milli) {
    JobSpec j = job(id, submit, 100, 1);
    j.per_task = Resources{1, milli, 0};
    j.job_type = *t.find_job_type(type);
    return j;
  };
  auto node = [] {
    Cluster c;
    c.add_nodes(c.add_node_type(NodeType{"v100x2", Resources{8, 2000, 0}, "v100"}), 1);
    return c;
  };
  const Outcome greedy = run(node(), {share(1, 0, "A", 500), share(2, 1, "B", 300)}, "hetero-greedy", &t);
  EXPECT_EQ(greedy.first_placements[0][0].gpu, 0);
  EXPECT_EQ(greedy.first_placements[1][0].gpu, 1);
  EXPECT_EQ(greedy.records[0].end, Time::from_seconds(100));
  EXPECT_EQ(greedy.records[1].end, Time::from_seconds(101));
  const Outcome fcfs = run(node(), {share(1, 0, "A", 500), share(2, 1, "B", 300)}, "fcfs", &t);
  EXPECT_EQ(fcfs.first_placements[1][0].gpu, 0);
  EXPECT_EQ(fcfs.records[0].end, Time::from_seconds(199));
  EXPECT_EQ(fcfs.records[1].end, Time::from_us(219'800'000));
}
