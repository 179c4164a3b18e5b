#pragma once
// Suggestions for misspelt names (options, keys, columns, policies), shared by every reader.
#include <string>
#include <string_view>
#include <vector>

namespace clustersim {

// The candidate closest to `word` (Levenshtein distance at most max(2, a third of its length),
// or a candidate that starts with it), or "" when none is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" for closest_match, else " (expected one of: a, b, c)"; "" when
// there are no candidates.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace clustersim
