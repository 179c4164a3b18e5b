#pragma once
// One simulation run from a description: workload, cluster, policy by name, engine settings,
// output file. The CLI's run and compare commands and the Python bindings all go through it.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output/hdf5_writer.hpp"
#include "policies/autoscale/autoscaler.hpp"
#include "sim/cluster.hpp"
#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "sim/state_io.hpp"
#include "sim/workload.hpp"
#include "workloads/dl.hpp"
#include "workloads/failures.hpp"

namespace clustersim {

struct RunSetup {
  Workload workload;
  Cluster cluster;
  std::string policy = "easy";
  std::map<std::string, std::string> policy_params;
  EngineConfig engine;
  // Time-series samples: < 0 means automatic (about 1,000 samples over the arrival span,
  // at least 1 s apart); 0 turns them off. Overrides engine.sample_interval.
  double sample_interval_s = -1;
  std::string out_path;  // empty: write no file
  Hdf5Options hdf5;      // how often the file is flushed, compression
  RunMeta meta;          // policy fields are filled in by run_simulation
  bool progress = false; // a progress line on stderr
  // The DL job model: with a throughput table, jobs with a job type run at the rate the
  // table gives on their placement (workloads/dl.hpp); without one every job runs at rate 1.
  std::shared_ptr<const ThroughputTable> throughputs;
  ThroughputModelConfig speed;
  // Node failures: a seeded MTBF/MTTR model, or events (from a file); not both.
  FailureModel failures;
  std::vector<NodeEvent> node_events;
  // A policy object owned by the caller (e.g. one written in Python) instead of one made from
  // the registry: `policy` then only names it in /meta, and policy_params must be empty.
  Policy* custom_policy = nullptr;
  // Autoscaling (docs/autoscaling.md): the policy is wrapped in an Autoscaler that powers
  // nodes on and off; the cluster must have several nodes of one type. Node power and cost
  // parameters are the cluster's (Cluster::set_power).
  AutoscaleConfig autoscale;
  // More observers, owned by the caller (e.g. the Python bindings' Ctrl-C check); they are
  // added after the output writer.
  std::vector<Observer*> observers;
  // Checkpoints (docs/checkpoints.md). With checkpoint_path, the run's whole state (engine,
  // policy, output file's rows) is written there every checkpoint_every_s seconds of wall
  // time, atomically, and once more when check_stop throws (a stop signal) before the
  // exception goes on; the policy must be checkpointable (InputError before the run if not).
  // resume_from: a checkpoint of this same run (same workload, cluster, policy, settings and
  // output path, checked) to continue from; the results equal those of an uninterrupted run.
  std::string checkpoint_path;
  double checkpoint_every_s = 600;
  std::string resume_from;
  std::function<void()> check_stop;  // called after each decision point of a checkpointed run
  // Stored in the checkpoint for `clustersim resume`: the command line that made the run,
  // subcommand first ("run", "--trace", ...).
  std::vector<std::string> command_line;
};

struct RunOutcome {
  RunSummary summary;
  double wall_seconds = 0;
  int64_t events = 0;
  int64_t decision_points = 0;
  int64_t nodes_down_at_end = 0;  // nodes failed and not repaired when the run ended
  std::vector<std::pair<int64_t, std::string>> rejections;  // trace job id, reason
  // With autoscaling: control steps taken, nodes powered on and off.
  int64_t autoscale_steps = 0, nodes_powered_on = 0, nodes_powered_off = 0;
  int64_t checkpoints_written = 0;
  bool resumed = false;  // it went on from RunSetup::resume_from (wall_seconds includes the time before)
};

// Every checkpoint a command writes (run, train) starts with the command line that made it,
// subcommand first, so that `clustersim resume FILE` can run it again.
void write_command_header(StateWriter& w, const std::vector<std::string>& command_line);
std::vector<std::string> read_command_header(StateReader& r);
// The command line stored in a checkpoint file. Throws InputError naming the file when it is
// not a readable checkpoint.
std::vector<std::string> checkpoint_command_line(const std::string& path);

// Runs to the end. Bad input (unknown policy, bad parameter, unwritable output) throws
// InputError before the simulation starts; a refused decision throws DecisionError after the
// output file has been closed with every record written so far.
RunOutcome run_simulation(RunSetup setup);

// A run in which the cluster rejected every one of its `jobs` jobs measured nothing: that is bad
// input (a workload that does not match the cluster), not a table of zeros. The error message
// naming the first reason, or nothing when some job could run (or there were no jobs).
std::optional<std::string> every_job_rejected(size_t jobs, const RunOutcome& o);

// "k=v,k=v" in key order.
std::string format_params(const std::map<std::string, std::string>& params);
// A one-line description of a cluster ("1 node x {cores=256...}").
std::string describe_cluster(const Cluster& c);
// FNV-1a 64-bit checksum of a file's bytes, as 16 hex digits (the trace checksum in /meta).
std::string file_checksum(const std::string& path);

}  // namespace clustersim
