// The Autoscaler around EASY: a hand-computed scale-out and scale-in, the guarantee that no
// node is taken from under a job (even by a policy that tries on every node at every
// decision), a randomized property run on Lublin jobs, and determinism.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/autoscale/autoscaler.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "support/error_of.hpp"
#include "support/fn_policy.hpp"
#include "workloads/failures.hpp"
#include "workloads/lublin.hpp"

using namespace clustersim;
using namespace clustersim::testing;
using ::testing::HasSubstr;

namespace {

// Checks at every start that the job's nodes are on and usable.
class PowerWatch : public Observer {
 public:
  void on_job_start(const EngineView& v, JobId j) override {
    for (const Slot& s : v.placement(j)) {
      if (v.power_state(s.node) != PowerState::On || v.failed(s.node)) ++bad_starts;
    }
  }
  void on_node_power(const EngineView& v, NodeId n) override {
    ++changes;
    if (v.power_state(n) == PowerState::Off && !(v.cluster().free(n) == v.cluster().capacity(n))) ++bad_offs;
  }
  int64_t bad_starts = 0, bad_offs = 0, changes = 0;
};

struct Replay {
  RunSummary summary;
  std::vector<ControlStep> steps;
  int64_t power_changes = 0;
};

// `jobs` Lublin jobs (256 processors) on 32 nodes of 8 cores, EASY, autoscaled, invariants
// checked after every instant.
Replay lublin_replay(const AutoscaleConfig& config, int64_t jobs, uint64_t seed, double mtbf_hours = 0) {
  LublinConfig lc;
  lc.jobs = jobs;
  lc.seed = seed;
  lc.estimate_factor = 3;
  Workload w = generate_lublin(lc);
  Cluster c = Cluster::homogeneous(32, Resources{8, 0, 0});
  c.set_power(0, NodePower{.idle_w = 50, .busy_w = 150, .cost_per_hour = 1, .boot_time = Time::from_seconds(300)});
  Engine e(std::move(c), std::move(w.jobs), {.check_invariants = true, .initial_nodes_on = config.initial_nodes});
  std::optional<MtbfFailureSource> failures;
  if (mtbf_hours > 0) {
    failures.emplace(32, e.now(), FailureModel{.mtbf_hours = mtbf_hours, .mttr_hours = 4, .seed = seed});
    e.set_node_events(&*failures);
  }
  PowerWatch watch;
  e.add_observer(&watch);
  auto easy = PolicyRegistry::builtin().make("easy");
  auto scaler = make_autoscaler(*easy, config);
  e.run(*scaler);
  EXPECT_EQ(watch.bad_starts, 0);
  EXPECT_EQ(watch.bad_offs, 0);
  return {summarize(e), scaler->steps(), watch.changes};
}

AutoscaleConfig enabled(std::map<std::string, std::string> params = {}) {
  AutoscaleConfig c;
  c.enabled = true;
  c.set(params);
  return c;
}

}  // namespace

