// The Alibaba cluster-trace-v2018 batch_task reader on tests/data/alibaba2018/batch_task.csv
// (rows written by hand from cluster-trace-v2018/schema.txt; expected values computed by
// hand) and on malformed rows.
#include "traces/alibaba2018.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.hpp"
#include "support/error_of.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kFile = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/alibaba2018/batch_task.csv";

std::string row_error(const std::string& rows) {
  return error_of([&] { parse_alibaba2018_tasks(rows, "batch.csv"); });
}

}  // namespace

TEST(Alibaba2018, SampleTasksMapToJobsFieldByField) {
  const Workload w = read_alibaba2018(kFile);
  EXPECT_EQ(w.name, "batch_task.csv");
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"start time unknown (0)", 1}, {"no instances", 1}}));
  ASSERT_EQ(w.jobs.size(), 5u);
  struct Expect {
    int64_t id, submit, runtime;
    int32_t tasks;
    int64_t cores;
    int32_t group, status;
  };
  const Expect expected[] = {
      {0, 86'400, 120, 10, 1000, 0, 1},  // M1 of j_1001: 10 instances of one core
      {2, 86'410, 5, 1, 6000, 1, 0},     // M1 of j_1002, Failed
      {1, 86'530, 170, 5, 500, 0, 1},    // R2_1 of j_1001: half a core each
      {3, 86'600, 100, 3, 2000, 2, -1},  // Running, no end: until the file's last time, 86,700
      {5, 86'650, 10, 1, 1000, 3, 5},    // Cancelled, plan_mem empty
  };
  for (size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    const JobSpec& j = w.jobs[i];
    EXPECT_EQ(j.trace_id, expected[i].id);
    EXPECT_EQ(j.submit, Time::from_seconds(expected[i].submit));
    EXPECT_EQ(j.runtime, Time::from_seconds(expected[i].runtime));
    EXPECT_EQ(j.walltime, j.runtime);
    EXPECT_EQ(j.tasks, expected[i].tasks);
    EXPECT_EQ(j.per_task, (Resources{expected[i].cores, 0, 0}));  // memory not modelled by default
    EXPECT_EQ(j.group, expected[i].group);
    EXPECT_EQ(j.status, expected[i].status);
    EXPECT_EQ(j.user, -1);
  }
}

TEST(Alibaba2018, MemoryScalesToTheLargestMachine) {
  Alibaba2018Options o;
  o.memory_mib = 65'536;
  const Workload w = read_alibaba2018(kFile, o);
  ASSERT_EQ(w.jobs.size(), 5u);
  // ceil(plan_mem / 100 x 65,536): 0.39 -> 256, 1.5 -> 984, 0.2 -> 132, 0.5 -> 328, empty -> 0.
  EXPECT_EQ(w.jobs[0].per_task.mem_mib, 256);
  EXPECT_EQ(w.jobs[1].per_task.mem_mib, 984);
  EXPECT_EQ(w.jobs[2].per_task.mem_mib, 132);
  EXPECT_EQ(w.jobs[3].per_task.mem_mib, 328);
  EXPECT_EQ(w.jobs[4].per_task.mem_mib, 0);
  o.memory_mib = -1;
  EXPECT_EQ(error_of([&] { read_alibaba2018(kFile, o); }),
            "Alibaba2018Options.memory_mib: expected 0 (not modelled) to 4294967296, found -1");
}

TEST(Alibaba2018, WholeCoresAndUnfinishedTasks) {
  Alibaba2018Options o;
  o.cpu = OpenbCpuUnit::Cores;
  o.skip_unfinished = true;
  const Workload w = read_alibaba2018(kFile, o);
  ASSERT_EQ(w.jobs.size(), 4u);
  EXPECT_EQ(w.jobs[2].per_task.cores, 1);  // 50 (half a core) rounds up
  EXPECT_EQ(w.jobs[1].per_task.cores, 6);
  // The task with no instances has no end either: the first reason that applies counts it.
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"start time unknown (0)", 1}, {"no end time", 2}}));
}

TEST(Alibaba2018, RawRowsKeepEveryColumn) {
  const Alibaba2018Tasks t = read_alibaba2018_tasks(kFile);
  ASSERT_EQ(t.rows.size(), 7u);
  EXPECT_EQ(t.rows[3], (Alibaba2018Task{3, "task_Nzg3ODAwNDgzMTAwNTc2NTQ2Mw==", 3, "j_1003", "1", "Running", 86'600, 0, 2000,
                                        500'000}));
  EXPECT_EQ(t.rows[2].task_type, "12");
  EXPECT_EQ(t.rows[5].plan_mem_millionths, 0);
  // The trace marks invalid normalised values with -1: read as 0.
  EXPECT_EQ(parse_alibaba2018_tasks("M1,1,j_1,1,Terminated,5,6,100,-1\n", "batch.csv").rows[0].plan_mem_millionths, 0);
  // A first line of column names is skipped.
  EXPECT_EQ(parse_alibaba2018_tasks("task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem\n"
                                    "M1,1,j_1,1,Terminated,5,6,100,1\n",
                                    "batch.csv")
                .rows.size(),
            1u);
}

TEST(Alibaba2018, MalformedRowsNameFileLineAndColumn) {
  EXPECT_EQ(row_error("M1,ten,j_1,1,Terminated,5,6,100,1\n"),
            "batch.csv:1: column 2 (instance_num): expected an integer >= 0, found 'ten'");
  EXPECT_EQ(row_error("M1,1,j_1,1,Terminated,100,50,100,1\n"),
            "batch.csv:1: column 7 (end_time): expected a time >= start_time (100), found 50");
  EXPECT_EQ(row_error("M1,1,j_1,1,Terminated,100,150,1x0,1\n"),
            "batch.csv:1: column 8 (plan_cpu): expected a number >= 0, found '1x0'");
  EXPECT_EQ(row_error("M1,1,j_1,1,Terminated,5,6,100,1001\n"), "batch.csv:1: column 9 (plan_mem): value out of range, found 1001");
  EXPECT_EQ(row_error("M1,1,,1,Terminated,5,6,100,1\n"), "batch.csv:1: column 3 (job_name): expected a job name, found nothing");
  EXPECT_EQ(row_error("M1,1,j_1,1,Terminated,5,6,100,1\nM2,1,j_1\n"),
            "batch.csv:2: column 4 (task_type): missing: expected 9 columns, found 3");
}

TEST(Alibaba2018, LenientSkipsAndCountsMalformedRows) {
  Alibaba2018Options o;
  o.strict = false;
  const Workload w = parse_alibaba2018("M1,1,j_1,1,Terminated,5,6,100,1\nM2,x,j_1,1,Terminated,5,6,100,1\n", "batch.csv", o);
  ASSERT_EQ(w.jobs.size(), 1u);
  EXPECT_EQ(w.skipped.at(alibaba2018_skip::kMalformed), 1);
  EXPECT_EQ(w.warnings, (std::vector<std::string>{"batch.csv:2: column 2 (instance_num): expected an integer >= 0, found 'x'"}));
}
