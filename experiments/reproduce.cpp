// clustersim reproduce PROFILE: a published table re-computed under another simulator's
// protocol (compat/). Today: rlscheduler (Zhang et al., SC'20; docs/rlscheduler.md).
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "compat/rlscheduler.hpp"
#include "experiments/cli_options.hpp"
#include "experiments/commands.hpp"
#include "policies/params.hpp"
#include "sim/error.hpp"

namespace clustersim::cli {

namespace {

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string::npos) j = list.size();
    if (j > i) out.push_back(list.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

template <class T>
std::vector<T> parse_numbers(const std::string& list, const std::string& option) {
  std::vector<T> out;
  for (const std::string& item : split_list(list)) {
    try {
      size_t used = 0;
      const long long v = std::stoll(item, &used);
      if (used != item.size() || v < 0) throw std::invalid_argument(item);
      out.push_back(static_cast<T>(v));
    } catch (const std::exception&) {
      throw InputError("--" + option + ": expected non-negative integers separated by commas, found '" +
                       item + "'");
    }
  }
  return out;
}

int reproduce_rlscheduler(const po::variables_map& vm) {
  namespace rl = compat::rlscheduler;
  rl::LoadOptions load;
  load.max_nodes = vm["max-nodes"].as<int64_t>();
  load.max_procs = vm["max-procs"].as<int64_t>();
  const rl::Trace trace = rl::load(vm["trace"].as<std::string>(), load);
  for (const std::string& w : trace.warnings) std::cerr << "warning: " << w << "\n";

  rl::Protocol protocol;
  protocol.windows = vm["windows"].as<int>();
  protocol.window_jobs = vm["window-jobs"].as<int64_t>();
  if (protocol.windows <= 0) throw InputError("--windows: must be at least 1");
  if (protocol.window_jobs <= 0) throw InputError("--window-jobs: must be at least 1");
  if (vm.count("seed-key")) protocol.seed_key = parse_numbers<uint32_t>(vm["seed-key"].as<std::string>(), "seed-key");
  if (vm.count("starts")) protocol.starts = parse_numbers<int64_t>(vm["starts"].as<std::string>(), "starts");
  if (protocol.seed_key.empty()) throw InputError("--seed-key: give at least one integer");

  std::vector<rl::Score> scores;
  const std::string list = vm["scores"].as<std::string>();
  if (list == "all") {
    scores.assign(std::begin(rl::kAllScores), std::end(rl::kAllScores));
  } else {
    for (const std::string& name : split_list(list)) scores.push_back(rl::parse_score(name));
  }
  if (scores.empty()) throw InputError("--scores: give at least one of fcfs, sjf, f1, wfp3, unicep");

  const rl::Table table = rl::reproduce(trace, protocol, scores);
  if (!vm["quiet"].as<bool>()) {
    std::cout << "RLScheduler profile: " << trace.name << ", " << trace.jobs.size() << " jobs loaded, "
              << trace.max_nodes << " nodes x " << trace.procs_per_node << " processors; "
              << table.starts.size() << " windows of " << protocol.window_jobs << " jobs starting at";
    for (int64_t s : table.starts) std::cout << ' ' << s;
    std::cout << "\n\n";
  }
  std::cout << rl::format_table(table);
  if (vm.count("csv")) {
    const std::string path = vm["csv"].as<std::string>();
    std::ofstream out(path);
    out << rl::format_windows_csv(table);
    out.close();
    if (!out) throw InputError(path + ": cannot write the per-window CSV");
    if (!vm["quiet"].as<bool>()) std::cout << "wrote " << path << "\n";
  }
  return 0;
}

}  // namespace

int cmd_reproduce(int argc, char** argv) {
  po::options_description d(
      "clustersim reproduce PROFILE: re-compute a published table under another simulator's protocol.\n"
      "PROFILE: rlscheduler (Zhang et al., SC'20: bounded slowdown and utilisation of queue orders,\n"
      "with and without backfilling, over 10 random windows of 1,024 jobs; see docs/rlscheduler.md)");
  d.add_options()("help,h", "show this help")
      ("profile", po::value<std::string>(), "the protocol (positional): rlscheduler")
      ("trace", po::value<std::string>(), "SWF trace file (required)")
      ("scores", po::value<std::string>()->default_value("fcfs,sjf,f1"),
       "comma-separated queue orders: fcfs, sjf, f1, wfp3, unicep, or 'all'")
      ("windows", po::value<int>()->default_value(10), "number of windows drawn")
      ("window-jobs", po::value<int64_t>()->default_value(1024), "jobs per window")
      ("seed-key", po::value<std::string>(),
       "init_by_array key of the window draw (default 2739863373,598274112: the reference's seed 1)")
      ("starts", po::value<std::string>(), "replay windows at these 0-based job indices instead of drawing")
      ("max-nodes", po::value<int64_t>()->default_value(0), "override the header's MaxNodes (0: header)")
      ("max-procs", po::value<int64_t>()->default_value(0), "override the header's MaxProcs (0: header)")
      ("csv", po::value<std::string>(), "also write every window's numbers to this CSV file")
      ("quiet,q", po::bool_switch(), "print only the table");
  po::positional_options_description pos;
  pos.add("profile", 1);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim reproduce rlscheduler --trace FILE.swf [--scores all]", &pos))
    return 0;
  if (!vm.count("profile")) throw InputError("reproduce: name a profile (rlscheduler)");
  const std::string profile = vm["profile"].as<std::string>();
  if (profile != "rlscheduler") {
    std::string msg = "reproduce: unknown profile '" + profile + "' (known: rlscheduler)";
    const std::string near = closest_match(profile, {"rlscheduler"});
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    throw InputError(msg);
  }
  if (!vm.count("trace")) throw InputError("reproduce rlscheduler: --trace FILE.swf is required");
  return reproduce_rlscheduler(vm);
}

}  // namespace clustersim::cli
