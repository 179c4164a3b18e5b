// lp-assign (policies/lp/assign_lp.hpp) against answers known independently of the LP:
// shortest-first on one machine (SPT is optimal for total completion time), placements
// forced by capacity, hand-worked schedules, and the invariants of the repair step.
#include <gtest/gtest.h>

#include <random>

#include "policies/lp/assign_lp.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/error_of.hpp"
#include "traces/swf.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// Where and when each job started, in trace-id order of starts.
struct Start {
  int64_t trace_id;
  double at;
  uint32_t node;
  bool operator==(const Start&) const = default;
};

class StartLog : public Observer {
 public:
  void on_job_start(const EngineView& v, JobId j) override {
    starts.push_back({v.spec(j).trace_id, v.now().seconds(), v.placement(j).front().node.value()});
  }
  std::vector<Start> starts;
};

// Runs lp-assign; every job must finish. Returns the starts.
std::vector<Start> run(Cluster cluster, std::vector<JobSpec> jobs, std::map<std::string, std::string> params = {},
                       std::vector<double>* ends = nullptr) {
  Engine e(std::move(cluster), sorted(std::move(jobs)), {.check_invariants = true});
  StartLog log;
  e.add_observer(&log);
  auto p = PolicyRegistry::builtin().make("lp-assign", params);
  e.run(*p);
  EXPECT_EQ(e.unfinished_count(), 0);
  if (ends)
    for (size_t i = 0; i < e.num_jobs(); ++i) ends->push_back(e.records()[i].end.seconds());
  return log.starts;
}

Cluster nodes(std::vector<int64_t> cores) {
  Cluster c;
  for (int64_t n : cores) c.add_nodes(c.add_node_type(NodeType{"n" + std::to_string(n), Resources{n, 0, 0}, ""}), 1);
  return c;
}

// A random small workload: 3 nodes of 4, 4 and 8 cores; widths 1..4, a few up to 8 (node 2
// only); estimates 1-3x the runtime.
std::vector<JobSpec> random_jobs(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<JobSpec> jobs;
  int64_t t = 0;
  for (int i = 0; i < n; ++i) {
    t += static_cast<int64_t>(rng() % 6);
    const int32_t width = rng() % 8 == 0 ? static_cast<int32_t>(5 + rng() % 4) : static_cast<int32_t>(1 + rng() % 4);
    const int64_t runtime = 1 + static_cast<int64_t>(rng() % 40);
    jobs.push_back(job(i + 1, t, runtime, width, runtime * (1 + static_cast<int64_t>(rng() % 3))));
  }
  return jobs;
}

}  // namespace

TEST(LpAssign, OneMachineOrdersShortestFirst) {
  // The LP itself: three tasks of 3, 1 and 2 s on one node of capacity 1. SPT is optimal for
  // total completion time on one machine, so the LP orders 1 s, 2 s, 3 s.
  AssignProblem p;
  p.slots = 24;
  p.nodes = 1;
  p.slot_us = 9e6 / 24;  // horizon 9 s: 6 s of work + the longest task
  p.capacity.assign(24, 1.0);
  for (double s : {3.0, 1.0, 2.0}) p.tasks.push_back({static_cast<int64_t>(p.tasks.size()), 1.0, s * 1e6, {1}});
  lp::Solver solver;
  lp::LinearProgram scratch;
  const AssignResult r = solve_assignment(p, solver, scratch);
  ASSERT_EQ(r.status, lp::Status::Optimal);
  EXPECT_LT(r.mean_end_us[1], r.mean_end_us[2]);
  EXPECT_LT(r.mean_end_us[2], r.mean_end_us[0]);
  EXPECT_LT(r.mean_start[1], r.mean_start[2]);
  EXPECT_LT(r.mean_start[2], r.mean_start[0]);
  EXPECT_DOUBLE_EQ(r.start_now[1], 1.0);
  EXPECT_EQ(r.preferred[1], 0);
  // Through the engine: completion times 1, 3, 6 (jobs 2, 3, 1).
  std::vector<double> ends;
  run(pool(1), {job(1, 0, 3, 1), job(2, 0, 1, 1), job(3, 0, 2, 1)}, {}, &ends);
  EXPECT_EQ(ends, (std::vector<double>{6, 1, 3}));
}

