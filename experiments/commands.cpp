#include "experiments/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "experiments/cli_options.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/runner.hpp"
#include "experiments/table.hpp"
#include "policies/params.hpp"
#include "policies/registry.hpp"
#include "sim/error.hpp"
#include "workloads/text.hpp"
#include "traces/cache.hpp"
#include "workloads/stats.hpp"

namespace clustersim::cli {

static RunMeta base_meta(const po::variables_map& vm, const Workload& w) {
  RunMeta m;
  m.tool_version = CLUSTERSIM_VERSION;
  m.git_revision = CLUSTERSIM_GIT_REVISION;
  m.config_text = config_text(vm);
  m.trace_name = w.name;
  std::string path = trace_path(vm);
  m.trace_checksum = path.empty() ? "" : "fnv1a64:" + file_checksum(path);
  m.seed = vm["seed"].as<uint64_t>();
  return m;
}

static void report_loading(const Workload& w, const std::vector<std::string>& notes) {
  if (w.skipped_total() > 0) {
    std::cerr << w.name << ": " << w.jobs.size() << " jobs loaded, " << w.skipped_total() << " records skipped (";
    bool first = true;
    for (const auto& [why, n] : w.skipped) { std::cerr << (first ? "" : ", ") << why << ": " << n; first = false; }
    std::cerr << ")\n";
  }
  for (const auto& msg : w.warnings) std::cerr << "warning: " << msg << "\n";
  for (const auto& msg : notes) std::cerr << msg << "\n";
}

// The observer that stops a run on SIGINT/SIGTERM (handlers installed on first use).
static StopOnSignal& stop_on_signal() {
  static StopOnSignal stop;
  install_stop_signals();
  return stop;
}

// -1 (automatic: about 1,000 samples), 0 (off) or a period in seconds.
static double sample_interval(const po::variables_map& vm) {
  const double s = vm["sample-interval"].as<double>();
  if (s != -1 && !(s >= 0 && s <= kMaxOptionSeconds))
    throw InputError("--sample-interval: expected -1 (about 1,000 samples), 0 (off) or a period of at most 1e12 s, got " +
                     text::shortest(s));
  return s;
}

static double flush_seconds(const po::variables_map& vm) {
  const double s = vm["flush-seconds"].as<double>();
  if (!(s > 0) || !std::isfinite(s)) throw InputError("--flush-seconds: must be > 0, got " + std::to_string(s));
  return s;
}

// What run, compare and sweep set the same way from their options: engine, failures, the DL
// speed model, output flushing, the stop-on-signal observer, /meta and the progress line.
RunSetup shared_setup(const po::variables_map& vm, const Workload& w) {
  RunSetup s;
  s.engine = make_engine_config(vm);
  set_failures(vm, s.failures, s.node_events);
  s.throughputs = throughput_table(vm);
  s.speed = speed_config(vm);
  s.sample_interval_s = sample_interval(vm);
  s.hdf5.flush_seconds = flush_seconds(vm);
  s.autoscale = autoscale_config(vm);
  s.observers.push_back(&stop_on_signal());
  s.meta = base_meta(vm, w);
  s.progress = isatty(STDERR_FILENO) && !vm["quiet"].as<bool>();
  return s;
}

// "node-hours 1234.5, cost 49.38, energy 12.35 kWh" (and the autoscaler's activity).
static std::string power_line(const RunOutcome& o) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << o.summary.node_hours << " node-hours, cost " << std::setprecision(2)
    << o.summary.cost << ", energy " << o.summary.energy_kwh << " kWh";
  if (o.autoscale_steps > 0)
    s << "; autoscaler: " << o.autoscale_steps << " control steps, " << o.nodes_powered_on << " nodes powered on, "
      << o.nodes_powered_off << " off";
  return s.str();
}

