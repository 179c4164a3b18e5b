#pragma once
// The clustersim subcommands. Each returns the process exit code; errors are thrown and
// printed on one line by main.
#include "experiments/cli_options.hpp"
#include "experiments/runner.hpp"

namespace clustersim::cli {

int cmd_run(int argc, char** argv);       // one policy on one workload
int cmd_compare(int argc, char** argv);   // several policies on one workload, a table
int cmd_info(int argc, char** argv);      // statistics of a trace or generated workload
int cmd_policies(int argc, char** argv);  // the policy registry
int cmd_reproduce(int argc, char** argv); // a published table under another simulator's protocol
int cmd_convert(int argc, char** argv);   // a trace to a workload cache (experiments/convert.cpp)
int cmd_train(int argc, char** argv);     // trains an RL agent in the loop (experiments/train.cpp)
int cmd_sweep(int argc, char** argv);     // every point of an experiment file's grid (experiments/sweep_command.cpp)
int cmd_report(int argc, char** argv);    // a sweep's report, by the Python package (experiments/report.cpp)
int cmd_resume(int argc, char** argv);    // a checkpointed run from its checkpoint (experiments/checkpoint_command.cpp)

// run's --checkpoint, --checkpoint-every and --resume, and what they set (the command line
// stored for `resume` is argv[1..] without --resume).
void add_checkpoint_options(po::options_description& d);
void set_checkpoint(const po::variables_map& vm, RunSetup& s, int argc, char** argv);
// argv (argv[0] is the subcommand's own name) as stored for `clustersim resume`: `subcommand`
// first, without --resume and its value.
std::vector<std::string> command_line_for_resume(const std::string& subcommand, int argc, char** argv);
// The checkpoint written when a stop signal ended a run (empty if none): main says to resume it.
const std::string& checkpoint_written_on_stop();
void note_checkpoint_written_on_stop(const std::string& path);

// What run, compare and sweep set the same way from the workload, cluster and engine options
// (and --quiet): engine, failures, DL speed model, flushing, stop-on-signal, /meta, progress.
RunSetup shared_setup(const po::variables_map& vm, const Workload& w);

}  // namespace clustersim::cli
