// clustersim reproduce PROFILE: a published table re-computed under another simulator's
// protocol (compat/). Today: rlscheduler (Zhang et al., SC'20; docs/rlscheduler.md).
#include "experiments/reproduce.hpp"

#include <iostream>
#include <string>
#include <vector>

#include "experiments/cli_options.hpp"
#include "experiments/commands.hpp"
#include "sim/error.hpp"

namespace clustersim::cli {

namespace {

template <class T>
std::vector<T> parse_numbers(const std::string& list, const std::string& option, long long max) {
  std::vector<T> out;
  for (const std::string& item : split_commas(list)) {
    try {
      size_t used = 0;
      const long long v = std::stoll(item, &used);
      if (used != item.size() || v < 0 || v > max) throw std::invalid_argument(item);
      out.push_back(static_cast<T>(v));
    } catch (const std::exception&) {
      throw InputError("--" + option + ": expected integers from 0 to " + std::to_string(max) +
                       " separated by commas, found '" + item + "'");
    }
  }
  return out;
}

// The request from an experiment file, then every option given on the command line.
ReproduceRequest request_from(const po::variables_map& vm) {
  ReproduceRequest r;
  if (vm.count("experiment")) r = read_reproduce_experiment(vm["experiment"].as<std::string>());
  auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
  if (vm.count("profile")) r.profile = vm["profile"].as<std::string>();
  if (given("trace")) r.trace = vm["trace"].as<std::string>();
  if (given("scores")) r.scores = split_commas(vm["scores"].as<std::string>());
  if (given("windows")) r.windows = vm["windows"].as<int>();
  if (given("window-jobs")) r.window_jobs = vm["window-jobs"].as<int64_t>();
  if (given("seed-key")) r.seed_key = parse_numbers<uint32_t>(vm["seed-key"].as<std::string>(), "seed-key", 0xFFFFFFFFll);
  if (given("starts")) r.starts = parse_numbers<int64_t>(vm["starts"].as<std::string>(), "starts", INT64_MAX);
  if (given("max-nodes")) r.max_nodes = vm["max-nodes"].as<int64_t>();
  if (given("max-procs")) r.max_procs = vm["max-procs"].as<int64_t>();
  if (given("csv")) r.csv = vm["csv"].as<std::string>();
  if (!vm.count("experiment") && !vm.count("profile")) {
    throw InputError("reproduce: name a profile (rlscheduler) or give --experiment FILE");
  }
  return r;
}

}  // namespace

int cmd_reproduce(int argc, char** argv) {
  po::options_description d(
      "clustersim reproduce PROFILE: re-compute a published table under another simulator's protocol.\n"
      "PROFILE: rlscheduler (Zhang et al., SC'20: bounded slowdown and utilisation of queue orders,\n"
      "with and without backfilling, over 10 random windows of 1,024 jobs; see docs/rlscheduler.md).\n"
      "Options given on the command line override those of --experiment FILE");
  d.add_options()("help,h", "show this help")
      ("profile", po::value<std::string>(), "the protocol (positional): rlscheduler")
      ("experiment", po::value<std::string>(), "an experiment file with a [reproduce] table (TOML)")
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
  if (!parse(argc, argv, d, vm,
             "usage: clustersim reproduce rlscheduler --trace FILE.swf [--scores all]\n"
             "       clustersim reproduce --experiment FILE.toml",
             &pos))
    return 0;
  const ReproduceRequest request = request_from(vm);
  try {
    request.validate();
  } catch (const InputError& e) {
    throw InputError(std::string("reproduce ") + e.what());
  }
  const ReproduceResult r = run_reproduce(request);
  for (const std::string& w : r.trace.warnings) std::cerr << "warning: " << w << "\n";
  const bool quiet = vm["quiet"].as<bool>();
  if (!quiet) {
    std::cout << "RLScheduler profile: " << r.trace.name << ", " << r.trace.jobs.size() << " jobs loaded, "
              << r.trace.max_nodes << " nodes x " << r.trace.procs_per_node << " processors; "
              << r.table.starts.size() << " windows of " << request.window_jobs << " jobs starting at";
    for (int64_t s : r.table.starts) std::cout << ' ' << s;
    std::cout << "\n\n";
  }
  std::cout << compat::rlscheduler::format_table(r.table);
  if (!request.csv.empty() && !quiet) std::cout << "wrote " << request.csv << "\n";
  return 0;
}

}  // namespace clustersim::cli
