// No predictor sees a job's real runtime before the job finishes (docs/predictors.md).
// Two checks: a spy around the predictor checks every learn() against the engine (the job has
// finished, at or before now) and every predict() against the history it was given (only jobs
// that ended by the predicted job's submit time); and a scramble test: changing the real
// runtimes of the jobs that are still unfinished at a time T changes no prediction made
// before T. The oracle (estimate=runtime) fails the scramble test, as it must.
#include <gtest/gtest.h>

#include "predict_support.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// Predictions (raw, by JobId) of user-mean2 under EASY with it, and the spy's log.
std::shared_ptr<SpyPredictor::Log> predictions(const std::vector<JobSpec>& jobs, int64_t procs) {
  auto log = std::make_shared<SpyPredictor::Log>();
  Engine e(Cluster::homogeneous(1, Resources{procs, 0, 0}), jobs, {.check_invariants = true});
  log->view = &e;
  BatchPolicy p("easy", {.backfill = Backfill::Easy},
                RuntimeEstimates::predicted(std::make_unique<SpyPredictor>(std::make_unique<UserMean2Predictor>(), log)));
  e.run(p);
  EXPECT_EQ(e.unfinished_count(), 0);
  return log;
}

// The oracle's estimate of each job when the job arrives, under EASY with the oracle.
std::vector<Time> oracle_estimates_at_arrival(const std::vector<JobSpec>& jobs, int64_t procs) {
  Engine e(Cluster::homogeneous(1, Resources{procs, 0, 0}), jobs);
  RuntimeEstimates oracle = RuntimeEstimates::oracle();
  std::vector<Time> seen(jobs.size());
  uint32_t next = 0;
  BatchPolicy inner("easy", {.backfill = Backfill::Easy}, RuntimeEstimates::oracle());
  inner.reset(e);
  while (e.advance()) {
    for (; next < e.arrived(); ++next) seen[next] = oracle.total(e, JobId(next));
    inner.schedule(e.decisions());
  }
  return seen;
}

// The jobs with their runtimes scrambled when they end after T (the median submit time) under
// EASY. Scrambled runtimes only grow, so those jobs still end after T: the run is the same up
// to T, and so must be every prediction made by then.
struct Scrambled {
  std::vector<JobSpec> jobs;
  Time cut;
  int64_t changed = 0;
};

Scrambled scramble_after_median_submit(const std::vector<JobSpec>& jobs, int64_t procs) {
  Engine e(Cluster::homogeneous(1, Resources{procs, 0, 0}), jobs);
  BatchPolicy p("easy", {.backfill = Backfill::Easy});
  e.run(p);
  Scrambled s{jobs, jobs[jobs.size() / 2].submit, 0};
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (e.records()[i].end <= s.cut) continue;
    JobSpec& j = s.jobs[i];
    j.runtime += Time::from_seconds(1 + (j.runtime.us() / 1'000'000 * 7919 + 13) % 5000);
    s.changed += j.runtime != jobs[i].runtime ? 1 : 0;
  }
  return s;
}

}  // namespace

TEST(NoPeeking, LearnOnlyAfterTheEndAndPredictOnlyFromWhatEndedBySubmit) {
  Workload w = trace_window("NASA-iPSC-1993-3.1-cln.swf", 4000);
  auto log = predictions(w.jobs, 128);
  EXPECT_EQ(log->violations, 0);
  // Every job but the last few (which end after the last decision point).
  EXPECT_GT(log->learned, static_cast<int64_t>(w.jobs.size()) - 20);
  EXPECT_EQ(log->predictions.size(), w.jobs.size());
}

TEST(NoPeeking, ScramblingUnfinishedRuntimesChangesNoEarlierPrediction) {
  Workload w = trace_window("NASA-iPSC-1993-3.1-cln.swf", 4000);
  const Scrambled s = scramble_after_median_submit(w.jobs, 128);
  ASSERT_GT(s.changed, 100);
  auto before = predictions(w.jobs, 128), after = predictions(s.jobs, 128);
  int64_t compared = 0, differ_later = 0;
  for (size_t i = 0; i < w.jobs.size(); ++i) {
    const double a = before->predictions.at(static_cast<uint32_t>(i)), b = after->predictions.at(static_cast<uint32_t>(i));
    if (w.jobs[i].submit <= s.cut) {
      EXPECT_EQ(a, b) << "job " << i << " submitted before the cut";
      ++compared;
    } else {
      differ_later += a != b ? 1 : 0;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(differ_later, 0);  // the scramble does reach the predictor once those jobs finish
}

TEST(NoPeeking, TheOracleDoesPeekAndFailsTheScrambleTest) {
  Workload w = trace_window("NASA-iPSC-1993-3.1-cln.swf", 4000);
  const Scrambled s = scramble_after_median_submit(w.jobs, 128);
  const auto a = oracle_estimates_at_arrival(w.jobs, 128), b = oracle_estimates_at_arrival(s.jobs, 128);
  int64_t differ = 0;
  for (size_t i = 0; i < w.jobs.size(); ++i)
    if (w.jobs[i].submit <= s.cut && a[i] != b[i]) ++differ;
  EXPECT_GT(differ, 0);
}
