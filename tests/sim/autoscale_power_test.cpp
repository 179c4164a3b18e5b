// Node power states (autoscaling): boot delays, refusals, and node-hours, cost and energy on
// tiny clusters, all computed by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;
using ::testing::HasSubstr;

namespace {

// `nodes` nodes of `cores` cores with round numbers for power and cost.
Cluster small(int64_t nodes, int64_t cores, int64_t boot_s) {
  Cluster c = Cluster::homogeneous(nodes, Resources{cores, 0, 0});
  c.set_power(0, NodePower{.idle_w = 100, .busy_w = 300, .cost_per_hour = 2, .boot_time = Time::from_seconds(boot_s)});
  return c;
}

constexpr double kJoulesPerKwh = 3.6e6;

std::string decision_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const DecisionError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(AutoscalePower, APoweredOnNodeIsUsableAfterItsBootDelay) {
  // Two 1-core nodes, only node 0 on; two 100 s jobs at 0. Node 1 is powered on at 0 and
  // boots for 30 s: the second job starts at 30 on it and ends at 130.
  Engine e(small(2, 1, 30), sorted({job(1, 0, 100, 1), job(2, 0, 100, 1)}),
           {.check_invariants = true, .initial_nodes_on = 1});
  EXPECT_EQ(e.power_state(NodeId(1)), PowerState::Off);
  EXPECT_FALSE(e.cluster().is_up(NodeId(1)));
  std::vector<std::pair<double, int64_t>> booting;  // (time, nodes booting) at each call
  FnPolicy p([&](Decisions& d) {
    booting.emplace_back(d.view().now().seconds(), d.view().nodes_booting());
    if (d.view().now() == Time::zero()) d.power_on(NodeId(1));
    greedy(d);
  });
  e.run(p);
  EXPECT_EQ(start_of(e, 1), 0);
  EXPECT_EQ(start_of(e, 2), 30);
  EXPECT_EQ(e.record(JobId(1)).end, Time::from_seconds(130));
  EXPECT_EQ(e.power_state(NodeId(1)), PowerState::On);
  // Called at 0 (arrivals; node 1 still off) and at 30 (the boot, a job queued).
  ASSERT_EQ(booting.size(), 2u);
  EXPECT_EQ(booting[0], (std::pair<double, int64_t>{0, 0}));
  EXPECT_EQ(booting[1], (std::pair<double, int64_t>{30, 0}));

  // Node 0 is billed 0..130, node 1 as well (booting 0..30, on 30..130): 260 node-seconds.
  // Energy: node 0 busy 100 s (300 W) then idle 30 s (100 W): 33,000 J; node 1 booting 30 s at
  // idle power, then busy 100 s: 3,000 + 30,000 J. 66,000 J in all.
  RunSummary s = summarize(e);
  EXPECT_DOUBLE_EQ(s.node_hours, 260.0 / 3600);
  EXPECT_DOUBLE_EQ(s.cost, 2 * 260.0 / 3600);
  EXPECT_DOUBLE_EQ(s.energy_kwh, 66000.0 / kJoulesPerKwh);
  ASSERT_EQ(s.by_node_type.size(), 1u);
  EXPECT_EQ(s.by_node_type[0].type, "node");
  EXPECT_DOUBLE_EQ(s.by_node_type[0].energy_kwh, s.energy_kwh);
}

TEST(AutoscalePower, ANodeOffFromTheStartCostsNothingAndBusyShareScalesPower) {
  // Two 4-core nodes; one 2-core job of 100 s on node 0; node 1 is powered off at 0.
  // Node 0 draws 100 + (300 - 100) x 2/4 = 200 W for 100 s: 20,000 J. Node 1: nothing.
  Engine e(small(2, 4, 0), sorted({job(1, 0, 100, 2)}), {.check_invariants = true});
  FnPolicy p([](Decisions& d) {
    greedy(d);
    if (d.view().power_state(NodeId(1)) == PowerState::On) d.power_off(NodeId(1));
  });
  e.run(p);
  EXPECT_EQ(e.nodes_off(), 1);
  EXPECT_EQ(e.nodes_on(), 1);
  RunSummary s = summarize(e);
  EXPECT_DOUBLE_EQ(s.node_hours, 100.0 / 3600);
  EXPECT_DOUBLE_EQ(s.energy_kwh, 20000.0 / kJoulesPerKwh);
}

TEST(AutoscalePower, WithoutAutoscalingEveryNodeIsBilledOverTheWholeRun) {
  // Three 2-core nodes, default power (4 W idle, 8 W busy per core), jobs at 0 (1 core, 50 s)
  // and 20 (2 cores, 100 s; ends at 120). Billed: 3 x 120 s. Busy share: 50 s x 1/2 + 100 s x
  // 2/2 = 125 node-seconds. Energy: 8 W x 360 s + 8 W x 125 s = 3,880 J.
  Engine e(Cluster::homogeneous(3, Resources{2, 0, 0}), sorted({job(1, 0, 50, 1), job(2, 20, 100, 2)}),
           {.check_invariants = true});
  FnPolicy p(greedy);
  e.run(p);
  RunSummary s = summarize(e);
  EXPECT_DOUBLE_EQ(s.node_hours, 360.0 / 3600);
  EXPECT_DOUBLE_EQ(s.cost, 0.08 * 360.0 / 3600);
  EXPECT_DOUBLE_EQ(s.energy_kwh, 3880.0 / kJoulesPerKwh);
}

TEST(AutoscalePower, TheBillingWindowEndsWhenTheLastJobLeaves) {
  // A policy that keeps waking up after the only job (0..100) does not extend the bill.
  Engine e(small(2, 1, 10), sorted({job(1, 0, 100, 1)}), {.check_invariants = true});
  FnPolicy p([](Decisions& d) {
    greedy(d);
    const Time now = d.view().now();
    if (now < Time::from_seconds(500)) d.wake_at(now + Time::from_seconds(50));
    if (now == Time::from_seconds(300)) d.power_off(NodeId(1));  // after the window: no effect
  });
  e.run(p);
  EXPECT_EQ(e.now(), Time::from_seconds(500));
  EXPECT_DOUBLE_EQ(summarize(e).node_hours, 200.0 / 3600);
}

TEST(AutoscalePower, PowerOffRefusesANodeThatRunsAJobAndNamesBoth) {
  Engine e(small(2, 4, 0), sorted({job(7, 0, 100, 2)}), {.check_invariants = true});
  std::string error;
  FnPolicy p([&](Decisions& d) {
    greedy(d);
    error = decision_error([&] { d.power_off(NodeId(0)); });
  });
  e.run(p);
  EXPECT_EQ(error, "power_off node 0 at t=0.000000 s refused: job 7 (index 0) runs on it");
  EXPECT_EQ(e.power_state(NodeId(0)), PowerState::On);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(100));  // the job was not disturbed
}

