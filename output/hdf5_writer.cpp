#include "output/hdf5_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "output/run_layout.hpp"
#include "sim/error.hpp"

namespace clustersim {

using h5::check_id;
using h5::check_ok;
using h5::Handle;

void Hdf5Options::validate() const {
  if (flush_rows < 1) throw InputError("hdf5.flush_rows: must be >= 1, got " + std::to_string(flush_rows));
  if (!(flush_seconds > 0)) throw InputError("hdf5.flush_seconds: must be > 0, got " + std::to_string(flush_seconds));
  if (deflate_level < 0 || deflate_level > 9)
    throw InputError("hdf5.deflate_level: must be 0..9, got " + std::to_string(deflate_level));
  if (compression_threads < 0)
    throw InputError("hdf5.compression_threads: must be >= 0, got " + std::to_string(compression_threads));
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The wall clock is read once per this many rows: cheap, and often enough for flush_seconds.
constexpr int64_t kClockCheckRows = 64;
using Clock = std::chrono::steady_clock;
// The file space page (bytes): the size of a memory page, the unit in which the kernel copies
// a write into the file.

double seconds_or_nan(Time t) { return t == Time::max() ? kNaN : t.seconds(); }

}  // namespace

// The HDF5 side of the writer: the open file, its layout with the row buffers, per-job tracking
// and the flush policy.
struct Hdf5RunWriter::File {
  std::string path;
  Hdf5Options options;
  Handle file;
  h5::RunLayout layout;

  // Where each job ran last, captured at start (the engine releases the placement before it
  // calls on_job_finish), and whether its /jobs row is written.
  struct Placement {
    int32_t first_node = -1;
    int32_t num_nodes = 0;
  };
  std::vector<Placement> placements;
  std::vector<bool> written;

  Clock::time_point last_flush = Clock::now(), run_start = Clock::now();
  int64_t rows_since_clock_check = 0;
  int threads = 1;  // for compression
  double wall_time = kNaN;
  bool wall_time_set = false;
  bool broken = false;  // an HDF5 call failed: write nothing more, only release the handles

  // For checkpoints (keep_for_checkpoints): the jobs in /jobs row order, and the time series.
  struct SampleRow {
    double time, utilisation;
    int64_t used_cores, used_gpu_milli, used_mem_mib, queue_length, running_jobs, finished_jobs, nodes_down, nodes_on,
        nodes_booting;
  };
  bool keep = false;
  std::vector<uint32_t> row_order;
  std::vector<SampleRow> samples;
  void sample_row(const SampleRow& row);

  File(const std::string& p, const RunMeta& meta, const Hdf5Options& o);
  void track(const EngineView& v);
  void job_row(const EngineView& v, JobId j);
  void rows_added(const h5::Table& table);
  // Writes and commits every row pushed so far (table.hpp): during the run the rows past the
  // last whole chunk go to a tail slot; the final flush puts them in the columns.
  void flush(h5::Rest rest = h5::Rest::ToTail);
  void close();

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
      broken = true;
      throw;
    }
  }
};

