#include "sim/engine.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// Runs at double speed on node type 1, nominal elsewhere.
class FastType1 : public SpeedModel {
 public:
  double rate(const EngineView& v, JobId, std::span<const Slot> p) const override {
    return v.cluster().type_index(p.front().node) == 1 ? 2.0 : 1.0;
  }
};

Cluster slow_and_fast() {
  Cluster c;
  uint32_t slow = c.add_node_type(NodeType{"slow", Resources{1, 0, 0}, ""});
  uint32_t fast = c.add_node_type(NodeType{"fast", Resources{1, 0, 0}, ""});
  c.add_nodes(slow, 1);
  c.add_nodes(fast, 1);
  return c;
}

}  // namespace

TEST(Engine, FinishesAreProcessedBeforeArrivalsAtTheSameInstant) {
  // A one-processor machine: job 2 arrives exactly when job 1 ends and starts at once.
  Engine e(pool(1), sorted({job(1, 0, 10, 1), job(2, 10, 5, 1)}), {.check_invariants = true});
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(start_of(e, 2), 10);
  EXPECT_EQ(e.record(JobId(1)).end.seconds(), 15);
}

TEST(Engine, CallsThePolicyOnceAfterAllEventsOfAnInstant) {
  // Three arrivals at t=0 and two finishes at t=5 plus an arrival at t=5: two decision points.
  Engine e(pool(4), sorted({job(1, 0, 5, 1), job(2, 0, 5, 1), job(3, 0, 9, 1), job(4, 5, 1, 1)}));
  std::vector<double> call_times;
  FnPolicy p([&](Decisions& d) {
    call_times.push_back(d.view().now().seconds());
    greedy(d);
  });
  e.run(p);
  EXPECT_EQ(call_times, (std::vector<double>{0, 5}));
}

TEST(Engine, RejectsAJobThatCanNeverFitAndRecordsWhy) {
  Engine e(pool(4), sorted({job(1, 0, 10, 8), job(2, 1, 10, 2)}), {.check_invariants = true});
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(e.state(JobId(0)), JobState::Rejected);
  ASSERT_EQ(e.rejections().size(), 1u);
  EXPECT_NE(e.rejections()[0].second.find("at most 4"), std::string::npos) << e.rejections()[0].second;
  EXPECT_EQ(e.state(JobId(1)), JobState::Finished);
  EXPECT_EQ(e.unfinished_count(), 0);
}

TEST(Engine, RateChangeByMigrationRecomputesTheFinishExactly) {
  // 100 s of work starts on the slow node at t=0; at t=40 (60 s left) it moves to the fast
  // node (rate 2) and pays a 5 s restore delay: it ends at 40 + 5 + 60/2 = 75.
  FastType1 speed;
  Engine e(slow_and_fast(), sorted({job(1, 0, 100, 1)}),
           {.restore_delay = Time::from_seconds(5), .check_invariants = true});
  e.set_speed_model(&speed);
  FnPolicy p([&](Decisions& d) {
    const EngineView& v = d.view();
    if (v.now() == Time::zero()) {
      d.start(JobId(0), std::vector<Slot>{{NodeId(0), 1}});
      d.wake_at(Time::from_seconds(40));
    } else if (v.reasons().wakeup) {
      d.migrate(JobId(0), std::vector<Slot>{{NodeId(1), 1}});
    }
  });
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(75));
  EXPECT_EQ(e.record(JobId(0)).migrations, 1u);
}

TEST(Engine, PreemptedJobResumesWithItsProgressAfterTheRestoreDelay) {
  // 100 s of work from t=0, preempted at t=30 (70 s left), restarted at t=50 with a 10 s
  // restore delay: ends at 50 + 10 + 70 = 130. First start stays 0.
  Engine e(pool(1), sorted({job(1, 0, 100, 1)}), {.restore_delay = Time::from_seconds(10), .check_invariants = true});
  FnPolicy p([&](Decisions& d) {
    const EngineView& v = d.view();
    if (v.now() == Time::zero()) {
      d.start(JobId(0));
      d.wake_at(Time::from_seconds(30));
    } else if (v.now() == Time::from_seconds(30)) {
      d.preempt(JobId(0));
      d.wake_at(Time::from_seconds(50));
    } else if (v.now() == Time::from_seconds(50)) {
      d.start(JobId(0));
    }
  });
  e.run(p);
  const JobRecord& r = e.record(JobId(0));
  EXPECT_EQ(r.end, Time::from_seconds(130));
  EXPECT_EQ(r.first_start, Time::zero());
  EXPECT_EQ(r.preemptions, 1u);
  EXPECT_EQ(e.requeued_log().size(), 1u);
}

TEST(Engine, SpeedModelRateShortensTheRun) {
  FastType1 speed;
  Engine e(slow_and_fast(), sorted({job(1, 0, 101, 1)}), {.check_invariants = true});
  e.set_speed_model(&speed);
  FnPolicy p([](Decisions& d) { d.start(JobId(0), std::vector<Slot>{{NodeId(1), 1}}); });
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_us(50'500'000));  // 101 s at rate 2
}

