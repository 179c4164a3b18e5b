// The HDF5 run writer, read back with the reader (HDF5's C API): the documented layout
// (docs/hdf5-format.md), contents equal to the engine's own records and summarize(), errors
// that name the file, and determinism.
#include "output/hdf5_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

#include "output/hdf5_reader.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "support/temp_dir.hpp"

using namespace clustersim;
using namespace clustersim::testing;
namespace fs = std::filesystem;

namespace {

// A fresh folder per test, removed at the end.
// Four processors. J1 (t0, 10 s, 2p), J2 (t0, 5 s, 4p), J3 (t1, 3 s, 2p), J4 (t2, 20 s, 1p)
// and J9 (t3, 8p: never fits, rejected). Under FCFS: starts 0, 10, 15, 15; ends 10, 15, 18, 35.
std::vector<JobSpec> small_case() {
  return sorted({job(1, 0, 10, 2), job(2, 0, 5, 4), job(3, 1, 3, 2), job(4, 2, 20, 1), job(9, 3, 5, 8)});
}

RunMeta test_meta() {
  RunMeta m;
  m.tool_version = "0.1.0";
  m.git_revision = "abc123";
  m.config_text = "policy = fcfs\ntrace = small\n";
  m.trace_name = "small";
  m.trace_checksum = "fnv1a64:0123456789abcdef";
  m.policy_name = "fcfs";
  m.policy_params = "";
  m.cluster_description = "1 node x {cores=4}";
  m.seed = 42;
  return m;
}

// Engine views seen at each sample, to check /timeseries against.
struct SampleRecorder : Observer {
  std::vector<double> time;
  std::vector<int64_t> used_cores, queue_length, running;
  void on_sample(const EngineView& v) override {
    time.push_back(v.now().seconds());
    used_cores.push_back(v.cluster().total_used().cores);
    queue_length.push_back(static_cast<int64_t>(v.queue().size()));
    running.push_back(static_cast<int64_t>(v.running_by_expected_end().size()));
  }
};

// Runs the small case under FCFS with samples every 5 s into `path`; returns the engine.
std::unique_ptr<Engine> run_small_case(const std::string& path, SampleRecorder* recorder = nullptr) {
  auto e = std::make_unique<Engine>(pool(4), small_case(),
                                    EngineConfig{.sample_interval = Time::from_seconds(5), .check_invariants = true});
  Hdf5RunWriter writer(path, test_meta());
  e->add_observer(&writer);
  if (recorder) e->add_observer(recorder);
  auto policy = PolicyRegistry::builtin().make("fcfs");
  e->run(*policy);
  EXPECT_FALSE(writer.is_open());  // on_run_end closed it
  return e;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

const std::vector<std::string> kJobColumns = {"bounded_slowdown", "cores", "end", "estimate", "first_node",
                                              "gpu_milli", "id", "index", "kills", "lost_work", "mem_mib", "num_nodes",
                                              "preemptions", "run", "start", "state", "submit", "tasks",
                                              "turnaround", "user", "wait"};
const std::vector<std::string> kTimeseriesColumns = {"finished_jobs", "nodes_booting", "nodes_down", "nodes_on",
                                                     "queue_length", "running_jobs", "time",
                                                     "used_cores", "used_gpu_milli", "used_mem_mib", "utilisation"};

}  // namespace

TEST(Hdf5RunWriter, WritesEveryDocumentedGroupAndColumnWithTypeUnitsAndStorage) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  run_small_case(f);

  // A closed file: no /tail, and each table's commit record says its columns hold every row.
  EXPECT_EQ(list_group(f, "/"), (std::vector<std::string>{"jobs", "jobs_rejected", "meta", "summary", "timeseries"}));
  EXPECT_EQ(list_group(f, "/jobs"), kJobColumns);
  EXPECT_EQ(list_group(f, "/jobs_rejected"), (std::vector<std::string>{"id", "reason"}));
  EXPECT_EQ(list_group(f, "/timeseries"), kTimeseriesColumns);
  EXPECT_EQ(committed_rows(f, "/jobs"), 5);
  EXPECT_EQ(committed_rows(f, "/jobs_rejected"), 1);
  EXPECT_EQ(committed_rows(f, "/timeseries"), 8);
  EXPECT_EQ(list_attributes(f, "/jobs"), (std::vector<std::string>{"committed", "description"}));

