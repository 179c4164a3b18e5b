// Sweep points: files written whole, complete points skipped, failures recorded.
#include "experiments/sweep.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "experiments/commands.hpp"
#include "output/hdf5_reader.hpp"
#include "support/temp_dir.hpp"

namespace clustersim {
namespace {

namespace fs = std::filesystem;

Experiment small(const std::string& dir) {
  const std::string text = std::string(R"(
[experiment]
seeds = [1, 2]
[clusters.pool]
procs = 256
[workloads.synth]
synthetic = "lublin"
jobs = 300
[workloads.lublin]
trace = ")") + CLUSTERSIM_TEST_DATA_DIR + R"(/lublin_256.swf"
take = 500
[workloads.missing]
trace = "no-such-trace.swf"
[policies.fcfs]
[policies.easy]
)";
  Experiment e = parse_experiment(text, dir + "/e.toml");
  e.output = dir + "/out";
  return e;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Sweep, APointWritesOneCompleteFileAndItsMetrics) {
  testing::TempDir tmp;
  const Experiment e = small(tmp.file(""));
  const auto points = expand_grid(e);
  ASSERT_EQ(points[4].name, "lublin__fcfs__pool");
  const PointRecord r = run_point(e, points, 4, e.output, 0);
  EXPECT_EQ(r.status, PointStatus::Ok) << r.error;
  const std::string file = e.output + "/points/lublin__fcfs__pool.h5";
  EXPECT_EQ(read_attribute_i64(file, "/meta", "run_complete"), 1);
  EXPECT_FALSE(fs::exists(file + ".part"));
  EXPECT_EQ(r.jobs, 500);
  const auto cols = metric_columns(e);
  ASSERT_EQ(cols.front(), "bounded_slowdown_mean");
  EXPECT_EQ(r.metrics.front(), read_attribute_f64(file, "/summary", "bounded_slowdown_mean"));
}

TEST(Sweep, APointGivesTheJobsThatClustersimRunGivesWithTheSameOptions) {
  testing::TempDir tmp;
  const Experiment e = small(tmp.file(""));
  const auto points = expand_grid(e);
  ASSERT_EQ(points[3].name, "synth__easy__pool__s2");
  ASSERT_EQ(run_point(e, points, 3, e.output, 0).status, PointStatus::Ok);
  const std::string by_run = tmp.file("run.h5");
  std::vector<std::string> args = {"run", "--synthetic", "lublin", "--jobs", "300", "--procs", "256", "--seed", "2",
                                   "--policy", "easy", "--out", by_run, "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ASSERT_EQ(cli::cmd_run(static_cast<int>(argv.size()), argv.data()), 0);
  const std::string by_sweep = e.output + "/points/synth__easy__pool__s2.h5";
  const auto columns = list_group(by_run, "/jobs");
  ASSERT_EQ(list_group(by_sweep, "/jobs"), columns);
  for (const std::string& c : columns) {
    if (column_info(by_run, "/jobs/" + c).kind == ColumnInfo::Kind::String) continue;
    const auto a = read_column_f64(by_run, "/jobs/" + c), b = read_column_f64(by_sweep, "/jobs/" + c);
    ASSERT_EQ(a.size(), b.size()) << c;
    for (size_t i = 0; i < a.size(); ++i)
      ASSERT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << c << " row " << i;
  }
  EXPECT_EQ(read_attribute_f64(by_run, "/summary", "bounded_slowdown_mean"),
            read_attribute_f64(by_sweep, "/summary", "bounded_slowdown_mean"));
}

TEST(Sweep, ACompletePointIsSkippedNotRecomputed) {
  testing::TempDir tmp;
  const Experiment e = small(tmp.file(""));
  const auto points = expand_grid(e);
  const PointRecord first = run_point(e, points, 0, e.output, 0);
  ASSERT_EQ(first.status, PointStatus::Ok) << first.error;
  const fs::path file = e.output + "/points/" + points[0].name + ".h5";
  const auto written = fs::last_write_time(file);
  const PointRecord again = run_point(e, points, 0, e.output, 1);
  EXPECT_EQ(again.status, PointStatus::Skipped);
  EXPECT_EQ(fs::last_write_time(file), written);
  EXPECT_EQ(again.metrics, first.metrics);
  EXPECT_EQ(again.rank, 1);
}

TEST(Sweep, APartialFileFromAnInterruptedSweepIsRunAgain) {
  testing::TempDir tmp;
  const Experiment e = small(tmp.file(""));
  const auto points = expand_grid(e);
  fs::create_directories(e.output + "/points");
  std::ofstream(e.output + "/points/" + points[0].name + ".h5.part") << "left by a killed sweep";
  std::ofstream(e.output + "/points/" + points[1].name + ".h5") << "not an HDF5 file";
  EXPECT_EQ(run_point(e, points, 0, e.output, 0).status, PointStatus::Ok);
  EXPECT_EQ(run_point(e, points, 1, e.output, 0).status, PointStatus::Ok);
}

TEST(Sweep, AFailingPointIsRecordedWithItsErrorAndLeavesNoFile) {
  testing::TempDir tmp;
  const Experiment e = small(tmp.file(""));
  const auto points = expand_grid(e);
  ASSERT_EQ(points[6].name, "missing__fcfs__pool");
  const PointRecord r = run_point(e, points, 6, e.output, 0);
  EXPECT_EQ(r.status, PointStatus::Failed);
  EXPECT_NE(r.error.find("no-such-trace.swf"), std::string::npos) << r.error;
  EXPECT_TRUE(std::isnan(r.metrics.front()));
  EXPECT_FALSE(fs::exists(e.output + "/points/missing__fcfs__pool.h5"));
  EXPECT_FALSE(fs::exists(e.output + "/points/missing__fcfs__pool.h5.part"));
}

TEST(Sweep, RecordsTravelBetweenRanksExactly) {
  PointRecord r;
  r.index = 7;
  r.name = "w__p__c__s3";
  r.status = PointStatus::Failed;
  r.error = "bad\tthing\nhappened";
  r.wall_s = 0.1 + 0.2;
  r.run_wall_s = std::nan("");
  r.rank = 3;
  r.jobs = 10;
  r.finished = 9;
  r.metrics = {1.0 / 3.0, 2e-300};
  const PointRecord back = decode_record(encode_record(r));
  EXPECT_EQ(back.index, 7u);
  EXPECT_EQ(back.name, r.name);
  EXPECT_EQ(back.status, PointStatus::Failed);
  EXPECT_EQ(back.error, "bad thing happened");
  EXPECT_EQ(back.wall_s, r.wall_s);
  EXPECT_TRUE(std::isnan(back.run_wall_s));
  EXPECT_EQ(back.rank, 3);
  EXPECT_EQ(back.metrics, r.metrics);
}

TEST(Sweep, TheIndexHasARowPerPointAndTheSummaryARowPerCombination) {
  testing::TempDir tmp;
  const Experiment e = small(tmp.file(""));
  const auto points = expand_grid(e);
  std::vector<PointRecord> records;
  for (size_t i = 0; i < points.size(); ++i) records.push_back(run_point(e, points, i, e.output, 0));
  const std::string table = write_index(e, points, records, e.output);
  const std::string csv = slurp(e.output + "/index.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(points.size()) + 1);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "point,cluster,workload,policy,policy_name,params,seed,status,error,wall_s,run_wall_s,rank,jobs,finished,"
            "bounded_slowdown_mean,bounded_slowdown_p95,wait_mean_s,wait_p95_s,turnaround_mean_s,turnaround_p95_s,"
            "utilisation");
  EXPECT_NE(csv.find("synth__easy__pool__s2,pool,synth,easy,easy,,2,ok,"), std::string::npos);
  EXPECT_NE(csv.find("missing__easy__pool,pool,missing,easy,easy,,,failed,"), std::string::npos);
  EXPECT_NE(table.find("| pool | synth | fcfs | 2 |"), std::string::npos) << table;
  EXPECT_NE(table.find("| pool | missing | easy | 0 (1 failed) | - |"), std::string::npos) << table;
  EXPECT_EQ(slurp(e.output + "/experiment.toml"), e.text);
}

}  // namespace
}  // namespace clustersim
