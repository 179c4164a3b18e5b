// The SWF writers: read -> write -> read gives the same records, header and jobs.
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/error.hpp"
#include "traces/swf.hpp"
#include "traces/swf_test_util.hpp"

namespace clustersim {
namespace {

const std::string kLublin = CLUSTERSIM_TEST_DATA_DIR "/lublin_256.swf";
const std::string kNasa = CLUSTERSIM_TEST_DATA_DIR "/NASA-iPSC-1993-3.1-cln.swf";

std::string temp_path(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / name).string();
}

void expect_same_jobs(const Workload& a, const Workload& b) {
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  for (size_t i = 0; i < a.jobs.size(); ++i) {
    const JobSpec& x = a.jobs[i];
    const JobSpec& y = b.jobs[i];
    SCOPED_TRACE("job index " + std::to_string(i));
    EXPECT_EQ(x.trace_id, y.trace_id);
    EXPECT_EQ(x.submit, y.submit);
    EXPECT_EQ(x.runtime, y.runtime);
    EXPECT_EQ(x.walltime, y.walltime);
    EXPECT_EQ(x.tasks, y.tasks);
    EXPECT_EQ(x.per_task, y.per_task);
    EXPECT_EQ(x.user, y.user);
    EXPECT_EQ(x.group, y.group);
    EXPECT_EQ(x.queue, y.queue);
    EXPECT_EQ(x.partition, y.partition);
    EXPECT_EQ(x.status, y.status);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(SwfWriter, RoundTripsNasaRecordsAndEveryHeaderLine) {
  const SwfTrace original = read_swf_records(kNasa);
  const std::string path = temp_path("nasa_roundtrip.swf");
  write_swf(path, original);
  const SwfTrace again = read_swf_records(path);
  EXPECT_EQ(again.header, original.header);
  EXPECT_EQ(again.records, original.records);
  std::filesystem::remove(path);
}

TEST(SwfWriter, RoundTripsDecimalTimesAndMemoryExactly) {
  const std::string text =
      "1 0.5 1.25 3.000001 4 17.125 1000.5 4 7200 0.1 1 2 3 4 5 6 -1 0.75\n"
      "2 1e0\n";
  SwfOptions lenient;
  lenient.strict = false;
  const SwfTrace t = parse_swf_records(text, "t.swf", lenient);
  ASSERT_EQ(t.records.size(), 1u);
  const std::string written = to_swf_text(t);
  EXPECT_EQ(written, "1 0.5 1.25 3.000001 4 17.125 1000.5 4 7200 0.1 1 2 3 4 5 6 -1 0.75\n");
  EXPECT_EQ(parse_swf_records(written, "w.swf").records, t.records);
}

TEST(SwfWriter, RoundTripsAWorkloadThroughAFile) {
  for (const std::string& source : {kLublin, kNasa}) {
    const Workload original = read_swf(source);
    const std::string path = temp_path("workload_roundtrip.swf");
    write_swf(path, original);
    const Workload again = read_swf(path);
    expect_same_jobs(original, again);
    EXPECT_EQ(again.machine.max_nodes, original.machine.max_nodes);
    EXPECT_EQ(again.machine.max_procs, original.machine.max_procs);
    EXPECT_EQ(again.machine.unix_start_time, original.machine.unix_start_time);
    EXPECT_EQ(again.skipped_total(), 0);
    std::filesystem::remove(path);
  }
}

TEST(SwfWriter, WritesAVersion22HeaderAndMinusOneForUnknownFields) {
  Workload w;
  w.name = "tiny";
  w.machine = {16, 64, 1'000'000'000};
  JobSpec j;
  j.trace_id = 7;
  j.submit = Time::from_us(12'500'000);
  j.runtime = Time::from_seconds(60);
  j.walltime = Time::from_seconds(120);
  j.tasks = 3;
  j.user = 5;
  w.jobs.push_back(j);
  EXPECT_EQ(to_swf_text(w),
            "; Version: 2.2\n"
            "; Note: written by clustersim from workload 'tiny'\n"
            "; MaxJobs: 1\n"
            "; MaxRecords: 1\n"
            "; MaxNodes: 16\n"
            "; MaxProcs: 64\n"
            "; UnixStartTime: 1000000000\n"
            "7 12.5 -1 60 3 -1 -1 3 120 -1 -1 5 -1 -1 -1 -1 -1 -1\n");
}

TEST(SwfWriter, WritesMultiCoreTasksAsProcessorsAndMemoryPerProcessor) {
  Workload w;
  JobSpec j;
  j.trace_id = 1;
  j.runtime = j.walltime = Time::from_seconds(1);
  j.tasks = 2;
  j.per_task = {4, 0, 8};  // 4 cores, 8 MiB per task
  w.jobs.push_back(j);
  const SwfTrace t = parse_swf_records(to_swf_text(w), "t.swf");
  ASSERT_EQ(t.records.size(), 1u);
  EXPECT_EQ(t.records[0].allocated_procs, 8);
  EXPECT_DOUBLE_EQ(t.records[0].requested_memory, 2048.0);  // KB per processor
}

TEST(SwfWriter, WritesAnEmptyWorkloadAsHeaderOnly) {
  const Workload w;
  const Workload again = parse_swf(to_swf_text(w), "t.swf");
  EXPECT_TRUE(again.jobs.empty());
  EXPECT_EQ(again.machine.unix_start_time, -1);
}

TEST(SwfWriter, RaisesInputErrorNamingAnUnwritablePath) {
  const SwfTrace empty;
  try {
    write_swf("/nonexistent-dir/out.swf", empty);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent-dir/out.swf: cannot write: No such file or directory");
  }
  EXPECT_THROW(write_swf(::testing::TempDir(), Workload{}), InputError);
}

}  // namespace
}  // namespace clustersim
