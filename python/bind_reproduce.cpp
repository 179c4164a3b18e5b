// clustersim.reproduce: a published table under another simulator's protocol (the
// RLScheduler profile), from Python, with the same request as the CLI and experiment files.
#include <optional>

#include "experiments/reproduce.hpp"
#include "python/bindings.hpp"

namespace clustersim::py_bindings {

namespace {

py::dict to_python(const ReproduceResult& r) {
  namespace rl = compat::rlscheduler;
  py::list cells;
  for (const rl::Cell& c : r.table.cells) {
    py::list windows;
    for (const rl::WindowResult& w : c.windows) {
      std::vector<double> starts;
      starts.reserve(w.starts.size());
      for (Time t : w.starts) starts.push_back(t.seconds());
      py::dict d;
      d["first_index"] = w.first_index;
      d["jobs"] = w.jobs;
      d["bounded_slowdown"] = w.mean_bounded_slowdown;
      d["utilisation"] = w.utilisation;
      d["backfilled"] = w.backfilled;
      d["starts"] = to_numpy(starts);
      windows.append(d);
    }
    py::dict d;
    d["score"] = std::string(rl::to_string(c.score));
    d["backfill"] = c.backfill;
    d["bounded_slowdown"] = c.mean_bounded_slowdown;
    d["utilisation"] = c.utilisation;
    d["windows"] = windows;
    cells.append(d);
  }
  py::dict out;
  out["trace"] = r.table.trace;
  out["jobs_loaded"] = r.trace.jobs.size();
  out["max_nodes"] = r.trace.max_nodes;
  out["max_procs"] = r.trace.max_procs;
  out["starts"] = r.table.starts;
  out["cells"] = cells;
  out["warnings"] = r.trace.warnings;
  out["text"] = compat::rlscheduler::format_table(r.table);
  return out;
}

}  // namespace

void bind_reproduce(py::module_& m) {
  m.def(
      "reproduce",
      [](const std::string& profile, const std::string& trace, std::vector<std::string> scores, int windows,
         int64_t window_jobs, std::optional<std::vector<uint32_t>> seed_key, std::vector<int64_t> starts,
         int64_t max_nodes, int64_t max_procs, const std::string& csv) {
        ReproduceRequest r;
        r.profile = profile;
        r.trace = trace;
        r.scores = std::move(scores);
        r.windows = windows;
        r.window_jobs = window_jobs;
        if (seed_key) r.seed_key = *seed_key;
        r.starts = std::move(starts);
        r.max_nodes = max_nodes;
        r.max_procs = max_procs;
        r.csv = csv;
        ReproduceResult result;
        {
          py::gil_scoped_release release;
          result = run_reproduce(r);
        }
        return to_python(result);
      },
      py::arg("profile"), py::kw_only(), py::arg("trace"),
      py::arg("scores") = std::vector<std::string>{"fcfs", "sjf", "f1"}, py::arg("windows") = 10,
      py::arg("window_jobs") = 1024, py::arg("seed_key") = py::none(), py::arg("starts") = std::vector<int64_t>{},
      py::arg("max_nodes") = 0, py::arg("max_procs") = 0, py::arg("csv") = "",
      "Re-compute a published table under another simulator's protocol (profile 'rlscheduler': "
      "docs/rlscheduler.md). Returns a dict: trace, starts, cells (one per score and backfilling, "
      "with each window's numbers and start times), text (the table as the CLI prints it).");
  m.def(
      "reproduce_experiment",
      [](const std::string& path) {
        ReproduceRequest r = read_reproduce_experiment(path);
        ReproduceResult result;
        {
          py::gil_scoped_release release;
          result = run_reproduce(r);
        }
        return to_python(result);
      },
      py::arg("path"), "clustersim.reproduce from an experiment file's [reproduce] table.");
}

}  // namespace clustersim::py_bindings