TEST(AutoscalePower, PowerDecisionsInTheWrongStateAreRefused) {
  Engine e(small(3, 1, 60), sorted({job(1, 0, 100, 1)}), {.check_invariants = true, .initial_nodes_on = 2});
  std::vector<std::string> errors;
  FnPolicy p([&](Decisions& d) {
    if (d.view().now() != Time::zero()) return;
    greedy(d);
    errors.push_back(decision_error([&] { d.power_on(NodeId(1)); }));
    d.power_on(NodeId(2));
    errors.push_back(decision_error([&] { d.power_off(NodeId(2)); }));
    errors.push_back(decision_error([&] { d.power_on(NodeId(2)); }));
    errors.push_back(decision_error([&] { d.power_on(NodeId(9)); }));
  });
  e.run(p);
  EXPECT_THAT(errors, ::testing::ElementsAre("power_on node 1 at t=0.000000 s refused: it is on, not off",
                                             "power_off node 2 at t=0.000000 s refused: it is booting, not on",
                                             "power_on node 2 at t=0.000000 s refused: it is booting, not off",
                                             "power_on node 9 at t=0.000000 s refused: no such node"));
}

TEST(AutoscalePower, FailureAndPowerAreIndependent) {
  // Node 1 starts off and fails at 10 (nothing to kill); powered on at 20, it boots until
  // 30 but stays unusable until its repair at 50, when the queued second job starts on it.
  Engine e(small(2, 1, 10), sorted({job(1, 0, 100, 1), job(2, 0, 10, 1)}),
           {.check_invariants = true, .initial_nodes_on = 1});
  NodeEventList events({{Time::from_seconds(10), NodeId(1), false}, {Time::from_seconds(50), NodeId(1), true}});
  e.set_node_events(&events);
  std::vector<std::string> seen;
  FnPolicy p([&](Decisions& d) {
    const EngineView& v = d.view();
    seen.push_back(std::to_string(static_cast<int>(v.now().seconds())) + ":" +
                   std::string(to_string(v.power_state(NodeId(1)))) + (v.failed(NodeId(1)) ? ",failed" : ""));
    if (v.now() == Time::zero()) d.wake_at(Time::from_seconds(20));
    if (v.now() == Time::from_seconds(20)) d.power_on(NodeId(1));
    greedy(d);
  });
  e.run(p);
  EXPECT_THAT(seen, ::testing::ElementsAre("0:off", "10:off,failed", "20:off,failed", "30:on,failed", "50:on"));
  EXPECT_EQ(start_of(e, 2), 50);
  EXPECT_EQ(e.nodes_down(), 0);
  // Node 1 billed from 20 (booting) to the end at 100: 80 s, plus node 0's 100 s.
  EXPECT_DOUBLE_EQ(summarize(e).node_hours, 180.0 / 3600);
}