int cmd_run(int argc, char** argv) {
  po::options_description d("clustersim run: replay one workload under one policy");
  d.add_options()("help,h", "show this help")
      ("policy", po::value<std::string>()->default_value("easy"), "policy name (see `clustersim policies`)")
      ("param", po::value<std::vector<std::string>>()->composing(), "policy parameter key=value (repeatable)")
      ("out", po::value<std::string>(), "write the run to this HDF5 file")
      ("quiet,q", po::bool_switch(), "print nothing but errors");
  add_workload_options(d);
  add_cluster_options(d);
  add_engine_options(d);
  add_autoscale_options(d);
  add_checkpoint_options(d);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim run [--trace FILE | --synthetic lublin|poisson|dl] [--cluster-spec FILE] [--policy NAME] [--out FILE.h5]"))
    return 0;
  std::vector<std::string> notes;
  Workload w = load_workload(vm, &notes);
  if (!vm["quiet"].as<bool>()) report_loading(w, notes);
  RunSetup s = shared_setup(vm, w);
  s.workload = std::move(w);
  s.cluster = make_cluster(vm, s.workload);
  apply_node_power(vm, s.cluster);
  s.policy = vm["policy"].as<std::string>();
  s.policy_params = param_values(vm);
  if (vm.count("out")) s.out_path = vm["out"].as<std::string>();
  set_checkpoint(vm, s, argc, argv);
  std::string name = s.workload.name, cluster = describe_cluster(s.cluster), policy = s.policy;
  const bool gpu_cluster = s.cluster.total_capacity().gpu_milli > 0;
  const size_t jobs = s.workload.jobs.size();
  RunOutcome o = run_simulation(std::move(s));
  check_some_job_can_run(vm, jobs, o);
  if (!vm["quiet"].as<bool>()) {
    std::cout << name << " on " << cluster << "\n" << format_table({{policy, o}}, gpu_cluster);
    std::cout << "power: " << power_line(o) << "\n";
    if (!o.rejections.empty())
      std::cout << o.rejections.size() << " jobs rejected (first: job " << o.rejections[0].first << ": "
                << o.rejections[0].second << ")\n";
    if (o.summary.unfinished > 0) {
      std::cout << o.summary.unfinished << " jobs never finished";
      if (o.nodes_down_at_end > 0)
        std::cout << " (" << o.nodes_down_at_end << " nodes were down for good: the policy could not run them on the rest)";
      std::cout << "\n";
    }
    if (vm.count("out")) std::cout << "wrote " << vm["out"].as<std::string>() << "\n";
    if (o.resumed) std::cout << "resumed from " << vm["resume"].as<std::string>() << "\n";
  }
  return 0;
}

int cmd_compare(int argc, char** argv) {
  po::options_description d("clustersim compare: several policies on one workload (default: the built-in "
                             "Lublin-Feitelson workload, 10,000 jobs on 256 processors, seed 1)");
  d.add_options()("help,h", "show this help")
      ("policies", po::value<std::string>()->default_value("fcfs,sjf,rr,easy,easy-sjf"), "comma-separated policy names")
      ("out-dir", po::value<std::string>(), "write one HDF5 file per policy into this folder")
      ("quiet,q", po::bool_switch(), "print only the table");
  add_workload_options(d);
  add_cluster_options(d);
  add_engine_options(d);
  add_autoscale_options(d);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim compare [workload options] [--policies a,b] [--out-dir DIR]")) return 0;
  std::vector<std::string> notes;
  Workload w = load_workload(vm, &notes);
  if (!vm["quiet"].as<bool>()) report_loading(w, notes);
  Cluster cluster = make_cluster(vm, w);
  apply_node_power(vm, cluster);
  const std::vector<std::string> names = split_commas(vm["policies"].as<std::string>());
  for (const auto& n : names) PolicyRegistry::builtin().make(n);  // unknown names fail before any run
  std::string out_dir = vm.count("out-dir") ? vm["out-dir"].as<std::string>() : "";
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) throw InputError(out_dir + ": cannot create the output folder: " + ec.message());
  }
  std::vector<std::pair<std::string, RunOutcome>> rows;
  const RunSetup shared = shared_setup(vm, w);  // options and files read once for every policy
  for (const auto& n : names) {
    RunSetup s = shared;
    s.workload = w;
    s.cluster = cluster;
    s.policy = n;
    if (!out_dir.empty()) s.out_path = out_dir + "/" + n + ".h5";
    rows.emplace_back(n, run_simulation(std::move(s)));
    check_some_job_can_run(vm, w.jobs.size(), rows.back().second);  // the same for every policy: stop at the first
  }
  if (!vm["quiet"].as<bool>()) std::cout << w.name << " (" << w.jobs.size() << " jobs) on " << describe_cluster(cluster) << "\n";
  std::cout << format_table(rows, cluster.total_capacity().gpu_milli > 0);
  if (!vm["quiet"].as<bool>())
    for (const auto& [n, o] : rows) std::cout << "power " << n << ": " << power_line(o) << "\n";
  if (!out_dir.empty() && !vm["quiet"].as<bool>()) std::cout << "wrote " << names.size() << " HDF5 files to " << out_dir << "/\n";
  return 0;
}

