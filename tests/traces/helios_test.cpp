// The Helios cluster_log.csv reader on tests/data/helios/cluster_log.csv (rows written by hand
// from the schema in S-Lab-System-Group/HeliosData's README; expected values computed by hand)
// and on malformed rows.
#include "traces/helios.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.hpp"
#include "support/error_of.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kDir = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/helios/";
const std::string kHeader = "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n";

std::string row_error(const std::string& rows) {
  return error_of([&] { parse_helios_log(kHeader + rows, "log.csv"); });
}

constexpr int64_t kOrigin = 1'591'728'061;  // 2020-06-09 18:41:01 as seconds since 1970 (UTC)

}  // namespace

TEST(Helios, SampleLogMapsToJobsFieldByField) {
  const Workload w = read_helios(kDir + "cluster_log.csv");
  EXPECT_EQ(w.name, "cluster_log.csv");
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"never started", 1}}));  // job 1003, cancelled while queued
  EXPECT_EQ(w.machine.unix_start_time, kOrigin);
  ASSERT_EQ(w.jobs.size(), 6u);
  struct Expect {
    int64_t id, submit, runtime;
    int32_t tasks;
    Resources per_task;
    int32_t user, queue, status;
  };
  const Expect expected[] = {
      {1001, 0, 36'848, 1, {1000, 1000, 0}, 0, 0, 1},       // COMPLETED, 18:41:01 -> 04:55:09
      {1002, 26, 189, 2, {32'000, 8000, 0}, 1, 1, 0},       // FAILED, 16 GPUs and 64 CPUs on 2 nodes
      {1004, 1139, 7200, 2, {3000, 2000, 0}, 2, 2, 0},      // TIMEOUT, 3 GPUs on 2 nodes: 2 each
      {1005, 4739, 10'800, 1, {8000, 8000, 0}, 1, 1, 0},    // NODE_FAIL
      {1006, 6539, 0, 1, {2000, 0, 0}, 3, 0, 1},            // a CPU job of 0 s
      {1007, 19'139, 17'699, 1, {16'000, 4000, 0}, 0, 2, -1}, // SUSPENDED, no end: until 06-10 04:55:09
  };
  for (size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    const JobSpec& j = w.jobs[i];
    EXPECT_EQ(j.trace_id, expected[i].id);
    EXPECT_EQ(j.submit, Time::from_seconds(expected[i].submit));
    EXPECT_EQ(j.runtime, Time::from_seconds(expected[i].runtime));
    EXPECT_EQ(j.walltime, Time::from_seconds(std::max<int64_t>(expected[i].runtime, 1)));
    EXPECT_EQ(j.tasks, expected[i].tasks);
    EXPECT_EQ(j.per_task, expected[i].per_task);
    EXPECT_EQ(j.user, expected[i].user);
    EXPECT_EQ(j.queue, expected[i].queue);
    EXPECT_EQ(j.status, expected[i].status);
  }
}

TEST(Helios, WholeCoresAreRoundedUpPerNode) {
  HeliosOptions o;
  o.cpu = OpenbCpuUnit::Cores;
  const Workload w = parse_helios(kHeader + "7,u,vc,0,5,2,COMPLETED,2020-01-01 00:00:00,2020-01-01 00:00:00,2020-01-01 00:01:00,60,0\n",
                                  "log.csv", o);
  ASSERT_EQ(w.jobs.size(), 1u);
  EXPECT_EQ(w.jobs[0].per_task, (Resources{3, 0, 0}));
  const Workload milli = parse_helios(kHeader + "7,u,vc,0,5,2,COMPLETED,2020-01-01 00:00:00,2020-01-01 00:00:00,2020-01-01 00:01:00,60,0\n",
                                      "log.csv");
  EXPECT_EQ(milli.jobs[0].per_task, (Resources{2500, 0, 0}));
}

TEST(Helios, SkipUnfinishedAndTheOtherSkipReasons) {
  HeliosOptions o;
  o.skip_unfinished = true;
  const Workload w = read_helios(kDir + "cluster_log.csv", o);
  EXPECT_EQ(w.jobs.size(), 5u);
  EXPECT_EQ(w.skipped.at(helios_skip::kUnfinished), 1);
  const Workload odd = parse_helios(kHeader +
                                        "1,u,vc,0,0,1,COMPLETED,2020-01-01 00:00:00,2020-01-01 00:00:00,2020-01-01 00:00:09,9,0\n"
                                        "2,u,vc,1,1,0,COMPLETED,2020-01-01 00:00:00,2020-01-01 00:00:00,2020-01-01 00:00:09,9,0\n",
                                    "log.csv");
  EXPECT_TRUE(odd.jobs.empty());
  EXPECT_EQ(odd.skipped, (std::map<std::string, int64_t>{{"no resources requested", 1}, {"no nodes", 1}}));
}

TEST(Helios, RawRowsKeepEveryColumnInAnyOrder) {
  const HeliosLog log = read_helios_log(kDir + "cluster_log.csv");
  ASSERT_EQ(log.jobs.size(), 7u);
  EXPECT_EQ(log.jobs[2], (HeliosJob{1003, "uAAAA", "vcX01", 0, 4, 1, HeliosState::Cancelled, kOrigin + 539, std::nullopt,
                                    std::nullopt}));
  // Columns found by name: reordered, without the derived duration and queue.
  const HeliosLog reordered = parse_helios_log(
      "state,job_id,submit_time,start_time,end_time,user,vc,node_num,cpu_num,gpu_num\n"
      "COMPLETED,5,2020-06-09 18:41:01,2020-06-09 18:41:01,2020-06-09 18:42:01,uX,vcY,1,2,3\n",
      "log.csv");
  ASSERT_EQ(reordered.jobs.size(), 1u);
  EXPECT_EQ(reordered.jobs[0], (HeliosJob{5, "uX", "vcY", 3, 2, 1, HeliosState::Completed, kOrigin, kOrigin, kOrigin + 60}));
}

TEST(Helios, MalformedRowsNameFileLineAndColumn) {
  EXPECT_EQ(error_of([] { read_helios(kDir + "bad_cluster_log.csv"); }),
            kDir + "bad_cluster_log.csv:3: column 4 (gpu_num): expected an integer >= 0, found 'two'");
  EXPECT_EQ(row_error("1,u,vc,1,1,1,DONE,2020-06-09 18:41:01,2020-06-09 18:41:01,2020-06-09 18:41:02,1,0\n"),
            "log.csv:2: column 7 (state): expected COMPLETED, CANCELLED, FAILED, TIMEOUT, NODE_FAIL or SUSPENDED, found 'DONE'");
  EXPECT_EQ(row_error("1,u,vc,1,1,1,COMPLETED,2020-02-30 00:00:00,,,0,0\n"),
            "log.csv:2: column 8 (submit_time): expected a time 'YYYY-MM-DD HH:MM:SS', found '2020-02-30 00:00:00'");
  EXPECT_EQ(row_error("1,u,vc,1,1,1,COMPLETED,2020-06-09 18:41:01,2020-06-09 18:00:00,2020-06-09 18:41:02,1,0\n"),
            "log.csv:2: column 9 (start_time): expected a time >= submit_time (2020-06-09 18:41:01), found 2020-06-09 18:00:00");
  EXPECT_EQ(row_error("1,u,vc,1,1,1,COMPLETED,2020-06-09 18:41:01,2020-06-09 18:41:01,2020-06-09 18:41:00,1,0\n"),
            "log.csv:2: column 10 (end_time): expected a time >= start_time (2020-06-09 18:41:01), found 2020-06-09 18:41:00");
  EXPECT_EQ(row_error("1,u,vc,1,1,1,COMPLETED,2020-06-09 18:41:01,,2020-06-09 18:41:00,1,0\n"),
            "log.csv:2: column 9 (start_time): expected the start of a job that has an end_time, found nothing");
  EXPECT_EQ(row_error("1,,vc,1,1,1,COMPLETED,2020-06-09 18:41:01,,,0,0\n"), "log.csv:2: column 2 (user): expected a user, found nothing");
  EXPECT_EQ(row_error("\n\n1,u,vc,1,1\n"), "log.csv:4: column 6 (node_num): missing: expected 12 columns, found 5");
  EXPECT_EQ(row_error("1,u,vc,-1,1,1,COMPLETED,2020-06-09 18:41:01,,,0,0\n"),
            "log.csv:2: column 4 (gpu_num): expected an integer >= 0, found '-1'");
  EXPECT_EQ(error_of([] { parse_helios_log("job_id,user,vc,gpus_num,cpu_num,node_num,state,submit_time,start_time,end_time\n",
                                            "log.csv"); }),
            "log.csv:1: header: missing column 'gpu_num' (did you mean 'gpus_num'?)");
  EXPECT_EQ(error_of([] { read_helios(kDir + "no-such-log.csv"); }), kDir + "no-such-log.csv: cannot open: No such file or directory");
}

TEST(Helios, LenientSkipsAndCountsMalformedRows) {
  HeliosOptions o;
  o.strict = false;
  const Workload w = read_helios(kDir + "bad_cluster_log.csv", o);
  ASSERT_EQ(w.jobs.size(), 1u);
  EXPECT_EQ(w.jobs[0].trace_id, 1001);
  EXPECT_EQ(w.skipped.at(helios_skip::kMalformed), 1);
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_EQ(w.warnings[0], kDir + "bad_cluster_log.csv:3: column 4 (gpu_num): expected an integer >= 0, found 'two'");
}