TEST(AutoscalePower, InitialNodesOnBeyondTheClusterIsAnInputError) {
  EXPECT_THROW(Engine(small(2, 1, 0), sorted({job(1, 0, 10, 1)}), {.initial_nodes_on = 3}), InputError);
  EXPECT_THROW(Engine(small(2, 1, 0), sorted({job(1, 0, 10, 1)}), {.initial_nodes_on = -2}), InputError);
}

TEST(AutoscalePower, EnergyPerNodeTypeFollowsEachTypesCoresInUse) {
  // Two types: "small" (2 cores, 10/20 W) and "big" (8 cores, 50/150 W), one node each; a
  // job of one 4-core task (100 s) fits only on the big node, a 1-core job of 50 s goes to the small.
  Cluster c;
  const uint32_t small_type = c.add_node_type(NodeType{"small", Resources{2, 0, 0}, ""});
  const uint32_t big_type = c.add_node_type(NodeType{"big", Resources{8, 0, 0}, ""});
  c.add_nodes(small_type, 1);
  c.add_nodes(big_type, 1);
  c.set_power(small_type, NodePower{.idle_w = 10, .busy_w = 20, .cost_per_hour = 1, .boot_time = {}});
  c.set_power(big_type, NodePower{.idle_w = 50, .busy_w = 150, .cost_per_hour = 3, .boot_time = {}});
  JobSpec four_cores = job(1, 0, 100, 1);
  four_cores.per_task = Resources{4, 0, 0};
  Engine e(std::move(c), sorted({four_cores, job(2, 0, 50, 1)}), {.check_invariants = true});
  FnPolicy p(greedy);
  e.run(p);
  RunSummary s = summarize(e);
  ASSERT_EQ(s.by_node_type.size(), 2u);
  // small: 10 W x 100 s + 10 W x 50 s x 1/2 = 1,250 J; big: 50 W x 100 s + 100 W x 100 s x 4/8 = 10,000 J.
  EXPECT_DOUBLE_EQ(s.by_node_type[0].energy_kwh, 1250.0 / kJoulesPerKwh);
  EXPECT_DOUBLE_EQ(s.by_node_type[1].energy_kwh, 10000.0 / kJoulesPerKwh);
  EXPECT_DOUBLE_EQ(s.by_node_type[1].cost, 3 * 100.0 / 3600);
  EXPECT_DOUBLE_EQ(s.cost, 4 * 100.0 / 3600);
}

TEST(AutoscalePower, InvalidPowerParametersNameTheTypeAndField) {
  Cluster c = Cluster::homogeneous(1, Resources{4, 0, 0}, "cpu");
  try {
    c.set_power(0, NodePower{.idle_w = 100, .busy_w = 50, .cost_per_hour = 0, .boot_time = {}});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("node type 'cpu': busy_w: must be >= idle_w"));
  }
}
