#pragma once
// Running the points of an experiment's grid (experiment_file.hpp) and writing the results:
// `<output>/points/<point>.h5`, one run file per point, and `<output>/index.csv` plus
// `<output>/summary.md`, written at the end by rank 0 (docs/experiments.md).
//
// A point's file is written as `<point>.h5.part` and renamed when the run is complete, so a
// `<point>.h5` is always a finished run: a sweep run again skips those (resume after an
// interruption) and runs the rest. A point that fails is recorded with its error and the
// others go on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "experiments/experiment_file.hpp"

namespace clustersim {

enum class PointStatus {
  Ok,       // run now
  Skipped,  // complete from an earlier sweep (its file was kept, not recomputed)
  Failed,   // the error says why; no file is left
};
std::string to_string(PointStatus s);

// What the index records about one point.
struct PointRecord {
  size_t index = 0;  // in expand_grid's order
  std::string name;
  PointStatus status = PointStatus::Failed;
  std::string error;
  double wall_s = 0;      // seconds this sweep spent on the point (loading, run, writing; ~0 if skipped)
  double run_wall_s = 0;  // the simulation's wall time as its file records it (/meta wall_time_s)
  int rank = 0;           // the rank that ran (or skipped) it
  int64_t jobs = 0, finished = 0;
  std::vector<double> metrics;  // as metric_columns(experiment) names them (NaN when failed)
};

// The /summary attributes an experiment's metrics stand for, in order: `wait` gives
// wait_mean_s and wait_p95_s, `utilisation` gives utilisation, `makespan` makespan_s, ...
std::vector<std::string> metric_columns(const Experiment& e);

// Runs (or skips) one point, writing `<output>/points/<name>.h5`. Every error of the point is
// caught and recorded, except cli::Interrupted (SIGINT / SIGTERM), which is rethrown after
// removing the partial file.
PointRecord run_point(const Experiment& e, const std::vector<SweepPoint>& points, size_t index,
                      const std::string& output, int rank);

// One line per record and back (how ranks send their records to rank 0).
std::string encode_record(const PointRecord& r);
PointRecord decode_record(const std::string& line);

// `<output>/index.csv` (one row per point, in grid order) and `<output>/summary.md`, each
// written to a temporary name and renamed; returns the summary table as text.
std::string write_index(const Experiment& e, const std::vector<SweepPoint>& points,
                        const std::vector<PointRecord>& records, const std::string& output);

}  // namespace clustersim
