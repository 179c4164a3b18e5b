#pragma once
// Seeded random numbers that are bit-identical on every machine and compiler.
//
// The engine is std::mt19937_64, whose output sequence the C++ standard fixes. The standard
// distributions (std::uniform_real_distribution, std::gamma_distribution, ...) are NOT used:
// their algorithms are implementation-defined, so libstdc++, libc++ and MSVC give different
// samples for the same engine state. Every sampler here is written out, draws a documented
// number of engine outputs, and uses only the deterministic math of workloads/detmath.hpp.
#include <cstdint>
#include <random>
#include <string>

namespace clustersim {

// SplitMix64 (Steele, Lea and Flood 2014): turns a seed into a well-mixed 64-bit value. Used to
// derive independent sub-stream seeds from one user seed (e.g. seed -> estimate stream).
uint64_t splitmix64(uint64_t x);

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // The next raw 64-bit engine output.
  uint64_t next_u64() { return engine_(); }

  // Uniform on [0, 1): the top 53 bits of one engine output, times 2^-53.
  double uniform01();
  // Uniform on (0, 1): (top 53 bits + 1/2) * 2^-53; never 0 or 1, safe to take log of.
  double uniform_open01();
  // Uniform on [lo, hi) (lo + (hi - lo) * uniform01()).
  double uniform(double lo, double hi);
  // Uniform integer in [lo, hi] (inclusive, lo <= hi), without modulo bias (rejection).
  int64_t uniform_int(int64_t lo, int64_t hi);
  // True with probability p (uniform01() < p).
  bool bernoulli(double p);

  // Exponential with the given mean (> 0): -mean * log(U), U on (0, 1).
  double exponential(double mean);
  // Standard normal by Marsaglia's polar method (one value per call; the pair's second value
  // is discarded so that the generator has no hidden state beyond the engine).
  double normal();
  double normal(double mean, double stddev) { return mean + stddev * normal(); }
  // exp(Normal(mu, sigma)); its mean is exp(mu + sigma^2 / 2).
  double lognormal(double mu, double sigma);
  // Gamma with shape k > 0 and scale theta > 0 (mean k theta, variance k theta^2), by
  // Marsaglia and Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3),
  // 2000; for k < 1 the boost Gamma(k) = Gamma(k + 1) * U^(1/k) from the same paper.
  double gamma(double shape, double scale);
  // A hyper-gamma variable: with probability p Gamma(a1, b1), otherwise Gamma(a2, b2) (shape,
  // scale); one uniform decides the branch (uniform01() < p), then one gamma sample.
  double hyper_gamma(double a1, double b1, double a2, double b2, double p);
  // The two-stage uniform of Lublin and Feitelson: with probability prob uniform on
  // [low, med), otherwise uniform on [med, hi); one uniform decides the branch.
  double two_stage_uniform(double low, double med, double hi, double prob);

  std::mt19937_64& engine() { return engine_; }
  // The engine's state as text (the standard's operator<<), and back: for checkpoints.
  std::string state() const;
  void set_state(const std::string& text);  // throws std::invalid_argument on bad text

 private:
  std::mt19937_64 engine_;
};

}  // namespace clustersim
