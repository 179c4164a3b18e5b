#pragma once
// Command-line options shared by the subcommands: where the workload comes from (a trace or
// a generator, plus transforms), the cluster, and the engine settings.
#include <boost/program_options.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "experiments/runner.hpp"
#include "policies/autoscale/autoscaler.hpp"
#include "sim/cluster.hpp"
#include "sim/engine.hpp"
#include "sim/workload.hpp"
#include "traces/format.hpp"
#include "workloads/dl.hpp"
#include "workloads/failures.hpp"

namespace clustersim::cli {

namespace po = boost::program_options;

// How to read a trace file (--trace-format, --lenient, the per-format settings): what
// `convert` takes. add_workload_options adds these and the rest (--trace, generators, transforms).
void add_trace_reader_options(po::options_description& d);
void add_workload_options(po::options_description& d);
void add_cluster_options(po::options_description& d);
void add_engine_options(po::options_description& d);
// --autoscale, --autoscale-param, --node-power (run and compare).
void add_autoscale_options(po::options_description& d);

// The built-in default workload: the Lublin-Feitelson model, 10,000 jobs on 256 processors.
inline constexpr int64_t kDefaultJobs = 10000;
inline constexpr int64_t kDefaultProcs = 256;
// The longest time in seconds an option takes: 10^12 s (31,700 years), as the trace readers
// allow; in microseconds, even summed a few times, it fits the engine's 64-bit time.
inline constexpr double kMaxOptionSeconds = 1e12;

// The trace reader settings from the options of add_trace_reader_options (and --trace-cache).
TraceOptions trace_options(const po::variables_map& vm);
// Loads or generates the workload and applies the transforms. Errors name the option. A trace
// is read through load_trace (any format, the workload cache); reading a cache, a reader
// option given on the command line that differs from the one the cache was made with is an
// error naming both. With --dl-job-types the trace's GPU jobs get drawn job types
// (assign_dl_job_types) before the transforms. `notes`, when given, receives lines saying what
// a step changed (--dl-job-types' counts) for the command to print.
Workload load_workload(const po::variables_map& vm, std::vector<std::string>* notes = nullptr);
// The trace path if the workload is a file, else empty.
std::string trace_path(const po::variables_map& vm);
// The cluster from --procs / --nodes / --cores-per-node, else the workload's machine.
Cluster make_cluster(const po::variables_map& vm, const Workload& w);
// The DL throughput table of --throughputs (or the shipped Gavel table for --synthetic dl and
// --dl-job-types),
// read once; null when the run has none.
std::shared_ptr<const ThroughputTable> throughput_table(const po::variables_map& vm);
ThroughputModelConfig speed_config(const po::variables_map& vm);
EngineConfig make_engine_config(const po::variables_map& vm);
// The autoscaler's settings from --autoscale and --autoscale-param (errors name the key).
AutoscaleConfig autoscale_config(const po::variables_map& vm);
// Applies --node-power (key=value, repeatable): idle_w, busy_w, cost_per_hour, boot_s for
// every node type, or TYPE.KEY for one. Errors name the key (and the type).
void apply_node_power(const po::variables_map& vm, Cluster& cluster);
// The node-failure model or events from --mtbf-hours, --mttr-hours, --failure-seed, --node-events.
void set_failures(const po::variables_map& vm, FailureModel& model, std::vector<NodeEvent>& events);
// Throws InputError when the run rejected every one of its `jobs` jobs (every_job_rejected),
// adding the likely cause when the trace's CPUs are read in milli-CPUs on a whole-core cluster.
// run, compare and each sweep point call it after the run: the output file is written first.
void check_some_job_can_run(const po::variables_map& vm, size_t jobs, const RunOutcome& o);
// "key = value" lines of every option given or defaulted: the config text kept in /meta.
std::string config_text(const po::variables_map& vm);
// The key=value pairs of every --param (repeatable, each "k=v,k=v"); a later key wins.
std::map<std::string, std::string> param_values(const po::variables_map& vm);
// "a,b,,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> split_commas(const std::string& list);
// Parses argv for a subcommand; prints help and returns false when --help was asked.
bool parse(int argc, char** argv, const po::options_description& d, po::variables_map& vm,
           const char* usage, const po::positional_options_description* pos = nullptr);

}  // namespace clustersim::cli
