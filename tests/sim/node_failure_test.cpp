// Node failures: which jobs die, what work they lose, how they come back, all by hand.
#include <gtest/gtest.h>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

NodeEvent fail(int64_t t, uint32_t node) { return {Time::from_seconds(t), NodeId(node), false}; }
NodeEvent repair(int64_t t, uint32_t node) { return {Time::from_seconds(t), NodeId(node), true}; }

// One job of 100 s on one node that fails at 30 s and is repaired at 50 s.
// `failed` and `down`: the engine's failed-job and down-node counts at the end.
JobRecord one_job_one_failure(EngineConfig config, std::vector<NodeEvent> events, int64_t* failed = nullptr,
                              int64_t* down = nullptr) {
  config.check_invariants = true;
  Engine e(Cluster::homogeneous(1, Resources{1, 0, 0}), sorted({job(1, 0, 100, 1)}), config);
  NodeEventList list(std::move(events));
  e.set_node_events(&list);
  FnPolicy p(greedy);
  e.run(p);
  if (failed) *failed = e.failed_count();
  if (down) *down = e.nodes_down();
  return e.record(JobId(0));
}

}  // namespace

TEST(NodeFailure, WithoutCheckpointsAKilledJobRestartsFromScratch) {
  // Killed at 30 (30 s lost), re-queued, restarted at the repair (50): ends at 150.
  int64_t down = -1;
  const JobRecord r = one_job_one_failure({}, {fail(30, 0), repair(50, 0)}, nullptr, &down);
  EXPECT_EQ(down, 0);
  EXPECT_EQ(r.state, JobState::Finished);
  EXPECT_EQ(r.end, Time::from_seconds(150));
  EXPECT_EQ(r.first_start, Time::zero());
  EXPECT_EQ(r.kills, 1u);
  EXPECT_DOUBLE_EQ(r.lost_us, 30e6);
}

TEST(NodeFailure, PeriodicCheckpointsBoundTheLoss) {
  // Checkpoints every 20 s of work: at 30 the last one is at 20, 10 s are lost, 80 remain;
  // with a 5 s restore delay it resumes at 50 and ends at 50 + 5 + 80 = 135.
  const JobRecord r = one_job_one_failure(
      {.restore_delay = Time::from_seconds(5), .checkpoint_interval = Time::from_seconds(20)},
      {fail(30, 0), repair(50, 0)});
  EXPECT_EQ(r.end, Time::from_seconds(135));
  EXPECT_DOUBLE_EQ(r.lost_us, 10e6);
  EXPECT_DOUBLE_EQ(r.saved_us, 20e6);
}

TEST(NodeFailure, FailPolicyEndsTheJob) {
  int64_t failed = 0, down = 0;
  const JobRecord r = one_job_one_failure({.on_node_failure = OnNodeFailure::Fail}, {fail(30, 0), repair(50, 0)},
                                          &failed, &down);
  EXPECT_EQ(r.state, JobState::Failed);
  EXPECT_EQ(r.end, Time::from_seconds(30));
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(down, 1);  // no work remained after 30, so the run ended before the repair
}

TEST(NodeFailure, APreemptionIsACheckpoint) {
  // Preempted at 10 (10 s saved) and restarted at once; killed at 30 (20 s lost, 90 left);
  // restarted at the repair (50): ends at 140.
  Engine e(Cluster::homogeneous(1, Resources{1, 0, 0}), sorted({job(1, 0, 100, 1)}), {.check_invariants = true});
  NodeEventList list({fail(30, 0), repair(50, 0)});
  e.set_node_events(&list);
  FnPolicy p([&](Decisions& d) {
    const EngineView& v = d.view();
    if (v.now() == Time::from_seconds(10) && v.state(JobId(0)) == JobState::Running) {
      d.preempt(JobId(0));
    }
    if (v.state(JobId(0)) == JobState::Queued && v.fits_now(JobId(0))) d.start(JobId(0));
    if (v.now() == Time::zero()) d.wake_at(Time::from_seconds(10));
  });
  e.run(p);
  const JobRecord& r = e.record(JobId(0));
  EXPECT_EQ(r.end, Time::from_seconds(140));
  EXPECT_DOUBLE_EQ(r.lost_us, 20e6);
  EXPECT_EQ(r.preemptions, 1u);
  EXPECT_EQ(r.kills, 1u);
}

