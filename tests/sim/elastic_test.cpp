// Elastic jobs (JobSpec::min_tasks/max_tasks): the progress arithmetic by hand, the size checks
// and the rejection rule. A job of 4 tasks and 1000 s (at 4 tasks) runs at w / 4 of nominal
// speed on w tasks.
#include <gtest/gtest.h>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

JobSpec elastic_job(int64_t id, int64_t submit, int64_t runtime, int32_t tasks, int32_t min, int32_t max) {
  JobSpec j = job(id, submit, runtime, tasks);
  j.min_tasks = min;
  j.max_tasks = max;
  return j;
}

std::vector<Slot> on_node0(int32_t tasks) { return {Slot{NodeId(0), tasks}}; }

std::string decision_error(const std::function<void(Decisions&)>& f) {
  Engine e(Cluster::homogeneous(1, Resources{8, 0, 0}), {elastic_job(1, 0, 1000, 4, 2, 8), job(2, 0, 1000, 4)});
  FnPolicy p([&](Decisions& d) { f(d); });
  try {
    e.run(p);
  } catch (const DecisionError& err) {
    return err.what();
  }
  return "no error";
}

TEST(Elastic, AJobResizedMidwayFinishesWhenTheArithmeticSays) {
  // Starts on 2 of its 4 tasks at t=0 (rate 0.5): by t=500 it has done 250 s of work. Resized
  // to 8 tasks (rate 2) it pays the 30 s restore delay, then does the remaining 750 s in 375 s:
  // it ends at 530 + 375 = 905 s. Cores held: 2 x 500 s + 8 x 405 s = 4240 core-seconds.
  EngineConfig cfg;
  cfg.restore_delay = Time::from_seconds(30);
  cfg.check_invariants = true;
  Engine e(Cluster::homogeneous(1, Resources{8, 0, 0}), {elastic_job(1, 0, 1000, 4, 2, 8)}, cfg);
  FnPolicy p([&](Decisions& d) {
    const EngineView& v = d.view();
    if (v.state(JobId(0)) == JobState::Queued) {
      d.start(JobId(0), on_node0(2));
      EXPECT_EQ(v.record(JobId(0)).rate, 0.5);
      d.wake_at(Time::from_seconds(500));
    } else if (v.now() == Time::from_seconds(500)) {
      d.resize(JobId(0), on_node0(8));
      EXPECT_EQ(v.record(JobId(0)).rate, 2.0);
    }
  });
  e.run(p);
  const JobRecord& r = e.record(JobId(0));
  EXPECT_EQ(r.state, JobState::Finished);
  EXPECT_EQ(r.end, Time::from_seconds(905));
  EXPECT_EQ(r.busy_core_us, 4240e6);
  EXPECT_EQ(r.migrations, 1u);
}

TEST(Elastic, AShrunkStartTakesProportionallyLonger) {
  Engine e(Cluster::homogeneous(1, Resources{8, 0, 0}), {elastic_job(1, 0, 1000, 4, 1, 4)});
  FnPolicy p([](Decisions& d) {
    if (d.view().state(JobId(0)) == JobState::Queued) d.start(JobId(0), on_node0(1));
  });
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(4000));
  EXPECT_EQ(e.record(JobId(0)).busy_core_us, 4000e6);
}

TEST(Elastic, SizesOutsideTheRangeAndResizingARigidJobAreRefused) {
  EXPECT_EQ(decision_error([](Decisions& d) { d.start(JobId(0), on_node0(1)); }),
            "start job 1 (index 0) at t=0.000000 s refused: the placement has 1 tasks, the job takes 2 to 8 (elastic)");
  EXPECT_EQ(decision_error([](Decisions& d) { d.start(JobId(1), on_node0(3)); }),
            "start job 2 (index 1) at t=0.000000 s refused: the placement has 3 tasks, the job 4");
  EXPECT_EQ(decision_error([](Decisions& d) {
              if (d.view().state(JobId(1)) == JobState::Queued) d.start(JobId(1), on_node0(4));
              d.resize(JobId(1), on_node0(2));
            }),
            "migrate job 2 (index 1) at t=0.000000 s refused: the placement has 2 tasks, the job 4");
}

TEST(Elastic, AJobIsRejectedOnlyWhenItsFewestTasksCanNeverFit) {
  Engine e(Cluster::homogeneous(1, Resources{8, 0, 0}),
           {elastic_job(1, 0, 100, 16, 8, 16), elastic_job(2, 0, 100, 16, 9, 16)});
  FnPolicy p([](Decisions& d) {
    if (d.view().state(JobId(0)) == JobState::Queued) d.start(JobId(0), on_node0(8));
  });
  e.run(p);
  EXPECT_EQ(e.state(JobId(0)), JobState::Finished);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(200));  // 8 of 16 tasks: half speed
  EXPECT_EQ(e.state(JobId(1)), JobState::Rejected);
}

TEST(Elastic, AnImpossibleRangeIsBadInputNamingTheJob) {
  try {
    Engine e(Cluster::homogeneous(1, Resources{8, 0, 0}), {elastic_job(7, 0, 100, 4, 5, 8)});
    FAIL() << "no error";
  } catch (const InputError& err) {
    EXPECT_STREQ(err.what(),
                 "workload: job 7 is elastic with min_tasks 5, tasks 4, max_tasks 8 (need 1 <= min_tasks <= tasks <= "
                 "max_tasks, or 0: rigid)");
  }
}

}  // namespace
