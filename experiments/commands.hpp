#pragma once
// The clustersim subcommands. Each returns the process exit code; errors are thrown and
// printed on one line by main.
namespace clustersim::cli {

int cmd_run(int argc, char** argv);       // one policy on one workload
int cmd_compare(int argc, char** argv);   // several policies on one workload, a table
int cmd_info(int argc, char** argv);      // statistics of a trace or generated workload
int cmd_policies(int argc, char** argv);  // the policy registry
int cmd_reproduce(int argc, char** argv); // a published table under another simulator's protocol
int cmd_convert(int argc, char** argv);
int cmd_train(int argc, char** argv);    // trains an RL agent in the loop (experiments/train.cpp)   // a trace to a workload cache (experiments/convert.cpp)

}  // namespace clustersim::cli
