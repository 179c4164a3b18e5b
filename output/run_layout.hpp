#pragma once
// Internal: the schema of a run file, in one place. Which groups exist, the columns of each
// table with their types, units and descriptions, and the /meta and /summary attributes.
// docs/hdf5-format.md documents the same layout for readers; keep them in step (and bump
// kFormatVersion when a reader would have to change).
#include <string>
#include <vector>

#include "output/column.hpp"
#include "output/hdf5_writer.hpp"
#include "output/table.hpp"
#include "sim/metrics.hpp"

namespace clustersim::h5 {

constexpr int64_t kFormatVersion = 2;

// /jobs: one row per job.
struct JobsColumns {
  Column<int64_t> id, index;
  Column<double> submit, start, end, wait, run, turnaround, bounded_slowdown;
  Column<int64_t> tasks, cores, gpu_milli, mem_mib;
  Column<int32_t> user;
  Column<int8_t> state;
  Column<int32_t> first_node, num_nodes, preemptions;
  Column<double> estimate;
  Column<int32_t> kills;
  Column<double> lost_work;
};

// /jobs_rejected: one row per rejected job.
struct RejectedColumns {
  Column<int64_t> id;
  StringColumn reason;
};

// /timeseries: one row per sample.
struct TimeseriesColumns {
  Column<double> time;
  Column<int64_t> used_cores, used_gpu_milli, used_mem_mib;
  Column<double> utilisation;
  Column<int64_t> queue_length, running_jobs, finished_jobs, nodes_down;
  Column<int64_t> nodes_on, nodes_booting;
};

// The name of the group of tail datasets (table.hpp), which the writer deletes once the final
// flush has moved every row into the columns.
constexpr const char* kTailGroup = "tail";

struct RunLayout {
  Handle meta, summary_group, tail_group;
  Table jobs_table, rejected_table, timeseries_table;
  JobsColumns jobs;
  RejectedColumns rejected;
  TimeseriesColumns timeseries;
  std::vector<Table*> tables;  // every table, for flushes

  // Creates every group, table and empty column in `file`, and /meta from `meta` (wall_time_s
  // NaN, run_complete 0 until the run ends).
  void create(hid_t file, const RunMeta& meta, int deflate_level, const std::string& path);
  void write_summary(const RunSummary& summary, const std::string& path);
  // Closes every dataset and group (the file stays open).
  void close();

 private:
  void create_tables(hid_t file, int deflate_level, const std::string& path);
  void write_meta(const RunMeta& meta, const std::string& path);
};

// "0=pending,1=queued,...": the /jobs/state attribute `states`.
std::string job_state_names();

}  // namespace clustersim::h5
