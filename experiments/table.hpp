#pragma once
// The comparison table printed by `run` and `compare`.
#include <string>
#include <utility>
#include <vector>

#include "experiments/runner.hpp"

namespace clustersim::cli {

std::string format_table(const std::vector<std::pair<std::string, RunOutcome>>& rows);

}  // namespace clustersim::cli
