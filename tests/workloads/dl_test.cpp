// The DL job model: progress arithmetic on heterogeneous GPUs by hand, and the generator.
#include "workloads/dl.hpp"

#include <gtest/gtest.h>

#include <set>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// "toy" trains at 10 it/s on a V100 and 2.5 on a K80 (rate 0.25); with 2 workers 18 it/s
// consolidated and 12 spread on V100s.
ThroughputTable toy_table() {
  return parse_throughputs_csv(
      "job_type,gpu_type,throughput,placement,scale_factor\n"
      "toy,v100,10,consolidated,1\n"
      "toy,k80,2.5,consolidated,1\n"
      "toy,v100,18,consolidated,2\n"
      "toy,v100,12,spread,2\n"
      "toy,k80,0,consolidated,2\n",
      "toy.csv");
}

// Node 0: a K80 node, nodes 1-2: V100 nodes in rack 0, node 3: a V100 node in rack 1. 2 GPUs each.
Cluster toy_cluster() {
  Cluster c;
  const uint32_t k80 = c.add_node_type(NodeType{"k80-node", Resources{8, 2000, 0}, "K80"});
  const uint32_t v100 = c.add_node_type(NodeType{"v100-node", Resources{8, 2000, 0}, "V100"});
  c.add_nodes(k80, 1, 0);
  c.add_nodes(v100, 2, 0);
  c.add_nodes(v100, 1, 1);
  return c;
}

JobSpec toy_job(int64_t id, int64_t runtime_s, int32_t workers, const ThroughputTable& t) {
  JobSpec j = job(id, 0, runtime_s, workers);
  j.per_task = Resources{0, 1000, 0};
  j.job_type = *t.find_job_type("toy", workers);
  return j;
}

}  // namespace

TEST(DlModel, MigrationFromASlowToAFastGpuFinishesWhenComputed) {
  // 1000 s of V100 work (10,000 iterations). 400 s on the K80 at rate 0.25 do 100 s of it;
  // moved to a V100 at 400 with a 30 s restore delay, the other 900 s end at 400 + 30 + 900.
  const ThroughputTable t = toy_table();
  Engine e(toy_cluster(), sorted({toy_job(1, 1000, 1, t)}),
           {.restore_delay = Time::from_seconds(30), .check_invariants = true});
  ThroughputSpeedModel speed(t);
  e.set_speed_model(&speed);
  FnPolicy p([](Decisions& d) {
    if (d.view().now() == Time::zero()) {
      const Slot k80[] = {{NodeId(0), 1}};
      d.start(JobId(0), k80);
      d.wake_at(Time::from_seconds(400));
    } else if (d.view().now() == Time::from_seconds(400)) {
      const Slot v100[] = {{NodeId(1), 1}};
      d.migrate(JobId(0), v100);
    }
  });
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(1330));
  EXPECT_EQ(e.record(JobId(0)).migrations, 1u);
}

TEST(DlModel, AKilledJobResumesFromItsCheckpointOnAnotherGpuType) {
  // On the K80 from 0; its node fails at 500: 125 s of V100 work done, checkpoints every 60 s
  // keep 120 (5 lost). It restarts at once on a V100 (restore delay 20): 500 + 20 + 880.
  const ThroughputTable t = toy_table();
  Engine e(toy_cluster(), sorted({toy_job(1, 1000, 1, t)}),
           {.restore_delay = Time::from_seconds(20), .check_invariants = true,
            .checkpoint_interval = Time::from_seconds(60)});
  ThroughputSpeedModel speed(t);
  e.set_speed_model(&speed);
  NodeEventList failures({{Time::from_seconds(500), NodeId(0), false}});
  e.set_node_events(&failures);
  FnPolicy p([](Decisions& d) {
    if (d.view().state(JobId(0)) != JobState::Queued) return;
    const Slot k80[] = {{NodeId(0), 1}}, v100[] = {{NodeId(1), 1}};
    if (d.view().now() == Time::zero()) d.start(JobId(0), k80);
    else d.start(JobId(0), v100);
  });
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(1400));
  EXPECT_DOUBLE_EQ(e.record(JobId(0)).lost_us, 5e6);
}

TEST(DlModel, SpreadAndCrossRackPlacementsRunSlower) {
  // 2 workers, 900 s of consolidated-V100 work (18 it/s): spread over the two V100 nodes of
  // rack 0 it runs at 12/18; over racks 0 and 1 also loses the 25% cross-rack penalty.
  const ThroughputTable t = toy_table();
  for (const bool cross_rack : {false, true}) {
    Engine e(toy_cluster(), sorted({toy_job(1, 900, 2, t)}), {.check_invariants = true});
    ThroughputSpeedModel speed(t, {.reference_gpu = "v100", .cross_rack_penalty = 0.25});
    e.set_speed_model(&speed);
    FnPolicy p([&](Decisions& d) {
      const Slot spread[] = {{NodeId(1), 1}, {NodeId(cross_rack ? 3 : 2), 1}};
      if (d.view().state(JobId(0)) == JobState::Queued) d.start(JobId(0), spread);
    });
    e.run(p);
    // 900 / (12/18) = 1350 s; 900 / (12/18 * 0.75) = 1800 s.
    EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(cross_rack ? 1800 : 1350));
  }
}

