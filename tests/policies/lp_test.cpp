// The allocation LP against LPs solved by hand, and the lp / rr-timeshare policies on the
// round mechanism.
#include <gtest/gtest.h>

#include <cmath>

#include "policies/lp/allocation_lp.hpp"
#include "policies/lp/lp_policy.hpp"
#include "policies/registry.hpp"
#include "policies/rounds.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// Two node types of one GPU each (type 0 fast, type 1 slow) and jobs of one GPU.
AllocationProblem two_types(std::vector<std::vector<double>> rates, std::vector<double> remaining = {},
                            std::vector<double> weights = {}) {
  AllocationProblem p;
  p.types = 2;
  p.capacity = {{1.0, 0.0}, {1.0, 0.0}};
  for (size_t j = 0; j < rates.size(); ++j) {
    AllocationProblem::Job job;
    job.key = static_cast<int64_t>(j);
    job.demand = {1.0, 0.0};
    job.rate = rates[j];
    if (!remaining.empty()) job.remaining = remaining[j];
    if (!weights.empty()) job.weight = weights[j];
    p.jobs.push_back(job);
  }
  p.validate();
  return p;
}

AllocationResult solve(const AllocationProblem& p, AllocationObjective o, bool fill = false) {
  lp::Solver solver;
  lp::LinearProgram scratch;
  return solve_allocation(p, o, solver, scratch, fill);
}

void expect_x(const AllocationResult& r, std::vector<double> want) {
  ASSERT_EQ(r.status, lp::Status::Optimal);
  ASSERT_EQ(r.x.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(r.x[i], want[i], 1e-6) << "x[" << i << "]";
}

// Job A runs 4x faster on the fast type than on the slow one, job B 2x.
const std::vector<std::vector<double>> kAB = {{4.0, 1.0}, {2.0, 1.0}};

}  // namespace

TEST(AllocationLp, TotalThroughputPutsTheLargestSpeedUpOnTheFastType) {
  // A on fast + B on slow gives 4 + 1 = 5; the other way 2 + 1 = 3; any mix is in between
  // (the objective is linear along the segment), so the optimum is the pure assignment.
  const AllocationResult r = solve(two_types(kAB), AllocationObjective::Throughput);
  expect_x(r, {1, 0, 0, 1});
  EXPECT_NEAR(r.objective, 5.0, 1e-9);
}

TEST(AllocationLp, MaxMinFairnessMatchesTheClosedForm) {
  // Proportional throughputs (time split 1:1 over the types): A (4+1)/2 = 2.5, B (2+1)/2 = 1.5.
  // With both GPUs busy and both jobs always running, a = A's time on fast gives
  // T_A = 1 + 3a, T_B = 2 - a; equal normalised throughput (1+3a)/2.5 = (2-a)/1.5 gives
  // a = 1/2 and a minimum of exactly 1 (each job gets its proportional share).
  const AllocationResult r = solve(two_types(kAB), AllocationObjective::MaxMin);
  expect_x(r, {0.5, 0.5, 0.5, 0.5});
  EXPECT_NEAR(r.objective, 1.0, 1e-6);
}

TEST(AllocationLp, MaxMinFairnessWeighsJobsByPriority) {
  // B has weight 2: (1+3a)/2.5 = (2-a)/(2 x 1.5) gives a = 4/23, minimum 14/23.
  const AllocationResult r = solve(two_types(kAB, {}, {1.0, 2.0}), AllocationObjective::MaxMin);
  const double a = 4.0 / 23.0;
  expect_x(r, {a, 1 - a, 1 - a, a});
  EXPECT_NEAR(r.objective, 14.0 / 23.0, 1e-6);
}

