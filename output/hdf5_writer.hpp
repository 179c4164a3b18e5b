#pragma once
// Writes one simulation run to a self-describing HDF5 file as an engine Observer: /meta
// (provenance), /jobs (one row per job), /jobs_rejected, /timeseries (samples) and /summary
// (headline metrics). docs/hdf5-format.md documents every dataset and attribute with units.
//
// Rows are buffered per column and appended in large blocks (every `flush_rows` rows or
// `flush_seconds` of wall time). Each flush is crash-atomic: once it has returned, a process
// killed at any later moment, during the next flush included, leaves a file whose commit
// records (attribute `committed` of each table) count rows that all read back intact
// (table.hpp; hdf5_reader.hpp reads exactly those). The file is created, with every group and
// empty dataset, by the constructor.
#include <cstdint>
#include <memory>
#include <string>

#include "sim/observer.hpp"
#include "sim/state_io.hpp"

namespace clustersim {

// Provenance written as attributes of /meta (strings, except seed).
struct RunMeta {
  std::string tool_version;
  std::string git_revision;
  std::string config_text;  // the full experiment configuration, as text
  std::string trace_name;
  std::string trace_checksum;
  std::string policy_name;
  std::string policy_params;  // "k=v,k=v"
  std::string cluster_description;
  uint64_t seed = 0;
  std::string autoscale;  // the autoscaler's settings (AutoscaleConfig::describe); empty without
};

struct Hdf5Options {
  int64_t flush_rows = 65536;   // flush once a table holds this many rows not flushed yet (>= 1)
  double flush_seconds = 10.0;  // ... or once this much wall-clock time passed since the last flush (> 0)
  int deflate_level = 4;        // 0 (no compression) .. 9
  // Threads that compress whole chunks at a flush (HDF5 itself is only called from the
  // caller's thread). 0: min(8, hardware threads); 1: the caller's thread only, e.g. for a
  // sweep that already runs one simulation per core.
  int compression_threads = 0;

  void validate() const;  // throws InputError naming the field
};

class Hdf5RunWriter : public Observer {
 public:
  // Creates (truncates) the file at once with the whole layout and /meta, and flushes it. An
  // unwritable path throws InputError naming the path and the reason, before any simulation.
  Hdf5RunWriter(const std::string& path, RunMeta meta, Hdf5Options options = {});
  ~Hdf5RunWriter() override;  // closes if still open; never throws
  Hdf5RunWriter(const Hdf5RunWriter&) = delete;
  Hdf5RunWriter& operator=(const Hdf5RunWriter&) = delete;

  // The /meta attribute wall_time_s (seconds). Written at close; when the file is already
  // closed (on_run_end closes it), the file is reopened to update the attribute. Without a
  // call, wall_time_s is the wall time between on_run_start and on_run_end.
  void set_wall_time(double seconds);
  // Flushes every buffered row into its column and closes the file. Idempotent.
  void close();
  bool is_open() const;
  const std::string& path() const { return path_; }

  // Checkpoints (docs/checkpoints.md). After keep_for_checkpoints() the writer remembers what
  // it cannot rebuild from the engine (the order of the /jobs rows, where each job last ran,
  // the time-series rows) so that save_state can write it. restore_state, on a writer just
  // made for the same path and an engine restored from the checkpoint, writes every row the
  // checkpointed run had produced into the new file, as that run would have.
  void keep_for_checkpoints();
  void save_state(StateWriter& w) const;
  void restore_state(const EngineView& view, StateReader& r);

  void on_run_start(const EngineView& view) override;
  void on_job_start(const EngineView& view, JobId job) override;
  void on_job_reject(const EngineView& view, JobId job, std::string_view reason) override;
  void on_job_finish(const EngineView& view, JobId job) override;
  void on_sample(const EngineView& view) override;
  // Writes a /jobs row for every job not written yet (pending, queued, running or failed),
  // the /summary attributes from summarize(view), then closes the file.
  void on_run_end(const EngineView& view) override;

 private:
  struct File;  // the HDF5 side (handles, columns, buffers)
  std::string path_;
  std::unique_ptr<File> file_;
};

}  // namespace clustersim