  using Kind = ColumnInfo::Kind;
  const std::map<std::string, std::pair<Kind, size_t>> types = {
      {"id", {Kind::Integer, 8}},        {"index", {Kind::Integer, 8}},     {"submit", {Kind::Float, 8}},
      {"start", {Kind::Float, 8}},       {"end", {Kind::Float, 8}},         {"wait", {Kind::Float, 8}},
      {"run", {Kind::Float, 8}},         {"turnaround", {Kind::Float, 8}},  {"bounded_slowdown", {Kind::Float, 8}},
      {"tasks", {Kind::Integer, 8}},     {"cores", {Kind::Integer, 8}},     {"gpu_milli", {Kind::Integer, 8}},
      {"mem_mib", {Kind::Integer, 8}},   {"user", {Kind::Integer, 4}},      {"state", {Kind::Integer, 1}},
      {"first_node", {Kind::Integer, 4}}, {"num_nodes", {Kind::Integer, 4}}, {"preemptions", {Kind::Integer, 4}},
      {"estimate", {Kind::Float, 8}},   {"kills", {Kind::Integer, 4}},     {"lost_work", {Kind::Float, 8}}};
  for (const std::string& name : kJobColumns) {
    SCOPED_TRACE(name);
    ColumnInfo c = column_info(f, "/jobs/" + name);
    EXPECT_EQ(c.kind, types.at(name).first);
    EXPECT_EQ(c.element_bytes, types.at(name).second);
    if (c.kind == Kind::Integer) {
      EXPECT_TRUE(c.is_signed);
    }
    EXPECT_EQ(c.rank, 1);
    EXPECT_EQ(c.rows, 5);  // every job exactly once
    EXPECT_TRUE(c.unlimited);
    EXPECT_GT(c.chunk_rows, 0);
    EXPECT_TRUE(c.deflate);
    EXPECT_FALSE(read_attribute_str(f, "/jobs/" + name, "units").empty());
    EXPECT_FALSE(read_attribute_str(f, "/jobs/" + name, "description").empty());
  }
  EXPECT_EQ(read_attribute_str(f, "/jobs/start", "units"), "s");
  EXPECT_EQ(read_attribute_str(f, "/jobs/mem_mib", "units"), "MiB");
  EXPECT_EQ(read_attribute_str(f, "/jobs/state", "states"),
            "0=pending,1=queued,2=running,3=finished,4=rejected,5=failed");

  ColumnInfo reason = column_info(f, "/jobs_rejected/reason");
  EXPECT_EQ(reason.kind, Kind::String);
  EXPECT_EQ(reason.element_bytes, 0u);  // variable length
  EXPECT_EQ(reason.rows, 1);
  EXPECT_EQ(read_attribute_str(f, "/jobs_rejected/reason", "units"), "text");
  for (const std::string& name : kTimeseriesColumns) {
    SCOPED_TRACE(name);
    ColumnInfo c = column_info(f, "/timeseries/" + name);
    EXPECT_EQ(c.kind, name == "time" || name == "utilisation" ? Kind::Float : Kind::Integer);
    EXPECT_EQ(c.element_bytes, 8u);
    EXPECT_EQ(c.rows, 8);  // samples at 0, 5, ..., 35
    EXPECT_TRUE(c.unlimited);
    EXPECT_FALSE(read_attribute_str(f, "/timeseries/" + name, "units").empty());
  }
}