TEST(AllocationLp, MaxMinGivesIdenticalJobsEqualNormalisedThroughput) {
  // Three identical jobs on the two GPUs: each gets 2/3 of a GPU's time in throughput terms.
  AllocationProblem p = two_types({{3.0, 1.0}, {3.0, 1.0}, {3.0, 1.0}});
  for (bool fill : {false, true}) {
    const AllocationResult r = solve(p, AllocationObjective::MaxMin, fill);
    ASSERT_EQ(r.status, lp::Status::Optimal);
    std::vector<double> t(3);
    for (size_t j = 0; j < 3; ++j) t[j] = 3.0 * r.at(j, 0, 2) + 1.0 * r.at(j, 1, 2);
    EXPECT_NEAR(t[0], t[1], 1e-6);
    EXPECT_NEAR(t[1], t[2], 1e-6);
    EXPECT_NEAR(t[0], 4.0 / 3.0, 1e-6);  // all capacity used: total 3 + 1 = 4, a third each
  }
}

TEST(AllocationLp, MakespanFinishesTheLongestJobFirstAndFillGivesTheRestAway) {
  // A has 10 s of work left, B 30 s. B's best is all of the fast GPU: T_B = 2, 2/30 = 1/15;
  // A reaches 1/15 with 2/3 of the slow GPU, so the optimum minimum is 1/15. The remaining
  // third of the slow GPU is degenerate in the first LP; fill gives it to A.
  const AllocationResult r = solve(two_types(kAB, {10.0, 30.0}), AllocationObjective::Makespan, /*fill=*/true);
  expect_x(r, {0, 1, 1, 0});
  EXPECT_NEAR(r.objective, 1.0 / 15.0, 1e-9);
  const AllocationResult first = solve(two_types(kAB, {10.0, 30.0}), AllocationObjective::Makespan);
  EXPECT_NEAR(first.objective, 1.0 / 15.0, 1e-9);
  EXPECT_NEAR(first.at(1, 0, 2), 1.0, 1e-6);
  EXPECT_GE(first.at(0, 1, 2), 2.0 / 3.0 - 1e-6);
}

TEST(AllocationLp, MultiGpuJobsUseTheirWorkerCountOfCapacity) {
  // One type with 4 GPUs; a 4-GPU job and two 1-GPU jobs, all at rate 1. Throughput: the two
  // small jobs run all the time (2 GPUs) and the big one can get at most (4-2)/4 = 1/2.
  AllocationProblem p;
  p.types = 1;
  p.capacity = {{4.0, 0.0}};
  for (double gpus : {4.0, 1.0, 1.0}) {
    AllocationProblem::Job j;
    j.key = static_cast<int64_t>(p.jobs.size());
    j.demand = {gpus, 0.0};
    j.rate = {1.0};
    p.jobs.push_back(j);
  }
  const AllocationResult r = solve(p, AllocationObjective::Throughput);
  expect_x(r, {0.5, 1, 1});
  // Max-min with fill: every job is at its cap of 1 in normalised terms (4 x 1/4 for the big
  // one is its equal GPU-time share), then fill gives the big job the 2 idle GPUs' time: 1/2.
  const AllocationResult m = solve(p, AllocationObjective::MaxMin, /*fill=*/true);
  expect_x(m, {0.5, 1, 1});
  EXPECT_NEAR(m.objective, 1.0, 1e-6);
}

TEST(AllocationLp, MaxMinScalesByWorkerCount) {
  // A 4-GPU job and six 1-GPU jobs on 4 GPUs of one type, all at rate 1: equal GPU-time means
  // 4 x_big = x_small = m with 4 x_big + 6 x_small = 7m <= 4, so m = 4/7, x_big = 1/7.
  AllocationProblem p;
  p.types = 1;
  p.capacity = {{4.0, 0.0}};
  for (double gpus : {4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}) {
    AllocationProblem::Job j;
    j.key = static_cast<int64_t>(p.jobs.size());
    j.demand = {gpus, 0.0};
    j.rate = {1.0};
    p.jobs.push_back(j);
  }
  const double m = 4.0 / 7.0;
  expect_x(solve(p, AllocationObjective::MaxMin), {1.0 / 7.0, m, m, m, m, m, m});
}

TEST(AllocationLp, JobsThatCannotRunAnywhereDoNotPinTheMinimumAtZero) {
  // Job 1 runs nowhere (rate 0 on both types): it gets nothing, the other job everything.
  const AllocationResult r = solve(two_types({{2.0, 1.0}, {0.0, 0.0}}), AllocationObjective::MaxMin, true);
  expect_x(r, {1, 0, 0, 0});
}

