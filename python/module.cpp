// The `_clustersim` extension module: the C++ API for the `clustersim` Python package.
#include <cmath>

#include "python/bindings.hpp"
#include "policies/params.hpp"
#include "policies/rl/rl_policy.hpp"
#include "sim/error.hpp"

namespace clustersim::py_bindings {

namespace {

// Times beyond +-10^12 s (31,700 years, the trace readers' limit) would not fit the engine's
// 64-bit microseconds once summed: refused rather than wrapped.
constexpr double kMaxSeconds = 1e12;

void check_seconds(double seconds, const char* what) {
  if (!std::isfinite(seconds)) throw py::value_error(std::string(what) + ": expected a finite number of seconds");
  if (std::fabs(seconds) > kMaxSeconds)
    throw py::value_error(std::string(what) + ": expected at most 1e12 seconds, got " + std::to_string(seconds));
}

}  // namespace

Time seconds_to_time(double seconds, const char* what) {
  check_seconds(seconds, what);
  return Time::from_us(std::llround(seconds * static_cast<double>(Time::kUsPerSecond)));
}

Time seconds_to_time_ceil(double seconds, const char* what) {
  check_seconds(seconds, what);
  return Time::from_seconds_ceil(seconds);
}

std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  return closest_match(word, candidates);
}

}  // namespace clustersim::py_bindings

PYBIND11_MODULE(_clustersim, m) {
  namespace py = pybind11;
  using namespace clustersim;
  using namespace clustersim::py_bindings;
  m.doc() = "clustersim's C++ core (use the `clustersim` package, which re-exports it).";
  m.attr("__version__") = CLUSTERSIM_VERSION;
  m.attr("git_revision") = CLUSTERSIM_GIT_REVISION;

  // C++ errors keep their text. InputError (bad input, with its file:line: field) is a
  // ValueError; DecisionError (a refused decision) and InvariantError (an engine bug) are
  // RuntimeErrors of their own.
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<DecisionError>(m, "DecisionError", PyExc_RuntimeError);
  py::register_exception<InvariantError>(m, "InvariantError", PyExc_RuntimeError);

  bind_cluster(m);
  bind_workload(m);
  bind_policy(m);
  bind_run(m);
  bind_reproduce(m);
  bind_dl(m);
  bind_rl(m);

  // The trained-agent policies (ppo, ddpg) join the registry, as in the CLI: run(..., policy="ppo",
  // params={"model": path}).
  rl::register_policies();
}