TEST(Hdf5RunWriter, JobRowsEqualTheEngineRecordsInTheOrderJobsEnded) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  auto e = run_small_case(f);

  // J9 is rejected at t3, then J1, J2, J3, J4 finish at 10, 15, 18, 35.
  std::vector<int64_t> ids = read_column_i64(f, "/jobs/id");
  ASSERT_EQ(ids, (std::vector<int64_t>{9, 1, 2, 3, 4}));
  std::vector<int64_t> index = read_column_i64(f, "/jobs/index");
  std::vector<double> start = read_column_f64(f, "/jobs/start"), end = read_column_f64(f, "/jobs/end"),
                      wait = read_column_f64(f, "/jobs/wait"), turnaround = read_column_f64(f, "/jobs/turnaround"),
                      bsld = read_column_f64(f, "/jobs/bounded_slowdown"), submit = read_column_f64(f, "/jobs/submit"),
                      run = read_column_f64(f, "/jobs/run"), estimate = read_column_f64(f, "/jobs/estimate");
  std::vector<int64_t> state = read_column_i64(f, "/jobs/state"), cores = read_column_i64(f, "/jobs/cores"),
                       tasks = read_column_i64(f, "/jobs/tasks"), first_node = read_column_i64(f, "/jobs/first_node"),
                       num_nodes = read_column_i64(f, "/jobs/num_nodes");
  EXPECT_EQ(start[1], 0);
  EXPECT_EQ(start[4], 15);
  for (size_t row = 0; row < ids.size(); ++row) {
    SCOPED_TRACE("row " + std::to_string(row));
    JobId j(static_cast<uint32_t>(index[row]));
    const JobSpec& s = e->spec(j);
    const JobRecord& r = e->record(j);
    EXPECT_EQ(ids[row], s.trace_id);
    EXPECT_EQ(submit[row], s.submit.seconds());
    EXPECT_EQ(run[row], s.runtime.seconds());
    EXPECT_EQ(estimate[row], s.walltime.seconds());
    EXPECT_EQ(tasks[row], s.tasks);
    EXPECT_EQ(cores[row], s.total().cores);
    EXPECT_EQ(state[row], static_cast<int64_t>(r.state));
    if (r.state == JobState::Finished) {
      JobMetrics m = job_metrics(s, r);
      EXPECT_EQ(start[row], r.first_start.seconds());
      EXPECT_EQ(end[row], r.end.seconds());
      EXPECT_EQ(wait[row], m.wait);
      EXPECT_EQ(turnaround[row], m.turnaround);
      EXPECT_EQ(bsld[row], m.bounded_slowdown);
      EXPECT_EQ(first_node[row], 0);
      EXPECT_EQ(num_nodes[row], 1);
    } else {  // the rejected J9: no start, no wait, no turnaround; ended when rejected
      EXPECT_EQ(r.state, JobState::Rejected);
      EXPECT_TRUE(std::isnan(start[row]));
      EXPECT_TRUE(std::isnan(wait[row]));
      EXPECT_TRUE(std::isnan(turnaround[row]));
      EXPECT_TRUE(std::isnan(bsld[row]));
      EXPECT_EQ(end[row], 3);
      EXPECT_EQ(first_node[row], -1);
      EXPECT_EQ(num_nodes[row], 0);
    }
  }
}

TEST(Hdf5RunWriter, RejectedJobsAreListedWithTheEnginesReason) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  auto e = run_small_case(f);
  ASSERT_EQ(e->rejections().size(), 1u);
  EXPECT_EQ(read_column_i64(f, "/jobs_rejected/id"), (std::vector<int64_t>{9}));
  std::vector<std::string> reasons = read_column_str(f, "/jobs_rejected/reason");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], e->rejections()[0].second);
  EXPECT_FALSE(reasons[0].empty());
}

TEST(Hdf5RunWriter, TimeseriesRowsAreTheClusterStateAtEachSample) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  SampleRecorder seen;
  run_small_case(f, &seen);
  EXPECT_EQ(read_column_f64(f, "/timeseries/time"), (std::vector<double>{0, 5, 10, 15, 20, 25, 30, 35}));
  EXPECT_EQ(read_column_f64(f, "/timeseries/time"), seen.time);
  EXPECT_EQ(read_column_i64(f, "/timeseries/used_cores"), seen.used_cores);
  EXPECT_EQ(read_column_i64(f, "/timeseries/queue_length"), seen.queue_length);
  EXPECT_EQ(read_column_i64(f, "/timeseries/running_jobs"), seen.running);
  std::vector<double> util = read_column_f64(f, "/timeseries/utilisation");
  for (size_t i = 0; i < util.size(); ++i) EXPECT_DOUBLE_EQ(util[i], static_cast<double>(seen.used_cores[i]) / 4.0);
}

