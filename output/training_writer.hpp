#pragma once
// The HDF5 file of a training run (`clustersim train`): /meta (provenance attributes),
// /training (one row per learning-curve record), /validation (one row per evaluation of the
// current policy on the validation windows) and /test (the trained agent and the heuristics
// on the held-out test windows). Rows are committed as they come (the same
// crash-atomic tables as run files, output/table.hpp): a killed training keeps every record
// written before. docs/hdf5-format.md documents the layout.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/state_io.hpp"

namespace clustersim {

struct TrainingRow {
  int64_t update = 0, steps = 0, episodes = 0;
  double mean_return = 0, episode_metric = 0;
  double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0;
  double steps_per_s = 0, sim_s = 0, inference_s = 0, update_s = 0, wall_s = 0;
};

struct ValidationRow {
  int64_t update = 0, steps = 0, windows = 0;
  double mean_bsld = 0, mean_jct_s = 0;
};

class Hdf5TrainingWriter {
 public:
  // Creates (truncates) the file with its layout and the /meta attributes (name, text value);
  // run_complete = 0 until close(true). Throws InputError naming the path.
  Hdf5TrainingWriter(const std::string& path, const std::vector<std::pair<std::string, std::string>>& meta);
  ~Hdf5TrainingWriter();  // closes (run_complete stays 0) if still open; never throws
  Hdf5TrainingWriter(const Hdf5TrainingWriter&) = delete;
  Hdf5TrainingWriter& operator=(const Hdf5TrainingWriter&) = delete;

  void add(const TrainingRow& row);            // committed before it returns
  void add_validation(const ValidationRow& row);
  // One row of /test: a policy's means over the held-out test windows.
  void add_test(const std::string& policy, int64_t windows, double mean_bsld, double mean_jct_s, double utilisation);
  // Final flush; run_complete = 1 when `complete`.
  void close(bool complete);
  const std::string& path() const { return path_; }

  // Checkpoints of a training (docs/rl.md): the /training and /validation rows so far.
  // restore_state, on a writer just created for the resumed training, writes them again, so
  // that its file ends up with every row an uninterrupted training writes.
  void save_state(StateWriter& w) const;
  void restore_state(StateReader& r);

 private:
  void push(const TrainingRow& row);
  void push(const ValidationRow& row);
  struct File;
  std::string path_;
  std::unique_ptr<File> file_;
  std::vector<TrainingRow> rows_;             // as written, for save_state
  std::vector<ValidationRow> validation_rows_;
};

}  // namespace clustersim