TEST(DlModel, APlacementWhereTheJobCannotRunIsRefused) {
  // toy with 2 workers has throughput 0 on K80s: starting it there is a DecisionError, and
  // the view reports rate 0 so that policies can avoid it.
  const ThroughputTable t = toy_table();
  Engine e(toy_cluster(), sorted({toy_job(1, 100, 2, t)}), {});
  ThroughputSpeedModel speed(t);
  e.set_speed_model(&speed);
  const Slot k80[] = {{NodeId(0), 2}};
  EXPECT_EQ(e.rate_if_placed(JobId(0), k80), 0.0);
  FnPolicy p([&](Decisions& d) { d.start(JobId(0), k80); });
  try {
    e.run(p);
    FAIL() << "expected DecisionError";
  } catch (const DecisionError& err) {
    EXPECT_NE(std::string(err.what()).find("cannot run on this placement"), std::string::npos) << err.what();
  }
}

TEST(DlWorkload, GavelTableJobsFollowTheGeneratorsDistributions) {
  const ThroughputTable t = read_throughputs(std::string(CLUSTERSIM_SOURCE_DIR) + "/data/gavel-throughputs/simulation_throughputs.json");
  DlWorkloadConfig cfg;
  cfg.jobs = 4000;
  cfg.jobs_per_hour = 30;
  cfg.seed = 3;
  const Workload w = generate_dl(t, cfg);
  ASSERT_EQ(w.jobs.size(), 4000u);
  int64_t one_gpu = 0, long_jobs = 0;
  std::set<int32_t> users;
  for (const JobSpec& j : w.jobs) {
    ASSERT_GE(j.job_type, 0);
    EXPECT_EQ(t.job_type(j.job_type).scale_factor, j.tasks);
    EXPECT_EQ(j.per_task.gpu_milli, 1000);
    for (int32_t g = 0; g < static_cast<int32_t>(t.num_gpu_types()); ++g)
      EXPECT_GT(*t.isolated(j.job_type, g, GpuPlacement::Consolidated), 0);
    EXPECT_GE(j.runtime.seconds(), 60 * 31.6);  // 60 x 10^1.5
    EXPECT_LE(j.runtime.seconds(), 60 * 10000.0 + 1);
    one_gpu += j.tasks == 1;
    long_jobs += j.runtime.seconds() > 60 * 1000.0;
    users.insert(j.user);
  }
  // P(1 GPU) = 0.7 (plus redraws where the table lacks a scale factor), P(long) = 0.2.
  EXPECT_NEAR(static_cast<double>(one_gpu) / 4000, 0.7, 0.04);
  EXPECT_NEAR(static_cast<double>(long_jobs) / 4000, 0.2, 0.03);
  EXPECT_EQ(users.size(), 10u);
  // 30 jobs per hour: the last arrival near 4000 / 30 h.
  EXPECT_NEAR(w.jobs.back().submit.seconds() / 3600, 4000.0 / 30, 10);
  EXPECT_EQ(generate_dl(t, cfg).jobs, w.jobs);  // a seed gives the same workload
  cfg.seed = 4;
  EXPECT_NE(generate_dl(t, cfg).jobs, w.jobs);
}

TEST(DlWorkload, BadSettingsAreNamed) {
  const ThroughputTable t = toy_table();
  DlWorkloadConfig cfg;
  cfg.reference_gpu = "a100";
  EXPECT_THROW(generate_dl(t, cfg), InputError);
  cfg.reference_gpu = "v100";
  cfg.users = 0;
  try {
    generate_dl(t, cfg);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dl.users"), std::string::npos);
  }
}

namespace {

// Co-location on V100s: A alone 10 it/s, B alone 20; together A does 5 and B 8 (the pair is
// listed once, under A); C and A were measured unable to run together (a zero); D has no pair.
ThroughputTable pair_table() {
  return parse_gavel_throughputs(R"json({"v100": {
    "('A', 1)": {"null": 10, "('B', 1)": [5, 8], "('C', 1)": [0, 3]},
    "('B', 1)": {"null": 20},
    "('C', 1)": {"null": 10},
    "('D', 1)": {"null": 10}}})json",
                                 "pairs.json");
}

// One worker holding half a GPU.
JobSpec share_job(int64_t id, int64_t submit_s, int64_t runtime_s, const char* type, const ThroughputTable& t,
                  int64_t gpu_milli = 500) {
  JobSpec j = job(id, submit_s, runtime_s, 1);
  j.per_task = Resources{1, gpu_milli, 0};
  j.job_type = *t.find_job_type(type, 1);
  return j;
}

