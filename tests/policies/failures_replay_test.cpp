// Whole replays with node failures on: no job is lost, and a seed gives the same run.
#include <gtest/gtest.h>

#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "traces/swf.hpp"
#include "workloads/failures.hpp"
#include "workloads/transforms.hpp"

using namespace clustersim;

namespace {

struct Outcome {
  std::vector<JobRecord> records;
  RunSummary summary;
};

// 2,000 Lublin-1 jobs on 256 one-core nodes, EASY, each node failing every 500 h on average
// (about 30 failures over the replay) and repaired in 5 h.
Outcome replay(OnNodeFailure on_failure, uint64_t seed) {
  Workload w = take(read_swf(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf"), 2000);
  Engine e(Cluster::homogeneous(256, Resources{1, 0, 0}), std::move(w.jobs),
           {.restore_delay = Time::from_seconds(30), .check_invariants = true, .on_node_failure = on_failure,
            .checkpoint_interval = Time::from_seconds(1800)});
  MtbfFailureSource failures(256, e.now(), {.mtbf_hours = 500, .mttr_hours = 5, .seed = seed});
  e.set_node_events(&failures);
  auto p = PolicyRegistry::builtin().make("easy");
  e.run(*p);
  return {std::vector<JobRecord>(e.records().begin(), e.records().end()), summarize(e)};
}

}  // namespace

TEST(FailuresReplay, RequeuedJobsAllFinishAndTheHistoryIsKept) {
  const Outcome o = replay(OnNodeFailure::Requeue, 5);
  EXPECT_EQ(o.summary.finished, 2000);
  EXPECT_EQ(o.summary.unfinished, 0);
  EXPECT_GT(o.summary.kills, 0);
  int64_t kills = 0;
  double lost = 0;
  for (const JobRecord& r : o.records) {
    kills += r.kills;
    lost += r.lost_us;
    EXPECT_LE(r.lost_us, static_cast<double>(r.kills) * 1800e6);  // at most one interval per kill
  }
  EXPECT_EQ(kills, o.summary.kills);
  EXPECT_DOUBLE_EQ(lost / 1e6, o.summary.lost_work_s);
}

TEST(FailuresReplay, FailedJobsAreCountedNotLost) {
  const Outcome o = replay(OnNodeFailure::Fail, 5);
  EXPECT_GT(o.summary.failed, 0);
  EXPECT_EQ(o.summary.finished + o.summary.failed + o.summary.rejected, 2000);
  EXPECT_EQ(o.summary.failed, o.summary.kills);
}

TEST(FailuresReplay, ASeedGivesTheSameRunBitForBit) {
  const Outcome a = replay(OnNodeFailure::Requeue, 9), b = replay(OnNodeFailure::Requeue, 9);
  ASSERT_EQ(a.records.size(), b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    EXPECT_EQ(a.records[i].first_start, b.records[i].first_start);
    EXPECT_EQ(a.records[i].end, b.records[i].end);
    EXPECT_EQ(a.records[i].kills, b.records[i].kills);
    EXPECT_EQ(a.records[i].lost_us, b.records[i].lost_us);
  }
  const Outcome c = replay(OnNodeFailure::Requeue, 10);
  EXPECT_NE(a.summary.kills + a.summary.lost_work_s, c.summary.kills + c.summary.lost_work_s);
}
