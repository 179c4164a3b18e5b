// The Alibaba PAI 2020 readers on tests/data/pai/ (job and task tables written by hand from
// the schema in alibaba/clusterdata cluster-trace-gpu-v2020/README.md; expected values
// computed by hand) and on malformed rows.
#include "traces/pai.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.hpp"
#include "support/error_of.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kDir = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/pai/";
const std::string kJobs = kDir + "pai_job_table.csv";
const std::string kTasks = kDir + "pai_task_table.csv";

std::string task_error(const std::string& rows) {
  return error_of([&] { parse_pai_tasks(rows, "tasks.csv"); });
}

}  // namespace

TEST(Pai, SampleTablesJoinIntoOneJobPerTask) {
  const Workload w = read_pai(kJobs, kTasks);
  EXPECT_EQ(w.name, "pai");  // the folder of the tables
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"task of a job not in the job table", 1},
                                                        {"job without a submit time", 1},
                                                        {"never started", 1},
                                                        {"no instances", 1}}));
  ASSERT_EQ(w.jobs.size(), 4u);
  struct Expect {
    int64_t id, submit, runtime;
    int32_t tasks;
    Resources per_task;
    const char* model;
    int32_t user, group, status;
  };
  const Expect expected[] = {
      // worker of job aaaa0001: 2 instances of 6 CPUs, 29.296875 GB (30,000 MiB), 50 % of a V100
      {0, 1000, 580, 2, {6000, 500, 30'000}, "V100", 0, 0, 1},
      // its parameter server: no GPU (plan_gpu empty), so no GPU model either
      {1, 1000, 590, 1, {4000, 0, 10'240}, "", 0, 0, 1},
      // aaaa0002: one instance with 8 GPUs (plan_gpu 800), 48.5 GB
      {2, 1200, 290, 1, {12'000, 8000, 49'664}, "P100", 1, 1, 0},
      // aaaa0003, still running: until the tables' last time, 1600 s
      {3, 1300, 280, 4, {500, 250, 2560}, "T4", 0, 2, -1},
  };
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    const JobSpec& j = w.jobs[i];
    EXPECT_EQ(j.trace_id, expected[i].id);
    EXPECT_EQ(j.submit, Time::from_seconds(expected[i].submit));  // the job's submission, not the task's launch
    EXPECT_EQ(j.runtime, Time::from_seconds(expected[i].runtime));
    EXPECT_EQ(j.walltime, j.runtime);
    EXPECT_EQ(j.tasks, expected[i].tasks);
    EXPECT_EQ(j.per_task, expected[i].per_task);
    EXPECT_EQ(j.gpu_model, expected[i].model);
    EXPECT_EQ(j.user, expected[i].user);
    EXPECT_EQ(j.group, expected[i].group);
    EXPECT_EQ(j.status, expected[i].status);
  }
}

TEST(Pai, WholeCoresRoundUpAndUnfinishedTasksCanBeDropped) {
  PaiOptions o;
  o.cpu = OpenbCpuUnit::Cores;
  o.skip_unfinished = true;
  const Workload w = read_pai(kJobs, kTasks, o);
  ASSERT_EQ(w.jobs.size(), 3u);
  EXPECT_EQ(w.jobs[0].per_task.cores, 6);
  EXPECT_EQ(w.jobs[2].per_task.cores, 12);
  EXPECT_EQ(w.skipped.at(pai_skip::kUnfinished), 1);
  PaiOptions all;
  all.cpu = OpenbCpuUnit::Cores;
  EXPECT_EQ(read_pai(kJobs, kTasks, all).jobs[3].per_task.cores, 1);  // 50 % of a core: 1
}

TEST(Pai, RawRowsKeepEveryColumn) {
  const PaiRows<PaiJob> jobs = read_pai_jobs(kJobs);
  ASSERT_EQ(jobs.rows.size(), 5u);
  EXPECT_EQ(jobs.rows[2], (PaiJob{2, "aaaa0003", "inst0003", "user01", "Running", Time::from_seconds(1300), std::nullopt}));
  EXPECT_FALSE(jobs.rows[4].start_time.has_value());
  const PaiRows<PaiTask> tasks = read_pai_tasks(kTasks);
  ASSERT_EQ(tasks.rows.size(), 8u);
  EXPECT_EQ(tasks.rows[0], (PaiTask{0, "aaaa0001", "worker", 2, "Terminated", Time::from_seconds(1010), Time::from_seconds(1590),
                                    6000, 30'000, 500, "V100"}));
  // 0.0 is a missing time, as the trace's analysis code reads it.
  EXPECT_FALSE(tasks.rows[4].start_time.has_value());
  EXPECT_FALSE(tasks.rows[4].end_time.has_value());
  EXPECT_EQ(tasks.rows[1].plan_gpu_milli, 0);
  EXPECT_EQ(tasks.rows[1].gpu_type, "");
}

TEST(Pai, DecimalsConvertExactly) {
  const PaiRows<PaiTask> t = parse_pai_tasks("j,w,1.0,Terminated,10.25,11.5000005,12.5,0.0009765625,33.3,T4\n", "tasks.csv");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].start_time, Time::from_us(10'250'000));
  EXPECT_EQ(t.rows[0].end_time, Time::from_us(11'500'001));  // half up at the sixth decimal
  EXPECT_EQ(t.rows[0].plan_cpu_milli, 125);                 // 12.5 % of a core
  EXPECT_EQ(t.rows[0].plan_mem_mib, 1);                     // 1/1024 GB
  EXPECT_EQ(t.rows[0].plan_gpu_milli, 333);                 // 33.3 % of a GPU
  const PaiRows<PaiTask> up = parse_pai_tasks("j,w,1,Terminated,1,2,0.01,0.0001,0.01,T4\n", "tasks.csv");
  EXPECT_EQ(up.rows[0].plan_cpu_milli, 1);  // rounded up: never less than asked
  EXPECT_EQ(up.rows[0].plan_mem_mib, 1);
  EXPECT_EQ(up.rows[0].plan_gpu_milli, 1);
}

TEST(Pai, AGpuRequestAboveOneGpuRoundsUpToWholeGpus) {
  const auto jobs = parse_pai_jobs("j,i,u,Terminated,1.0,9.0\n", "jobs.csv");
  const auto tasks = parse_pai_tasks("j,a,1,Terminated,2,3,100,1,150,V100\nj,b,1,Terminated,2,3,100,1,100,V100\n"
                                     "j,c,1,Terminated,2,3,100,1,99.9,V100\nj,d,1,Terminated,2,3,100,1,400,V100\n",
                                     "tasks.csv");
  EXPECT_EQ(tasks.rows[0].plan_gpu_milli, 1500);  // the raw row keeps the request
  const Workload w = pai_workload(jobs, tasks, "pai");
  ASSERT_EQ(w.jobs.size(), 4u);
  EXPECT_EQ(w.jobs[0].per_task.gpu_milli, 2000);  // 1.5 GPUs: 2 whole ones
  EXPECT_EQ(w.jobs[1].per_task.gpu_milli, 1000);
  EXPECT_EQ(w.jobs[2].per_task.gpu_milli, 999);   // a share of one GPU stays exact
  EXPECT_EQ(w.jobs[3].per_task.gpu_milli, 4000);
}

TEST(Pai, ThePublishedHeaderLineIsSkipped) {
  const PaiRows<PaiJob> jobs = parse_pai_jobs("job_name,inst_id,user,status,start_time,end_time\nj,i,u,Terminated,1.0,2.0\n", "jobs.csv");
  ASSERT_EQ(jobs.rows.size(), 1u);
  EXPECT_EQ(jobs.rows[0].job_name, "j");
  EXPECT_EQ(jobs.rows[0].index, 0);
}

TEST(Pai, PathsFromTheFolderOrEitherTable) {
  const PaiPaths dir = pai_paths(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/pai");
  EXPECT_EQ(dir.job_table, kJobs);
  EXPECT_EQ(dir.task_table, kTasks);
  EXPECT_EQ(pai_paths("/d/pai_job_table.csv").task_table, "/d/pai_task_table.csv");
  EXPECT_EQ(pai_paths("/d/pai_task_table_sample.csv").job_table, "/d/pai_job_table_sample.csv");
  EXPECT_EQ(error_of([] { pai_paths("/d/jobs.csv"); }),
            "/d/jobs.csv: a PAI trace is two tables: give the folder that holds pai_job_table.csv and pai_task_table.csv, "
            "or one of those files");
}

TEST(Pai, MalformedRowsNameFileLineAndColumn) {
  EXPECT_EQ(error_of([] { parse_pai_jobs("a,i,u,Terminated,1.0,2.0\nb,i,u,Failed,1.0,2.0\na,i,u,Failed,3.0,4.0\n", "jobs.csv"); }),
            "jobs.csv:3: column 1 (job_name): duplicate job 'a', first on line 1");
  EXPECT_EQ(task_error("j,w,abc,Terminated,1,2,100,1,100,V100\n"),
            "tasks.csv:1: column 3 (inst_num): expected an integer >= 0, found 'abc'");
  EXPECT_EQ(task_error("j,w,1.5,Terminated,1,2,100,1,100,V100\n"),
            "tasks.csv:1: column 3 (inst_num): expected an integer >= 0, found '1.5'");
  EXPECT_EQ(task_error("j,w,1,Terminated,1,2,100,1,-50,V100\n"), "tasks.csv:1: column 9 (plan_gpu): expected a number >= 0, found '-50'");
  EXPECT_EQ(task_error("j,w,1,Terminated,1000.0,999.0,100,1,50,V100\n"),
            "tasks.csv:1: column 6 (end_time): expected a time >= start_time (1000.0), found 999.0");
  EXPECT_EQ(task_error("j,w,1,Terminated,1e3,2,100,1,50,V100\n"),
            "tasks.csv:1: column 5 (start_time): expected a time in seconds (a number >= 0), found '1e3'");
  EXPECT_EQ(task_error("j,w,1,Terminated,1,2,100,1,50,V100,x\n"),
            "tasks.csv:1: column 11: expected exactly 10 columns, found 11 (first extra: 'x')");
  EXPECT_EQ(task_error(",w,1,Terminated,1,2,100,1,50,V100\n"), "tasks.csv:1: column 1 (job_name): expected a job name, found nothing");
}

TEST(Pai, LenientSkipsAndCountsMalformedRowsOfBothTables) {
  PaiOptions o;
  o.strict = false;
  const auto jobs = parse_pai_jobs("a,i,u,Terminated,1.0,9.0\na,i,u,Failed,3.0,4.0\n", "jobs.csv", o);
  const auto tasks = parse_pai_tasks("a,w,1,Terminated,1,2,100,1,100,V100\na,w,x,Terminated,1,2,100,1,100,V100\n", "tasks.csv", o);
  const Workload w = pai_workload(jobs, tasks, "pai", o);
  ASSERT_EQ(w.jobs.size(), 1u);
  EXPECT_EQ(w.skipped.at(pai_skip::kMalformed), 2);
  EXPECT_EQ(w.warnings, (std::vector<std::string>{"jobs.csv:2: column 1 (job_name): duplicate job 'a', first on line 1",
                                                  "tasks.csv:2: column 3 (inst_num): expected an integer >= 0, found 'x'"}));
}