TEST(Autoscaler, ScalesOutForABurstAndInAfterTheCooldown) {
  // 4 one-core nodes, only node 0 on; boot 30 s; control every 10 s, horizon 100 s, no
  // headroom, cool-down 50 s, forecaster `last`. Jobs 1-3 (100 s) at 0, job 4 (10 s) at 1000.
  //  t=0: EASY starts job 1 on node 0. Demand = job 1 (1 x 100/100) + 2 queued (1 each) = 3
  //       -> target 3 > 1 powered: nodes 1 and 2 power on (booting until 30).
  //  t=30: they are on; EASY starts jobs 2 and 3 (end at 130). Job 1 ends at 100.
  //  t=150: demand 0 -> target 1 (min_nodes); only node 0 has been idle 50 s: off.
  //  t=180: nodes 1 and 2 have been idle 50 s; one more to go: node 2 (highest first) off.
  //  t=1000: job 4 runs on node 1 until 1010, the end of the bill.
  Cluster c = Cluster::homogeneous(4, Resources{1, 0, 0});
  c.set_power(0, NodePower{.idle_w = 10, .busy_w = 20, .cost_per_hour = 1, .boot_time = Time::from_seconds(30)});
  Engine e(std::move(c), sorted({job(1, 0, 100, 1), job(2, 0, 100, 1), job(3, 0, 100, 1), job(4, 1000, 10, 1)}),
           {.check_invariants = true, .initial_nodes_on = 1});
  auto easy = PolicyRegistry::builtin().make("easy");
  auto scaler = make_autoscaler(*easy, enabled({{"forecaster", "last"},
                                                {"interval_s", "10"},
                                                {"horizon_s", "100"},
                                                {"headroom", "0"},
                                                {"cooldown_s", "50"},
                                                {"initial_nodes", "1"}}));
  e.run(*scaler);
  EXPECT_EQ(start_of(e, 2), 30);
  EXPECT_EQ(start_of(e, 3), 30);
  EXPECT_EQ(start_of(e, 4), 1000);
  const auto& steps = scaler->steps();
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].time, Time::zero());
  EXPECT_DOUBLE_EQ(steps[0].demand, 3.0);
  EXPECT_EQ(steps[0].target, 3);
  EXPECT_EQ(steps[0].powered_on, 2);
  std::vector<std::pair<double, int64_t>> offs;
  for (const ControlStep& s : steps)
    if (s.powered_off > 0) offs.emplace_back(s.time.seconds(), s.powered_off);
  EXPECT_EQ(offs, (std::vector<std::pair<double, int64_t>>{{150, 1}, {180, 1}}));
  EXPECT_EQ(e.power_state(NodeId(0)), PowerState::Off);
  EXPECT_EQ(e.power_state(NodeId(1)), PowerState::On);
  EXPECT_EQ(e.power_state(NodeId(2)), PowerState::Off);
  EXPECT_EQ(e.power_state(NodeId(3)), PowerState::Off);
  // Node 0: 0..150; node 1: 0..1010 (booting from 0); node 2: 0..180; node 3 never.
  EXPECT_DOUBLE_EQ(summarize(e).node_hours, (150.0 + 1010.0 + 180.0) / 3600);
}

TEST(Autoscaler, NoDecisionCanPowerOffANodeThatRunsAJob) {
  // A policy that, at every decision, tries to power off every node that is on (and powers a
  // node it got off straight back on: boot time 0), then lets EASY decide: the engine refuses
  // exactly the busy nodes, and the schedule is EASY's own, job for job.
  auto run = [](bool adversary) {
    Workload w = generate_lublin({.jobs = 500, .machine_procs = 64, .seed = 3});
    Cluster c = Cluster::homogeneous(8, Resources{8, 0, 0});
    c.set_power(0, NodePower{.idle_w = 1, .busy_w = 2, .cost_per_hour = 1, .boot_time = Time::zero()});
    Engine e(std::move(c), std::move(w.jobs), {.check_invariants = true});
    auto easy = PolicyRegistry::builtin().make("easy");
    int64_t refused = 0, done = 0;
    FnPolicy p([&](Decisions& d) {
      const EngineView& v = d.view();
      for (uint32_t n = 0; adversary && n < v.cluster().num_nodes(); ++n) {
        const NodeId id(n);
        const bool busy = !(v.cluster().free(id) == v.cluster().capacity(id));
        try {
          d.power_off(id);
          ++done;
          EXPECT_FALSE(busy) << "node " << n;
          d.power_on(id);
        } catch (const DecisionError& err) {
          ++refused;
          EXPECT_TRUE(busy) << err.what();
          EXPECT_THAT(std::string(err.what()), HasSubstr("power_off node " + std::to_string(n)));
          EXPECT_THAT(std::string(err.what()), HasSubstr("runs on it"));
        }
      }
      easy->schedule(d);
    });
    easy->reset(e);
    e.run(p);
    if (adversary) {
      EXPECT_GT(refused, 0);
      EXPECT_GT(done, 0);
    }
    return std::vector<JobRecord>(e.records().begin(), e.records().end());
  };
  const std::vector<JobRecord> tried = run(true), plain = run(false);
  ASSERT_EQ(tried.size(), plain.size());
  for (size_t i = 0; i < tried.size(); ++i) {
    EXPECT_EQ(tried[i].state, JobState::Finished);
    EXPECT_EQ(tried[i].first_start, plain[i].first_start) << "job index " << i;
    EXPECT_EQ(tried[i].end, plain[i].end) << "job index " << i;
    EXPECT_EQ(tried[i].preemptions + tried[i].kills + tried[i].migrations, 0u);
  }
}