TEST(NodeFailure, OnlyTheJobsOnTheFailedNodeDie) {
  // Two one-core nodes, a 100 s job on each; node 1 fails at 40 and is repaired at 60.
  Engine e(Cluster::homogeneous(2, Resources{1, 0, 0}), sorted({job(1, 0, 100, 1), job(2, 0, 100, 1)}),
           {.check_invariants = true});
  NodeEventList list({fail(40, 1), repair(60, 1)});
  e.set_node_events(&list);
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(100));
  EXPECT_EQ(e.record(JobId(0)).kills, 0u);
  EXPECT_EQ(e.record(JobId(1)).end, Time::from_seconds(160));
  EXPECT_EQ(e.record(JobId(1)).kills, 1u);
  const RunSummary s = summarize(e);
  EXPECT_EQ(s.kills, 1);
  EXPECT_DOUBLE_EQ(s.lost_work_s, 40.0);
}

TEST(NodeFailure, ARequeuedJobMovesToANodeThatIsUp) {
  // Node 0 fails at 40 while node 1 is free: the job restarts there at once (ends 140).
  Engine e(Cluster::homogeneous(2, Resources{1, 0, 0}), sorted({job(1, 0, 100, 1)}), {.check_invariants = true});
  NodeEventList list({fail(40, 0)});
  e.set_node_events(&list);
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(140));
  EXPECT_EQ(e.nodes_down(), 1);
}

TEST(NodeFailure, EventsBeforeTheFirstArrivalSetTheStartingState) {
  // Node 0 is down from t=0 until 500: the job submitted at 100 runs on node 1.
  Engine e(Cluster::homogeneous(2, Resources{1, 0, 0}), sorted({job(1, 100, 10, 1)}), {.check_invariants = true});
  NodeEventList list({fail(0, 0), repair(500, 0)});
  e.set_node_events(&list);
  FnPolicy p(greedy);
  e.run(p);
  ASSERT_EQ(e.placement(JobId(0)).size(), 0u);  // finished
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(110));
  EXPECT_EQ(e.nodes_down(), 1);  // the run ended before the repair: work was done
}

TEST(NodeFailure, RepeatedEventsChangeNothing) {
  const JobRecord r = one_job_one_failure({}, {fail(30, 0), fail(35, 0), repair(50, 0), repair(55, 0)});
  EXPECT_EQ(r.end, Time::from_seconds(150));
  EXPECT_EQ(r.kills, 1u);
}

TEST(NodeFailure, BadEventsAreInputErrors) {
  Engine e(Cluster::homogeneous(1, Resources{1, 0, 0}), sorted({job(1, 0, 100, 1)}), {});
  NodeEventList list({fail(30, 7)});
  e.set_node_events(&list);
  FnPolicy p(greedy);
  try {
    e.run(p);
    FAIL() << "expected InputError";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("node 7"), std::string::npos) << err.what();
  }
}

TEST(NodeFailure, InvariantCheckerSeesAJobOnADownNode) {
  // The checker's new rule, exercised through a normal run: no job may run on a down node.
  Engine e(Cluster::homogeneous(3, Resources{2, 0, 0}),
           sorted({job(1, 0, 50, 2), job(2, 0, 70, 4), job(3, 5, 30, 2), job(4, 6, 200, 6)}),
           {.check_invariants = true, .checkpoint_interval = Time::from_seconds(15)});
  NodeEventList list({fail(10, 1), fail(20, 2), repair(25, 1), repair(40, 2), fail(60, 0), repair(61, 0)});
  e.set_node_events(&list);
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(e.finished_count(), 4);
  EXPECT_EQ(e.unfinished_count(), 0);
}

TEST(NodeFailure, AJobThatCannotRunOnTheNodesLeftEndsTheRunUnfinished) {
  // Node 1 fails for good at 5 while the 2-node job waits: nothing can change any more, so
  // the run ends (samples stop) with the job unfinished instead of sampling forever.
  Engine e(Cluster::homogeneous(2, Resources{1, 0, 0}), sorted({job(1, 0, 10, 1), job(2, 1, 10, 2)}),
           {.sample_interval = Time::from_seconds(1), .check_invariants = true});
  NodeEventList list({fail(5, 1)});
  e.set_node_events(&list);
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(e.state(JobId(1)), JobState::Queued);
  EXPECT_EQ(e.unfinished_count(), 1);
  EXPECT_LE(e.now(), Time::from_seconds(11));
}
