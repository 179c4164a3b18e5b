// Workload statistics on a hand-built workload where every number is computed by hand.
#include "workloads/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace clustersim {
namespace {

JobSpec job(int64_t id, int64_t submit_s, int64_t runtime_s, int32_t tasks, int64_t walltime_s,
            int32_t user, int32_t status) {
  JobSpec j;
  j.trace_id = id;
  j.submit = Time::from_seconds(submit_s);
  j.runtime = Time::from_seconds(runtime_s);
  j.walltime = Time::from_seconds(walltime_s);
  j.tasks = tasks;
  j.user = user;
  j.status = status;
  return j;
}

// submit  runtime  tasks  walltime  user  status
//    0      10       1       20       1      1
//   10      20       2       20       2      1
//   30      30       4       60       1      0
//   60      40       3       40      -1      5
Workload four_jobs() {
  Workload w;
  w.machine.max_procs = 8;
  w.jobs = {job(1, 0, 10, 1, 20, 1, 1), job(2, 10, 20, 2, 20, 2, 1), job(3, 30, 30, 4, 60, 1, 0),
            job(4, 60, 40, 3, 40, -1, 5)};
  return w;
}

TEST(Stats, CountsJobsUsersSpanAndStatuses) {
  const WorkloadStats s = compute_stats(four_jobs(), 8);
  EXPECT_EQ(s.jobs, 4);
  EXPECT_EQ(s.users, 2);
  EXPECT_EQ(s.jobs_without_user, 1);
  EXPECT_EQ(s.first_submit, Time::zero());
  EXPECT_EQ(s.last_submit, Time::from_seconds(60));
  EXPECT_EQ(s.span, Time::from_seconds(60));
  EXPECT_EQ(s.jobs_per_status, (std::map<int32_t, int64_t>{{0, 1}, {1, 2}, {5, 1}}));
}

TEST(Stats, OfferedLoadIsWorkOverSpanTimesMachine) {
  // (10*1 + 20*2 + 30*4 + 40*3) / (60 * 8) = 290 / 480.
  EXPECT_DOUBLE_EQ(compute_stats(four_jobs(), 8).offered_load, 290.0 / 480.0);
  // machine_procs 0 takes the workload's hint (8); 16 halves the load.
  EXPECT_DOUBLE_EQ(compute_stats(four_jobs()).offered_load, 290.0 / 480.0);
  EXPECT_EQ(compute_stats(four_jobs()).machine_procs, 8);
  EXPECT_DOUBLE_EQ(compute_stats(four_jobs(), 16).offered_load, 290.0 / 960.0);
}

TEST(Stats, SizeDistribution) {
  // Sorted sizes 1, 2, 3, 4. Type-7 quantiles: h = 3q; p90 at h = 2.7 -> 3 + 0.7 = 3.7.
  const WorkloadStats s = compute_stats(four_jobs(), 8);
  EXPECT_DOUBLE_EQ(s.size.min, 1);
  EXPECT_DOUBLE_EQ(s.size.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.size.median, 2.5);
  EXPECT_DOUBLE_EQ(s.size.p90, 3.7);
  EXPECT_DOUBLE_EQ(s.size.p99, 3.97);
  EXPECT_DOUBLE_EQ(s.size.max, 4);
  EXPECT_DOUBLE_EQ(s.size_frac_serial, 0.25);  // the 1
  EXPECT_DOUBLE_EQ(s.size_frac_pow2, 0.5);     // 2 and 4; 1 is counted as serial only
}

TEST(Stats, RuntimeDistribution) {
  // Sorted runtimes 10, 20, 30, 40 s: p90 at h = 2.7 -> 37, p99 at h = 2.97 -> 39.7.
  const WorkloadStats s = compute_stats(four_jobs(), 8);
  EXPECT_DOUBLE_EQ(s.runtime_s.min, 10);
  EXPECT_DOUBLE_EQ(s.runtime_s.mean, 25);
  EXPECT_DOUBLE_EQ(s.runtime_s.median, 25);
  EXPECT_DOUBLE_EQ(s.runtime_s.p90, 37);
  EXPECT_DOUBLE_EQ(s.runtime_s.p99, 39.7);
  EXPECT_DOUBLE_EQ(s.runtime_s.max, 40);
}

TEST(Stats, InterArrivalMeanAndCoefficientOfVariation) {
  // Gaps 10, 20, 30 s: mean 20, population sd sqrt(200/3), cv = sqrt(200/3) / 20.
  const WorkloadStats s = compute_stats(four_jobs(), 8);
  EXPECT_DOUBLE_EQ(s.interarrival_mean_s, 20);
  EXPECT_NEAR(s.interarrival_cv, std::sqrt(200.0 / 3) / 20, 1e-15);
}

TEST(Stats, EstimateAccuracyIsTheMeanRuntimeOverWalltime) {
  // 10/20, 20/20, 30/60, 40/40 -> (0.5 + 1 + 0.5 + 1) / 4.
  const WorkloadStats s = compute_stats(four_jobs(), 8);
  EXPECT_TRUE(s.estimates_differ);
  EXPECT_DOUBLE_EQ(s.estimate_accuracy, 0.75);
  Workload exact = four_jobs();
  for (JobSpec& j : exact.jobs) j.walltime = j.runtime;
  EXPECT_FALSE(compute_stats(exact, 8).estimates_differ);
}

TEST(Stats, EmptyAndSingleJobWorkloadsGiveZeros) {
  const WorkloadStats empty = compute_stats(Workload{}, 8);
  EXPECT_EQ(empty.jobs, 0);
  EXPECT_EQ(empty.offered_load, 0);
  EXPECT_EQ(empty.size.max, 0);
  Workload one;
  one.jobs = {job(1, 5, 10, 2, 10, 0, 1)};
  const WorkloadStats s = compute_stats(one, 8);
  EXPECT_EQ(s.span, Time::zero());
  EXPECT_EQ(s.offered_load, 0);
  EXPECT_EQ(s.interarrival_mean_s, 0);
  EXPECT_EQ(s.interarrival_cv, 0);
  EXPECT_DOUBLE_EQ(s.size.median, 2);
  EXPECT_NO_THROW(format_stats(empty));
}

TEST(Stats, UnknownMachineSizeGivesNoLoad) {
  Workload w = four_jobs();
  w.machine = {};
  const WorkloadStats s = compute_stats(w);
  EXPECT_EQ(s.machine_procs, 0);
  EXPECT_EQ(s.offered_load, 0);
  EXPECT_NE(format_stats(s).find("n/a (machine size unknown)"), std::string::npos);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(FormatStats, PrintsEveryItemInAlignedColumns) {
  const std::string text = format_stats(compute_stats(four_jobs(), 8));
  const std::vector<std::string> lines = lines_of(text);
  const std::vector<std::string> expected = {
      "jobs                4",
      "users               2 (1 jobs without a user)",
      "first submit        0 s",
      "span                60 s (0.00 days)",
      "machine procs       8",
      "offered load        0.604",
      "                             min        mean      median         p90         p99         "
      "max",
      "size (tasks)                   1        2.50        2.50        3.70        3.97           "
      "4",
      "runtime (s)                   10          25          25          37       39.70          "
      "40",
      "serial jobs         25.0 %",
      "power-of-two jobs   50.0 % (sizes 2, 4, 8, ...)",
      "inter-arrival (s)   mean 20.00, cv 0.408",
      "estimate accuracy   0.750 (mean runtime / walltime)",
      "jobs per status     0: 1, 1: 2, 5: 1",
  };
  EXPECT_EQ(lines, expected) << text;
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace clustersim
