// The deterministic math functions agree with the platform's libm to a few ulp and with
// closed forms where those exist.
#include "workloads/detmath.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

namespace clustersim {
namespace {

// |a - b| within `ulps` units in the last place of b.
void expect_close_ulps(double a, double b, double ulps) {
  const double tol = ulps * std::numeric_limits<double>::epsilon() * std::fabs(b);
  EXPECT_NEAR(a, b, tol + std::numeric_limits<double>::denorm_min()) << "value " << b;
}

TEST(DetMath, LogMatchesLibmWithinFourUlps) {
  for (double x = 1e-300; x < 1e300; x *= 1.37) expect_close_ulps(detmath::log(x), std::log(x), 4);
  for (double x = 0.5; x < 2.0; x += 0.001) {
    // Near 1 the result is small; compare absolutely against the scale of log's argument.
    EXPECT_NEAR(detmath::log(x), std::log(x), 4e-16);
  }
}

TEST(DetMath, LogHandlesEdgeCases) {
  EXPECT_EQ(detmath::log(1.0), 0.0);
  EXPECT_EQ(detmath::log(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(detmath::log(-1.0)));
  EXPECT_EQ(detmath::log(std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  expect_close_ulps(detmath::log(std::numeric_limits<double>::denorm_min()),
                    std::log(std::numeric_limits<double>::denorm_min()), 4);
}

TEST(DetMath, ExpMatchesLibmWithinFourUlps) {
  for (double x = -700; x < 700; x += 0.731) expect_close_ulps(detmath::exp(x), std::exp(x), 4);
  for (double x = -1; x < 1; x += 0.0007) expect_close_ulps(detmath::exp(x), std::exp(x), 4);
  EXPECT_EQ(detmath::exp(0.0), 1.0);
  EXPECT_EQ(detmath::exp(1000.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(detmath::exp(-1000.0), 0.0);
}

TEST(DetMath, Exp2IsExactForIntegersAndLog2ForPowersOfTwo) {
  for (int k = -1000; k <= 1000; ++k) {
    EXPECT_EQ(detmath::exp2(k), std::ldexp(1.0, k));
    EXPECT_EQ(detmath::log2(std::ldexp(1.0, k)), k);
  }
  for (double x = -50; x < 50; x += 0.37) expect_close_ulps(detmath::exp2(x), std::exp2(x), 4);
  for (double x = 3; x < 1e6; x *= 1.9) expect_close_ulps(detmath::log2(x), std::log2(x), 4);
}

TEST(DetMath, PowMatchesLibm) {
  for (double x : {0.001, 0.3, 0.999, 2.0, 17.5}) {
    for (double y : {-3.3, -1.0, 0.25, 1.0 / 0.3, 7.0}) {
      expect_close_ulps(detmath::pow(x, y), std::pow(x, y), 64);
    }
  }
  EXPECT_TRUE(std::isnan(detmath::pow(-1.0, 2.0)));
}

TEST(DetMath, LgammaMatchesLibmAndFactorials) {
  for (double x = 1e-6; x < 1e6; x *= 1.13) {
    EXPECT_NEAR(detmath::lgamma(x), std::lgamma(x),
                1e-13 * std::max(1.0, std::fabs(std::lgamma(x))))
        << x;
  }
  double log_fact = 0;  // log((n-1)!)
  for (int n = 1; n < 60; ++n) {
    EXPECT_NEAR(detmath::lgamma(n), log_fact, 1e-13 * std::max(1.0, log_fact)) << n;
    log_fact += std::log(static_cast<double>(n));
  }
  EXPECT_NEAR(detmath::lgamma(0.5), 0.5 * std::log(std::numbers::pi), 1e-15);
}

// For integer shape n: P(n, x) = 1 - e^-x sum_{k<n} x^k / k! (the Erlang CDF).
double erlang_cdf(int n, double x) {
  double term = 1;
  double sum = 0;
  for (int k = 0; k < n; ++k) {
    sum += term;
    term *= x / (k + 1);
  }
  return 1 - std::exp(-x) * sum;
}

TEST(DetMath, GammaPMatchesTheErlangCdfForIntegerShapes) {
  for (int n : {1, 2, 5, 20}) {
    for (double x : {0.01, 0.5, 1.0, 3.0, 7.5, 15.0, 40.0}) {
      EXPECT_NEAR(detmath::gamma_p(n, x), erlang_cdf(n, x), 1e-13) << n << " " << x;
    }
  }
}

TEST(DetMath, GammaPOfHalfIsTheErfOfTheSquareRoot) {
  // P(1/2, x) = erf(sqrt(x)).
  for (double x : {0.001, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0}) {
    EXPECT_NEAR(detmath::gamma_p(0.5, x), std::erf(std::sqrt(x)), 1e-13) << x;
  }
}

TEST(DetMath, GammaCdfScalesItsArgument) {
  EXPECT_NEAR(detmath::gamma_cdf(6.0, 1.0, 2.0), 1 - std::exp(-3.0), 1e-15);
  EXPECT_EQ(detmath::gamma_cdf(0.0, 3.0, 2.0), 0.0);
  EXPECT_EQ(detmath::gamma_cdf(-1.0, 3.0, 2.0), 0.0);
}

}  // namespace
}  // namespace clustersim
