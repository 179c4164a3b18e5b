// Decisions::apply: a round's leases (keep, move, start, preempt), validated as a whole.
#include <gtest/gtest.h>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// Two nodes of 2 cores.
Cluster two_nodes() { return Cluster::homogeneous(2, Resources{2, 0, 0}); }

std::string decision_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const DecisionError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Allocation, KeepsMovesStartsAndPreemptsAsTheLeasesSay) {
  // Jobs 1-3 (2 cores, 100 s) arrive at 0; the first round runs 1 on node 0 and 2 on node 1.
  // At t=10 the allocation swaps 1 and 2, at t=20 keeps 2, preempts 1 and starts 3 on node 1.
  Engine e(two_nodes(), sorted({job(1, 0, 100, 2), job(2, 0, 100, 2), job(3, 0, 100, 2)}),
           {.restore_delay = Time::from_seconds(5), .check_invariants = true});
  std::vector<AllocationChanges> changes;
  FnPolicy p([&](Decisions& d) {
    const double t = d.view().now().seconds();
    Allocation a;
    const Slot n0[] = {{NodeId(0), 2}}, n1[] = {{NodeId(1), 2}};
    if (t == 0) {
      a.add(JobId(0), n0);
      a.add(JobId(1), n1);
      d.wake_at(Time::from_seconds(10));
    } else if (t == 10) {
      a.add(JobId(0), n1);
      a.add(JobId(1), n0);
      d.wake_at(Time::from_seconds(20));
    } else if (t == 20) {
      a.add(JobId(1), n0);
      a.add(JobId(2), n1);
    } else {
      return;  // later decision points (finishes) change nothing
    }
    changes.push_back(d.apply(a));
  });
  e.run(p);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].started, 2);
  EXPECT_EQ(changes[1].migrated, 2);  // a swap: both release before either takes its new node
  EXPECT_EQ(changes[2].kept, 1);
  EXPECT_EQ(changes[2].preempted, 1);
  EXPECT_EQ(changes[2].started, 1);
  // Job 2: 10 s on node 1, moved (5 s restore), then from 15 s on without interruption:
  // 100 s of work ends at 10 + 5 + 90 = 105.
  EXPECT_DOUBLE_EQ(e.record(JobId(1)).end.seconds(), 105);
  EXPECT_EQ(e.record(JobId(1)).migrations, 1u);
  EXPECT_EQ(e.record(JobId(1)).preemptions, 0u);
  // Job 1: 10 s, moved, 5 s restore, 5 s of work until preempted at 20 (15 s done).
  EXPECT_EQ(e.record(JobId(0)).preemptions, 1u);
  // Job 3 starts at 20 on node 1; job 1 waits for a free node (no policy call restarts it
  // until job 2 or 3 finishes at 105 / 120).
  EXPECT_DOUBLE_EQ(start_of(e, 3), 20);
}

TEST(Allocation, AnEmptyAllocationPreemptsEveryRunningJob) {
  Engine e(two_nodes(), sorted({job(1, 0, 100, 1), job(2, 0, 100, 1)}), {.check_invariants = true});
  int calls = 0;
  FnPolicy p([&](Decisions& d) {
    if (calls++ == 0) {
      d.try_start(JobId(0));
      d.try_start(JobId(1));
      d.wake_at(Time::from_seconds(10));
    } else if (d.view().now() == Time::from_seconds(10)) {
      const AllocationChanges c = d.apply(Allocation{});
      EXPECT_EQ(c.preempted, 2);
      EXPECT_EQ(d.view().queue().size(), 2u);
      d.try_start(JobId(0));  // so the run can finish
      d.try_start(JobId(1));
    }
  });
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).preemptions, 1u);
}

TEST(Allocation, RefusesAnOverCommittedNodeBeforeChangingAnything) {
  Engine e(two_nodes(), sorted({job(1, 0, 100, 2), job(2, 0, 100, 2)}));
  ASSERT_TRUE(e.advance());
  Allocation a;
  const Slot n0[] = {{NodeId(0), 2}};
  a.add(JobId(0), n0);
  a.add(JobId(1), n0);
  EXPECT_EQ(decision_error([&] { e.decisions().apply(a); }),
            "allocate job 1 (index 0) at t=0.000000 s refused: node 0 is over-committed by the allocation (it would have "
            "{cores=-2, gpu_milli=0, mem_mib=0} free of {cores=2, gpu_milli=0, mem_mib=0})");
  EXPECT_EQ(e.queue().size(), 2u);  // nothing started
  EXPECT_TRUE(e.cluster().total_free() == (Resources{4, 0, 0}));
}

TEST(Allocation, RefusesDuplicatesWrongTaskCountsAndFinishedJobs) {
  Engine e(two_nodes(), sorted({job(1, 0, 10, 2), job(2, 0, 10, 2)}));
  ASSERT_TRUE(e.advance());
  const Slot n0[] = {{NodeId(0), 2}}, n1[] = {{NodeId(1), 1}};
  Allocation twice;
  twice.add(JobId(0), n0);
  twice.add(JobId(0), n0);
  EXPECT_NE(decision_error([&] { e.decisions().apply(twice); }).find("it is in the allocation twice"), std::string::npos);
  Allocation short_of_tasks;
  short_of_tasks.add(JobId(1), n1);
  EXPECT_NE(decision_error([&] { e.decisions().apply(short_of_tasks); }).find("the placement has 1 tasks, the job 2"),
            std::string::npos);
  Allocation bad_node;
  const Slot n7[] = {{NodeId(7), 2}};
  bad_node.add(JobId(1), n7);
  EXPECT_NE(decision_error([&] { e.decisions().apply(bad_node); }).find("node 7 does not exist"), std::string::npos);
}

TEST(Allocation, KeepingAJobCostsNothing) {
  // A job kept round after round runs exactly its runtime (no restore delay, no re-plan).
  Engine e(two_nodes(), sorted({job(1, 0, 35, 2)}),
           {.round_interval = Time::from_seconds(10), .restore_delay = Time::from_seconds(5)});
  int applied = 0;
  FnPolicy p([&](Decisions& d) {
    if (!d.view().reasons().round) return;
    Allocation a;
    const Slot n0[] = {{NodeId(0), 2}};
    if (d.view().state(JobId(0)) != JobState::Finished) a.add(JobId(0), n0);
    const AllocationChanges c = d.apply(a);
    EXPECT_EQ(c.migrated + c.preempted, 0);
    ++applied;
  });
  e.run(p);
  EXPECT_DOUBLE_EQ(e.record(JobId(0)).end.seconds(), 35);
  EXPECT_EQ(applied, 4);  // rounds at 0, 10, 20, 30
}
