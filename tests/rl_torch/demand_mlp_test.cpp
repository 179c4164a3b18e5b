// The `mlp` demand forecaster learns an obvious pattern (a periodic series) better than the
// constant forecasts, is deterministic for a seed, and joins the registry.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "policies/autoscale/forecaster.hpp"
#include "policies/rl/demand_mlp.hpp"
#include "policies/rl/rl_policy.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {
namespace {

// A daily cycle of 24 samples around 10 nodes.
double cycle(int64_t i) { return 10 + 5 * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 24); }

// Mean squared error of the forecasts of the mean of the next `k` samples, over samples
// [from, to), after observing the series from 0.
double forecast_mse(DemandForecaster& f, int64_t k, int64_t from, int64_t to) {
  double sum = 0;
  for (int64_t i = 0; i < to; ++i) {
    f.observe(cycle(i));
    if (i < from) continue;
    double truth = 0;
    for (int64_t j = 1; j <= k; ++j) truth += cycle(i + j);
    truth /= static_cast<double>(k);
    sum += (f.forecast() - truth) * (f.forecast() - truth);
  }
  return sum / static_cast<double>(to - from);
}

}  // namespace

TEST(DemandMlp, LearnsAPeriodicSeriesBetterThanAConstant) {
  for (int64_t k : {1, 4}) {
    SCOPED_TRACE(k);
    DemandMlpConfig c;
    c.horizon_steps = k;
    auto mlp = make_demand_mlp(c);
    LastValueForecaster last;
    EwmaForecaster ewma(0.3);
    const double m = forecast_mse(*mlp, k, 600, 800);
    const double l = forecast_mse(last, k, 600, 800);
    const double e = forecast_mse(ewma, k, 600, 800);
    // The series' own variance (the best constant, its mean) is 12.5.
    EXPECT_LT(m, 0.1 * l) << "mlp " << m << ", last " << l;
    EXPECT_LT(m, 0.1 * e) << "mlp " << m << ", ewma " << e;
    EXPECT_LT(m, 0.1 * 12.5);
  }
}

TEST(DemandMlp, TheSameSeedGivesTheSameForecastsAnotherSeedOthers) {
  auto run = [](uint64_t seed) {
    DemandMlpConfig c;
    c.seed = seed;
    auto f = make_demand_mlp(c);
    std::vector<double> out;
    for (int64_t i = 0; i < 120; ++i) {
      f->observe(cycle(i));
      out.push_back(f->forecast());
    }
    return out;
  };
  const auto a = run(1), b = run(1), c = run(2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(DemandMlp, RegisterPoliciesAddsItToTheForecasterRegistry) {
  register_policies();
  const ForecasterRegistry& r = ForecasterRegistry::builtin();
  ASSERT_NE(r.find("mlp"), nullptr);
  auto f = r.make("mlp", {{"window", "6"}, {"hidden", "8"}}, {.horizon_steps = 2, .seed = 3});
  EXPECT_EQ(f->name(), "mlp");
  f->observe(4);
  EXPECT_EQ(f->forecast(), 4);  // the last value until it has warmed up
  try {
    r.make("mlp", {{"window", "0"}}, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "forecaster mlp: parameter 'window': must be in 1 .. 4096, got 0");
  }
}

}  // namespace clustersim::rl
