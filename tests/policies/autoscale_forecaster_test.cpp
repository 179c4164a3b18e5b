// Demand forecasters on hand-made series, the registry, and the demand measure by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/autoscale/autoscaler.hpp"
#include "policies/autoscale/forecaster.hpp"
#include "sim/engine.hpp"
#include "support/builders.hpp"
#include "support/error_of.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

TEST(Forecasters, EwmaFollowsItsRecurrence) {
  // alpha 0.5: s0 = 10; s1 = 0.5 x 20 + 0.5 x 10 = 15; s2 = 0.5 x 0 + 0.5 x 15 = 7.5.
  EwmaForecaster f(0.5);
  EXPECT_EQ(f.forecast(), 0);
  f.observe(10);
  EXPECT_DOUBLE_EQ(f.forecast(), 10);
  f.observe(20);
  EXPECT_DOUBLE_EQ(f.forecast(), 15);
  f.observe(0);
  EXPECT_DOUBLE_EQ(f.forecast(), 7.5);
}

TEST(Forecasters, EwmaWithAlphaOneIsTheLastValue) {
  EwmaForecaster ewma(1.0);
  LastValueForecaster last;
  for (double d : {3.0, 8.0, 1.0, 4.5}) {
    ewma.observe(d);
    last.observe(d);
    EXPECT_EQ(ewma.forecast(), last.forecast());
    EXPECT_EQ(last.forecast(), d);
  }
}

TEST(Forecasters, TheRegistryMakesThemByNameAndNamesBadParameters) {
  const ForecasterRegistry& r = ForecasterRegistry::builtin();
  EXPECT_NE(r.find("last"), nullptr);
  EXPECT_NE(r.find("ewma"), nullptr);
  auto f = r.make("ewma", {{"alpha", "0.25"}}, {});
  f->observe(8);
  f->observe(0);
  EXPECT_DOUBLE_EQ(f->forecast(), 6);
  EXPECT_EQ(error_of([&] { r.make("ewma", {{"alpha", "2"}}, {}); }),
            "forecaster ewma: parameter 'alpha': must be in (0, 1], got 2.000000");
  EXPECT_EQ(error_of([&] { r.make("ewma", {{"alpha", "x"}}, {}); }),
            "forecaster ewma: parameter 'alpha': expected a number, got 'x'");
  EXPECT_EQ(error_of([&] { r.make("last", {{"alpha", "1"}}, {}); }),
            "forecaster last: unknown parameter 'alpha' (it takes no parameters)");
  EXPECT_THAT(error_of([&] { r.make("lats", {}, {}); }), ::testing::StartsWith("unknown forecaster 'lats' (did you mean 'last'?)"));
}

TEST(Forecasters, DemandCountsQueuedAndRunningWorkWithinTheHorizon) {
  // 4 nodes of 4 cores, horizon 100 s, interval 10 s, at t=0 after the decisions:
  //  running: job 1, 8 cores for 50 s -> 2 nodes x 50/100 = 1.0
  //           job 2, 4 cores for 400 s -> 1 node x 100/100 = 1.0
  //  queued:  job 3, 16 cores, estimate 30 s -> 4 nodes x 30/100 = 1.2 (fit floor 4)
  //           job 4, 2 cores, estimate 200 s -> 0.5 nodes x 1 = 0.5
  // demand = 3.7, fit floor 4.
  Engine e(Cluster::homogeneous(4, Resources{4, 0, 0}),
           sorted({job(1, 0, 50, 8), job(2, 0, 400, 4), job(3, 0, 30, 16), job(4, 0, 200, 2)}));
  DemandSample s;
  FnPolicy p([&](Decisions& d) {
    if (d.view().now() != Time::zero()) return;
    d.start(JobId(0));
    d.start(JobId(1));
    s = measure_demand(d.view(), Time::from_seconds(100), Time::from_seconds(10));
  });
  e.advance();
  p.schedule(e.decisions());
  EXPECT_DOUBLE_EQ(s.nodes, 3.7);
  EXPECT_EQ(s.fit_floor, 4);
}
