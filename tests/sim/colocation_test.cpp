// Co-location-aware speed models (SpeedModel::colocation_aware): the engine re-plans the jobs
// of a GPU whenever a job starts on it, leaves it or moves, and rates a starting job on the
// GPUs the cluster chose. The model here is GPU time-slicing: a job whose workers hold shares
// of GPUs runs at 1 / n, n the most jobs on any of its GPUs, and a GPU takes at most two jobs
// (a third gets rate 0: refused). Every finish time below is computed by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

class TimeSlicing : public SpeedModel {
 public:
  double rate(const EngineView& view, JobId job, std::span<const Slot> placement) const override {
    int64_t most = 1;
    for (const Slot& sl : placement) {
      if (sl.gpu == Slot::kAnyGpu) continue;
      int64_t n = 1;
      for (JobId other : view.running_by_expected_end()) {
        if (other == job) continue;
        const auto p = view.placement(other);
        n += std::any_of(p.begin(), p.end(), [&](const Slot& o) { return o.node == sl.node && o.gpu == sl.gpu; });
      }
      most = std::max(most, n);
    }
    return most > 2 ? 0.0 : 1.0 / static_cast<double>(most);
  }
  bool colocation_aware() const override { return true; }
};

// A job of one task holding a share of a GPU (half by default) and a core.
JobSpec half_gpu_job(int64_t id, int64_t submit, int64_t runtime, int64_t gpu_milli = 500) {
  JobSpec j = job(id, submit, runtime, 1);
  j.per_task = Resources{1, gpu_milli, 0};
  return j;
}

// One node of 8 cores and 2 GPUs.
Cluster two_gpus() { return Cluster::homogeneous(1, Resources{8, 2000, 0}, "gpu-node"); }

std::vector<Slot> on_gpu(int32_t gpu) { return {Slot{NodeId(0), 1, gpu}}; }

std::unique_ptr<Engine> engine_with(std::vector<JobSpec> jobs, EngineConfig cfg = {}) {
  cfg.check_invariants = true;  // includes: every rate is what the model gives now
  return std::make_unique<Engine>(two_gpus(), sorted(std::move(jobs)), cfg);
}

double seconds_at_end(const Engine& e, uint32_t j) { return e.record(JobId(j)).end.seconds(); }

}  // namespace

TEST(Colocation, AJobArrivingOnAGpuSlowsTheOneThereAndLeavingSpeedsItUp) {
  // Job 1 alone on GPU 0 from 0 does 20 s; job 2 joins at 20 and both run at 1/2: job 1's
  // other 80 s take 160 s (ends 180); job 2 did 80 s by then, its last 20 s alone (ends 200).
  // The same when job 2 names no GPU: the cluster gives it the best fit, GPU 0.
  for (const bool any_gpu : {false, true}) {
    auto e = engine_with({half_gpu_job(1, 0, 100), half_gpu_job(2, 20, 100)});
    TimeSlicing model;
    e->set_speed_model(&model);
    FnPolicy p([&](Decisions& d) {
      for (JobId j : std::vector<JobId>(d.view().queue().begin(), d.view().queue().end()))
        d.start(j, on_gpu(any_gpu && j == JobId(1) ? Slot::kAnyGpu : 0));
    });
    e->run(p);
    EXPECT_EQ(seconds_at_end(*e, 0), 180) << any_gpu;
    EXPECT_EQ(seconds_at_end(*e, 1), 200) << any_gpu;
  }
}

TEST(Colocation, PreemptingOrMovingTheOtherJobGivesTheGpuBack) {
  // As above until 60: job 1 has done 20 + 40/2 = 40 s, job 2 20 s. Job 2 then leaves GPU 0:
  // job 1 does its last 60 s alone (ends 120). Moved to GPU 1 (no restore delay), job 2 does
  // its last 80 s alone there (ends 140); preempted, it waits in the queue.
  for (const bool move : {false, true}) {
    auto e = engine_with({half_gpu_job(1, 0, 100), half_gpu_job(2, 20, 100)});
    TimeSlicing model;
    e->set_speed_model(&model);
    FnPolicy p([&](Decisions& d) {
      const Time now = d.view().now();
      if (now == Time::zero()) d.start(JobId(0), on_gpu(0));
      if (now == Time::from_seconds(20)) {
        d.start(JobId(1), on_gpu(0));
        d.wake_at(Time::from_seconds(60));
      }
      if (now == Time::from_seconds(60)) {
        EXPECT_EQ(d.view().record(JobId(0)).rate, 0.5);
        if (move) d.migrate(JobId(1), on_gpu(1));
        else d.preempt(JobId(1));
        EXPECT_EQ(d.view().record(JobId(0)).rate, 1.0);
      }
    });
    e->run(p);
    EXPECT_EQ(seconds_at_end(*e, 0), 120) << move;
    if (move) EXPECT_EQ(seconds_at_end(*e, 1), 140);
    else EXPECT_EQ(e->state(JobId(1)), JobState::Queued);
  }
}

