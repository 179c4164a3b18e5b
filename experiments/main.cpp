// clustersim: the command-line program. `clustersim SUBCOMMAND --help` documents each one.
#include <boost/program_options/errors.hpp>
#include <cstring>
#include <iostream>
#include <string>

#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "policies/params.hpp"
#include "policies/rl/rl_policy.hpp"
#include "sim/error.hpp"

namespace {

const char* kUsage =
    "clustersim: a discrete-event simulator of compute clusters for scheduling research\n\n"
    "usage: clustersim SUBCOMMAND [options]   (SUBCOMMAND --help for its options)\n\n"
    "subcommands:\n"
    "  run        replay one workload under one policy, optionally writing HDF5 (--out)\n"
    "  compare    several policies on one workload, a comparison table (default: built-in workload)\n"
    "  info       statistics of a trace or a generated workload\n"
    "  convert    read a trace once and write its workload cache (loads many times faster)\n"
    "  policies   the available policies and their parameters\n"
    "  reproduce  re-compute a published table under its simulator's protocol (rlscheduler)\n"
    "  train      train a PPO / MAPPO / DDPG scheduling agent in the loop (clustersim run --policy ppo uses it)\n"
    "  sweep      every point of an experiment file's grid, resumable; `mpirun -np N` shares the points\n"
    "  report     a sweep's report: summary table with confidence intervals and figures (Python)\n"
    "  resume     go on with a run from its checkpoint (clustersim run --checkpoint FILE)\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace clustersim;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  rl::register_policies();  // the trained-agent policies (ppo, ddpg) join the registry
  try {
    // Subcommands parse argv[1..]: argv[1] (the subcommand) plays the program name.
    if (cmd == "run") return cli::cmd_run(argc - 1, argv + 1);
    if (cmd == "compare") return cli::cmd_compare(argc - 1, argv + 1);
    if (cmd == "info") return cli::cmd_info(argc - 1, argv + 1);
    if (cmd == "policies") return cli::cmd_policies(argc - 1, argv + 1);
    if (cmd == "reproduce") return cli::cmd_reproduce(argc - 1, argv + 1);
    if (cmd == "convert") return cli::cmd_convert(argc - 1, argv + 1);
    if (cmd == "train") return cli::cmd_train(argc - 1, argv + 1);
    if (cmd == "sweep") return cli::cmd_sweep(argc - 1, argv + 1);
    if (cmd == "report") return cli::cmd_report(argc - 1, argv + 1);
    if (cmd == "resume") return cli::cmd_resume(argc - 1, argv + 1);
    std::string msg = "clustersim: unknown subcommand '" + cmd + "'";
    std::string near = closest_match(cmd, {"run", "compare", "info", "policies", "reproduce", "convert", "train", "sweep", "report", "resume"});
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    std::cerr << msg << "; see clustersim --help\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "clustersim " << cmd << ": " << e.what() << " (see clustersim " << cmd << " --help)\n";
    return 2;
  } catch (const InputError& e) {
    std::cerr << "clustersim " << cmd << ": error: " << e.what() << "\n";
    return 1;
  } catch (const cli::Interrupted& e) {
    std::cerr << "clustersim " << cmd << ": " << e.what()
              << "; every record written so far is kept in the output file (run_complete = 0)"
              << (cli::checkpoint_written_on_stop().empty() ? std::string()
                                                            : "; resume with: clustersim resume " + cli::checkpoint_written_on_stop())
              << "\n";
    return 128 + e.signal();
  } catch (const DecisionError& e) {
    std::cerr << "clustersim " << cmd << ": policy error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "clustersim " << cmd << ": internal error: " << e.what() << "\n";
    return 3;
  }
}
