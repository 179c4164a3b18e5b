// Runtime predictors and estimate sources (policies/predict/): the predictors' definitions,
// the caps and corrections of RuntimeEstimates, and hand-computed EASY schedules under
// estimates other than the requested time.
#include <gtest/gtest.h>

#include "policies/registry.hpp"
#include "predict_support.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/error_of.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

SubmitInfo info(uint32_t id, int32_t user, int64_t requested_s) {
  SubmitInfo i;
  i.job = JobId(id);
  i.user = user;
  i.requested = Time::from_seconds(requested_s);
  return i;
}

double predict_one(RuntimePredictor& p, const SubmitInfo& i) {
  double out = 0;
  p.predict(std::span<const SubmitInfo>(&i, 1), std::span<double>(&out, 1));
  return out;
}

std::vector<double> starts(const Engine& e) {
  std::vector<double> s;
  for (const JobRecord& r : e.records()) s.push_back(r.first_start.seconds());
  return s;
}

// Predicts a fixed number of seconds per trace job (JobIds follow the order given).
RuntimeEstimates table(std::vector<double> seconds) {
  return RuntimeEstimates::predicted(
      std::make_unique<FnPredictor>([seconds](const SubmitInfo& i) { return seconds[i.job.value()]; }));
}

}  // namespace

TEST(UserMean2, MeanOfTheUsersLastTwoRuntimesElseTheRequestedTime) {
  UserMean2Predictor p;
  EXPECT_EQ(predict_one(p, info(0, 7, 1000)), 1000);  // no history: requested
  p.learn(info(1, 7, 1000), 100);
  EXPECT_EQ(predict_one(p, info(2, 7, 1000)), 100);  // one: that one
  p.learn(info(3, 7, 1000), 300);
  p.learn(info(4, 8, 1000), 5);  // another user's job does not count
  EXPECT_EQ(predict_one(p, info(5, 7, 1000)), 200);
  p.learn(info(6, 7, 1000), 500);
  EXPECT_EQ(predict_one(p, info(7, 7, 1000)), 400);  // the last two only
  p.learn(info(8, -1, 1000), 1);
  EXPECT_EQ(predict_one(p, info(9, -1, 1000)), 1000);  // unknown users have no history
}

TEST(RuntimeEstimates, UnknownSourceIsRefusedWithASuggestion) {
  const std::string msg = error_of([] { (void)PolicyRegistry::builtin().make("easy", {{"estimate", "user-man2"}}); });
  EXPECT_NE(msg.find("policy easy: parameter 'estimate': unknown estimate source 'user-man2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'user-mean2'"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { (void)PolicyRegistry::builtin().make("lp", {{"estimate", "oracle"}}); }).find("policy lp"),
            std::string::npos);
  EXPECT_NE(error_of([] { (void)PolicyRegistry::builtin().make("easy", {{"reservation", "x"}}); }).find("reservation"),
            std::string::npos);
}

TEST(RuntimeEstimates, PredictionsAreCappedToOneSecondAndTheRequestedTime) {
  // Three jobs asking for 100 s, predicted 0.2 s, 50 s and 1e9 s.
  RuntimeEstimates est = table({0.2, 50, 1e9});
  Engine probe(pool(1), sorted({job(1, 0, 10, 1, 100), job(2, 0, 10, 1, 100), job(3, 0, 10, 1, 100)}));
  est.reset(probe);
  probe.advance();
  est.sync(probe);
  EXPECT_EQ(est.total(probe, JobId(0)), Time::from_seconds(1));
  EXPECT_EQ(est.total(probe, JobId(1)), Time::from_seconds(50));
  EXPECT_EQ(est.total(probe, JobId(2)), Time::from_seconds(100));
}

TEST(RuntimeEstimates, AJobThatOutlivesItsPredictionIsExpectedToRunDoubleUpToTheRequestedTime) {
  // One job, requested 100 s, predicted 10 s, really 70 s.
  RuntimeEstimates est = table({10});
  Engine e(pool(1), {job(1, 0, 70, 1, 100)});
  est.reset(e);
  ASSERT_TRUE(e.advance());
  est.sync(e);
  e.decisions().start(JobId(0));
  auto end = [&] { return est.running_end(e, JobId(0)); };
  EXPECT_EQ(end().end, Time::from_seconds(10));
  EXPECT_EQ(end().expires, Time::from_seconds(10));
  EXPECT_EQ(est.corrected(e, JobId(0), Time::from_seconds(10)), Time::from_seconds(20));
  EXPECT_EQ(est.corrected(e, JobId(0), Time::from_seconds(45)), Time::from_seconds(80));
  EXPECT_EQ(est.corrected(e, JobId(0), Time::from_seconds(85)), Time::from_seconds(100));  // capped
  // The requested source is the engine's expected end; the oracle the real end.
  EXPECT_EQ(RuntimeEstimates().running_end(e, JobId(0)).end, Time::from_seconds(100));
  EXPECT_EQ(RuntimeEstimates::oracle().running_end(e, JobId(0)).end, Time::from_seconds(70));
}