Cluster one_v100_node() {
  Cluster c;
  c.add_nodes(c.add_node_type(NodeType{"v100-node", Resources{8, 2000, 0}, "V100"}), 1, 0);
  return c;
}

// Runs the jobs, each started on GPU 0 of the node when it arrives; the jobs' end times in s.
std::vector<double> ends_on_gpu0(std::vector<JobSpec> jobs, const ThroughputTable& t, ThroughputModelConfig cfg = {}) {
  Engine e(one_v100_node(), sorted(std::move(jobs)), {.check_invariants = true});
  ThroughputSpeedModel speed(t, cfg);
  e.set_speed_model(&speed);
  FnPolicy p([](Decisions& d) {
    const Slot gpu0[] = {{NodeId(0), 1, 0}};
    for (JobId j : std::vector<JobId>(d.view().queue().begin(), d.view().queue().end())) d.start(j, gpu0);
  });
  e.run(p);
  std::vector<double> ends;
  for (uint32_t j = 0; j < e.num_jobs(); ++j) ends.push_back(e.record(JobId(j)).end.seconds());
  return ends;
}

}  // namespace

TEST(DlColocation, TwoJobsSharingAGpuRunAtTheTablesCoLocatedThroughputs) {
  // A (100 s of V100 work) alone from 0 does 20 s; B (100 s) joins its GPU at 20. Together A
  // runs at 5/10 and B at 8/20: A's other 80 s take 160 s (A ends 180); B has done 64 s by
  // then and does its last 36 s alone (ends 216). The pair is read from B's side too.
  const ThroughputTable t = pair_table();
  EXPECT_EQ(ends_on_gpu0({share_job(1, 0, 100, "A", t), share_job(2, 20, 100, "B", t)}, t),
            (std::vector<double>{180, 216}));
  // B first, A joining: the same pair from the other side. B does 20 s alone, then 0.4:
  // 80 s take 200 s (B ends 220); A did 100 s at 0.5 in those 200 s and ends with it.
  EXPECT_EQ(ends_on_gpu0({share_job(1, 0, 100, "B", t), share_job(2, 20, 100, "A", t)}, t),
            (std::vector<double>{220, 220}));
  // Co-location ignored: each runs at its isolated throughput.
  EXPECT_EQ(ends_on_gpu0({share_job(1, 0, 100, "A", t), share_job(2, 20, 100, "B", t)}, t,
                         {.reference_gpu = "v100", .colocation = false}),
            (std::vector<double>{100, 120}));
}

TEST(DlColocation, ThreeJobsOnAGpuMultiplyThePairwiseSlowdowns) {
  // A, B and B' (300 milli each) from 0 on one GPU: A runs at 0.5 x 0.5 = 0.25, each B at 0.4
  // (B with B is not measured: no slowdown). The Bs end at 250; A has done 62.5 s and does
  // its last 37.5 s alone (ends 287.5).
  const ThroughputTable t = pair_table();
  EXPECT_EQ(ends_on_gpu0({share_job(1, 0, 100, "A", t, 300), share_job(2, 0, 100, "B", t, 300),
                          share_job(3, 0, 100, "B", t, 300)},
                         t),
            (std::vector<double>{287.5, 250, 250}));
}

TEST(DlColocation, UnmeasuredPairsAndWholeGpuWorkersRunAsIfAlone) {
  const ThroughputTable t = pair_table();
  // A next to D (no pair in the table), and A next to C (measured as unable to run together):
  // no slowdown, each ends after its own 100 s.
  EXPECT_EQ(ends_on_gpu0({share_job(1, 0, 100, "A", t), share_job(2, 0, 100, "D", t)}, t),
            (std::vector<double>{100, 100}));
  EXPECT_EQ(ends_on_gpu0({share_job(1, 0, 100, "A", t), share_job(2, 0, 100, "C", t)}, t),
            (std::vector<double>{100, 100}));
  // A policy sees the slowdown before it places: A running on GPU 0, B would run at 0.4 there
  // and at 1 on GPU 1.
  Engine e(one_v100_node(), sorted({share_job(1, 0, 100, "A", t), share_job(2, 0, 100, "B", t)}));
  ThroughputSpeedModel speed(t);
  e.set_speed_model(&speed);
  FnPolicy p([](Decisions& d) {
    if (d.view().now() != Time::zero()) return;
    const Slot gpu0[] = {{NodeId(0), 1, 0}}, gpu1[] = {{NodeId(0), 1, 1}};
    d.start(JobId(0), gpu0);
    EXPECT_DOUBLE_EQ(d.view().rate_if_placed(JobId(1), gpu0), 0.4);
    EXPECT_DOUBLE_EQ(d.view().rate_if_placed(JobId(1), gpu1), 1.0);
    d.start(JobId(1), gpu1);
  });
  e.run(p);
  EXPECT_EQ(e.record(JobId(1)).end, Time::from_seconds(100));
}