TEST(LpAssign, FourUnitTasksOnTwoNodesAllStartAtOnceTwoPerNode) {
  const auto starts = run(Cluster::homogeneous(2, Resources{2, 0, 0}),
                          {job(1, 0, 5, 1), job(2, 0, 5, 1), job(3, 0, 5, 1), job(4, 0, 5, 1)});
  ASSERT_EQ(starts.size(), 4u);
  int on[2] = {0, 0};
  for (const Start& s : starts) {
    EXPECT_EQ(s.at, 0) << "job " << s.trace_id;
    ++on[s.node];
  }
  EXPECT_EQ(on[0], 2);
  EXPECT_EQ(on[1], 2);
}

TEST(LpAssign, ATaskThatFitsOnlyOneNodeGoesThere) {
  // Nodes of 2, 4 and 2 cores: the 3-core job only fits node 1, the 1-core job anywhere.
  const auto starts = run(nodes({2, 4, 2}), {job(1, 0, 5, 3), job(2, 0, 5, 1)});
  ASSERT_EQ(starts.size(), 2u);
  for (const Start& s : starts) {
    if (s.trace_id == 1) {
      EXPECT_EQ(s.node, 1u);
    }
  }
  // On a GPU cluster the LP counts GPUs: the 4-GPU job fits only the 4-GPU node.
  Cluster g;
  g.add_nodes(g.add_node_type(NodeType{"two", Resources{32, 2000, 0}, "v100"}), 2);
  g.add_nodes(g.add_node_type(NodeType{"four", Resources{32, 4000, 0}, "v100"}), 1);
  JobSpec big = job(7, 0, 10, 1);
  big.per_task = Resources{4, 4000, 0};
  JobSpec small = job(8, 0, 10, 2);
  small.per_task = Resources{1, 1000, 0};
  const auto gs = run(g, {big, small});
  ASSERT_EQ(gs.size(), 2u);
  for (const Start& s : gs) {
    EXPECT_EQ(s.at, 0);
    if (s.trace_id == 7) {
      EXPECT_EQ(s.node, 2u);
    } else {
      EXPECT_NE(s.node, 2u);
    }
  }
}

TEST(LpAssign, LeavesRoomForAWideTaskTheLpStartsSooner) {
  // One node of 4 cores. J1 (2 cores, 10 s) runs from t0. At t1, W (4 cores, 1 s) and N
  // (2 cores, 100 s) arrive. N fits now, but then it holds half the node until 101 and W
  // ends at 102: W and N complete 101 + 100 s after arriving. The LP starts W when J1 ends
  // (t10, ends t11) and N after it (ends t111): 10 + 110 s. With fill=idle the node is not
  // idle at t1 (J1 runs), so N waits as the LP says; fill=any starts it at once.
  // At t10 the LP relaxation starts N wholly in slot 0 and W half in slot 0 and half in
  // slot 1 (a fractional wide task fills the gap); ordering by mean start would start N
  // first, ordering by mean completion (HSSW) starts W.
  const std::vector<JobSpec> jobs = {job(1, 0, 10, 2), job(2, 1, 1, 4), job(3, 1, 100, 2)};
  std::vector<double> ends;
  run(pool(4), jobs, {}, &ends);
  EXPECT_EQ(ends, (std::vector<double>{10, 11, 111}));
  ends.clear();
  run(pool(4), jobs, {{"fill", "any"}}, &ends);
  EXPECT_EQ(ends, (std::vector<double>{10, 102, 101}));
}

TEST(LpAssign, JobThatFitsNoSingleNodeIsAnInputErrorNamingIt) {
  // 6 cores fit the cluster (two nodes of 4) but no single node: refused before the run.
  Engine e(Cluster::homogeneous(2, Resources{4, 0, 0}), sorted({job(1, 0, 5, 2), job(42, 3, 5, 6)}));
  auto p = PolicyRegistry::builtin().make("lp-assign");
  EXPECT_EQ(error_of([&] { e.run(*p); }),
            "policy lp-assign: job 42 asks for 6 x {cores=1, gpu_milli=0, mem_mib=0}, which no single node holds; "
            "lp-assign places each job on one node");
  // A job that fits no cluster at all is the engine's to reject, not an error here.
  Engine f(Cluster::homogeneous(2, Resources{4, 0, 0}), sorted({job(1, 0, 5, 2), job(2, 0, 5, 99)}));
  auto q = PolicyRegistry::builtin().make("lp-assign");
  f.run(*q);
  EXPECT_EQ(f.rejected_count(), 1);
  EXPECT_EQ(f.finished_count(), 1);
}

