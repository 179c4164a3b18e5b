// The Philly job log reader on tests/data/philly/cluster_job_log (written by hand from the
// schema in msr-fiddle/philly-traces' README; expected values computed by hand, see that
// folder's README) and on malformed logs.
#include "traces/philly.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.hpp"
#include "support/error_of.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kDir = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/philly/";
const std::string kLog = kDir + "cluster_job_log";

std::string log_error(const std::string& text) {
  return error_of([&] { parse_philly_log(text, "log.json"); });
}

// Read leniently, so that the jobs before a syntax error (which are not valid jobs) are only
// counted and the syntax error is what stops the read.
std::string syntax_error(const std::string& text) {
  PhillyOptions o;
  o.strict = false;
  return error_of([&] { parse_philly_log(text, "log.json", o); });
}

// One job on one line, with `status` and `attempts` as given.
std::string job(const std::string& status, const std::string& attempts) {
  return R"({"status": ")" + status + R"(", "vc": "v", "jobid": "j", "attempts": )" + attempts +
         R"(, "submitted_time": "2017-10-07 01:11:39", "user": "u"})";
}

constexpr int64_t k20171007 = 1'507'334'400;  // 2017-10-07 00:00:00 as seconds since 1970 (UTC)

}  // namespace

TEST(Philly, SampleLogMapsToJobsFieldByField) {
  const Workload w = read_philly(kLog);
  EXPECT_EQ(w.name, "cluster_job_log");
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"no attempts", 1}, {"no start time", 1}}));
  EXPECT_EQ(w.machine.unix_start_time, k20171007);  // the first submission (job 1)
  ASSERT_EQ(w.jobs.size(), 4u);
  // In arrival order: jobs 1, 0, 4, 5 of the file.
  const JobSpec& j1 = w.jobs[0];
  EXPECT_EQ(j1.trace_id, 1);
  EXPECT_EQ(j1.submit, Time::from_seconds(0));
  EXPECT_EQ(j1.runtime, Time::from_seconds(1800));  // 00:05:00 -> 00:35:00
  EXPECT_EQ(j1.tasks, 8);                           // 4 GPUs on m10 + 4 on m11
  EXPECT_EQ(j1.status, 0);                          // Failed
  EXPECT_EQ(j1.user, 1);
  EXPECT_EQ(j1.queue, 1);

  const JobSpec& j0 = w.jobs[1];
  EXPECT_EQ(j0.trace_id, 0);
  EXPECT_EQ(j0.submit, Time::from_seconds(4299));        // 01:11:39
  EXPECT_EQ(j0.runtime, Time::from_seconds(193'263));    // 10-07 01:12:09 -> 10-09 06:53:12
  EXPECT_EQ(j0.walltime, j0.runtime);
  EXPECT_EQ(j0.tasks, 8);
  EXPECT_EQ(j0.per_task, (Resources{0, 1000, 0}));
  EXPECT_EQ(j0.status, 1);  // Pass
  EXPECT_EQ(j0.user, 0);
  EXPECT_EQ(j0.queue, 0);
  EXPECT_EQ(j0.gpu_model, "");

  const JobSpec& j4 = w.jobs[2];  // still running: until the log's last time, 10-10 09:01:00
  EXPECT_EQ(j4.trace_id, 4);
  EXPECT_EQ(j4.submit, Time::from_seconds(255'600));
  EXPECT_EQ(j4.runtime, Time::from_seconds(36'030));
  EXPECT_EQ(j4.tasks, 2);
  EXPECT_EQ(j4.status, 5);  // Killed
  EXPECT_EQ(j4.user, 1);
  EXPECT_EQ(j4.queue, 0);

  const JobSpec& j5 = w.jobs[3];
  EXPECT_EQ(j5.trace_id, 5);
  EXPECT_EQ(j5.submit, Time::from_seconds(288'000));
  EXPECT_EQ(j5.runtime, Time::from_seconds(3600));
  EXPECT_EQ(j5.tasks, 1);
  EXPECT_EQ(j5.user, 2);
  EXPECT_EQ(j5.queue, 1);
  for (const JobSpec& j : w.jobs) EXPECT_EQ(j.per_task, (Resources{0, 1000, 0}));
}

TEST(Philly, AttemptsRuntimeSumsTheAttemptsOwnDurations) {
  PhillyOptions o;
  o.runtime = PhillyRuntime::Attempts;
  const Workload w = read_philly(kLog, o);
  ASSERT_EQ(w.jobs.size(), 4u);
  EXPECT_EQ(w.jobs[1].runtime, Time::from_seconds(74 + 193'182));  // the 7 s between attempts left out
  EXPECT_EQ(w.jobs[0].runtime, Time::from_seconds(1800));
  EXPECT_EQ(w.jobs[2].runtime, Time::from_seconds(36'030));
  EXPECT_EQ(parse_philly_runtime("attempts"), PhillyRuntime::Attempts);
  EXPECT_EQ(error_of([] { parse_philly_runtime("sum"); }), "Philly runtime: expected span or attempts, found 'sum'");
}

TEST(Philly, SkipUnfinishedDropsJobsStillRunning) {
  PhillyOptions o;
  o.skip_unfinished = true;
  const Workload w = read_philly(kLog, o);
  EXPECT_EQ(w.jobs.size(), 3u);
  EXPECT_EQ(w.skipped.at(philly_skip::kUnfinished), 1);
}

TEST(Philly, RawLogKeepsEveryKey) {
  const PhillyLog log = read_philly_log(kLog);
  ASSERT_EQ(log.jobs.size(), 6u);
  const PhillyJob& j = log.jobs[0];
  EXPECT_EQ(j.jobid, "application_1506638472019_00001");
  EXPECT_EQ(j.vc, "a1b2c3");
  EXPECT_EQ(j.user, "u00001");
  EXPECT_EQ(j.status, PhillyStatus::Pass);
  EXPECT_EQ(j.submitted_time, k20171007 + 4299);
  EXPECT_EQ(j.line, 2);
  ASSERT_EQ(j.attempts.size(), 2u);
  EXPECT_EQ(j.attempts[1].detail[0].ip, "m412");
  EXPECT_EQ(j.attempts[1].detail[0].gpus.size(), 8u);
  EXPECT_EQ(j.attempts[1].detail[0].gpus[7], "gpu7");
  EXPECT_FALSE(log.jobs[3].attempts[0].start_time.has_value());  // null
  EXPECT_EQ(log.jobs[3].attempts[0].end_time, k20171007 + 3 * 3600 + 600);
  EXPECT_FALSE(log.jobs[4].attempts[0].end_time.has_value());    // "None"
  EXPECT_TRUE(log.jobs[2].attempts.empty());
  EXPECT_EQ(log.malformed_jobs, 0);
}

TEST(Philly, JsonLinesAndEscapesAreRead) {
  const std::string text = job("Pass", "[]") + "\n" +
                           R"({"status": "Killed", "vc": "v\u00e9", "jobid": "a\"b\\c", "attempts": [], )"
                           R"("submitted_time": "2017-10-07 01:11:40", "user": "\ud83d\ude00"})" "\n";
  const PhillyLog log = parse_philly_log(text, "log.jsonl");
  ASSERT_EQ(log.jobs.size(), 2u);
  EXPECT_EQ(log.jobs[1].vc, "v\xc3\xa9");
  EXPECT_EQ(log.jobs[1].jobid, "a\"b\\c");
  EXPECT_EQ(log.jobs[1].user, "\xf0\x9f\x98\x80");
  EXPECT_EQ(log.jobs[1].line, 2);
  EXPECT_TRUE(parse_philly_log("  ", "empty.json").jobs.empty());
  EXPECT_TRUE(parse_philly_log("[ ]", "empty.json").jobs.empty());
}

TEST(Philly, MalformedJobsNameFileLineColumnAndKey) {
  EXPECT_EQ(error_of([] { read_philly(kDir + "bad_job_log.json"); }),
            kDir + "bad_job_log.json:4:67: [1].attempts[0].end_time: expected a time 'YYYY-MM-DD HH:MM:SS', "
                   "found '2017-10-07 25:13:23'");
  EXPECT_EQ(log_error("[" + job("Done", "[]") + "]"),
            "log.json:1:13: [0].status: expected Pass, Killed or Failed, found 'Done'");
  EXPECT_EQ(log_error(R"([{"status": "Pass", "vc": "v", "jobid": "j", "attempts": [], "submited_time": "x", "user": "u"}])"),
            "log.json:1:2: [0]: missing key 'submitted_time' (did you mean 'submited_time'?)");
  EXPECT_EQ(log_error("[\n  {\"status\": \"Pass\",\n   \"vc\": 5}]"), "log.json:3:10: [0].vc: expected a string, found a number");
  EXPECT_EQ(log_error("[" + job("Pass", "{}") + "]"), "log.json:1:58: [0].attempts: expected an array, found an object");
  EXPECT_EQ(log_error("[" + job("Pass", R"([{"start_time": "2017-10-07 02:00:00", "end_time": "2017-10-07 01:00:00", "detail": []}])") + "]"),
            "log.json:1:109: [0].attempts[0].end_time: expected a time >= start_time (2017-10-07 02:00:00), found "
            "'2017-10-07 01:00:00'");
  EXPECT_EQ(log_error("[" + job("Pass", R"([{"start_time": null, "end_time": null, "detail": [{"ip": "m1", "gpus": [0]}]}])") + "]"),
            "log.json:1:131: [0].attempts[0].detail[0].gpus[0]: expected a GPU name (a string), found a number");
  EXPECT_EQ(log_error("[1]"), "log.json:1:2: [0]: expected a job (an object), found a number");
}

TEST(Philly, JsonSyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(syntax_error(R"([{"status": "Pass" "vc": "v"}])"),
            R"(log.json:1:20: JSON: expected ',' or '}' in an object, found '"')");
  EXPECT_EQ(syntax_error(R"([{"status": "Pa)"), "log.json:1:16: JSON: a string that does not end");
  EXPECT_EQ(syntax_error("[] x"), "log.json:1:4: JSON: expected the end of the file after the top-level array, found 'x'");
  EXPECT_EQ(syntax_error("[\n{}\n,,]"), "log.json:3:2: JSON: expected a value, found ','");
  EXPECT_EQ(syntax_error("[{} {}]"), "log.json:1:5: JSON: expected ',' or ']' after an array element, found '{'");
  EXPECT_EQ(syntax_error("[01]"), "log.json:1:3: JSON: expected ',' or ']' after an array element, found '1'");
  EXPECT_EQ(syntax_error("[\"a\\q\"]"), "log.json:1:4: JSON: an unknown escape in a string");
  EXPECT_EQ(syntax_error("[tru]"), "log.json:1:2: JSON: expected a value, found 't'");
  EXPECT_EQ(syntax_error(std::string(100, '[')), "log.json:1:66: JSON: nested deeper than 64 levels");
}

TEST(Philly, LenientSkipsAndCountsMalformedJobsButNotSyntaxErrors) {
  PhillyOptions o;
  o.strict = false;
  const PhillyLog log = read_philly_log(kDir + "bad_job_log.json", o);
  EXPECT_EQ(log.jobs.size(), 1u);
  EXPECT_EQ(log.malformed_jobs, 1);
  ASSERT_EQ(log.warnings.size(), 1u);
  EXPECT_EQ(log.warnings[0], kDir + "bad_job_log.json:4:67: [1].attempts[0].end_time: expected a time "
                             "'YYYY-MM-DD HH:MM:SS', found '2017-10-07 25:13:23'");
  const Workload w = read_philly(kDir + "bad_job_log.json", o);
  EXPECT_EQ(w.skipped.at(philly_skip::kMalformed), 1);
  EXPECT_EQ(w.skipped.at(philly_skip::kNoAttempts), 1);
  EXPECT_EQ(error_of([&] { parse_philly_log("[{]", "log.json", o); }),
            "log.json:1:3: JSON: expected a key in double quotes, found ']'");
}