TEST(Hdf5RunWriter, SummaryAttributesEqualSummarize) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  auto e = run_small_case(f);
  RunSummary s = summarize(*e);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "jobs"), s.jobs);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "finished"), s.finished);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "rejected"), s.rejected);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "failed"), s.failed);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "unfinished"), s.unfinished);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "preemptions"), s.preemptions);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "migrations"), s.migrations);
  EXPECT_EQ(read_attribute_i64(f, "/summary", "kills"), s.kills);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "lost_work_s"), s.lost_work_s);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "node_hours"), s.node_hours);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "cost"), s.cost);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "energy_kwh"), s.energy_kwh);
  EXPECT_GT(s.energy_kwh, 0);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "makespan_s"), s.makespan);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "utilisation"), s.utilisation);
  EXPECT_EQ(read_attribute_f64(f, "/summary", "gpu_utilisation"), s.gpu_utilisation);
  const std::pair<std::string, const Distribution*> dists[] = {
      {"wait_", &s.wait}, {"turnaround_", &s.turnaround}, {"bounded_slowdown_", &s.bounded_slowdown}};
  for (const auto& [prefix, d] : dists) {
    std::string suffix = prefix == "bounded_slowdown_" ? "" : "_s";
    const std::pair<std::string, double> fields[] = {{"mean", d->mean}, {"p50", d->p50}, {"p90", d->p90},
                                                     {"p95", d->p95},   {"p99", d->p99}, {"max", d->max}};
    for (const auto& [name, value] : fields)
      EXPECT_EQ(read_attribute_f64(f, "/summary", prefix + name + suffix), value) << prefix + name + suffix;
  }
  EXPECT_EQ(s.finished, 4);  // the case is not degenerate
  EXPECT_GT(s.wait.max, 0);
  EXPECT_FALSE(read_attribute_str(f, "/summary", "units").empty());
}

TEST(Hdf5RunWriter, MetaHoldsTheRunDescriptionAndTheWallTimeSetAfterTheRun) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  {
    Engine e(pool(4), small_case());
    Hdf5RunWriter writer(f, test_meta());
    e.add_observer(&writer);
    e.run(*PolicyRegistry::builtin().make("fcfs"));
    writer.set_wall_time(1.25);  // the file is already closed: reopened to update it
    writer.close();
  }
  EXPECT_EQ(read_attribute_i64(f, "/meta", "format_version"), 2);
  EXPECT_EQ(read_attribute_str(f, "/meta", "created_by"), "clustersim");
  EXPECT_EQ(read_attribute_str(f, "/meta", "tool_version"), "0.1.0");
  EXPECT_EQ(read_attribute_str(f, "/meta", "git_revision"), "abc123");
  EXPECT_EQ(read_attribute_str(f, "/meta", "config_text"), "policy = fcfs\ntrace = small\n");
  EXPECT_EQ(read_attribute_str(f, "/meta", "trace_name"), "small");
  EXPECT_EQ(read_attribute_str(f, "/meta", "trace_checksum"), "fnv1a64:0123456789abcdef");
  EXPECT_EQ(read_attribute_str(f, "/meta", "policy_name"), "fcfs");
  EXPECT_EQ(read_attribute_str(f, "/meta", "policy_params"), "");
  EXPECT_EQ(read_attribute_str(f, "/meta", "cluster_description"), "1 node x {cores=4}");
  EXPECT_EQ(read_attribute_i64(f, "/meta", "seed"), 42);
  EXPECT_EQ(read_attribute_f64(f, "/meta", "wall_time_s"), 1.25);
  EXPECT_EQ(read_attribute_i64(f, "/meta", "run_complete"), 1);
}