TEST(AllocationLp, JobClassesGiveThePerJobOptimum) {
  // Ten jobs of three kinds on two types, for every objective: the same optimum with and
  // without classes, and identical jobs get identical fractions with them.
  std::vector<std::vector<double>> rates;
  std::vector<double> remaining;
  for (int j = 0; j < 10; ++j) {
    rates.push_back(j % 3 == 0 ? std::vector<double>{4, 1} : j % 3 == 1 ? std::vector<double>{2, 1} : std::vector<double>{3, 2});
    remaining.push_back(100.0 * (j % 3 + 1));
  }
  AllocationProblem p = two_types(rates, remaining);
  p.capacity = {{3.0, 0.0}, {4.0, 0.0}};
  for (auto o : {AllocationObjective::Throughput, AllocationObjective::MaxMin, AllocationObjective::Makespan}) {
    lp::Solver s1, s2;
    lp::LinearProgram l1, l2;
    const AllocationResult per_job = solve_allocation(p, o, s1, l1, false, /*aggregate=*/false);
    const AllocationResult classes = solve_allocation(p, o, s2, l2, false, /*aggregate=*/true);
    EXPECT_NEAR(per_job.objective, classes.objective, 1e-9) << to_string(o);
    EXPECT_EQ(per_job.classes, 10);
    EXPECT_EQ(classes.classes, 3);
    for (int k = 0; k < 2; ++k) EXPECT_DOUBLE_EQ(classes.at(0, k, 2), classes.at(9, k, 2));
  }
}

TEST(AllocationLp, WarmStartGivesTheColdAnswer) {
  lp::Solver warm;
  lp::LinearProgram scratch;
  AllocationProblem p = two_types(kAB, {10.0, 30.0});
  solve_allocation(p, AllocationObjective::Makespan, warm, scratch);
  p.jobs[1].remaining = 12.0;  // the next round: work done, same structure
  const AllocationResult w = solve_allocation(p, AllocationObjective::Makespan, warm, scratch, true);
  EXPECT_TRUE(w.warm);
  const AllocationResult c = solve(p, AllocationObjective::Makespan, true);
  EXPECT_FALSE(c.warm);
  for (size_t i = 0; i < c.x.size(); ++i) EXPECT_NEAR(w.x[i], c.x[i], 1e-9);
}

TEST(AllocationLp, ASolverThatStopsIsAnErrorNamingTheLp) {
  lp::Solver solver;
  solver.set_limits(10, 0);  // no iterations allowed
  lp::LinearProgram scratch;
  try {
    solve_allocation(two_types(kAB), AllocationObjective::MaxMin, solver, scratch);
    FAIL() << "no error";
  } catch (const DecisionError& e) {
    EXPECT_NE(std::string(e.what()).find("LP (max-min, allocation, 2 jobs, 2 node types): the solver stopped at its time or "
                                         "iteration limit"),
              std::string::npos)
        << e.what();
  }
}

TEST(AllocationLp, InfeasibleProgramsNameTheViolatedRow) {
  lp::LinearProgram lp(lp::Sense::Minimise);
  const int x = lp.add_column(0, 1, 1);
  const int r = lp.add_row(2, lp::kInf);  // x >= 2 with x <= 1
  lp.set(r, x, 1.0);
  lp::Solver solver;
  const lp::Solution s = solver.solve(lp);
  EXPECT_EQ(s.status, lp::Status::Infeasible);
  EXPECT_EQ(s.worst_row, r);
}

TEST(AllocationLp, BadProblemsAreInputErrorsNamingTheJob) {
  AllocationProblem p = two_types(kAB);
  p.jobs[1].remaining = 0;
  try {
    p.validate();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "LP: job 1: remaining work must be > 0, got 0.000000");
  }
  EXPECT_THROW(parse_allocation_objective("fastest"), InputError);
}

// ---------------------------------------------------------------------------------------------
// Policies on rounds

