#include "output/training_writer.hpp"

#include "output/hdf5_util.hpp"
#include "output/run_layout.hpp"
#include "output/table.hpp"

namespace clustersim {

using h5::check_ok;
using h5::Column;
using h5::Handle;

struct Hdf5TrainingWriter::File {
  std::string path;
  Handle file, meta, tail;
  h5::Table training, validation, test;
  Column<int64_t> update, steps, episodes;
  Column<double> mean_return, episode_metric, policy_loss, value_loss, entropy, approx_kl, steps_per_s, sim_s,
      inference_s, update_s, wall_s;
  Column<int64_t> v_update, v_steps, v_windows;
  Column<double> v_bsld, v_jct;
  h5::StringColumn t_policy;
  Column<int64_t> t_windows;
  Column<double> t_bsld, t_jct, t_util;

  void flush(h5::Rest rest) { h5::flush_tables(file.get(), {&training, &validation, &test}, 1, rest, path); }
};

Hdf5TrainingWriter::Hdf5TrainingWriter(const std::string& path,
                                       const std::vector<std::pair<std::string, std::string>>& meta)
    : path_(path), file_(std::make_unique<File>()) {
  File& f = *file_;
  f.path = path;
  f.file = h5::create_output_file(path);
  f.meta = h5::make_group(f.file.get(), "meta", "provenance of the training run (attributes)", path);
  f.tail = h5::make_group(f.file.get(), h5::kTailGroup,
                          "while the file is written: committed rows not yet in their columns; removed at close",
                          path);
  h5::write_attribute(f.meta.get(), "format_version", h5::kFormatVersion, path);
  h5::write_attribute(f.meta.get(), "kind", "training", path);
  h5::write_attribute(f.meta.get(), "run_complete", int64_t{0}, path);
  for (const auto& [k, v] : meta) h5::write_attribute(f.meta.get(), k.c_str(), v, path);

  const h5::Storage rows{1024, 4};
  f.training.create(f.file.get(), f.tail.get(), "training",
                    "one row per learning-curve record: a PPO update, or log_every DDPG environment steps", rows, path);
  auto t = [&](auto& c, h5::ColumnSpec s) { f.training.add(c, s); };
  t(f.update, {"update", "1", "record number, from 1"});
  t(f.steps, {"steps", "steps", "environment steps (actions) so far, all environments together"});
  t(f.episodes, {"episodes", "1", "episodes that ended during this record"});
  t(f.mean_return, {"mean_return", "1", "mean return of those episodes; NaN if none"});
  t(f.episode_metric, {"episode_metric", "1 or s",
                       "their mean bounded slowdown (reward bsld, util, mix) or mean JCT in s (reward jct); NaN if none"});
  t(f.policy_loss, {"policy_loss", "1", "PPO: clipped surrogate loss; DDPG: actor loss -Q(s, mu(s))"});
  t(f.value_loss, {"value_loss", "1", "PPO: value loss; DDPG: critic loss"});
  t(f.entropy, {"entropy", "nats", "PPO: mean policy entropy over valid actions; DDPG: exploration noise sigma"});
  t(f.approx_kl, {"approx_kl", "nats", "PPO: mean old_logp - new_logp; DDPG: NaN"});
  t(f.steps_per_s, {"steps_per_s", "1/s", "environment steps per wall-clock second in this record, updates included"});
  t(f.sim_s, {"sim_s", "s", "wall time stepping the environments in this record"});
  t(f.inference_s, {"inference_s", "s", "wall time choosing actions (network forward passes)"});
  t(f.update_s, {"update_s", "s", "wall time in gradient updates"});
  t(f.wall_s, {"wall_s", "s", "wall time since training started"});

  f.validation.create(f.file.get(), f.tail.get(), "validation",
                      "one row per evaluation of the greedy policy on the validation windows", rows, path);
  auto v = [&](auto& c, h5::ColumnSpec s) { f.validation.add(c, s); };
  v(f.v_update, {"update", "1", "the record after which the policy was evaluated"});
  v(f.v_steps, {"steps", "steps", "environment steps of training so far"});
  v(f.v_windows, {"windows", "1", "validation windows played"});
  v(f.v_bsld, {"mean_bsld", "1", "mean over the windows of the mean bounded slowdown"});
  v(f.v_jct, {"mean_jct", "s", "mean over the windows of the mean job completion time"});
  f.test.create(f.file.get(), f.tail.get(), "test",
                "one row per policy: means over the held-out test windows (the same windows for every policy)", rows,
                path);
  f.test.add(f.t_windows, {"windows", "1", "test windows played"});
  f.test.add(f.t_policy, {"policy", "", "the trained agent (its algo) or a heuristic's name"});
  f.test.add(f.t_bsld, {"mean_bsld", "1", "mean over the windows of the mean bounded slowdown"});
  f.test.add(f.t_jct, {"mean_jct", "s", "mean over the windows of the mean job completion time"});
  f.test.add(f.t_util, {"utilisation", "1", "mean over the windows of the utilisation (GPUs, else cores)"});
  f.flush(h5::Rest::ToTail);
}

Hdf5TrainingWriter::~Hdf5TrainingWriter() {
  try {
    if (file_) close(false);
  } catch (...) {
  }
}

void Hdf5TrainingWriter::add(const TrainingRow& r) {
  push(r);
  file_->flush(h5::Rest::ToTail);
}

void Hdf5TrainingWriter::add_validation(const ValidationRow& r) {
  push(r);
  file_->flush(h5::Rest::ToTail);
}

void Hdf5TrainingWriter::save_state(StateWriter& w) const {
  w.section("training writer");
  w.put(rows_);
  w.put(validation_rows_);
}

void Hdf5TrainingWriter::restore_state(StateReader& r) {
  r.section("training writer");
  const auto rows = r.get<std::vector<TrainingRow>>();
  const auto validation = r.get<std::vector<ValidationRow>>();
  for (const TrainingRow& row : rows) push(row);
  for (const ValidationRow& row : validation) push(row);
  file_->flush(h5::Rest::ToTail);
}

void Hdf5TrainingWriter::push(const TrainingRow& r) {
  rows_.push_back(r);
  File& f = *file_;
  f.update.push(r.update);
  f.steps.push(r.steps);
  f.episodes.push(r.episodes);
  f.mean_return.push(r.mean_return);
  f.episode_metric.push(r.episode_metric);
  f.policy_loss.push(r.policy_loss);
  f.value_loss.push(r.value_loss);
  f.entropy.push(r.entropy);
  f.approx_kl.push(r.approx_kl);
  f.steps_per_s.push(r.steps_per_s);
  f.sim_s.push(r.sim_s);
  f.inference_s.push(r.inference_s);
  f.update_s.push(r.update_s);
  f.wall_s.push(r.wall_s);
}

void Hdf5TrainingWriter::push(const ValidationRow& r) {
  validation_rows_.push_back(r);
  File& f = *file_;
  f.v_update.push(r.update);
  f.v_steps.push(r.steps);
  f.v_windows.push(r.windows);
  f.v_bsld.push(r.mean_bsld);
  f.v_jct.push(r.mean_jct_s);
}

void Hdf5TrainingWriter::add_test(const std::string& policy, int64_t windows, double mean_bsld, double mean_jct_s,
                                  double utilisation) {
  File& f = *file_;
  f.t_windows.push(windows);
  f.t_policy.push(policy);
  f.t_bsld.push(mean_bsld);
  f.t_jct.push(mean_jct_s);
  f.t_util.push(utilisation);
  f.flush(h5::Rest::ToTail);
}

void Hdf5TrainingWriter::close(bool complete) {
  if (!file_) return;
  std::unique_ptr<File> f = std::move(file_);
  f->flush(h5::Rest::ToColumn);
  if (complete) h5::write_attribute(f->meta.get(), "run_complete", int64_t{1}, path_);
  f->training.close();
  f->validation.close();
  f->test.close();
  f->meta = Handle();
  f->tail = Handle();
  check_ok(H5Ldelete(f->file.get(), h5::kTailGroup, H5P_DEFAULT), path_, "delete /tail");
  if (!f->file.close()) h5::fail(path_, "close the file");
}

}  // namespace clustersim
