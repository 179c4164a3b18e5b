#pragma once
// `clustersim reproduce`: a published table re-computed under another simulator's protocol
// (compat/). One request, from command-line options, an experiment file or Python.
//
// Experiment file (TOML; paths are relative to the file's folder):
//
//   [reproduce]
//   profile = "rlscheduler"                 # required; the only profile today
//   trace = "lublin_256.swf"                # required
//   scores = ["fcfs", "sjf", "f1"]          # or "all"
//   windows = 10
//   window_jobs = 1024
//   seed_key = [2739863373, 598274112]
//   starts = [1981, 2756]                   # instead of drawing the windows
//   max_nodes = 256                         # override the trace header
//   max_procs = 256
//   csv = "windows.csv"                     # every window's numbers
//
// An unknown key, a wrong type or a bad value is an InputError naming the file, the line and
// the key path (with a suggestion for a misspelt key).
#include <cstdint>
#include <string>
#include <vector>

#include "compat/rlscheduler.hpp"

namespace clustersim {

struct ReproduceRequest {
  std::string profile = "rlscheduler";
  std::string trace;
  std::vector<std::string> scores = {"fcfs", "sjf", "f1"};  // or {"all"}
  int windows = 10;
  int64_t window_jobs = 1024;
  std::vector<uint32_t> seed_key = {2739863373u, 598274112u};
  std::vector<int64_t> starts;  // empty: drawn
  int64_t max_nodes = 0;        // 0: the trace header's
  int64_t max_procs = 0;
  std::string csv;              // empty: none

  // Throws InputError naming the field.
  void validate() const;
};

struct ReproduceResult {
  compat::rlscheduler::Trace trace;  // as loaded (jobs, machine, dropped counts, warnings)
  compat::rlscheduler::Table table;
};

// Loads the trace and computes the table; writes the CSV when asked.
ReproduceResult run_reproduce(const ReproduceRequest& request);

// Reads the [reproduce] table of an experiment file.
ReproduceRequest read_reproduce_experiment(const std::string& path);
ReproduceRequest parse_reproduce_experiment(const std::string& text, const std::string& path);

}  // namespace clustersim
