// The libtorch runtime predictor `mlp` (policies/rl/runtime_mlp.hpp): it learns an obvious
// pattern, is deterministic, never peeks, and serves EASY by name once registered.
#include <gtest/gtest.h>

#include <cmath>

#include "policies/predict_support.hpp"
#include "policies/registry.hpp"
#include "policies/rl/rl_policy.hpp"
#include "policies/rl/runtime_mlp.hpp"
#include "support/builders.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

SubmitInfo info(uint32_t id, int32_t user, double requested_s, double submit_s) {
  SubmitInfo i;
  i.job = JobId(id);
  i.user = user;
  i.requested = Time::from_seconds(static_cast<int64_t>(requested_s));
  i.submit = Time::from_seconds(static_cast<int64_t>(submit_s));
  i.tasks = 1 + static_cast<int32_t>(id % 16);
  return i;
}

std::vector<double> starts(const Engine& e) {
  std::vector<double> s;
  for (const JobRecord& r : e.records()) s.push_back(r.first_start.seconds());
  return s;
}

}  // namespace

TEST(RuntimeMlp, UntrainedItPredictsTheRequestedTime) {
  auto p = rl::make_runtime_mlp();
  const SubmitInfo i = info(0, 3, 3600, 0);
  double out = 0;
  p->predict(std::span<const SubmitInfo>(&i, 1), std::span<double>(&out, 1));
  EXPECT_NEAR(out, 3600, 1e-6 * 3600);
}

// Training writes the gradient with the ATen calls autograd's backward makes: the numbers
// are autograd's, bit for bit, at the default width and at others.
TEST(RuntimeMlp, HandWrittenGradientIsAutogradsGradient) {
  EXPECT_EQ(rl::runtime_mlp_gradient_gap({}, 128), 0.0);
  EXPECT_EQ(rl::runtime_mlp_gradient_gap({.hidden = 5, .seed = 3}, 7), 0.0);
  EXPECT_EQ(rl::runtime_mlp_gradient_gap({.hidden = 32, .seed = 4}, 1), 0.0);
}

TEST(RuntimeMlp, LearnsThatJobsRunAQuarterOfTheirRequestedTime) {
  auto p = rl::make_runtime_mlp();
  // Users ask for 10 min .. 10 h and run exactly a quarter of it.
  std::vector<SubmitInfo> jobs;
  for (uint32_t k = 0; k < 3000; ++k) {
    const double req = 600 * std::pow(60.0, static_cast<double>((k * 7919) % 1000) / 1000.0);
    jobs.push_back(info(k, static_cast<int32_t>(k % 20), req, 60.0 * k));
  }
  std::vector<double> out(1);
  for (const SubmitInfo& j : jobs) {
    p->predict(std::span<const SubmitInfo>(&j, 1), out);
    p->learn(j, j.requested.seconds() / 4);
  }
  double log_err = 0;
  int n = 0;
  for (uint32_t k = 3000; k < 3100; ++k) {
    const SubmitInfo j = info(k, static_cast<int32_t>(k % 20), 900 + 300.0 * (k % 50), 60.0 * k);
    p->predict(std::span<const SubmitInfo>(&j, 1), out);
    log_err += std::abs(std::log(out[0] / (j.requested.seconds() / 4)));
    ++n;
  }
  EXPECT_LT(log_err / n, std::log(1.3));  // within 30% on average (untrained: 4x off)
}

TEST(RuntimeMlp, SameSeedSameScheduleOtherSeedOtherPredictions) {
  Workload w = trace_window("NASA-iPSC-1993-3.1-cln.swf", 3000);
  // The trace has no requested times (walltime = runtime): give it some, 1x to 4x the runtime.
  for (size_t i = 0; i < w.jobs.size(); ++i) w.jobs[i].walltime = w.jobs[i].runtime * static_cast<int64_t>(1 + i % 4);
  auto run = [&](uint64_t seed) {
    auto log = std::make_shared<SpyPredictor::Log>();
    Engine e(pool(128), w.jobs);
    log->view = &e;
    BatchPolicy p("easy", {.backfill = Backfill::Easy},
                  RuntimeEstimates::predicted(std::make_unique<SpyPredictor>(rl::make_runtime_mlp({.seed = seed}), log)));
    e.run(p);
    EXPECT_EQ(log->violations, 0);  // never learns early, never predicts with later history
    return std::pair(starts(e), log->predictions);
  };
  const auto a = run(1), b = run(1), c = run(2);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.second, c.second);
}

TEST(RuntimeMlp, EasyTakesItByNameOnceRegistered) {
  rl::register_policies();
  Workload w = trace_window("lublin_256.swf", 2000);
  for (const char* name : {"easy", "easy-sjf"}) {
    Engine e(pool(256), w.jobs, {.check_invariants = true});
    auto p = PolicyRegistry::builtin().make(name, {{"estimate", "mlp"}, {"reservation", "requested"}});
    e.run(*p);
    EXPECT_EQ(e.unfinished_count(), 0) << name;
    EXPECT_EQ(dynamic_cast<BatchPolicy&>(*p).estimates().name(), "mlp");
  }
}
