#pragma once
// Evaluating any policy on the environment's windows: each window of an episode source
// (the jobs at an offset, shifted to start at 0) replayed to the end on a fresh engine, the
// same way SchedulingEnv builds its episodes. What `clustersim train` reports for the trained
// agent and the heuristics on the held-out windows.
#include <functional>
#include <memory>
#include <vector>

#include "policies/rl/env.hpp"
#include "sim/policy.hpp"

namespace clustersim::rl {

struct WindowResult {
  int64_t offset = 0;
  double mean_bsld = 0, mean_jct_s = 0, utilisation = 0;
  int64_t finished = 0;
};

// The window of `jobs` jobs at `offset`, submit times shifted so the first is 0.
std::vector<JobSpec> window_jobs(const EpisodeSource& source, int64_t offset, int64_t jobs);

// Runs a fresh policy from `make` on each window.
std::vector<WindowResult> evaluate_windows(const EpisodeSource& source, int64_t jobs,
                                           const std::vector<int64_t>& offsets,
                                           const std::function<std::unique_ptr<Policy>()>& make);

// Mean over windows.
WindowResult mean_of(const std::vector<WindowResult>& results);

}  // namespace clustersim::rl