TEST(Colocation, AStartTheModelRefusesOnTheChosenGpuLeavesEverythingAsItWas) {
  // Two jobs of 300 milli-GPUs on GPU 0; a third fits there (400 free) but would get rate 0.
  // Named GPU 0 it is refused before anything changes; naming no GPU, the cluster's best fit
  // is GPU 0 too, and the refusal gives the share back. Either way the GPU's shares, the
  // job's state and the others' rates are as they were; on GPU 1 it then runs alone.
  for (const int32_t gpu : {0, Slot::kAnyGpu}) {
    auto e = engine_with({half_gpu_job(1, 0, 100, 300), half_gpu_job(2, 0, 100, 300), half_gpu_job(3, 0, 100, 300)});
    TimeSlicing model;
    e->set_speed_model(&model);
    std::string refusal;
    FnPolicy p([&](Decisions& d) {
      if (d.view().now() != Time::zero()) return;
      d.start(JobId(0), on_gpu(0));
      d.start(JobId(1), on_gpu(0));
      EXPECT_EQ(d.view().rate_if_placed(JobId(2), on_gpu(0)), 0.0);
      try {
        d.start(JobId(2), on_gpu(gpu));
      } catch (const DecisionError& err) {
        refusal = err.what();
      }
      EXPECT_EQ(d.view().state(JobId(2)), JobState::Queued);
      EXPECT_EQ(d.view().cluster().gpu_free(NodeId(0))[0], 400);
      EXPECT_EQ(d.view().cluster().gpu_free(NodeId(0))[1], 1000);
      EXPECT_EQ(d.view().record(JobId(0)).rate, 0.5);
      d.start(JobId(2), on_gpu(1));
    });
    e->run(p);
    EXPECT_EQ(refusal, "start job 3 (index 2) at t=0.000000 s refused: it cannot run on this placement (the speed "
                       "model gives it rate 0)") << gpu;
    EXPECT_EQ(seconds_at_end(*e, 0), 200);
    EXPECT_EQ(seconds_at_end(*e, 1), 200);
    EXPECT_EQ(seconds_at_end(*e, 2), 100);
  }
}

TEST(Colocation, JobsStartedTogetherByARoundAllocationShareFromTheStart) {
  // A round's allocation starts both on GPU 0: the first is rated before the second is there,
  // then re-planned when it arrives, so both run at 1/2 and end at 200.
  auto e = engine_with({half_gpu_job(1, 0, 100), half_gpu_job(2, 0, 100)});
  TimeSlicing model;
  e->set_speed_model(&model);
  FnPolicy p([&](Decisions& d) {
    if (d.view().now() != Time::zero()) return;
    Allocation a;
    a.add(JobId(0), on_gpu(0));
    a.add(JobId(1), on_gpu(0));
    d.apply(a);
  });
  e->run(p);
  EXPECT_EQ(seconds_at_end(*e, 0), 200);
  EXPECT_EQ(seconds_at_end(*e, 1), 200);
}

TEST(Colocation, AModelThatIsNotColocationAwareIsNotReplanned) {
  // The same model saying it is not co-location-aware: the engine never asks again, so job 1
  // keeps the rate it started with (1) and ends at 100 (what the engine is told, not a truth).
  class Unaware : public TimeSlicing {
    bool colocation_aware() const override { return false; }
  };
  auto e = std::make_unique<Engine>(two_gpus(), sorted({half_gpu_job(1, 0, 100), half_gpu_job(2, 20, 100)}));
  Unaware model;
  e->set_speed_model(&model);
  FnPolicy p([&](Decisions& d) {
    for (JobId j : std::vector<JobId>(d.view().queue().begin(), d.view().queue().end())) d.start(j, on_gpu(0));
  });
  e->run(p);
  EXPECT_EQ(seconds_at_end(*e, 0), 100);
  EXPECT_EQ(seconds_at_end(*e, 1), 220);  // rated 1/2 at its start, never re-planned
}