Hdf5RunWriter::File::File(const std::string& p, const RunMeta& meta, const Hdf5Options& o) : path(p), options(o) {
  threads = options.compression_threads > 0
                ? options.compression_threads
                : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  file = h5::create_output_file(path);
  layout.create(file.get(), meta, options.deflate_level, path);
  check_ok(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flush the new file");
}

void Hdf5RunWriter::File::track(const EngineView& v) {
  if (placements.size() != v.num_jobs()) {
    placements.resize(v.num_jobs());
    written.resize(v.num_jobs());
  }
}

void Hdf5RunWriter::File::job_row(const EngineView& v, JobId j) {
  uint32_t i = j.value();
  if (written[i]) return;  // every job exactly once
  written[i] = true;
  if (keep) row_order.push_back(i);
  const JobSpec& s = v.spec(j);
  const JobRecord& r = v.record(j);
  bool started = r.first_start != Time::max();
  bool finished = r.state == JobState::Finished;
  bool ended = finished || r.state == JobState::Rejected || r.state == JobState::Failed;
  JobMetrics m = job_metrics(s, r);  // wait needs a start; turnaround and slowdown a finish
  Placement p = placements[i];
  if (auto now = v.placement(j); !now.empty())  // still running: the live placement is exact
    p = Placement{static_cast<int32_t>(now.front().node.value()), static_cast<int32_t>(now.size())};
  Resources total = s.total();

  h5::JobsColumns& c = layout.jobs;
  c.id.push(s.trace_id);
  c.index.push(static_cast<int64_t>(i));
  c.submit.push(s.submit.seconds());
  c.start.push(seconds_or_nan(r.first_start));
  c.end.push(ended ? seconds_or_nan(r.end) : kNaN);
  c.wait.push(started ? m.wait : kNaN);
  c.run.push(m.run);
  c.turnaround.push(finished ? m.turnaround : kNaN);
  c.bounded_slowdown.push(finished ? m.bounded_slowdown : kNaN);
  c.tasks.push(s.tasks);
  c.cores.push(total.cores);
  c.gpu_milli.push(total.gpu_milli);
  c.mem_mib.push(total.mem_mib);
  c.user.push(s.user);
  c.state.push(static_cast<int8_t>(r.state));
  c.first_node.push(p.first_node);
  c.num_nodes.push(p.num_nodes);
  c.preemptions.push(static_cast<int32_t>(r.preemptions));
  c.estimate.push(s.walltime.seconds());
  c.kills.push(static_cast<int32_t>(r.kills));
  c.lost_work.push(r.lost_us / 1e6);
  rows_added(layout.jobs_table);
}

void Hdf5RunWriter::File::rows_added(const h5::Table& table) {
  if (table.pending() >= options.flush_rows) {
    flush();
  } else if (++rows_since_clock_check >= kClockCheckRows) {
    rows_since_clock_check = 0;
    if (std::chrono::duration<double>(Clock::now() - last_flush).count() >= options.flush_seconds) flush();
  }
}

// Between flushes this writer makes no HDF5 call at all, so the file on disk only changes
// during a flush, and each flush is crash-atomic (flush_tables).
void Hdf5RunWriter::File::flush(h5::Rest rest) {
  h5::flush_tables(file.get(), layout.tables, threads, rest, path);
  last_flush = Clock::now();
  rows_since_clock_check = 0;
}

// The final flush first: once it returns, every row is in its column and committed there, and
// the tail datasets are no longer needed. The unlink of /tail rewrites only the root group's
// header; the space it frees is not used again before the file is closed.
void Hdf5RunWriter::File::close() {
  if (!broken) {
    guarded([&] {
      flush(h5::Rest::ToColumn);
      h5::write_attribute(layout.meta.get(), "wall_time_s", wall_time, path);
    });
  }
  layout.close();
  if (!broken) guarded([&] { check_ok(H5Ldelete(file.get(), h5::kTailGroup, H5P_DEFAULT), path, "delete /tail"); });
  if (!file.close() && !broken) h5::fail(path, "close the file");
}

// ---------------------------------------------------------------------------------------------

Hdf5RunWriter::Hdf5RunWriter(const std::string& path, RunMeta meta, Hdf5Options options) : path_(path) {
  options.validate();
  file_ = std::make_unique<File>(path, meta, options);
}

Hdf5RunWriter::~Hdf5RunWriter() {
  try {
    close();
  } catch (...) {  // a destructor must not throw; callers who want the error call close()
  }
}

bool Hdf5RunWriter::is_open() const { return file_ != nullptr; }

void Hdf5RunWriter::close() {
  if (!file_) return;
  std::unique_ptr<File> f = std::move(file_);  // released even if closing throws
  f->close();
}

void Hdf5RunWriter::set_wall_time(double seconds) {
  if (file_) {
    file_->wall_time = seconds;
    file_->wall_time_set = true;
    return;
  }
  // Already closed (on_run_end closes): reopen just to update the attribute.
  h5::quiet_errors();
  Handle f(check_id(H5Fopen(path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), path_, "reopen the file to set wall_time_s"),
           H5Fclose);
  Handle g(check_id(H5Gopen2(f.get(), "meta", H5P_DEFAULT), path_, "open /meta"), H5Gclose);
  h5::write_attribute(g.get(), "wall_time_s", seconds, path_);
  g.close();
  if (!f.close()) h5::fail(path_, "close the file after setting wall_time_s");
}

void Hdf5RunWriter::on_run_start(const EngineView& view) {
  if (!file_) return;
  file_->track(view);
  file_->run_start = Clock::now();
}

void Hdf5RunWriter::on_job_start(const EngineView& view, JobId job) {
  if (!file_) return;
  File& f = *file_;
  f.track(view);
  auto p = view.placement(job);
  if (!p.empty())
    f.placements[job.value()] = {static_cast<int32_t>(p.front().node.value()), static_cast<int32_t>(p.size())};
}

void Hdf5RunWriter::on_job_reject(const EngineView& view, JobId job, std::string_view reason) {
  if (!file_) return;
  File& f = *file_;
  f.guarded([&] {
    f.track(view);
    f.layout.rejected.id.push(view.spec(job).trace_id);
    f.layout.rejected.reason.push(std::string(reason));
    f.job_row(view, job);  // may flush: by then both tables hold this job
  });
}

void Hdf5RunWriter::on_job_finish(const EngineView& view, JobId job) {
  if (!file_) return;
  File& f = *file_;
  f.guarded([&] {
    f.track(view);
    f.job_row(view, job);
  });
}

void Hdf5RunWriter::File::sample_row(const SampleRow& row) {
  if (keep) samples.push_back(row);
  h5::TimeseriesColumns& ts = layout.timeseries;
  ts.time.push(row.time);
  ts.used_cores.push(row.used_cores);
  ts.used_gpu_milli.push(row.used_gpu_milli);
  ts.used_mem_mib.push(row.used_mem_mib);
  ts.utilisation.push(row.utilisation);
  ts.queue_length.push(row.queue_length);
  ts.running_jobs.push(row.running_jobs);
  ts.finished_jobs.push(row.finished_jobs);
  ts.nodes_down.push(row.nodes_down);
  ts.nodes_on.push(row.nodes_on);
  ts.nodes_booting.push(row.nodes_booting);
  rows_added(layout.timeseries_table);
}

void Hdf5RunWriter::on_sample(const EngineView& view) {
  if (!file_) return;
  File& f = *file_;
  f.guarded([&] {
    const Cluster& c = view.cluster();
    Resources used = c.total_used();
    int64_t up_cores = c.up_capacity().cores;
    f.sample_row({view.now().seconds(),
                  up_cores > 0 ? static_cast<double>(used.cores) / static_cast<double>(up_cores) : 0.0, used.cores,
                  used.gpu_milli, used.mem_mib, static_cast<int64_t>(view.queue().size()),
                  static_cast<int64_t>(view.running_by_expected_end().size()), view.finished_count(),
                  view.nodes_down(), view.nodes_on(), view.nodes_booting()});
  });
}

void Hdf5RunWriter::keep_for_checkpoints() {
  if (file_) file_->keep = true;
}

void Hdf5RunWriter::save_state(StateWriter& w) const {
  w.section("hdf5 writer");
  if (!file_ || !file_->keep) throw std::logic_error("Hdf5RunWriter::save_state: not open or not keeping state");
  const File& f = *file_;
  w.put(f.row_order);
  std::vector<int32_t> first(f.placements.size()), count(f.placements.size());
  for (size_t i = 0; i < f.placements.size(); ++i) {
    first[i] = f.placements[i].first_node;
    count[i] = f.placements[i].num_nodes;
  }
  w.put(first);
  w.put(count);
  w.put(f.samples);
  w.put(std::chrono::duration<double>(Clock::now() - f.run_start).count());
}

void Hdf5RunWriter::restore_state(const EngineView& view, StateReader& r) {
  r.section("hdf5 writer");
  if (!file_) throw std::logic_error("Hdf5RunWriter::restore_state: the file is closed");
  File& f = *file_;
  f.keep = true;
  std::vector<uint32_t> order;
  std::vector<int32_t> first, count;
  std::vector<File::SampleRow> samples;
  r.get(order);
  r.get(first);
  r.get(count);
  r.get(samples);
  const double wall_before = r.get<double>();
  if (first.size() != view.num_jobs() || count.size() != view.num_jobs()) r.corrupt("the writer's job table");
  for (uint32_t j : order)
    if (j >= view.num_jobs()) r.corrupt("a job in the writer's row order");
  f.guarded([&] {
    f.track(view);
    for (size_t i = 0; i < first.size(); ++i) f.placements[i] = {first[i], count[i]};
    // The rows in the order the checkpointed run pushed them, each table on its own: the
    // rejected jobs (the engine's list is in rejection order), the jobs, the samples.
    for (const auto& [j, why] : view.rejections()) {
      f.layout.rejected.id.push(view.spec(j).trace_id);
      f.layout.rejected.reason.push(why);
    }
    for (uint32_t j : order) f.job_row(view, JobId(j));
    for (const File::SampleRow& row : samples) f.sample_row(row);
    f.flush();
  });
  // The wall time of the run so far counts in wall_time_s.
  f.run_start -= std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wall_before));
}

void Hdf5RunWriter::on_run_end(const EngineView& view) {
  if (!file_) return;
  File& f = *file_;
  f.guarded([&] {
    f.track(view);
    for (uint32_t i = 0; i < view.num_jobs(); ++i) f.job_row(view, JobId(i));
    // Every row committed in its column, then /summary on disk, before the file says the run
    // is complete: a file killed in between has run_complete 0.
    f.flush(h5::Rest::ToColumn);
    f.layout.write_summary(summarize(view), f.path);
    check_ok(H5Fflush(f.file.get(), H5F_SCOPE_GLOBAL), f.path, "flush /summary");
    h5::write_attribute(f.layout.meta.get(), "run_complete", int64_t{1}, f.path);
    if (!f.wall_time_set) f.wall_time = std::chrono::duration<double>(Clock::now() - f.run_start).count();
  });
  close();
}

}  // namespace clustersim
