#pragma once
// Policy parameters as given on the command line, in an experiment file or from Python
// (name -> text), read with typed getters whose errors name the policy and the key.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/suggest.hpp"  // closest_match, for the callers of this header

namespace clustersim {

class PolicyParams {
 public:
  PolicyParams() = default;
  PolicyParams(std::string policy, std::map<std::string, std::string> values)
      : policy_(std::move(policy)), values_(std::move(values)) {}

  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::string get_choice(const std::string& key, const std::string& fallback,
                         const std::vector<std::string>& choices) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // Throws InputError for any key not in `known` (with a "did you mean" suggestion).
  void reject_unknown(const std::vector<std::string>& known) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::string where(const std::string& key) const;
  std::string policy_;
  std::map<std::string, std::string> values_;
};

// Parses "a=1,b=x" (the CLI's --param form may also be repeated) into a map; throws
// InputError on an entry without '='.
std::map<std::string, std::string> parse_param_list(const std::string& text);
// The closest candidate by edit distance, or empty if none is close.

}  // namespace clustersim
