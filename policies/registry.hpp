#pragma once
// One registry maps a policy name and its parameters (from the CLI, an experiment file or
// Python) to an instance. Each entry describes itself (parameters, defaults, one line of
// description) so `clustersim policies` and Python can list them; a misspelt name gets a
// "did you mean".
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policies/params.hpp"
#include "sim/policy.hpp"

namespace clustersim {

struct ParamInfo {
  std::string name;
  std::string default_value;
  std::string description;
};

struct PolicyInfo {
  std::string name;
  std::string description;
  std::vector<ParamInfo> params;
  std::function<std::unique_ptr<Policy>(const PolicyParams&)> make;
};

class PolicyRegistry {
 public:
  // The registry with every built-in policy.
  static const PolicyRegistry& builtin();
  // Policies of libraries layered above this one (the trained RL policies, which need
  // libtorch) join builtin() through this: their owner calls it once at start-up, before
  // policies are made from several threads (rl::register_policies does).
  static void extend_builtin(const std::function<void(PolicyRegistry&)>& add);

  void add(PolicyInfo info);
  // Throws InputError for an unknown name (with "did you mean") or a bad parameter.
  std::unique_ptr<Policy> make(const std::string& name, const std::map<std::string, std::string>& params = {}) const;
  const PolicyInfo* find(const std::string& name) const;
  const std::vector<PolicyInfo>& all() const { return entries_; }
  std::vector<std::string> names() const;

 private:
  std::vector<PolicyInfo> entries_;
};

// Adds the batch heuristics (fcfs, sjf, rr, easy, easy-sjf).
void register_batch_policies(PolicyRegistry& registry);

}  // namespace clustersim
