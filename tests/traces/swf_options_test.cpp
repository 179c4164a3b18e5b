// SwfOptions: where processors and estimates come from, which jobs are skipped and counted,
// the CLI names of the choices, and validation.
#include <gtest/gtest.h>

#include "sim/error.hpp"
#include "traces/swf.hpp"
#include "traces/swf_test_util.hpp"

namespace clustersim {
namespace {

using swf_test::record;

// Job 1: allocated 4, requested 8, requested time 100 s, runs 10 s.
// Job 2: allocated missing, requested 16. Job 3: allocated 2, requested missing.
const std::string kProcs = record(1, "0", "10", "4", "8", "100") +
                           record(2, "1", "10", "-1", "16", "0") +
                           record(3, "2", "10", "2", "-1", "-1");

std::vector<int32_t> tasks_of(const Workload& w) {
  std::vector<int32_t> v;
  for (const JobSpec& j : w.jobs) v.push_back(j.tasks);
  return v;
}

TEST(SwfOptions, DefaultTakesAllocatedProcessorsElseRequested) {
  EXPECT_EQ(tasks_of(parse_swf(kProcs, "t.swf")), (std::vector<int32_t>{4, 16, 2}));
}

TEST(SwfOptions, RequestedProcsSourceTakesRequestedElseAllocated) {
  SwfOptions o;
  o.procs = ProcsSource::RequestedElseAllocated;
  EXPECT_EQ(tasks_of(parse_swf(kProcs, "t.swf", o)), (std::vector<int32_t>{8, 16, 2}));
}

TEST(SwfOptions, MaxProcsSourceTakesTheLargerCount) {
  SwfOptions o;
  o.procs = ProcsSource::MaxOfBoth;
  EXPECT_EQ(tasks_of(parse_swf(kProcs, "t.swf", o)), (std::vector<int32_t>{8, 16, 2}));
}

TEST(SwfOptions, WalltimeIsRequestedTimeWhenPositiveElseRuntime) {
  const Workload w = parse_swf(kProcs, "t.swf");
  EXPECT_EQ(w.jobs[0].walltime, Time::from_seconds(100));
  EXPECT_EQ(w.jobs[1].walltime, Time::from_seconds(10));  // requested time 0
  EXPECT_EQ(w.jobs[2].walltime, Time::from_seconds(10));  // requested time missing
}

TEST(SwfOptions, RuntimeEstimateIgnoresRequestedTime) {
  SwfOptions o;
  o.estimate = EstimateSource::Runtime;
  for (const JobSpec& j : parse_swf(kProcs, "t.swf", o).jobs) EXPECT_EQ(j.walltime, j.runtime);
}

TEST(SwfOptions, SkipsAndCountsJobsWithoutProcessorsRuntimeOrSubmit) {
  const std::string text = record(1, "0", "10", "-1", "-1") + record(2, "0", "0", "4") +
                           record(3, "0", "-1", "4") + record(4, "-1", "5", "4") +
                           record(5, "0", "5", "0", "0") + record(6, "9", "5", "1");
  const Workload w = parse_swf(text, "t.swf");
  ASSERT_EQ(w.jobs.size(), 1u);
  EXPECT_EQ(w.jobs[0].trace_id, 6);
  EXPECT_EQ(w.skipped.at(swf_skip::kNoProcs), 2);
  EXPECT_EQ(w.skipped.at(swf_skip::kRuntime), 2);
  EXPECT_EQ(w.skipped.at(swf_skip::kNoSubmit), 1);
  EXPECT_EQ(w.skipped_total(), 5);
}

TEST(SwfOptions, SkipCancelledAndSkipFailedDropAndCountByStatus) {
  const std::string text = record(1, "0", "10", "1", "-1", "-1", "1") +
                           record(2, "1", "10", "1", "-1", "-1", "0") +
                           record(3, "2", "10", "1", "-1", "-1", "5") +
                           record(4, "3", "10", "1", "-1", "-1", "5");
  EXPECT_EQ(parse_swf(text, "t.swf").jobs.size(), 4u);  // kept by default

  SwfOptions cancelled;
  cancelled.skip_cancelled = true;
  const Workload a = parse_swf(text, "t.swf", cancelled);
  EXPECT_EQ(a.jobs.size(), 2u);
  EXPECT_EQ(a.skipped.at(swf_skip::kCancelled), 2);
  EXPECT_EQ(a.skipped.count(swf_skip::kFailed), 0u);
  EXPECT_EQ(a.jobs[1].status, 0);

  SwfOptions failed;
  failed.skip_failed = true;
  const Workload b = parse_swf(text, "t.swf", failed);
  EXPECT_EQ(b.jobs.size(), 3u);
  EXPECT_EQ(b.skipped.at(swf_skip::kFailed), 1);
}

TEST(SwfOptions, CopiesUserGroupQueuePartitionAndStatus) {
  const Workload w =
      parse_swf("9 5 -1 60 2 -1 -1 -1 -1 -1 3 41 42 43 44 45 -1 -1\n", "t.swf");
  ASSERT_EQ(w.jobs.size(), 1u);
  const JobSpec& j = w.jobs[0];
  EXPECT_EQ(j.trace_id, 9);
  EXPECT_EQ(j.status, 3);
  EXPECT_EQ(j.user, 41);
  EXPECT_EQ(j.group, 42);
  EXPECT_EQ(j.queue, 44);
  EXPECT_EQ(j.partition, 45);
  EXPECT_EQ(j.job_type, -1);
}

TEST(SwfOptions, MaxJobsStopsAfterThatManyJobsInFileOrder) {
  SwfOptions o;
  o.max_jobs = 2;
  const std::string text = record(1, "0", "0", "1") + record(2, "5", "1", "1") +
                           record(3, "1", "1", "1") + record(4, "2", "1", "1");
  const Workload w = parse_swf(text, "t.swf", o);
  ASSERT_EQ(w.jobs.size(), 2u);
  EXPECT_EQ(w.jobs[0].trace_id, 3);  // sorted after loading
  EXPECT_EQ(w.jobs[1].trace_id, 2);
  EXPECT_EQ(parse_swf_records(text, "t.swf", o).records.size(), 2u);
}

TEST(SwfOptions, ChoiceNamesRoundTripAndUnknownNamesListTheValidOnes) {
  for (auto s : {ProcsSource::AllocatedElseRequested, ProcsSource::RequestedElseAllocated,
                 ProcsSource::MaxOfBoth}) {
    EXPECT_EQ(parse_procs_source(to_string(s)), s);
  }
  for (auto s : {EstimateSource::RequestedElseRuntime, EstimateSource::Runtime}) {
    EXPECT_EQ(parse_estimate_source(to_string(s)), s);
  }
  EXPECT_EQ(to_string(ProcsSource::MaxOfBoth), "max");
  EXPECT_EQ(to_string(EstimateSource::Runtime), "runtime");
  try {
    parse_procs_source("alloc");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "swf procs source: expected one of allocated, requested, max; found 'alloc'");
  }
  EXPECT_THROW(parse_estimate_source("Requested"), InputError);
}

TEST(SwfOptions, ValidateNamesTheFieldAndTheValue) {
  SwfOptions o;
  EXPECT_NO_THROW(o.validate());
  o.max_jobs = -3;
  try {
    o.validate();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "SwfOptions.max_jobs: expected >= 0 (0 = all), found -3");
  }
  EXPECT_THROW(parse_swf("", "t.swf", o), InputError);
}

}  // namespace
}  // namespace clustersim
