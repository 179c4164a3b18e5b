#pragma once
// Test policies: one given as a function, and a greedy arrival-order starter.
#include <functional>
#include <string>
#include <vector>

#include "sim/policy.hpp"

namespace clustersim::testing {

class FnPolicy : public Policy {
 public:
  explicit FnPolicy(std::function<void(Decisions&)> f) : f_(std::move(f)) {}
  std::string name() const override { return "test"; }
  void schedule(Decisions& d) override {
    ++calls;
    f_(d);
  }
  int calls = 0;

 private:
  std::function<void(Decisions&)> f_;
};

// Starts queued jobs in arrival order while they fit.
inline void greedy(Decisions& d) {
  std::vector<JobId> q(d.view().queue().begin(), d.view().queue().end());
  for (JobId j : q)
    if (!d.try_start(j)) break;
}

}  // namespace clustersim::testing