TEST(LpAssign, ParametersAreCheckedByName) {
  const auto& reg = PolicyRegistry::builtin();
  EXPECT_EQ(error_of([&] { reg.make("lp-assign", {{"slots", "0"}}); }),
            "policy lp-assign: parameter 'slots': must be 1..512, got 0");
  EXPECT_EQ(error_of([&] { reg.make("lp-assign", {{"max_tasks", "many"}}); }),
            "policy lp-assign: parameter 'max_tasks': expected an integer, got 'many'");
  EXPECT_EQ(error_of([&] { reg.make("lp-assign", {{"fill", "some"}}); }),
            "policy lp-assign: parameter 'fill': expected one of idle, any, got 'some'");
  EXPECT_NE(error_of([&] { reg.make("lp-assign", {{"slot", "4"}}); }).find("did you mean 'slots'"), std::string::npos);
  Engine e(Cluster::homogeneous(3, Resources{4, 0, 0}), sorted({job(1, 0, 5, 1)}));
  auto p = reg.make("lp-assign", {{"max_nodes", "2"}});
  EXPECT_EQ(error_of([&] { e.run(*p); }),
            "policy lp-assign: the cluster has 3 nodes, more than max_nodes=2 (the LP has a column per job, node "
            "and slot; it is meant for small clusters)");
}

TEST(LpAssign, SameInputGivesTheSameSchedule) {
  const auto a = run(nodes({4, 4, 8}), random_jobs(7, 60));
  const auto b = run(nodes({4, 4, 8}), random_jobs(7, 60));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, run(nodes({4, 4, 8}), random_jobs(8, 60)));
}

TEST(LpAssign, NoDecisionEndsWithAnIdleNodeTheFirstQueuedJobFits) {
  // Wraps the policy and checks the state after each of its decisions.
  class Checked : public Policy {
   public:
    explicit Checked(std::unique_ptr<Policy> p) : inner_(std::move(p)) {}
    std::string name() const override { return inner_->name(); }
    void reset(const EngineView& v) override { inner_->reset(v); }
    void schedule(Decisions& d) override {
      inner_->schedule(d);
      const EngineView& v = d.view();
      ++decisions;
      if (v.queue().empty()) return;
      const JobSpec& first = v.spec(v.queue().front());
      const Cluster& c = v.cluster();
      for (uint32_t n = 0; n < c.num_nodes(); ++n) {
        const NodeId id(n);
        if (c.is_up(id) && c.free(id) == c.capacity(id) && c.copies_on(id, first.per_task) >= first.tasks)
          ADD_FAILURE() << "t=" << v.now().seconds() << ": node " << n << " is idle and holds job " << first.trace_id;
      }
    }
    std::unique_ptr<Policy> inner_;
    int decisions = 0;
  };
  for (const char* fill : {"idle", "any"})
    for (uint32_t seed : {1u, 2u, 3u}) {
      Engine e(nodes({4, 4, 8}), sorted(random_jobs(seed, 80)), {.check_invariants = true});
      Checked p(PolicyRegistry::builtin().make("lp-assign", {{"fill", fill}, {"max_tasks", "16"}}));
      e.run(p);
      EXPECT_EQ(e.unfinished_count(), 0) << fill << " seed " << seed;
      EXPECT_GT(p.decisions, 40);
      const auto& stats = dynamic_cast<const LpAssignPolicy&>(*p.inner_).stats();
      EXPECT_GT(stats.solves, 0);
      EXPECT_GT(stats.warm_solves, 0) << "consecutive LPs share keys: most should warm-start";
      EXPECT_LE(stats.max_columns, 16 * (3 * 24 + 1));
    }
}

TEST(LpAssign, RunsAnSwfWorkloadThroughTheRegistry) {
  SwfOptions o;
  o.max_jobs = 150;
  const Workload w = read_swf(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf", o);
  Engine e(pool(256), w.jobs, {.check_invariants = true});
  auto p = PolicyRegistry::builtin().make("lp-assign", {{"max_tasks", "32"}, {"slots", "16"}});
  e.run(*p);
  EXPECT_EQ(e.finished_count(), 150);
  EXPECT_EQ(e.unfinished_count(), 0);
}
