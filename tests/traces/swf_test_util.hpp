#pragma once
// Helpers shared by the SWF tests: building record lines and catching error messages.
#include <array>
#include <string>
#include <string_view>

#include "sim/error.hpp"
#include "traces/swf.hpp"

namespace clustersim::swf_test {

// A valid record: job 1 submitted at 0, runs 10 s on 4 processors, status 1.
inline std::array<std::string, 18> base_fields() {
  return {"1", "0", "-1", "10", "4", "-1", "-1", "-1", "-1", "-1",
          "1", "-1", "-1", "-1", "-1", "-1", "-1", "-1"};
}

inline std::string join(const std::array<std::string, 18>& f) {
  std::string s;
  for (const auto& x : f) s += (s.empty() ? "" : " ") + x;
  return s + "\n";
}

// The base record with field `n` (1-based) replaced by `value`.
inline std::string line_with(int n, const std::string& value) {
  auto f = base_fields();
  f[static_cast<size_t>(n - 1)] = value;
  return join(f);
}

// A record from its main fields; the rest are -1.
inline std::string record(long id, const std::string& submit, const std::string& run,
                          const std::string& procs, const std::string& req_procs = "-1",
                          const std::string& req_time = "-1", const std::string& status = "1") {
  auto f = base_fields();
  f[0] = std::to_string(id);
  f[1] = submit;
  f[3] = run;
  f[4] = procs;
  f[7] = req_procs;
  f[8] = req_time;
  f[10] = status;
  return join(f);
}

// The InputError message parsing `text` raises, or "" when it parses.
inline std::string error_of(std::string_view text, const SwfOptions& options = {}) {
  try {
    parse_swf(text, "t.swf", options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace clustersim::swf_test
