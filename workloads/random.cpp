#include "workloads/random.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "workloads/detmath.hpp"

namespace clustersim {

namespace {
constexpr double kTwoPowMinus53 = 1.0 / 9007199254740992.0;  // 2^-53
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Rng::state() const {
  std::ostringstream out;
  out << engine_;
  return out.str();
}

void Rng::set_state(const std::string& text) {
  std::istringstream in(text);
  std::mt19937_64 e;
  in >> e;
  if (!in) throw std::invalid_argument("not a random engine state");
  engine_ = e;
}

double Rng::uniform01() { return static_cast<double>(engine_() >> 11) * kTwoPowMinus53; }

double Rng::uniform_open01() {
  return (static_cast<double>(engine_() >> 11) + 0.5) * kTwoPowMinus53;
}

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

int64_t Rng::uniform_int(int64_t lo, int64_t hi) {
  // Width of the range minus one, as unsigned (the range may span all of int64).
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == std::numeric_limits<uint64_t>::max()) return static_cast<int64_t>(engine_());
  const uint64_t n = span + 1;
  // Accept x <= limit, where limit + 1 = 2^64 - (2^64 mod n) is the largest multiple of n
  // that fits in 64 bits, so that x % n is exactly uniform.
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - (std::numeric_limits<uint64_t>::max() % n + 1) % n;
  uint64_t x = engine_();
  while (x > limit) x = engine_();
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + x % n);
}

bool Rng::bernoulli(double p) { return uniform01() < p; }

double Rng::exponential(double mean) { return -mean * detmath::log(uniform_open01()); }

double Rng::normal() {
  for (;;) {
    const double u = 2.0 * uniform01() - 1.0;
    const double v = 2.0 * uniform01() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * detmath::log(s) / s);
  }
}

double Rng::lognormal(double mu, double sigma) { return detmath::exp(normal(mu, sigma)); }

double Rng::gamma(double shape, double scale) {
  if (shape < 1.0) {
    // Boost: if G ~ Gamma(k + 1) and U ~ U(0, 1), then G * U^(1/k) ~ Gamma(k).
    const double g = gamma(shape + 1.0, 1.0);
    const double u = uniform_open01();
    return scale * g * detmath::exp(detmath::log(u) / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform_open01();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return scale * d * v;  // squeeze
    if (detmath::log(u) < 0.5 * x2 + d * (1.0 - v + detmath::log(v))) return scale * d * v;
  }
}

double Rng::hyper_gamma(double a1, double b1, double a2, double b2, double p) {
  if (uniform01() < p) return gamma(a1, b1);
  return gamma(a2, b2);
}

double Rng::two_stage_uniform(double low, double med, double hi, double prob) {
  if (uniform01() < prob) return uniform(low, med);
  return uniform(med, hi);
}

}  // namespace clustersim
