// Checkpoints on the command line (docs/checkpoints.md): `clustersim run --checkpoint FILE`
// writes the run's whole state every --checkpoint-every seconds and when SIGINT or SIGTERM
// stops it; `clustersim resume FILE` goes on from the last checkpoint with the command line
// stored in it, and gives the results an uninterrupted run gives.
#include <cmath>
#include <iostream>

#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "sim/error.hpp"

namespace clustersim::cli {

namespace {
std::string& stop_checkpoint() {
  static std::string path;
  return path;
}
}  // namespace

const std::string& checkpoint_written_on_stop() { return stop_checkpoint(); }
void note_checkpoint_written_on_stop(const std::string& path) { stop_checkpoint() = path; }

void add_checkpoint_options(po::options_description& d) {
  d.add_options()
      ("checkpoint", po::value<std::string>(), "write the run's state to this file (atomically) so that a stopped or killed run can be resumed with `clustersim resume FILE`")
      ("checkpoint-every", po::value<double>()->default_value(600), "seconds of wall time between checkpoints (and one when SIGINT/SIGTERM stops the run)")
      ("resume", po::value<std::string>(), "go on from this checkpoint (written by the same command line; `clustersim resume` does this)");
}

void set_checkpoint(const po::variables_map& vm, RunSetup& s, int argc, char** argv) {
  const double every = vm["checkpoint-every"].as<double>();
  if (!(every > 0) || !std::isfinite(every))
    throw InputError("--checkpoint-every: must be > 0 seconds, got " + std::to_string(every));
  if (vm.count("resume")) s.resume_from = vm["resume"].as<std::string>();
  if (!vm.count("checkpoint")) return;
  s.checkpoint_path = vm["checkpoint"].as<std::string>();
  s.checkpoint_every_s = every;
  // A stop signal is taken between decision points, where the state can be saved, instead of
  // at the next job event (the stop-on-signal observer).
  std::erase_if(s.observers, [](Observer* o) { return dynamic_cast<StopOnSignal*>(o) != nullptr; });
  install_stop_signals();
  s.check_stop = [path = s.checkpoint_path] {
    try {
      throw_if_stopped();
    } catch (const Interrupted&) {
      stop_checkpoint() = path;  // the runner writes it as this goes by
      throw;
    }
  };
  s.command_line = command_line_for_resume("run", argc, argv);
}

std::vector<std::string> command_line_for_resume(const std::string& subcommand, int argc, char** argv) {
  std::vector<std::string> line{subcommand};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--resume" && i + 1 < argc) ++i;
    else if (a.rfind("--resume=", 0) != 0) line.push_back(a);
  }
  return line;
}

int cmd_resume(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << "usage: clustersim resume CHECKPOINT\n\n"
                 "Goes on with the run or training that wrote CHECKPOINT (clustersim run|train --checkpoint\n"
                 "CHECKPOINT ...), with the command line stored in it; the trace and other input files must be\n"
                 "unchanged (checked).\n";
    return argc == 2 ? 0 : 2;
  }
  const std::string path = argv[1];
  std::vector<std::string> args = checkpoint_command_line(path);
  if (args.empty() || (args[0] != "run" && args[0] != "train"))
    throw InputError(path + ": the checkpoint holds no clustersim run or train command line");
  args.push_back("--resume");
  args.push_back(path);
  std::vector<char*> ptrs;
  for (std::string& a : args) ptrs.push_back(a.data());
  ptrs.push_back(nullptr);
  // Subcommands take argv[0] as their own name, as main gives them.
  const int n = static_cast<int>(args.size());
  return args[0] == "run" ? cmd_run(n, ptrs.data()) : cmd_train(n, ptrs.data());
}

}  // namespace clustersim::cli