// What the workload asks of GPUs, for traces of GPU clusters (nothing for CPU-only workloads).
static std::string gpu_summary(const Workload& w) {
  int64_t gpu_jobs = 0, max_milli = 0;
  double milli_sum = 0, gpu_seconds = 0;
  std::map<std::string, int64_t> models;
  for (const JobSpec& j : w.jobs) {
    const int64_t milli = j.total().gpu_milli;
    if (milli == 0) continue;
    ++gpu_jobs;
    milli_sum += static_cast<double>(milli);
    max_milli = std::max(max_milli, milli);
    gpu_seconds += static_cast<double>(milli) / 1000.0 * j.runtime.seconds();
    if (!j.gpu_model.empty()) ++models[j.gpu_model];
  }
  if (gpu_jobs == 0) return "";
  auto line = [](const std::string& label, const std::string& value) {
    return label + std::string(label.size() < 20 ? 20 - label.size() : 1, ' ') + value + "\n";
  };
  auto fixed = [](double v, int digits) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
  };
  std::string out = line("gpu jobs", std::to_string(gpu_jobs) + " (" +
                                         fixed(100.0 * static_cast<double>(gpu_jobs) / static_cast<double>(w.jobs.size()), 1) + " %)");
  out += line("gpus per gpu job", "mean " + fixed(milli_sum / 1000.0 / static_cast<double>(gpu_jobs), 2) + ", max " +
                                      fixed(static_cast<double>(max_milli) / 1000.0, 3 * (max_milli % 1000 != 0)));
  out += line("gpu hours", fixed(gpu_seconds / 3600.0, 1));
  if (!models.empty()) {
    std::string list;
    for (const auto& [model, n] : models) list += (list.empty() ? "" : ", ") + model + ": " + std::to_string(n);
    out += line("gpu models", list);
  }
  return out;
}

int cmd_info(int argc, char** argv) {
  po::options_description d("clustersim info: statistics of a workload (a trace file or a generator)");
  d.add_options()("help,h", "show this help");
  add_workload_options(d);
  add_cluster_options(d);
  po::positional_options_description pos;
  pos.add("trace", 1);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim info TRACE | clustersim info --synthetic lublin", &pos)) return 0;
  std::vector<std::string> notes;
  Workload w = load_workload(vm, &notes);
  report_loading(w, notes);
  int64_t procs = vm.count("procs") ? vm["procs"].as<int64_t>() : w.machine.processors();
  if (vm.count("nodes")) procs = vm["nodes"].as<int64_t>() * vm["cores-per-node"].as<int64_t>();
  std::cout << w.name << "\n" << format_stats(compute_stats(w, procs)) << gpu_summary(w);
  return 0;
}

int cmd_policies(int argc, char** argv) {
  po::options_description d("clustersim policies: list the policies and their parameters");
  d.add_options()("help,h", "show this help");
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim policies")) return 0;
  for (const auto& p : PolicyRegistry::builtin().all()) {
    std::cout << p.name << "\n    " << p.description << "\n";
    for (const auto& a : p.params) std::cout << "    --param " << a.name << "=" << a.default_value << "    " << a.description << "\n";
  }
  return 0;
}

}  // namespace clustersim::cli