TEST(Autoscaler, ARandomizedLublinReplayKeepsEveryJobOnPoweredNodesAndFinishesThemAll) {
  for (const char* forecaster : {"ewma", "last"}) {
    SCOPED_TRACE(forecaster);
    const Replay r = lublin_replay(enabled({{"forecaster", forecaster}, {"initial_nodes", "4"}, {"min_nodes", "2"}}),
                                   3000, 7);
    EXPECT_EQ(r.summary.finished, 3000);
    EXPECT_EQ(r.summary.unfinished, 0);
    EXPECT_GT(r.power_changes, 20);
    // Cheaper than keeping the 32 nodes on over the same run.
    EXPECT_LT(r.summary.node_hours, 32 * r.summary.makespan / 3600 * 0.9);
  }
}

TEST(Autoscaler, NodeFailuresAndAutoscalingTogetherLoseNoJob) {
  const Replay r = lublin_replay(enabled({{"cooldown_s", "300"}}), 2000, 11, /*mtbf_hours=*/200);
  EXPECT_EQ(r.summary.finished, 2000);
  EXPECT_GT(r.summary.kills, 0);
}

TEST(Autoscaler, TheSameSeedGivesTheSameRunAnotherSeedAnother) {
  const AutoscaleConfig c = enabled({{"forecaster", "ewma"}});
  const Replay a = lublin_replay(c, 1500, 5), b = lublin_replay(c, 1500, 5), other = lublin_replay(c, 1500, 6);
  EXPECT_EQ(a.summary.wait.mean, b.summary.wait.mean);
  EXPECT_EQ(a.summary.node_hours, b.summary.node_hours);
  EXPECT_EQ(a.summary.energy_kwh, b.summary.energy_kwh);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (size_t i = 0; i < a.steps.size(); ++i) {
    EXPECT_EQ(a.steps[i].time, b.steps[i].time);
    EXPECT_EQ(a.steps[i].forecast, b.steps[i].forecast);
    EXPECT_EQ(a.steps[i].powered_on, b.steps[i].powered_on);
  }
  EXPECT_NE(a.summary.node_hours, other.summary.node_hours);
}

TEST(Autoscaler, ASingleNodeClusterIsRefusedWithAHint) {
  AutoscaleConfig c = enabled();
  EXPECT_THAT(error_of([&] { c.check_cluster(Cluster::homogeneous(1, Resources{256, 0, 0}, "pool")); }),
              HasSubstr("autoscale: the cluster has 1 node; autoscaling powers whole nodes on and off, so model the "
                        "machine as nodes (--nodes N --cores-per-node C"));
  c.max_nodes = 9;
  EXPECT_EQ(error_of([&] { c.check_cluster(Cluster::homogeneous(8, Resources{1, 0, 0})); }),
            "autoscale.max_nodes: 9, but the cluster has 8 nodes");
}

TEST(Autoscaler, ConfigErrorsNameTheKey) {
  AutoscaleConfig c;
  EXPECT_EQ(error_of([&] { c.set({{"scale_inn", "0.2"}}); }),
            "autoscale: unknown key 'scale_inn' (did you mean 'scale_in'?); forecaster parameters are forecaster.KEY");
  EXPECT_EQ(error_of([&] { c.set({{"interval_s", "soon"}}); }), "autoscale.interval_s: expected a number, got 'soon'");
  EXPECT_EQ(error_of([] {
              AutoscaleConfig bad;
              bad.set({{"scale_in", "0.95"}});
              bad.validate();
            }),
            "autoscale.scale_in: must be in [0, scale_out = 0.9), got 0.95");
  auto easy = PolicyRegistry::builtin().make("easy");
  EXPECT_THAT(error_of([&] { make_autoscaler(*easy, enabled({{"forecaster", "ewm"}})); }),
              HasSubstr("autoscale.forecaster: unknown forecaster 'ewm' (did you mean 'ewma'?)"));
  EXPECT_EQ(error_of([&] { make_autoscaler(*easy, enabled({{"forecaster.alpah", "0.5"}})); }),
            "autoscale.forecaster: forecaster ewma: unknown parameter 'alpah' (did you mean 'alpha'?)");
}
