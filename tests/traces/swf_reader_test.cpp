// The SWF reader on the two archive logs in tests/data and on small inline texts.
#include <gtest/gtest.h>

#include <algorithm>

#include "traces/swf.hpp"
#include "traces/swf_test_util.hpp"

namespace clustersim {
namespace {

using swf_test::record;

const std::string kLublin = CLUSTERSIM_TEST_DATA_DIR "/lublin_256.swf";
const std::string kNasa = CLUSTERSIM_TEST_DATA_DIR "/NASA-iPSC-1993-3.1-cln.swf";

TEST(SwfReader, ReadsEveryLublinRecordAndHeaderKey) {
  const SwfTrace t = read_swf_records(kLublin);
  ASSERT_EQ(t.records.size(), 10'000u);
  EXPECT_EQ(t.header.version, "2");
  EXPECT_EQ(t.header.max_nodes, 256);
  EXPECT_EQ(t.header.max_procs, 0);
  EXPECT_EQ(t.header.find("MaxProcs"), nullptr);
  EXPECT_EQ(t.header.max_jobs, 10'000);
  EXPECT_EQ(t.header.max_records, 10'000);
  EXPECT_EQ(t.header.max_runtime, 162'754);
  EXPECT_EQ(t.header.unix_start_time, -1);
  EXPECT_EQ(t.header.lines.size(), 7u);
  const SwfRecord& r = t.records.front();
  EXPECT_EQ(r.job_number, 1);
  EXPECT_EQ(r.submit, Time::from_seconds(5094));
  EXPECT_EQ(r.wait, kSwfMissingTime);
  EXPECT_EQ(r.run, Time::from_seconds(12072));
  EXPECT_EQ(r.allocated_procs, 16);
  EXPECT_EQ(r.requested_procs, -1);
  EXPECT_EQ(r.requested_time, kSwfMissingTime);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.queue, 0);
  EXPECT_EQ(t.malformed_lines, 0);
}

TEST(SwfReader, MapsLublinToTheKnownWorkload) {
  const Workload w = read_swf(kLublin);
  EXPECT_EQ(w.name, "lublin_256.swf");
  ASSERT_EQ(w.jobs.size(), 10'000u);
  EXPECT_EQ(w.skipped_total(), 0);
  EXPECT_EQ(w.machine.max_nodes, 256);
  EXPECT_EQ(w.machine.processors(), 256);
  EXPECT_EQ(w.machine.unix_start_time, -1);
  const JobSpec& j1 = w.jobs[0];
  EXPECT_EQ(j1.trace_id, 1);
  EXPECT_EQ(j1.submit, Time::from_seconds(5094));
  EXPECT_EQ(j1.runtime, Time::from_seconds(12072));
  EXPECT_EQ(j1.tasks, 16);
  EXPECT_EQ(j1.per_task, (Resources{1, 0, 0}));
  EXPECT_EQ(w.jobs[1].trace_id, 2);
  EXPECT_EQ(w.jobs[1].submit, Time::from_seconds(5170));
  EXPECT_EQ(w.jobs[1].runtime, Time::from_seconds(2));
  EXPECT_EQ(w.jobs[1].tasks, 1);
  EXPECT_EQ(w.jobs.back().submit, Time::from_seconds(7'711'701));
  int32_t max_tasks = 0;
  for (const JobSpec& j : w.jobs) {
    EXPECT_GT(j.runtime, Time::zero());
    EXPECT_EQ(j.walltime, j.runtime);  // no requested time in this log
    EXPECT_EQ(j.status, 1);
    max_tasks = std::max(max_tasks, j.tasks);
  }
  EXPECT_EQ(max_tasks, 256);
}

TEST(SwfReader, ReadsNasaHeaderWithContinuationLines) {
  const SwfTrace t = read_swf_records(kNasa);
  ASSERT_EQ(t.records.size(), 18'239u);
  const SwfHeader& h = t.header;
  EXPECT_EQ(h.version, "2.2");
  EXPECT_EQ(h.computer, "Intel iPSC/860");
  EXPECT_EQ(h.max_nodes, 128);
  EXPECT_EQ(h.max_procs, 128);
  EXPECT_EQ(h.unix_start_time, 749'458'803);
  EXPECT_EQ(h.time_zone, -28800);
  EXPECT_EQ(h.time_zone_string, "US/Pacific");
  EXPECT_EQ(h.start_time, "Fri Oct 01 00:00:03 PDT 1993");
  EXPECT_EQ(h.end_time, "Fri Dec 31 23:03:45 PST 1993");
  EXPECT_EQ(h.preemption, "No");
  EXPECT_EQ(h.max_queues, 2);
  EXPECT_EQ(h.queues, (std::vector<std::string>{"0  interactive", "1  batch"}));
  EXPECT_EQ(h.notes.size(), 4u);
  // "http://..." on a continuation line is not a key.
  ASSERT_GE(h.lines.size(), 7u);
  EXPECT_EQ(h.lines[6].key, "");
  EXPECT_EQ(h.lines[6].value, "              http://www.cs.huji.ac.il/labs/parallel/workload/");
  EXPECT_EQ(h.lines[3], (SwfHeaderLine{"", ""}));  // a bare ";"
  EXPECT_EQ(*h.find("Installation"), "NASA Ames Research Center");
}

TEST(SwfReader, SkipsAndCountsNasaJobsWithZeroRuntime) {
  const Workload w = read_swf(kNasa);
  EXPECT_EQ(w.jobs.size(), 18'066u);
  EXPECT_EQ(w.skipped.at(swf_skip::kRuntime), 173);
  EXPECT_EQ(w.skipped_total(), 173);
  EXPECT_EQ(w.machine.max_procs, 128);
  EXPECT_EQ(w.machine.unix_start_time, 749'458'803);
  EXPECT_EQ(w.jobs[0].trace_id, 1);
  EXPECT_EQ(w.jobs[0].submit, Time::zero());
  EXPECT_EQ(w.jobs[0].runtime, Time::from_seconds(1451));
  EXPECT_EQ(w.jobs[0].tasks, 128);
  EXPECT_EQ(w.jobs[0].user, 1);
  EXPECT_EQ(w.jobs[0].group, 1);
  EXPECT_EQ(w.jobs[1].submit, Time::from_seconds(1460));
  EXPECT_EQ(w.jobs[1].runtime, Time::from_seconds(3726));
}

TEST(SwfReader, ReturnsJobsSortedBySubmitThenJobNumber) {
  const std::string text = record(3, "50", "1", "1") + record(2, "10", "1", "1") +
                           record(1, "50", "1", "1") + record(4, "10", "1", "1");
  const Workload w = parse_swf(text, "t.swf");
  ASSERT_EQ(w.jobs.size(), 4u);
  EXPECT_EQ(w.jobs[0].trace_id, 2);
  EXPECT_EQ(w.jobs[1].trace_id, 4);
  EXPECT_EQ(w.jobs[2].trace_id, 1);
  EXPECT_EQ(w.jobs[3].trace_id, 3);
  // The raw records keep file order.
  const SwfTrace t = parse_swf_records(text, "t.swf");
  EXPECT_EQ(t.records[0].job_number, 3);
  EXPECT_EQ(t.records[3].job_number, 4);
}

TEST(SwfReader, AcceptsAnEmptyTextAsZeroJobs) {
  for (std::string_view text : {"", "\n\n", "   \t\r\n", "; Version: 2.2\n;\n"}) {
    const Workload w = parse_swf(text, "empty.swf");
    EXPECT_TRUE(w.jobs.empty());
    EXPECT_EQ(w.skipped_total(), 0);
  }
}

TEST(SwfReader, AcceptsWindowsLineEndingsTabsAndNoFinalNewline) {
  const std::string text =
      "; MaxProcs: 64\r\n"
      "1\t0\t-1\t10\t4\t-1\t-1\t-1\t-1\t-1\t1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\r\n"
      "\r\n"
      "  2  5 -1 20 8 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1";
  const Workload w = parse_swf(text, "t.swf");
  EXPECT_EQ(w.machine.max_procs, 64);
  ASSERT_EQ(w.jobs.size(), 2u);
  EXPECT_EQ(w.jobs[0].tasks, 4);
  EXPECT_EQ(w.jobs[1].runtime, Time::from_seconds(20));
}

TEST(SwfReader, ConvertsDecimalSecondsToExactMicroseconds) {
  std::string text = record(1, "12.5", "0.000001", "1") + record(2, "3.", ".25", "1") +
                     record(3, "0.1", "0.0000015", "1") + record(4, "7", "1.9999999", "1") +
                     record(5, "8", "2.0000004999", "1");
  const SwfTrace t = parse_swf_records(text, "t.swf");
  ASSERT_EQ(t.records.size(), 5u);
  EXPECT_EQ(t.records[0].submit.us(), 12'500'000);
  EXPECT_EQ(t.records[0].run.us(), 1);
  EXPECT_EQ(t.records[1].submit.us(), 3'000'000);
  EXPECT_EQ(t.records[1].run.us(), 250'000);
  EXPECT_EQ(t.records[2].submit.us(), 100'000);  // not 100000.00000000001
  EXPECT_EQ(t.records[2].run.us(), 2);           // half up at the seventh decimal
  EXPECT_EQ(t.records[3].run.us(), 2'000'000);
  EXPECT_EQ(t.records[4].run.us(), 2'000'000);
}

TEST(SwfReader, ReadsCpuAndMemoryFieldsAsDoubles) {
  auto f = swf_test::base_fields();
  f[5] = "12.75";
  f[6] = "1024";
  f[9] = "-1.0";
  const SwfTrace t = parse_swf_records(swf_test::join(f), "t.swf");
  ASSERT_EQ(t.records.size(), 1u);
  EXPECT_DOUBLE_EQ(t.records[0].avg_cpu_time, 12.75);
  EXPECT_DOUBLE_EQ(t.records[0].used_memory, 1024.0);
  EXPECT_DOUBLE_EQ(t.records[0].requested_memory, -1.0);
}

TEST(SwfReader, ReadsAllEighteenFieldsInOrder) {
  const SwfTrace t = parse_swf_records(
      "7 100 20 300 4 250.5 1000 8 600 2048 5 11 12 13 14 15 6 30\n", "t.swf");
  ASSERT_EQ(t.records.size(), 1u);
  const SwfRecord& r = t.records[0];
  EXPECT_EQ(r.job_number, 7);
  EXPECT_EQ(r.submit, Time::from_seconds(100));
  EXPECT_EQ(r.wait, Time::from_seconds(20));
  EXPECT_EQ(r.run, Time::from_seconds(300));
  EXPECT_EQ(r.allocated_procs, 4);
  EXPECT_DOUBLE_EQ(r.avg_cpu_time, 250.5);
  EXPECT_DOUBLE_EQ(r.used_memory, 1000);
  EXPECT_EQ(r.requested_procs, 8);
  EXPECT_EQ(r.requested_time, Time::from_seconds(600));
  EXPECT_DOUBLE_EQ(r.requested_memory, 2048);
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.user, 11);
  EXPECT_EQ(r.group, 12);
  EXPECT_EQ(r.executable, 13);
  EXPECT_EQ(r.queue, 14);
  EXPECT_EQ(r.partition, 15);
  EXPECT_EQ(r.preceding_job, 6);
  EXPECT_EQ(r.think_time, Time::from_seconds(30));
}

TEST(SwfReader, KeepsCommentLinesFromAnywhereInTheHeader) {
  const std::string text = "; Version: 2.2\n" + record(1, "0", "5", "1") +
                           "; Note: late comment\n;Queue: 3 night\n" + record(2, "1", "5", "1");
  const SwfTrace t = parse_swf_records(text, "t.swf");
  EXPECT_EQ(t.records.size(), 2u);
  ASSERT_EQ(t.header.lines.size(), 3u);
  EXPECT_EQ(t.header.lines[1], (SwfHeaderLine{"Note", "late comment"}));
  EXPECT_EQ(t.header.queues, std::vector<std::string>{"3 night"});
}

TEST(SwfReader, MatchesHeaderKeysCaseSensitively) {
  const SwfTrace t = parse_swf_records("; maxprocs: 12\n; MaxProcs: 64\n", "t.swf");
  EXPECT_EQ(t.header.max_procs, 64);
  EXPECT_EQ(*t.header.find("maxprocs"), "12");
}

}  // namespace
}  // namespace clustersim