namespace {

// GPU jobs of one worker; type 0 ("fast") and type 1 ("slow") nodes of one GPU each.
JobSpec gpu_job(int64_t id, int64_t submit, int64_t runtime, int32_t gpus = 1) {
  JobSpec j = job(id, submit, runtime, gpus);
  j.per_task = Resources{0, 1000, 0};
  return j;
}

Cluster fast_and_slow(int64_t gpus_per_node = 1) {
  Cluster c;
  const uint32_t fast = c.add_node_type(NodeType{"fast", Resources{0, 1000 * gpus_per_node, 0}, "V100"});
  const uint32_t slow = c.add_node_type(NodeType{"slow", Resources{0, 1000 * gpus_per_node, 0}, "K80"});
  c.add_nodes(fast, 1);
  c.add_nodes(slow, 1);
  return c;
}

// Job type 0 runs 4x faster on "fast" than on "slow" (rate 1 vs 0.25), job type 1 2x (1 vs 0.5).
class TwoSpeedUps : public SpeedModel {
 public:
  double rate(const EngineView& v, JobId j, std::span<const Slot> p) const override {
    const bool fast = v.cluster().type_index(p.front().node) == 0;
    if (fast) return 1.0;
    return v.spec(j).job_type == 0 ? 0.25 : 0.5;
  }
};

// Records every start, preemption and finish time.
class Changes : public Observer {
 public:
  void on_job_start(const EngineView& v, JobId) override { starts.push_back(v.now().seconds()); }
  void on_job_preempt(const EngineView& v, JobId) override { preempts.push_back(v.now().seconds()); }
  std::vector<double> starts, preempts;
};

}  // namespace

TEST(RrTimeshare, JobsTakeTurnsRoundByRound) {
  // Three 1-GPU jobs of 20 s on one 2-GPU node, 10 s rounds. Round 0: A, B (arrival order).
  // Round 1 (t=10): C has never run, then A (ties by arrival): B is preempted. At t=20 A has
  // done 20 s and finishes; round 2 runs B and C (10 s each left): both finish at 30.
  Cluster c = Cluster::homogeneous(1, Resources{0, 2000, 0});
  Engine e(c, sorted({gpu_job(1, 0, 20), gpu_job(2, 0, 20), gpu_job(3, 0, 20)}), {.round_interval = Time::from_seconds(10)});
  auto p = PolicyRegistry::builtin().make("rr-timeshare", {{"round", "10"}});
  e.run(*p);
  EXPECT_DOUBLE_EQ(e.record(JobId(0)).end.seconds(), 20);
  EXPECT_DOUBLE_EQ(e.record(JobId(1)).end.seconds(), 30);
  EXPECT_DOUBLE_EQ(e.record(JobId(2)).end.seconds(), 30);
  EXPECT_EQ(e.record(JobId(1)).preemptions, 1u);
  EXPECT_EQ(e.record(JobId(0)).preemptions, 0u);
}

TEST(LpPolicy, ThroughputObjectiveRunsTheBigSpeedUpOnTheFastGpu) {
  // Two long jobs, type 0 (4x speed-up) and type 1 (2x): the throughput LP puts job type 0 on
  // the fast GPU for good, job type 1 on the slow one; no job ever moves.
  JobSpec a = gpu_job(1, 0, 3600), b = gpu_job(2, 0, 3600);
  a.job_type = 0;
  b.job_type = 1;
  Engine e(fast_and_slow(), sorted({a, b}), {.round_interval = Time::from_seconds(360)});
  TwoSpeedUps speed;
  e.set_speed_model(&speed);
  auto p = PolicyRegistry::builtin().make("lp", {{"objective", "throughput"}});
  e.run(*p);
  EXPECT_DOUBLE_EQ(e.record(JobId(0)).end.seconds(), 3600);      // all the time on fast
  EXPECT_DOUBLE_EQ(e.record(JobId(1)).end.seconds(), 3600 + 1800);  // 3600 s at 0.5 on slow, then fast
  EXPECT_EQ(e.record(JobId(0)).preemptions + e.record(JobId(0)).migrations, 0u);
}

