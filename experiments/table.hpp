#pragma once
// The comparison table printed by `run` and `compare`.
#include <string>
#include <utility>
#include <vector>

#include "experiments/runner.hpp"

namespace clustersim::cli {

// `gpus`: the cluster has GPUs (DL columns), else the batch columns.
std::string format_table(const std::vector<std::pair<std::string, RunOutcome>>& rows, bool gpus = false);

}  // namespace clustersim::cli
