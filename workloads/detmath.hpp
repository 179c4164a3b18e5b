#pragma once
// Deterministic elementary functions for the workload generators.
//
// std::log, std::exp and friends come from the platform's math library, whose results may
// differ in the last bit between glibc, musl, libc++/macOS and MSVC. A generator that feeds
// them into rejection samplers and rounding would then give different workloads on different
// machines. These versions use only IEEE-754 operations that every conforming platform
// rounds identically (+, -, *, /, sqrt, floor, frexp, ldexp), so a given input gives the same
// bits everywhere. They are accurate to a few ulp, which is all the samplers need.
//
// The library is compiled with -ffp-contract=off so that the compiler cannot fuse a*b+c into
// one FMA on some targets and not on others.
namespace clustersim::detmath {

// Natural logarithm. log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
double log(double x);
// Base-2 logarithm; exact (an integer) when x is a power of two.
double log2(double x);
// e^x. Overflows to +inf above ~709.78 and underflows to 0 below ~-745.13.
double exp(double x);
// 2^x; exact (a power of two) when x is an integer.
double exp2(double x);
// x^y for x > 0 (computed as exp(y log x)); NaN for x <= 0.
double pow(double x, double y);
// log(Gamma(x)) for x > 0 (NaN otherwise).
double lgamma(double x);
// The regularised lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), that is
// the CDF at x of a Gamma(shape a, scale 1) variable; a > 0. Series for x < a + 1, continued
// fraction otherwise (Press et al., Numerical Recipes, section 6.2).
double gamma_p(double a, double x);
// The CDF at x of a Gamma distribution with the given shape and scale (mean = shape * scale).
double gamma_cdf(double x, double shape, double scale);

}  // namespace clustersim::detmath
