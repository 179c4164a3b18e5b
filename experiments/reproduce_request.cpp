#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <toml++/toml.h>

#include "experiments/toml_input.hpp"

#include "experiments/reproduce.hpp"
#include "policies/params.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace rl = compat::rlscheduler;

void ReproduceRequest::validate() const {
  if (profile != "rlscheduler") {
    std::string msg = "unknown profile '" + profile + "' (known: rlscheduler)";
    const std::string near = closest_match(profile, {"rlscheduler"});
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    throw InputError("profile: " + msg);
  }
  if (trace.empty()) throw InputError("trace: an SWF trace file is required");
  if (scores.empty()) throw InputError("scores: give at least one of fcfs, sjf, f1, wfp3, unicep, or all");
  for (const std::string& s : scores) {
    if (s == "all") continue;
    try {
      rl::parse_score(s);
    } catch (const InputError& e) {
      throw InputError(std::string("scores: ") + e.what());
    }
  }
  if (windows <= 0) throw InputError("windows: must be at least 1, found " + std::to_string(windows));
  if (window_jobs <= 0) throw InputError("window_jobs: must be at least 1, found " + std::to_string(window_jobs));
  if (seed_key.empty()) throw InputError("seed_key: give at least one integer");
  if (max_nodes < 0) throw InputError("max_nodes: must be >= 0 (0: the trace header's)");
  if (max_procs < 0) throw InputError("max_procs: must be >= 0 (0: the trace header's)");
}

ReproduceResult run_reproduce(const ReproduceRequest& request) {
  request.validate();
  ReproduceResult r;
  rl::LoadOptions load;
  load.max_nodes = request.max_nodes;
  load.max_procs = request.max_procs;
  r.trace = rl::load(request.trace, load);
  rl::Protocol protocol;
  protocol.windows = request.windows;
  protocol.window_jobs = request.window_jobs;
  protocol.seed_key = request.seed_key;
  protocol.starts = request.starts;
  std::vector<rl::Score> scores;
  for (const std::string& s : request.scores) {
    if (s == "all") {
      scores.assign(std::begin(rl::kAllScores), std::end(rl::kAllScores));
      break;
    }
    scores.push_back(rl::parse_score(s));
  }
  r.table = rl::reproduce(r.trace, protocol, scores);
  if (!request.csv.empty()) {
    std::ofstream out(request.csv);
    out << rl::format_windows_csv(r.table);
    out.close();
    if (!out) throw InputError(request.csv + ": cannot write the per-window CSV");
  }
  return r;
}

namespace {

// Reads the [reproduce] table; every error names file, line and key path.
class ExperimentReader {
 public:
  ExperimentReader(const std::string& path, const toml::table& root) : path_(path), root_(root) {}

  ReproduceRequest read() {
    for (const auto& [key, node] : root_) {
      if (key.str() != "reproduce") {
        fail(node, std::string(key.str()), "unknown table", {"reproduce"});
      }
    }
    const toml::node* section = root_.get("reproduce");
    if (section == nullptr || !section->is_table()) {
      throw InputError::at(path_, 0, "reproduce", "the experiment file needs a [reproduce] table");
    }
    const toml::table& t = *section->as_table();
    const std::vector<std::string> known = {"profile", "trace", "scores", "windows", "window_jobs",
                                            "seed_key", "starts", "max_nodes", "max_procs", "csv"};
    for (const auto& [key, node] : t) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        fail(node, "reproduce." + std::string(key.str()), "unknown key", known);
      }
    }
    ReproduceRequest r;
    if (auto v = string_at(t, "profile")) r.profile = *v;
    if (auto v = string_at(t, "trace")) r.trace = relative_to_file(*v);
    if (auto v = string_at(t, "csv")) r.csv = relative_to_file(*v);
    if (const toml::node* n = t.get("scores")) {
      if (n->is_string()) {
        r.scores = {*n->value<std::string>()};
      } else if (const toml::array* a = n->as_array()) {
        r.scores.clear();
        for (const toml::node& e : *a) {
          if (!e.is_string()) fail(e, "reproduce.scores", "expected a list of names", {});
          r.scores.push_back(*e.value<std::string>());
        }
      } else {
        fail(*n, "reproduce.scores", "expected a list of names or \"all\"", {});
      }
    }
    if (auto v = integer_at(t, "windows")) r.windows = static_cast<int>(*v);
    if (auto v = integer_at(t, "window_jobs")) r.window_jobs = *v;
    if (auto v = integer_at(t, "max_nodes")) r.max_nodes = *v;
    if (auto v = integer_at(t, "max_procs")) r.max_procs = *v;
    if (const toml::node* n = t.get("seed_key")) {
      r.seed_key.clear();
      for (int64_t v : integers(*n, "reproduce.seed_key", 0xFFFFFFFFll)) {
        r.seed_key.push_back(static_cast<uint32_t>(v));
      }
    }
    if (const toml::node* n = t.get("starts")) r.starts = integers(*n, "reproduce.starts", INT64_MAX);
    try {
      r.validate();
    } catch (const InputError& e) {
      throw InputError(path_ + ": reproduce." + e.what());
    }
    return r;
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& key, const std::string& what,
                         const std::vector<std::string>& known) const {
    toml_input::fail(path_, node, key, what, known);
  }

  std::optional<std::string> string_at(const toml::table& t, const char* key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_string()) fail(*n, std::string("reproduce.") + key, "expected a string", {});
    return *n->value<std::string>();
  }

  std::optional<int64_t> integer_at(const toml::table& t, const char* key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_integer()) fail(*n, std::string("reproduce.") + key, "expected an integer", {});
    const int64_t v = *n->value<int64_t>();
    if (v < 0 || v > INT32_MAX) fail(*n, std::string("reproduce.") + key, "out of range: " + std::to_string(v), {});
    return v;
  }

  std::vector<int64_t> integers(const toml::node& n, const std::string& key, int64_t max) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) fail(n, key, "expected a list of integers", {});
    std::vector<int64_t> out;
    for (const toml::node& e : *a) {
      if (!e.is_integer()) fail(e, key, "expected a list of integers", {});
      const int64_t v = *e.value<int64_t>();
      if (v < 0 || v > max) fail(e, key, "out of range: " + std::to_string(v), {});
      out.push_back(v);
    }
    return out;
  }

  std::string relative_to_file(const std::string& p) const { return toml_input::relative_to_file(path_, p); }

  std::string path_;
  const toml::table& root_;
};

}  // namespace

ReproduceRequest parse_reproduce_experiment(const std::string& text, const std::string& path) {
  const toml::table root = toml_input::parse(text, path);
  return ExperimentReader(path, root).read();
}

ReproduceRequest read_reproduce_experiment(const std::string& path) {
  return parse_reproduce_experiment(toml_input::read_file(path), path);
}

}  // namespace clustersim