TEST(LpPolicy, LeasesChangeOnlyAtRoundBoundaries) {
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 12; ++i) {
    JobSpec j = gpu_job(i + 1, 37 * i, 500 + 130 * i);
    j.job_type = i % 2;
    jobs.push_back(j);
  }
  Engine e(fast_and_slow(2), sorted(jobs), {.round_interval = Time::from_seconds(100), .check_invariants = true});
  TwoSpeedUps speed;
  e.set_speed_model(&speed);
  Changes changes;
  e.add_observer(&changes);
  auto p = PolicyRegistry::builtin().make("lp", {{"objective", "max-min"}});
  e.run(*p);
  EXPECT_EQ(e.finished_count(), 12);
  for (double t : changes.starts) EXPECT_DOUBLE_EQ(std::fmod(t, 100.0), 0.0) << t;
  for (double t : changes.preempts) EXPECT_DOUBLE_EQ(std::fmod(t, 100.0), 0.0) << t;
  const auto* lp = dynamic_cast<const LpPolicy*>(p.get());
  ASSERT_NE(lp, nullptr);
  EXPECT_GT(lp->solves(), 5);
  EXPECT_GT(lp->warm_solves(), 0);
}

TEST(LpPolicy, SameInputSameSchedule) {
  auto run = [] {
    std::vector<JobSpec> jobs;
    for (int i = 0; i < 20; ++i) {
      JobSpec j = gpu_job(i + 1, 50 * i, 300 + 97 * (i % 7), 1 + (i % 3 == 0));
      j.job_type = i % 2;
      jobs.push_back(j);
    }
    Engine e(fast_and_slow(2), sorted(jobs), {.round_interval = Time::from_seconds(60)});
    TwoSpeedUps speed;
    e.set_speed_model(&speed);
    auto p = PolicyRegistry::builtin().make("lp", {{"objective", "makespan"}});
    e.run(*p);
    std::vector<int64_t> ends;
    for (const JobRecord& r : e.records()) ends.push_back(r.end.us());
    return ends;
  };
  EXPECT_EQ(run(), run());
}

TEST(LpPolicy, WithoutEngineRoundsItSchedulesItsOwn) {
  // No round interval in the engine: the policy wakes itself every round.
  Engine e(fast_and_slow(), sorted({gpu_job(1, 0, 100), gpu_job(2, 0, 100), gpu_job(3, 0, 100)}));
  auto p = PolicyRegistry::builtin().make("lp", {{"round", "50"}});
  e.run(*p);
  EXPECT_EQ(e.finished_count(), 3);
}

TEST(LpPolicy, ParametersAreChecked) {
  EXPECT_THROW(PolicyRegistry::builtin().make("lp", {{"objective", "fastest"}}), InputError);
  EXPECT_THROW(PolicyRegistry::builtin().make("lp", {{"round", "0"}}), InputError);
  EXPECT_THROW(PolicyRegistry::builtin().make("lp", {{"rounds", "10"}}), InputError);
  EXPECT_EQ(PolicyRegistry::builtin().make("lp", {{"round", "120"}})->round_interval(), Time::from_seconds(120));
}

TEST(RoundPolicies, GpuSharesAndWholeGpusArePlannedExactly) {
  // Two nodes of 2 GPUs; jobs of 0.6 GPU (share tasks: two never fit one GPU) mixed with
  // whole-GPU jobs. Node-level sums would over-commit GPUs here; the planner works on an exact
  // copy of the cluster, so every lease it hands the engine fits and every job finishes.
  Cluster c = Cluster::homogeneous(2, Resources{8, 2000, 0});
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 24; ++i) {
    JobSpec j = job(i + 1, 20 * i, 200 + 70 * (i % 5), i % 3 == 0 ? 2 : 1);
    j.per_task = i % 2 == 0 ? Resources{1, 600, 0} : Resources{1, 1000, 0};
    jobs.push_back(j);
  }
  for (const char* policy : {"lp", "rr-timeshare"}) {
    Engine e(c, sorted(jobs), {.round_interval = Time::from_seconds(60), .restore_delay = Time::from_seconds(5),
                              .check_invariants = true});
    auto p = PolicyRegistry::builtin().make(policy);
    e.run(*p);
    EXPECT_EQ(e.finished_count(), 24) << policy;
  }
}