TEST(EasyWithEstimates, OracleBackfillsAJobThatRequestedTimeEasyDoesNot) {
  // 4 processors. J1 (t0, 50 s, 2p) runs; J2 (t1, 10 s, 4p) is the head: shadow 50, extra 0.
  // J3 (t2, 2p) really runs 20 s but asked for 100 s.
  // Requested times: J3 would end at 102 > 50 and needs more than the extra: waits for J2
  // (50 .. 60): starts at 60. Oracle: J3 ends at 22 <= 50: backfilled at t2.
  auto jobs = sorted({job(1, 0, 50, 2), job(2, 1, 10, 4), job(3, 2, 20, 2, 100)});
  EXPECT_EQ(starts(*run_easy(4, jobs, RuntimeEstimates())), (std::vector<double>{0, 50, 60}));
  EXPECT_EQ(starts(*run_easy(4, jobs, RuntimeEstimates::oracle())), (std::vector<double>{0, 50, 2}));
  // The registry's default is the requested time.
  Engine e(pool(4), jobs, {.check_invariants = true});
  auto p = PolicyRegistry::builtin().make("easy", {{"estimate", "runtime"}});
  e.run(*p);
  EXPECT_EQ(starts(e), (std::vector<double>{0, 50, 2}));
}

TEST(EasyWithEstimates, AnExpiredPredictionMovesTheReservationAndIsRecomputedThen) {
  // 4 processors. J1 (t0, 2p) is predicted 10 s, asked for 100 s and runs 40 s. J2 (t1, 10 s,
  // 4p) is the head. J3 (t2, 15 s, 2p), predicted 15 s.
  // t2: shadow = J1's predicted end 10; J3 would end at 17 > 10, extra 0: waits.
  // t10: J1 outlived its prediction: expected 20 s (shadow 20); J3 would end at 25: waits.
  // t20: expected 40 s (shadow 40); J3 ends at 35 <= 40: backfilled, at a wakeup the policy
  // asked for (nothing else happens at 10 or 20). t40: J1 ends, J2 starts.
  auto jobs = sorted({job(1, 0, 40, 2, 100), job(2, 1, 10, 4), job(3, 2, 15, 2)});
  EXPECT_EQ(starts(*run_easy(4, jobs, table({10, 10, 15}))), (std::vector<double>{0, 40, 20}));
}

TEST(EasyWithEstimates, RequestedReservationRefusesABackfillThatCouldDelayTheHead) {
  // 4 processors. J1 (t0, 50 s, asked 50, 2p) runs; J2 (t1, 10 s, 4p) is the head. J3 (t2,
  // 2p) asks for 100 s and really runs 100 s, but is predicted 20 s.
  // reservation=estimate: J3 ends by prediction at 22 <= 50: backfilled; it holds 2p until
  // 102, so J2 starts at 102, past its requested-time shadow 50.
  // reservation=requested: J3's requested end 102 > 50 and no extra: refused; J2 at 50.
  auto jobs = sorted({job(1, 0, 50, 2), job(2, 1, 10, 4), job(3, 2, 100, 2)});
  EXPECT_EQ(starts(*run_easy(4, jobs, table({50, 10, 20}))), (std::vector<double>{0, 102, 2}));
  EXPECT_EQ(starts(*run_easy(4, jobs, table({50, 10, 20}), Reservation::Requested)), (std::vector<double>{0, 50, 60}));
}

TEST(EasyWithEstimates, DefaultsReproduceRequestedTimeEasyJobForJob) {
  // estimate=requested (explicit) and the plain policy give the same schedule on a trace.
  Workload w = trace_window("lublin_256.swf", 2000);
  for (const char* name : {"easy", "easy-sjf", "sjf"}) {
    Engine a(pool(256), w.jobs), b(pool(256), w.jobs);
    auto pa = PolicyRegistry::builtin().make(name);
    auto pb = PolicyRegistry::builtin().make(name, {{"estimate", "requested"}, {"reservation", "requested"}});
    a.run(*pa);
    b.run(*pb);
    EXPECT_EQ(starts(a), starts(b)) << name;
  }
}

TEST(EasyWithEstimates, UserMean2RunsATraceToTheEnd) {
  Workload w = trace_window("NASA-iPSC-1993-3.1-cln.swf", 3000);
  for (const char* name : {"easy", "easy-sjf"}) {
    Engine e(pool(128), w.jobs, {.check_invariants = true});
    auto p = PolicyRegistry::builtin().make(name, {{"estimate", "user-mean2"}});
    e.run(*p);
    EXPECT_EQ(e.unfinished_count(), 0) << name;
    const auto& stats = dynamic_cast<BatchPolicy&>(*p).estimates().stats();
    EXPECT_GT(stats.jobs, static_cast<int64_t>(e.num_jobs()) - 20) << name;  // all but the last to end
    EXPECT_GT(stats.mean_accuracy(), 0.3) << name;
  }
}
