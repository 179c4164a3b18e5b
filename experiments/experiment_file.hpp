#pragma once
// Experiment files (TOML) for `clustersim sweep`: named clusters, workloads and policies, seeds,
// the metrics to report and an output folder; the grid is clusters x workloads x policies x
// seeds. docs/experiments.md documents every key.
//
// Cluster, workload and [engine] keys are the command-line options of `clustersim run` spelt
// with '_' for '-' (`take = 5000` is `--take 5000`): a table is turned into those options and
// read by the same functions as run and compare (cli_options.hpp), so the two cannot drift.
// Reading checks everything that needs no data: structure, names, types, policies and their
// parameters. Loading traces and running happen per point, where a failure fails that point.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clustersim {

// A named table turned into command-line options ("--take", "5000", ...). Relative paths are
// already resolved against the experiment file's folder.
struct ExperimentTable {
  std::string name;
  std::vector<std::string> args;
  bool seeded = false;  // its result depends on the point's seed
};

struct ExperimentWorkload : ExperimentTable {
  std::vector<std::string> clusters;  // the clusters it runs on (empty: every cluster)
};

struct ExperimentPolicy {
  std::string name;    // the table's name (the label in results)
  std::string policy;  // the registry name
  std::map<std::string, std::string> params;
  bool seeded = false;  // it has a `seed` parameter the file leaves to the point's seed
};

struct Experiment {
  std::string path;  // the experiment file
  std::string text;  // its contents (kept in every point's /meta)
  std::string name;
  std::string output;  // the output folder (relative: to the working directory)
  std::vector<uint64_t> seeds = {1};
  std::vector<std::string> metrics;  // names of /summary metrics (kMetricNames)
  std::vector<ExperimentTable> clusters;
  std::vector<ExperimentWorkload> workloads;
  std::vector<ExperimentPolicy> policies;
  std::vector<std::string> engine_args;  // [engine], for every point
  bool engine_seeded = false;            // [engine] has failures drawn from the point's seed
};

// One run of the grid. Points whose cluster, workload, policy and engine all ignore the seed
// are run once, with no seed (the other seeds would repeat them bit for bit).
struct SweepPoint {
  std::string name;  // unique; the file name of its result, e.g. "nasa__easy__machine" or "lublin__sjf__machine__s2"
  size_t cluster = 0, workload = 0, policy = 0;
  std::optional<uint64_t> seed;
};

// The metrics an experiment may report: distributions give their mean and p95 (/summary's
// NAME_mean and NAME_p95), the others one value.
inline const std::vector<std::string> kDistributionMetrics = {"wait", "turnaround", "bounded_slowdown",
                                                              "finish_time_fairness"};
inline const std::vector<std::string> kScalarMetrics = {"utilisation", "gpu_utilisation", "makespan", "jain_users"};
inline const std::vector<std::string> kDefaultMetrics = {"bounded_slowdown", "wait", "turnaround", "utilisation"};

// Throws InputError naming file, line and key path (with a suggestion for a misspelt key).
Experiment parse_experiment(const std::string& text, const std::string& path);
Experiment read_experiment(const std::string& path);

// Every point, clusters outermost, then workloads, policies and seeds.
std::vector<SweepPoint> expand_grid(const Experiment& e);

// The command-line options of a point: its workload, cluster and [engine] options, and --seed
// (and --failure-seed unless [engine] gives it) from the point's seed.
std::vector<std::string> point_args(const Experiment& e, const SweepPoint& p);

}  // namespace clustersim