TEST(Engine, RefusesInvalidDecisionsWithTheJobAndReason) {
  Engine e(pool(2), sorted({job(7, 0, 10, 2), job(8, 0, 10, 1)}));
  ASSERT_TRUE(e.advance());
  Decisions& d = e.decisions();
  d.start(JobId(0));
  try {
    d.start(JobId(0));
    FAIL() << "starting a running job must be refused";
  } catch (const DecisionError& err) {
    EXPECT_NE(std::string(err.what()).find("job 7"), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("running, not queued"), std::string::npos) << err.what();
  }
  EXPECT_THROW(d.start(JobId(1)), DecisionError);  // no free processor
  EXPECT_THROW(d.start(JobId(1), std::vector<Slot>{{NodeId(0), 1}}), DecisionError);
  EXPECT_THROW(d.preempt(JobId(1)), DecisionError);  // queued, not running
  EXPECT_THROW(d.wake_at(Time::zero()), DecisionError);
  EXPECT_FALSE(d.try_start(JobId(1)));
}

TEST(Engine, SteppingGivesTheSameScheduleAsRun) {
  auto jobs = sorted({job(1, 0, 10, 2), job(2, 1, 5, 4), job(3, 2, 3, 1), job(4, 3, 8, 2)});
  Engine a(pool(4), jobs);
  FnPolicy p(greedy);
  a.run(p);
  Engine b(pool(4), jobs);
  while (b.advance()) greedy(b.decisions());
  b.finish();
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(a.record(JobId(i)).first_start, b.record(JobId(i)).first_start);
}

TEST(Engine, PeriodicRoundsCallThePolicyUntilWorkIsDone) {
  Engine e(pool(1), sorted({job(1, 0, 25, 1)}), {.round_interval = Time::from_seconds(10)});
  std::vector<double> rounds;
  FnPolicy p([&](Decisions& d) {
    if (d.view().reasons().round) rounds.push_back(d.view().now().seconds());
    greedy(d);
  });
  e.run(p);
  EXPECT_EQ(rounds, (std::vector<double>{0, 10, 20}));  // the job ends at 25: no round at 30
}

TEST(Engine, AStuckPolicyStopsTheRunInsteadOfHanging) {
  Engine e(pool(1), sorted({job(1, 0, 5, 1)}), {.max_idle_decision_points = 100});
  FnPolicy p([](Decisions& d) { d.wake_at(d.view().now() + Time::from_seconds(1)); });
  EXPECT_THROW(e.run(p), DecisionError);
}

TEST(Engine, UtilisationIntegralMatchesHandComputation) {
  // 4 cores; job 1 uses 2 cores over [0,10], job 2 4 cores over [10,15]:
  // (2*10 + 4*5) / (4 * 15) = 40/60.
  Engine e(pool(4), sorted({job(1, 0, 10, 2), job(2, 0, 5, 4)}));
  FnPolicy p(greedy);
  e.run(p);
  RunSummary s = summarize(e);
  EXPECT_DOUBLE_EQ(s.utilisation, 40.0 / 60.0);
  EXPECT_DOUBLE_EQ(s.makespan, 15.0);
  EXPECT_DOUBLE_EQ(s.wait.mean, 5.0);
  // bounded slowdown: job 1 max(1, 10/10) = 1; job 2 (10+5)/max(5,10) = 1.5
  EXPECT_DOUBLE_EQ(s.bounded_slowdown.mean, 1.25);
}

TEST(Metrics, BoundedSlowdownUsesTheTenSecondThreshold) {
  EXPECT_DOUBLE_EQ(bounded_slowdown(100 + 2, 2), 10.2);      // short job: divided by 10
  EXPECT_DOUBLE_EQ(bounded_slowdown(100 + 50, 50), 3.0);
  EXPECT_DOUBLE_EQ(bounded_slowdown(3, 3), 1.0);              // never below 1
}

TEST(Metrics, QuantilesInterpolateLinearly) {
  std::vector<double> v{4, 1, 3, 2};
  Distribution d = describe_distribution(v);
  EXPECT_DOUBLE_EQ(d.mean, 2.5);
  EXPECT_DOUBLE_EQ(d.p50, 2.5);
  EXPECT_DOUBLE_EQ(d.p90, 3.7);
  EXPECT_DOUBLE_EQ(d.max, 4);
}

TEST(Engine, FinishedLogListsJobsInTheOrderTheyFinished) {
  // Two processors: jobs 1 (10 s) and 2 (5 s) start at 0; job 3 (1 s, arriving at 1) waits
  // for job 2, starts at 5 and ends at 6; job 1 ends at 10.
  Engine e(pool(2), sorted({job(1, 0, 10, 1), job(2, 0, 5, 1), job(3, 1, 1, 1)}), {.check_invariants = true});
  FnPolicy p(greedy);
  e.run(p);
  auto log = e.finished_log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], JobId(1));
  EXPECT_EQ(log[1], JobId(2));
  EXPECT_EQ(log[2], JobId(0));
}
