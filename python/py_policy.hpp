#pragma once
// Internal to the Python module: policies written in Python.
//
// PyPolicy is the trampoline that lets a Python subclass of clustersim.Policy stand where the
// engine expects a sim/policy.hpp Policy. The engine calls it with the GIL released; each call
// takes the GIL, wraps the engine's state in a View and a Decisions handle, calls the Python
// method, and invalidates both handles when the method returns (a handle kept past its call
// would point into an engine that has moved on). A Python exception leaves as
// py::error_already_set, which unwinds through the engine (closing the output file) and is
// restored, traceback and all, when run() returns to Python.
#include "python/bindings.hpp"
#include "sim/policy.hpp"

namespace clustersim::py_bindings {

// The engine's read-only state, valid during one call into a Python policy.
class ViewHandle {
 public:
  explicit ViewHandle(const EngineView* view) : view_(view) {}
  const EngineView& get() const;
  void invalidate() { view_ = nullptr; }

 private:
  const EngineView* view_;
};

// The decisions a Python policy can make, valid during one schedule() call.
class DecisionsHandle {
 public:
  DecisionsHandle(Decisions* decisions, py::object view) : decisions_(decisions), view_(std::move(view)) {}
  Decisions& get() const;
  const py::object& view() const { return view_; }
  void invalidate() { decisions_ = nullptr; }

 private:
  Decisions* decisions_;
  py::object view_;
};

class PyPolicy : public Policy {
 public:
  using Policy::Policy;
  std::string name() const override;
  void reset(const EngineView& view) override;
  void schedule(Decisions& decisions) override;
  // A `round_interval` attribute (seconds) makes the policy round-based.
  Time round_interval() const override;
};

// A Python policy object's name: its `name` attribute when that is a string, else its class name.
std::string python_policy_name(const py::handle& policy);

}  // namespace clustersim::py_bindings
