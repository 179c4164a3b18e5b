#pragma once
// Errors a user or a caller can act on. Input problems carry their place (file:line: field).
// The CLI prints what() on one line and exits non-zero; Python raises a ValueError subclass.
#include <stdexcept>
#include <string>

namespace clustersim {

// Bad input: a trace line, a config key, a CLI flag, an unwritable output path.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // "file:line: field F: message"
  static InputError at(const std::string& file, long line, const std::string& field,
                       const std::string& message) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on chained string '+'.
    std::string s = file;
    if (line > 0) {
      s += ':';
      s += std::to_string(line);
    }
    s += ": ";
    if (!field.empty()) {
      s += field;
      s += ": ";
    }
    s += message;
    return InputError(s);
  }
};

// A policy asked for something the engine refuses (a job that is not queued, a placement over
// capacity, ...). The message names the decision, the job and the reason.
class DecisionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An engine invariant was violated (a bug, never bad input). Names the time, job and node.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace clustersim