TEST(Hdf5RunWriter, JobsNotEndedWhenTheRunStopsAreWrittenWithTheirState) {
  // Stop after the first decision point: J1 started (running), J2 queued, J3, J4, J9 pending.
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  Engine e(Cluster::homogeneous(2, Resources{2, 0, 0}), small_case());
  Hdf5RunWriter writer(f, test_meta());
  e.add_observer(&writer);
  ASSERT_TRUE(e.advance());
  e.decisions().start(JobId(0));
  e.finish();
  EXPECT_EQ(read_column_i64(f, "/jobs/id"), (std::vector<int64_t>{1, 2, 3, 4, 9}));  // by index
  EXPECT_EQ(read_column_i64(f, "/jobs/state"), (std::vector<int64_t>{2, 1, 0, 0, 0}));
  std::vector<double> start = read_column_f64(f, "/jobs/start"), end = read_column_f64(f, "/jobs/end");
  EXPECT_EQ(start[0], 0);
  EXPECT_TRUE(std::isnan(end[0]));
  EXPECT_TRUE(std::isnan(start[1]));
  EXPECT_EQ(read_column_i64(f, "/jobs/first_node"), (std::vector<int64_t>{0, -1, -1, -1, -1}));
  EXPECT_EQ(read_column_i64(f, "/jobs/num_nodes"), (std::vector<int64_t>{1, 0, 0, 0, 0}));
  EXPECT_EQ(read_attribute_i64(f, "/summary", "unfinished"), 5);
}

TEST(Hdf5RunWriter, RecordsTheLastPlacementOfEachJob) {
  // Three nodes of 2 cores, first fit. J1 (4 tasks) takes nodes 0-1, J2 (2 tasks) node 2;
  // J3 (2 tasks) waits and then gets node 0 when J1 ends.
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  Engine e(Cluster::homogeneous(3, Resources{2, 0, 0}), sorted({job(1, 0, 10, 4), job(2, 0, 20, 2), job(3, 1, 5, 2)}));
  Hdf5RunWriter writer(f, test_meta());
  e.add_observer(&writer);
  e.run(*PolicyRegistry::builtin().make("fcfs"));
  EXPECT_EQ(read_column_i64(f, "/jobs/id"), (std::vector<int64_t>{1, 3, 2}));
  EXPECT_EQ(read_column_i64(f, "/jobs/first_node"), (std::vector<int64_t>{0, 0, 2}));
  EXPECT_EQ(read_column_i64(f, "/jobs/num_nodes"), (std::vector<int64_t>{2, 1, 1}));
}

TEST(Hdf5RunWriter, SameRunTwiceGivesIdenticalJobsAndSummary) {
  TempDir tmp;
  std::string a = tmp.file("a.h5"), b = tmp.file("b.h5");
  run_small_case(a);
  run_small_case(b);
  for (const std::string& name : kJobColumns) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(same_bits(read_column_f64(a, "/jobs/" + name), read_column_f64(b, "/jobs/" + name)));
  }
  EXPECT_EQ(read_column_str(a, "/jobs_rejected/reason"), read_column_str(b, "/jobs_rejected/reason"));
  std::vector<std::string> attrs = list_attributes(a, "/summary");
  EXPECT_EQ(attrs, list_attributes(b, "/summary"));
  EXPECT_GT(attrs.size(), 20u);
  for (const std::string& name : attrs) {
    if (name == "units" || name == "description") continue;
    EXPECT_EQ(read_attribute_f64(a, "/summary", name), read_attribute_f64(b, "/summary", name)) << name;
  }
}

