#include "workloads/detmath.hpp"

#include <cmath>
#include <limits>

namespace clustersim::detmath {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11 (the fdlibm constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLn2 = 0.693147180559945309417232121458;
constexpr double kInvLn2 = 1.44269504088896340735992468100;
constexpr double kSqrtHalf = 0.707106781186547524400844362105;
constexpr double kHalfLog2Pi = 0.918938533204672741780329736406;

// e^r for |r| <= ~0.35 by its Taylor series (terms beyond r^16/16! are below 1e-20).
double exp_reduced(double r) {
  double p = 1.0;
  for (int n = 16; n >= 1; --n) p = 1.0 + p * r / n;
  return p;
}

}  // namespace

double log(double x) {
  if (std::isnan(x) || x < 0.0) return kNaN;
  if (x == 0.0) return -kInf;
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1); exact
  if (m < kSqrtHalf) {
    m *= 2.0;
    --e;
  }  // now m in [sqrt(1/2), sqrt(2)), so |f| below <= 0.172
  // log(m) = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), f = (m - 1) / (m + 1).
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;  // <= 0.0295, so 12 terms reach below 1e-19
  double p = 0.0;
  for (int k = 12; k >= 1; --k) p = 1.0 / (2 * k + 1) + s * p;
  const double log_m = 2.0 * f + 2.0 * f * s * p;
  const double de = e;
  return de * kLn2Hi + (de * kLn2Lo + log_m);
}

double log2(double x) {
  if (std::isnan(x) || x <= 0.0 || std::isinf(x)) return log(x);
  int e = 0;
  const double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  return (e - 1) + log(2.0 * m) * kInvLn2;
}

double exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893383973096) return kInf;
  if (x < -745.133219101941108420) return 0.0;
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= ln2/2 (+ rounding)
  return std::ldexp(exp_reduced(r), static_cast<int>(k));
}

double exp2(double x) {
  if (std::isnan(x)) return x;
  if (x >= 1024.0) return kInf;
  if (x < -1075.0) return 0.0;
  const double k = std::floor(x + 0.5);
  const double r = x - k;  // exact, |r| <= 1/2
  if (r == 0.0) return std::ldexp(1.0, static_cast<int>(k));
  return std::ldexp(exp_reduced(r * kLn2), static_cast<int>(k));
}

double pow(double x, double y) {
  if (!(x > 0.0)) return kNaN;
  return exp(y * log(x));
}

double lgamma(double x) {
  if (!(x > 0.0)) return kNaN;
  if (std::isinf(x)) return x;
  // Shift to z >= 15 with Gamma(x) = Gamma(x + n) / (x (x+1) ... (x+n-1)), then use
  // Stirling's series (error below 1e-16 relative at z = 15 with the terms up to z^-11).
  double prod = 1.0;
  double z = x;
  while (z < 15.0) {
    prod *= z;
    z += 1.0;
  }
  const double inv = 1.0 / z;
  const double inv2 = inv * inv;
  const double series =
      inv *
      (1.0 / 12 +
       inv2 * (-1.0 / 360 +
               inv2 * (1.0 / 1260 +
                       inv2 * (-1.0 / 1680 + inv2 * (1.0 / 1188 + inv2 * (-691.0 / 360360))))));
  return (z - 0.5) * log(z) - z + kHalfLog2Pi + series - log(prod);
}

double gamma_p(double a, double x) {
  if (!(a > 0.0) || std::isnan(x)) return kNaN;
  if (x <= 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  const double log_prefix = -x + a * log(x) - lgamma(a);
  constexpr int kMaxIter = 10000;
  constexpr double kEps = 1e-16;
  if (x < a + 1.0) {
    // P(a, x) = e^-x x^a / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n)).
    double ap = a;
    double term = 1.0 / a;
    double sum = term;
    for (int n = 0; n < kMaxIter; ++n) {
      ap += 1.0;
      term *= x / ap;
      sum += term;
      if (term < sum * kEps) break;
    }
    return sum * exp(log_prefix);
  }
  // Q(a, x) by its continued fraction, evaluated with the modified Lentz method.
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i <= kMaxIter; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return 1.0 - exp(log_prefix) * h;
}

double gamma_cdf(double x, double shape, double scale) {
  if (!(scale > 0.0)) return kNaN;
  return gamma_p(shape, x / scale);
}

}  // namespace clustersim::detmath
