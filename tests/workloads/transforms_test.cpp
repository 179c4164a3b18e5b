// Transforms on small hand-built workloads whose results are worked out by hand.
#include "workloads/transforms.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/error.hpp"

namespace clustersim {
namespace {

// Five jobs (trace ids 1..5) submitted at 100, 110, 130, 160, 200 s with 1..5 tasks.
Workload five_jobs() {
  Workload w;
  w.name = "hand";
  w.machine.max_procs = 64;
  w.skipped["runtime <= 0"] = 2;
  const std::vector<int64_t> submits = {100, 110, 130, 160, 200};
  for (std::size_t i = 0; i < submits.size(); ++i) {
    JobSpec j;
    j.trace_id = static_cast<int64_t>(i) + 1;
    j.submit = Time::from_seconds(submits[i]);
    j.runtime = Time::from_seconds(10);
    j.walltime = Time::from_seconds(20);
    j.tasks = static_cast<int32_t>(i) + 1;
    w.jobs.push_back(j);
  }
  return w;
}

std::vector<int64_t> ids(const Workload& w) {
  std::vector<int64_t> out;
  for (const JobSpec& j : w.jobs) out.push_back(j.trace_id);
  return out;
}

std::vector<int64_t> submits_us(const Workload& w) {
  std::vector<int64_t> out;
  for (const JobSpec& j : w.jobs) out.push_back(j.submit.us());
  return out;
}

TEST(Take, ReturnsNConsecutiveJobsFromOffset) {
  const Workload w = five_jobs();
  const Workload t = take(w, 2, 1);
  EXPECT_EQ(ids(t), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.jobs[0].submit, Time::from_seconds(110));  // times are not moved
  EXPECT_EQ(ids(take(w, 3)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ids(take(w, 1, 4)), (std::vector<int64_t>{5}));
  EXPECT_TRUE(take(w, 0, 5).jobs.empty());
}

TEST(Take, KeepsMachineSkippedCountsAndRecordsItselfInTheName) {
  const Workload t = take(five_jobs(), 2, 1);
  EXPECT_EQ(t.machine.max_procs, 64);
  EXPECT_EQ(t.skipped.at("runtime <= 0"), 2);
  EXPECT_EQ(t.name, "hand | take(2,1)");
}

TEST(Take, OutOfRangeIsAnError) {
  const Workload w = five_jobs();
  EXPECT_THROW(take(w, 2, 4), InputError);
  EXPECT_THROW(take(w, 6, 0), InputError);
  EXPECT_THROW(take(w, -1, 0), InputError);
  EXPECT_THROW(take(w, 1, -1), InputError);
  try {
    take(w, 2, 4);
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "take: jobs [4, 6) out of range: the workload has 5 jobs");
  }
}

TEST(TakeRandom, IsDeterministicAndContiguous) {
  const Workload w = five_jobs();
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const Workload a = take_random(w, 3, seed);
    EXPECT_EQ(ids(a), ids(take_random(w, 3, seed)));
    ASSERT_EQ(a.jobs.size(), 3u);
    EXPECT_EQ(a.jobs[1].trace_id, a.jobs[0].trace_id + 1);
    EXPECT_EQ(a.jobs[2].trace_id, a.jobs[0].trace_id + 2);
  }
}

TEST(TakeRandom, ReachesEveryStartAndRejectsTooMany) {
  const Workload w = five_jobs();
  std::vector<bool> seen(3, false);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    seen[static_cast<std::size_t>(take_random(w, 3, seed).jobs[0].trace_id - 1)] = true;
  }
  EXPECT_EQ(seen, (std::vector<bool>{true, true, true}));
  EXPECT_EQ(ids(take_random(w, 5, 9)), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_THROW(take_random(w, 6, 1), InputError);
}

TEST(ScaleLoad, FactorTwoHalvesEveryGap) {
  // Gaps 10, 20, 30, 40 s become 5, 10, 15, 20 s; the first job stays at 100 s.
  const Workload s = scale_load(five_jobs(), 2.0);
  EXPECT_EQ(submits_us(s), (std::vector<int64_t>{100'000'000, 105'000'000, 115'000'000, 130'000'000,
                                                 150'000'000}));
  EXPECT_EQ(s.jobs[0].runtime, Time::from_seconds(10));  // runtimes are kept
  EXPECT_EQ(s.name, "hand | scale_load(2)");
}

TEST(ScaleLoad, FactorBelowOneStretches) {
  const Workload s = scale_load(five_jobs(), 0.5);
  EXPECT_EQ(submits_us(s), (std::vector<int64_t>{100'000'000, 120'000'000, 160'000'000, 220'000'000,
                                                 300'000'000}));
}

TEST(ScaleLoad, RoundsToTheNearestMicrosecondHalvesAwayFromZero) {
  Workload w;
  for (int64_t us : {7, 8, 10, 11}) {
    JobSpec j;
    j.submit = Time::from_us(us);
    w.jobs.push_back(j);
  }
  // Offsets 0, 1, 3, 4 us / 2 = 0, 0.5, 1.5, 2 -> 0, 1, 2, 2.
  EXPECT_EQ(submits_us(scale_load(w, 2.0)), (std::vector<int64_t>{7, 8, 9, 9}));
  // Offsets / 3 = 0, 0.33, 1, 1.33 -> 0, 0, 1, 1.
  EXPECT_EQ(submits_us(scale_load(w, 3.0)), (std::vector<int64_t>{7, 7, 8, 8}));
}

TEST(ScaleLoad, RejectsFactorsThatAreNotPositive) {
  EXPECT_THROW(scale_load(five_jobs(), 0.0), InputError);
  EXPECT_THROW(scale_load(five_jobs(), -1.0), InputError);
  EXPECT_THROW(scale_load(five_jobs(), 1.0 / 0.0), InputError);
  EXPECT_TRUE(scale_load(Workload{}, 2.0).jobs.empty());
}

TEST(TimeWindow, KeepsSubmitsInTheHalfOpenInterval) {
  const Workload w = five_jobs();
  EXPECT_EQ(ids(time_window(w, Time::from_seconds(110), Time::from_seconds(160))),
            (std::vector<int64_t>{2, 3}));  // 160 is excluded
  EXPECT_EQ(ids(time_window(w, Time::from_seconds(0), Time::from_seconds(101))),
            (std::vector<int64_t>{1}));
  EXPECT_EQ(ids(time_window(w, Time::from_seconds(200), Time::max())), (std::vector<int64_t>{5}));
  EXPECT_TRUE(time_window(w, Time::from_seconds(120), Time::from_seconds(120)).jobs.empty());
  EXPECT_THROW(time_window(w, Time::from_seconds(2), Time::from_seconds(1)), InputError);
}

TEST(Filter, KeepsTheJobsThePredicateAccepts) {
  const Workload f = filter(five_jobs(), [](const JobSpec& j) { return j.tasks % 2 == 1; });
  EXPECT_EQ(ids(f), (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(f.name, "hand | filter");
}

TEST(ShiftToZero, MovesTheFirstSubmitToZeroKeepingGaps) {
  const Workload s = shift_to_zero(five_jobs());
  EXPECT_EQ(submits_us(s),
            (std::vector<int64_t>{0, 10'000'000, 30'000'000, 60'000'000, 100'000'000}));
  EXPECT_TRUE(shift_to_zero(Workload{}).jobs.empty());
}

TEST(Transforms, LeaveTheirInputUnchanged) {
  const Workload w = five_jobs();
  (void)scale_load(w, 4.0);
  (void)shift_to_zero(w);
  EXPECT_EQ(submits_us(w), submits_us(five_jobs()));
}

TEST(Transforms, ComposeIntoADescriptiveName) {
  const Workload w = shift_to_zero(take(scale_load(five_jobs(), 2.0), 3, 1));
  EXPECT_EQ(w.name, "hand | scale_load(2) | take(3,1) | shift_to_zero");
  EXPECT_EQ(submits_us(w), (std::vector<int64_t>{0, 10'000'000, 25'000'000}));
}

TEST(Transforms, DocExampleSkipsWarmUpAndStartsTheClockAtZero) {
  // docs/workloads.md: shift_to_zero(take(scale_load(w, 1.2), 5000, 1000)), scaled down.
  const Workload w = shift_to_zero(take(scale_load(five_jobs(), 1.25), 2, 1));
  // Offsets 10 and 30 s / 1.25 = 8 and 24 s after the first job; shifted: 0 and 16 s.
  EXPECT_EQ(submits_us(w), (std::vector<int64_t>{0, 16'000'000}));
  EXPECT_EQ(ids(w), (std::vector<int64_t>{2, 3}));
}

}  // namespace
}  // namespace clustersim
