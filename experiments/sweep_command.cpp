// clustersim sweep FILE: every point of an experiment file's grid, on one process or on the
// ranks of `mpirun -np N` (sweep_ranks.hpp), resuming where an earlier sweep stopped.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "experiments/cli_options.hpp"
#include "experiments/commands.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/sweep.hpp"
#include "experiments/sweep_ranks.hpp"
#include "output/hdf5_reader.hpp"
#include "sim/error.hpp"

namespace clustersim::cli {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

// --dry-run: the grid, and which points an earlier sweep already finished.
void list_points(const std::vector<SweepPoint>& points, const std::string& output) {
  int done = 0;
  for (const SweepPoint& p : points) {
    const auto file = std::filesystem::path(output) / "points" / (p.name + ".h5");
    bool complete = false;
    try {
      complete = std::filesystem::exists(file) && read_attribute_i64(file.string(), "/meta", "run_complete") == 1;
    } catch (const std::exception&) {
    }
    done += complete;
    std::cout << p.name << (complete ? "  (complete)" : "") << "\n";
  }
  std::cout << points.size() << " points, " << done << " complete, " << points.size() - static_cast<size_t>(done)
            << " to run\n";
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  po::options_description d("clustersim sweep: run every point of an experiment file (docs/experiments.md); "
                            "under `mpirun -np N` the ranks share the points");
  d.add_options()("help,h", "show this help")
      ("experiment", po::value<std::string>()->required(), "the experiment file (TOML)")
      ("output", po::value<std::string>(), "the output folder (default: the file's experiment.output)")
      ("dry-run", po::bool_switch(), "list the points and which are complete; run nothing")
      ("quiet,q", po::bool_switch(), "print only the summary table and errors");
  po::positional_options_description pos;
  pos.add("experiment", 1);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim sweep FILE.toml [--output DIR]   (or: mpirun -np N clustersim sweep FILE.toml)",
             &pos))
    return 0;
  const bool quiet = vm["quiet"].as<bool>();

  SweepRanks ranks;
  Experiment e;
  try {
    e = read_experiment(vm["experiment"].as<std::string>());
  } catch (const InputError&) {
    if (ranks.rank() != 0) return 1;  // every rank found the same error; rank 0 says it once
    throw;
  }
  const std::string output = vm.count("output") ? vm["output"].as<std::string>() : e.output;
  const std::vector<SweepPoint> points = expand_grid(e);
  if (vm["dry-run"].as<bool>()) {
    if (ranks.rank() == 0) list_points(points, output);
    return 0;
  }
  if (ranks.rank() == 0 && !quiet)
    std::cout << "sweep " << e.name << ": " << points.size() << " points (" << e.clusters.size() << " clusters, "
              << e.workloads.size() << " workloads, " << e.policies.size() << " policies, " << e.seeds.size()
              << " seeds) on " << ranks.size() << (ranks.size() == 1 ? " process" : " ranks") << " -> " << output
              << "/" << std::endl;

  install_stop_signals();
  const auto t0 = std::chrono::steady_clock::now();
  std::string mine;
  try {
    for (size_t i; (i = ranks.next_point()) < points.size();) {
      throw_if_stopped();
      const PointRecord r = run_point(e, points, i, output, ranks.rank());
      mine += encode_record(r) + "\n";
      if (r.status == PointStatus::Failed) {
        std::cerr << "clustersim sweep: point " << r.name << " failed: " << r.error << std::endl;
      } else if (!quiet) {
        std::ostringstream line;
        if (ranks.size() > 1) line << "[rank " << ranks.rank() << "] ";
        line << r.name << ": " << (r.status == PointStatus::Ok ? "ok, " + seconds(r.wall_s) : "complete already, skipped");
        std::cout << line.str() << std::endl;
      }
    }
  } catch (const Interrupted& ex) {
    std::cerr << "clustersim sweep: " << ex.what() << (ranks.size() > 1 ? " on rank " + std::to_string(ranks.rank()) : "")
              << "; every finished point is kept in " << output
              << "/points (the one running was dropped): run the sweep again to resume\n";
    if (ranks.size() > 1) ranks.abort(128 + ex.signal());
    return 128 + ex.signal();
  }

  const std::vector<std::string> texts = ranks.gather(mine);
  if (ranks.rank() != 0) return 0;
  std::vector<PointRecord> records;
  for (const std::string& text : texts) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) records.push_back(decode_record(line));
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  const std::string table = write_index(e, points, records, output);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t ran = 0, skipped = 0, failed = 0;
  for (const PointRecord& r : records) {
    ran += r.status == PointStatus::Ok;
    skipped += r.status == PointStatus::Skipped;
    failed += r.status == PointStatus::Failed;
  }
  std::cout << table;
  std::cout << points.size() << " points: " << ran << " run, " << skipped << " complete already, " << failed
            << " failed; " << seconds(wall) << " on " << ranks.size() << (ranks.size() == 1 ? " process" : " ranks")
            << "; wrote " << output << "/index.csv\n";
  if (failed > 0) {
    std::cerr << "clustersim sweep: " << failed << " of " << points.size()
              << " points failed (errors in the index); run the sweep again after fixing them\n";
    return 1;
  }
  return 0;
}

}  // namespace clustersim::cli