TEST(Hdf5RunWriter, RowsSpanningManyChunksReadBackExactlyWhateverTheCompression) {
  // 70,000 jobs, flushes every 30,000 rows, chunks of 16,384 rows: the second flush completes
  // the partial chunk left by the first, writes a whole chunk (compressed on several threads
  // and written directly) and leaves a partial tail.
  constexpr size_t kJobs = 70000;
  std::vector<JobSpec> jobs;
  for (size_t i = 0; i < kJobs; ++i) {
    auto k = static_cast<int64_t>(i);
    jobs.push_back(job(k + 1, k, 3 + k % 7, static_cast<int32_t>(1 + k % 5)));
  }
  Engine e(pool(32), sorted(jobs));
  TempDir tmp;
  const std::pair<std::string, Hdf5Options> variants[] = {
      {"threads.h5", {.flush_rows = 30000, .compression_threads = 4}},
      {"one_thread.h5", {.flush_rows = 30000, .compression_threads = 1}},
      {"plain.h5", {.flush_rows = 30000, .deflate_level = 0}}};
  std::vector<std::unique_ptr<Hdf5RunWriter>> writers;
  for (const auto& [name, options] : variants) {
    writers.push_back(std::make_unique<Hdf5RunWriter>(tmp.file(name), RunMeta{}, options));
    e.add_observer(writers.back().get());
  }
  e.run(*PolicyRegistry::builtin().make("fcfs"));

  std::string f = tmp.file("threads.h5");
  EXPECT_TRUE(column_info(f, "/jobs/start").deflate);
  std::vector<int64_t> index = read_column_i64(f, "/jobs/index");
  std::vector<double> start = read_column_f64(f, "/jobs/start"), end = read_column_f64(f, "/jobs/end");
  ASSERT_EQ(index.size(), kJobs);
  std::vector<bool> seen(kJobs);
  for (size_t row = 0; row < index.size(); ++row) {
    const JobRecord& r = e.record(JobId(static_cast<uint32_t>(index[row])));
    ASSERT_EQ(start[row], r.first_start.seconds()) << "row " << row;
    ASSERT_EQ(end[row], r.end.seconds()) << "row " << row;
    seen[static_cast<size_t>(index[row])] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), static_cast<std::ptrdiff_t>(kJobs));  // each job once
  for (const std::string& name : kJobColumns) {
    SCOPED_TRACE(name);
    std::vector<double> a = read_column_f64(f, "/jobs/" + name);
    EXPECT_TRUE(same_bits(a, read_column_f64(tmp.file("one_thread.h5"), "/jobs/" + name)));
    EXPECT_TRUE(same_bits(a, read_column_f64(tmp.file("plain.h5"), "/jobs/" + name)));
  }
}

TEST(Hdf5RunWriter, UnwritablePathThrowsInputErrorNamingThePathBeforeAnyRun) {
  try {
    Hdf5RunWriter writer("/nonexistent-dir/x.h5", test_meta());
    FAIL() << "no exception";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("/nonexistent-dir/x.h5"), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("No such file or directory"), std::string::npos) << err.what();
  }
}

TEST(Hdf5RunWriter, BadOptionsThrowInputErrorNamingTheField) {
  TempDir tmp;
  auto message = [&](Hdf5Options o) {
    try {
      Hdf5RunWriter w(tmp.file("x.h5"), {}, o);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({.flush_rows = 0}).find("hdf5.flush_rows"), std::string::npos);
  EXPECT_NE(message({.flush_seconds = 0}).find("hdf5.flush_seconds"), std::string::npos);
  EXPECT_NE(message({.deflate_level = 10}).find("hdf5.deflate_level"), std::string::npos);
}

TEST(Hdf5Reader, MissingFileDatasetOrAttributeThrowsInputErrorNamingThem) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  run_small_case(f);
  auto message = [](auto&& read) {
    try {
      read();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  std::string m = message([&] { read_column_f64(f, "/jobs/nope"); });
  EXPECT_NE(m.find(f), std::string::npos) << m;
  EXPECT_NE(m.find("/jobs/nope"), std::string::npos) << m;
  m = message([&] { read_attribute_str(f, "/meta", "nope"); });
  EXPECT_NE(m.find("nope"), std::string::npos) << m;
  m = message([&] { list_group(tmp.file("missing.h5"), "/"); });
  EXPECT_NE(m.find("missing.h5"), std::string::npos) << m;
  m = message([&] { read_column_i64(f, "/jobs/start"); });  // a float column
  EXPECT_NE(m.find("/jobs/start"), std::string::npos) << m;
}
