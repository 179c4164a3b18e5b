// Whole replays of the real traces shipped in tests/data against independently known answers:
// the mean bounded slowdowns of the independent textbook replay (the schedule oracle in
// ../shared/tools/schedule-oracle, a separate plain-Python implementation of the same
// definitions), with the engine's invariants checked after every instant.
#include <gtest/gtest.h>

#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "traces/swf.hpp"

using namespace clustersim;

namespace {

const std::string kData = CLUSTERSIM_TEST_DATA_DIR;

struct Replay {
  RunSummary summary;
  std::vector<Time> starts;
};

Replay replay(const std::string& trace, const std::string& policy, bool check) {
  Workload w = read_swf(kData + "/" + trace);
  Engine e(Cluster::homogeneous(1, Resources{w.machine.processors(), 0, 0}), std::move(w.jobs),
           {.check_invariants = check});
  auto p = PolicyRegistry::builtin().make(policy);
  e.run(*p);
  Replay r{summarize(e), {}};
  for (const auto& rec : e.records()) r.starts.push_back(rec.first_start);
  // No job starts before it is submitted, every job is finished or rejected.
  for (size_t i = 0; i < e.num_jobs(); ++i) {
    EXPECT_GE(e.records()[i].first_start, e.specs()[i].submit);
    EXPECT_EQ(e.records()[i].state, JobState::Finished);
  }
  EXPECT_EQ(e.unfinished_count(), 0);
  return r;
}

}  // namespace

TEST(TraceReplay, LublinFcfsMatchesTheTextbookReplay) {
  Replay r = replay("lublin_256.swf", "fcfs", true);
  EXPECT_EQ(r.summary.finished, 10000);
  EXPECT_NEAR(r.summary.bounded_slowdown.mean, 66502.4755, 5e-5);
}

TEST(TraceReplay, LublinEasyMatchesTheTextbookReplay) {
  Replay r = replay("lublin_256.swf", "easy", true);
  EXPECT_NEAR(r.summary.bounded_slowdown.mean, 590.0538, 5e-5);
}

TEST(TraceReplay, NasaFcfsAndEasyMatchTheTextbookReplay) {
  // 173 of the 18,239 records have runtime 0 and are skipped.
  Replay f = replay("NASA-iPSC-1993-3.1-cln.swf", "fcfs", true);
  EXPECT_EQ(f.summary.finished, 18066);
  EXPECT_NEAR(f.summary.bounded_slowdown.mean, 1.0262, 5e-5);
  Replay e = replay("NASA-iPSC-1993-3.1-cln.swf", "easy", true);
  EXPECT_NEAR(e.summary.bounded_slowdown.mean, 1.0119, 5e-5);
}

TEST(TraceReplay, SjfAndEasySjfRunEveryJobWithInvariantsChecked) {
  // replay() checks the invariants after every instant and that every job finished.
  Replay s = replay("lublin_256.swf", "sjf", true);
  Replay es = replay("lublin_256.swf", "easy-sjf", true);
  EXPECT_EQ(s.summary.finished, 10000);
  EXPECT_EQ(es.summary.finished, 10000);
}

TEST(TraceReplay, SameRunTwiceGivesIdenticalSchedules) {
  Replay a = replay("lublin_256.swf", "easy", false);
  Replay b = replay("lublin_256.swf", "easy", false);
  EXPECT_EQ(a.starts, b.starts);
  EXPECT_EQ(a.summary.bounded_slowdown.mean, b.summary.bounded_slowdown.mean);  // bit for bit
}
