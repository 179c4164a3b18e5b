// fgd_experiment: the FGD paper's headline experiment (fgd.hpp, docs/packing.md). For each
// policy, load and seed it prints nothing but progress; at the end, two tables (mean [min,
// max] of the GPU allocation ratio over the seeds, in percent) and a CSV with every run.
//
//   fgd_experiment [--nodes FILE] [--pods FILE] [--loads 50,60,...] [--seeds 10]
//                  [--policies random,best-fit,...] [--csv fgd.csv] [--check] [--quiet]
#include <boost/program_options.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "experiments/fgd/fgd.hpp"
#include "sim/error.hpp"
#include "traces/openb.hpp"

namespace po = boost::program_options;
using namespace clustersim;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// `load` in percent of the cluster's GPUs -> the cell "mean [min, max]" of one policy.
struct Cell {
  std::vector<double> first, end;
};

std::string cell_text(const std::vector<double>& v) {
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%5.1f [%5.1f,%5.1f]", 100 * mean, 100 * *lo, 100 * *hi);
  return buf;
}

void print_table(const std::string& title, const std::vector<fgd::PolicySpec>& policies,
                 const std::vector<int64_t>& loads, const std::map<std::pair<size_t, int64_t>, Cell>& cells,
                 bool at_first) {
  std::cout << title << "\n" << "load %";
  for (const auto& p : policies) std::printf("  %-20s", p.label.c_str());
  std::cout << "\n";
  for (int64_t load : loads) {
    std::printf("%6lld", static_cast<long long>(load));
    for (size_t i = 0; i < policies.size(); ++i) {
      const Cell& c = cells.at({i, load});
      std::printf("  %-20s", cell_text(at_first ? c.first : c.end).c_str());
    }
    std::cout << "\n";
  }
  std::cout << "\n";
}

int run(int argc, char** argv) {
  po::options_description opts("fgd_experiment options");
  opts.add_options()
      ("help,h", "this help")
      ("nodes", po::value<std::string>()->default_value(CLUSTERSIM_OPENB_DIR "/openb_node_list_all_node.csv"),
       "openb node list (the cluster)")
      ("pods", po::value<std::string>()->default_value(CLUSTERSIM_OPENB_DIR "/openb_pod_list_default.csv"),
       "openb pod list (the tasks, resampled)")
      ("loads", po::value<std::string>()->default_value("50,60,70,80,90,100,110,120,130"),
       "requested GPUs in percent of the cluster's, comma-separated")
      ("seeds", po::value<int64_t>()->default_value(10), "seeds per load (1, 2, ...)")
      ("first-seed", po::value<int64_t>()->default_value(1), "the first seed")
      ("policies", po::value<std::string>()->default_value("random,best-fit,dot-product,dot-product:pick=min,fgd"),
       "policies, comma-separated; NAME:key=value;key=value for parameters")
      ("csv", po::value<std::string>()->default_value("fgd.csv"), "write every run here")
      ("check", "check the engine's invariants at every decision point and every GPU at the end")
      ("quiet", "no progress on stderr");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, opts), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  po::notify(vm);

  std::vector<int64_t> loads;
  for (const std::string& s : split(vm["loads"].as<std::string>())) {
    size_t used = 0;
    int64_t v = -1;
    try {
      v = std::stoll(s, &used);
    } catch (const std::exception&) {
    }
    if (used != s.size() || v <= 0) throw InputError("--loads: expected percentages > 0, found '" + s + "'");
    loads.push_back(v);
  }
  const int64_t seeds = vm["seeds"].as<int64_t>(), first_seed = vm["first-seed"].as<int64_t>();
  if (seeds < 1) throw InputError("--seeds: expected >= 1, found " + std::to_string(seeds));
  std::vector<fgd::PolicySpec> policies;
  for (const std::string& s : split(vm["policies"].as<std::string>())) {
    std::string text = s;
    std::replace(text.begin(), text.end(), ';', ',');  // NAME:a=1;b=2 (commas separate policies)
    fgd::PolicySpec p = fgd::parse_policy(text);
    p.label = s;
    policies.push_back(p);
  }
  if (loads.empty() || policies.empty()) throw InputError("--loads and --policies need at least one entry");
  const bool check = vm.count("check") > 0, quiet = vm.count("quiet") > 0;

  const ClusterSpec spec = read_openb_cluster(vm["nodes"].as<std::string>());
  const Workload trace = read_openb_workload(vm["pods"].as<std::string>());
  const int64_t capacity = spec.cluster.total_capacity().gpu_milli;
  if (capacity <= 0) throw InputError(vm["nodes"].as<std::string>() + ": the cluster has no GPU");
  std::cerr << "cluster " << spec.name << ": " << spec.cluster.num_nodes() << " nodes, " << capacity / kMilliPerGpu
            << " GPUs; trace " << trace.name << ": " << trace.jobs.size() << " tasks\n";

  const std::string csv_path = vm["csv"].as<std::string>();
  std::ofstream csv(csv_path);
  if (!csv) throw InputError(csv_path + ": cannot write");
  csv << "policy,load_percent,seed,tasks,placed,first_failure,ratio_at_first_failure,ratio_at_end,first_failure_gpu_milli\n";
  std::map<std::pair<size_t, int64_t>, Cell> cells;
  for (size_t i = 0; i < policies.size(); ++i) {
    for (int64_t load : loads) {
      const auto t0 = std::chrono::steady_clock::now();
      for (int64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
        // The workload depends on (seed, load) only: every policy sees the same tasks.
        const uint64_t key = static_cast<uint64_t>(seed) * 1000003u + static_cast<uint64_t>(load);
        const std::vector<JobSpec> jobs = fgd::inflate(trace.jobs, capacity * load / 100, key);
        const fgd::RunResult r = fgd::run(spec.cluster, jobs, policies[i], static_cast<uint64_t>(seed), check);
        if (r.ratio_at_first_failure < 0 || r.ratio_at_first_failure > 1 || r.ratio_at_end < r.ratio_at_first_failure ||
            r.ratio_at_end > 1)
          throw InvariantError("allocation ratios out of order: " + std::to_string(r.ratio_at_first_failure) + ", " +
                               std::to_string(r.ratio_at_end));
        cells[{i, load}].first.push_back(r.ratio_at_first_failure);
        cells[{i, load}].end.push_back(r.ratio_at_end);
        char row[160];
        std::snprintf(row, sizeof row, "%lld,%lld,%lld,%lld,%lld,%.6f,%.6f,%lld\n", static_cast<long long>(load),
                      static_cast<long long>(seed), static_cast<long long>(r.tasks), static_cast<long long>(r.placed),
                      static_cast<long long>(r.first_failure), r.ratio_at_first_failure, r.ratio_at_end,
                      static_cast<long long>(r.first_failure_gpu));
        csv << policies[i].label << "," << row;
      }
      if (!quiet)
        std::cerr << policies[i].label << " at " << load << "%: "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    }
  }
  print_table("GPU allocation ratio (%) when the first task cannot be placed: mean [min, max] over " +
                  std::to_string(seeds) + " seeds",
              policies, loads, cells, true);
  print_table("GPU allocation ratio (%) when the last task has arrived (tasks that do not fit skipped): mean [min, max]",
              policies, loads, cells, false);
  std::cout << "wrote " << csv_path << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const po::error& e) {
    std::cerr << "fgd_experiment: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fgd_experiment: " << e.what() << "\n";
    return 1;
  }
}
