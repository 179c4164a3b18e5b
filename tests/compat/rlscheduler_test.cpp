// The RLScheduler profile: each protocol rule on a hand-computed schedule, the window draw on
// Lublin-1, the paper's twelve published numbers, and schedule invariants on another trace.
#include "compat/rlscheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "sim/error.hpp"

namespace clustersim::compat::rlscheduler {
namespace {

const std::string kLublin = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf";
const std::string kNasa = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/NASA-iPSC-1993-3.1-cln.swf";

// An SWF record: job number, submit, run, allocated procs, requested time, requested procs.
std::string line(int id, int submit, int run, int procs, int requested_time = -1,
                 int requested_procs = -1) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d %d -1 %d %d -1 -1 %d %d -1 1 -1 -1 -1 -1 -1 -1 -1\n", id,
                submit, run, procs, requested_procs, requested_time);
  return buf;
}

std::vector<int64_t> start_seconds(const WindowResult& w) {
  std::vector<int64_t> s;
  for (Time t : w.starts) s.push_back(t.us() / Time::kUsPerSecond);
  return s;
}

WindowResult replay_all(const std::string& text, Score score, bool backfill) {
  const Trace t = parse(text, "inline.swf");
  return replay_window(t, 0, static_cast<int64_t>(t.jobs.size()), score, backfill);
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

TEST(RlschedulerLoad, AppliesTheReferenceParsingRules) {
  const std::string text = "; MaxNodes: 4\n; MaxProcs: 8\n" +
                           line(3, 0, 100, 2, 50, 4) +  // procs max(2, 4); estimate 50
                           line(1, 5, -1, 3) +          // runtime -1 -> 10, estimate -1
                           line(2, 7, 0, 1) +           // runtime 0: dropped
                           line(4, 9, 20, -1) +         // no processors: dropped (deviation)
                           line(5, 9, 20, 9) +          // 5 nodes > 4: dropped (deviation)
                           line(6, 10, 30, 3);          // ceil(3 / 2) = 2 nodes; estimate 30
  const Trace t = parse(text, "rules.swf");
  EXPECT_EQ(t.max_nodes, 4);
  EXPECT_EQ(t.max_procs, 8);
  EXPECT_DOUBLE_EQ(t.procs_per_node, 2.0);
  ASSERT_EQ(t.jobs.size(), 3u);
  EXPECT_EQ(t.jobs[0].job_number, 1);  // sorted by job number
  EXPECT_EQ(t.jobs[0].runtime, Time::from_seconds(10));
  EXPECT_EQ(t.jobs[0].estimate, Time::from_seconds(-1));
  EXPECT_EQ(t.jobs[0].nodes, 2);
  EXPECT_EQ(t.jobs[1].job_number, 3);
  EXPECT_EQ(t.jobs[1].procs, 4);
  EXPECT_EQ(t.jobs[1].estimate, Time::from_seconds(50));
  EXPECT_EQ(t.jobs[1].nodes, 2);
  EXPECT_EQ(t.jobs[2].job_number, 6);
  EXPECT_EQ(t.jobs[2].estimate, Time::from_seconds(30));
  EXPECT_EQ(t.jobs[2].nodes, 2);
  EXPECT_EQ(t.records, 6);
  EXPECT_EQ(t.dropped.size(), 3u);
  EXPECT_EQ(t.warnings.size(), 2u);  // the two deviations, not the protocol's own rule
}

TEST(RlschedulerLoad, HugeNodeCountIsDroppedWithoutOverflow) {
  // 1e9 nodes of 1e-9 processors: 2^31 - 1 processors need ~2.1e18 nodes (found by fuzzing:
  // the count was once cast to an integer before the comparison).
  const std::string text = "; MaxNodes: 1000000000\n; MaxProcs: 1\n" + line(1, 0, 10, 2147483647) +
                           line(2, 0, 10, 1);
  const Trace t = parse(text, "huge.swf");
  ASSERT_EQ(t.jobs.size(), 1u);
  EXPECT_EQ(t.jobs[0].nodes, 1000000000);
}

TEST(RlschedulerLoad, MaxProcsDefaultsToMaxNodesAndOptionsOverride) {
  const std::string text = "; MaxNodes: 16\n" + line(1, 0, 10, 4);
  EXPECT_EQ(parse(text, "a.swf").max_procs, 16);
  LoadOptions o;
  o.max_nodes = 8;
  o.max_procs = 32;
  const Trace t = parse(text, "a.swf", o);
  EXPECT_EQ(t.max_nodes, 8);
  EXPECT_EQ(t.jobs[0].nodes, 1);  // ceil(4 / 4)
}

TEST(RlschedulerLoad, MissingMaxNodesNamesTheHeaderKey) {
  try {
    parse(line(1, 0, 10, 4), "nohead.swf");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nohead.swf"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("MaxNodes"), std::string::npos) << e.what();
  }
}

TEST(RlschedulerLoad, MalformedLineNamesFileAndLine) {
  try {
    parse("; MaxNodes: 4\n1 0 -1 10 x -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n", "bad.swf");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.swf:2"), std::string::npos) << e.what();
  }
}

// SJF on 4 nodes: B (4 nodes, 50 s) is committed alone at t=10; C (1 node, 10 s) arrives at
// t=20 with a smaller score but never overtakes the committed head: B 100, C 150. (A textbook
// SJF re-sorting at t=100 would start C at 100 and B at 110.)
TEST(RlschedulerReplay, ACommittedHeadIsNeverOvertaken) {
  const std::string text = "; MaxNodes: 4\n" + line(1, 0, 100, 4) + line(2, 10, 50, 4) +
                           line(3, 20, 10, 1);
  const WindowResult w = replay_all(text, Score::Sjf, false);
  EXPECT_EQ(start_seconds(w), (std::vector<int64_t>{0, 100, 150}));
  EXPECT_EQ(w.backfilled, 0);
}

// FCFS with backfilling on 3 nodes. A (2 nodes, runs 50 s, estimate 100 s) starts at 0; B
// (3 nodes) is committed at 10 with its reservation at A's estimated end, 100. C (1 node,
// 20 s) arrives at 50, the instant A really ends: the arrival is handled first, so C is
// backfilled on the one free node (50 + 20 < 100) before A's nodes come back, and B must wait
// for C: A 0, B 70, C 50. (Releases before arrivals would start B at 50 and C at 60.)
TEST(RlschedulerReplay, ArrivalsComeBeforeReleasesAtTheSameInstant) {
  const std::string text = "; MaxNodes: 3\n" + line(1, 0, 50, 2, 100) + line(2, 10, 10, 3) +
                           line(3, 50, 20, 1);
  const WindowResult w = replay_all(text, Score::Fcfs, true);
  EXPECT_EQ(start_seconds(w), (std::vector<int64_t>{0, 70, 50}));
  EXPECT_EQ(w.backfilled, 1);
  // Bounded slowdowns 1, (60 + 10) / 10 = 7, 1; work 50*2 + 10*3 + 20*1 = 150 processor-s
  // over (70 - 0) s x 3 processors (the clock when the last job started).
  EXPECT_DOUBLE_EQ(w.mean_bounded_slowdown, 3.0);
  EXPECT_DOUBLE_EQ(w.utilisation, 150.0 / 210.0);
  EXPECT_EQ(w.end, Time::from_seconds(70));
}

// FCFS with backfilling on 4 nodes: A (2 nodes, 100 s) runs; H (3 nodes) is committed at 1
// with its reservation at 100. J (1 node) arrives at 2 and fits on the free nodes.
std::string no_extra_nodes_trace(int j_estimate) {
  return "; MaxNodes: 4\n" + line(1, 0, 100, 2) + line(2, 1, 10, 3) +
         line(3, 2, 500, 1, j_estimate);
}

TEST(RlschedulerReplay, NoExtraNodesRule) {
  // J's estimate (500 s) ends after the reservation. Textbook EASY would still start J at 2
  // on the node H leaves spare; the profile does not: J starts after H, at 100.
  const WindowResult w = replay_all(no_extra_nodes_trace(500), Score::Fcfs, true);
  EXPECT_EQ(start_seconds(w), (std::vector<int64_t>{0, 100, 100}));
  EXPECT_EQ(w.backfilled, 0);
}

TEST(RlschedulerReplay, BackfillingNeedsToEndStrictlyBeforeTheReservation) {
  const WindowResult before = replay_all(no_extra_nodes_trace(97), Score::Fcfs, true);
  EXPECT_EQ(start_seconds(before), (std::vector<int64_t>{0, 100, 2}));  // 2 + 97 < 100
  EXPECT_EQ(before.backfilled, 1);
  const WindowResult at = replay_all(no_extra_nodes_trace(98), Score::Fcfs, true);
  EXPECT_EQ(start_seconds(at), (std::vector<int64_t>{0, 100, 100}));  // 2 + 98 = 100
  // Without backfilling nothing passes the committed head.
  const WindowResult none = replay_all(no_extra_nodes_trace(97), Score::Fcfs, false);
  EXPECT_EQ(start_seconds(none), (std::vector<int64_t>{0, 100, 100}));
}

// 4 nodes. A (4 nodes, 100 s) runs, H (4 nodes, 50 s) waits and starts at 100; B (3 nodes,
// requested 1000 s) and C (3 nodes, requested 10 s) queue meanwhile. At 100, when H starts,
// the next head is committed among B and C (and starts at 150 when H ends):
//   WFP3   -(w/r)^3 n:        B -(90/1000)^3*3 = -0.0022,  C -(80/10)^3*3 = -1536 -> C
//   UNICEP -w/(log2(n) r):    B -90/(1.585*1000) = -0.057, C -80/(1.585*10) = -5.0 -> C
//   FCFS / SJF by submit / requested time: B / C.
std::string aging_trace() {
  return "; MaxNodes: 4\n" + line(1, 0, 100, 4) + line(2, 5, 50, 4) + line(3, 10, 1000, 3) +
         line(4, 20, 10, 3);
}

TEST(RlschedulerReplay, PaperScoresFavourJobsThatWaitedLongRelativeToTheirLength) {
  EXPECT_EQ(start_seconds(replay_all(aging_trace(), Score::Wfp3, false)),
            (std::vector<int64_t>{0, 100, 160, 150}));
  EXPECT_EQ(start_seconds(replay_all(aging_trace(), Score::Unicep, false)),
            (std::vector<int64_t>{0, 100, 160, 150}));
  EXPECT_EQ(start_seconds(replay_all(aging_trace(), Score::Fcfs, false)),
            (std::vector<int64_t>{0, 100, 150, 1150}));
  EXPECT_EQ(start_seconds(replay_all(aging_trace(), Score::Sjf, false)),
            (std::vector<int64_t>{0, 100, 160, 150}));
}

// As above, but B (requested 50 s) has waited 90 s at 100 and C (requested 10 s) only 5 s:
//   WFP3   B -(90/50)^3*3 = -17.5,         C -(5/10)^3*3 = -0.375    -> B
//   UNICEP B -90/(1.585*50) = -1.14,       C -5/(1.585*10) = -0.32   -> B
//   SJF    C (10 s < 50 s)
TEST(RlschedulerReplay, PaperScoresDifferFromSjf) {
  const std::string text = "; MaxNodes: 4\n" + line(1, 0, 100, 4) + line(2, 5, 50, 4) +
                           line(3, 10, 50, 3, 50) + line(4, 95, 10, 3, 10);
  EXPECT_EQ(start_seconds(replay_all(text, Score::Wfp3, false)),
            (std::vector<int64_t>{0, 100, 150, 200}));
  EXPECT_EQ(start_seconds(replay_all(text, Score::Unicep, false)),
            (std::vector<int64_t>{0, 100, 150, 200}));
  EXPECT_EQ(start_seconds(replay_all(text, Score::Sjf, false)),
            (std::vector<int64_t>{0, 100, 160, 150}));
}

TEST(RlschedulerReplay, RejectsAWindowOutsideTheTrace) {
  const Trace t = parse("; MaxNodes: 4\n" + line(1, 0, 10, 1), "one.swf");
  EXPECT_THROW(replay_window(t, 0, 2, Score::Fcfs, false), std::out_of_range);
}

TEST(RlschedulerScores, NamesRoundTripAndUnknownNamesAreListed) {
  for (Score s : kAllScores) EXPECT_EQ(parse_score(to_string(s)), s);
  try {
    parse_score("sfj");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fcfs, sjf, f1, wfp3, unicep"), std::string::npos);
  }
}

TEST(RlschedulerWindows, LublinStartsAreTheReferenceDraws) {
  const Trace t = load(kLublin);
  ASSERT_EQ(t.jobs.size(), 10000u);
  const Protocol p;
  EXPECT_EQ(window_starts(static_cast<int64_t>(t.jobs.size()), p.windows, p.window_jobs,
                          p.seed_key),
            (std::vector<int64_t>{1981, 2756, 4299, 8850, 3316, 2714, 5228, 7762, 4022, 7085}));
}

TEST(RlschedulerWindows, ATraceTooShortForTheDrawIsAnInputError) {
  const Protocol p;
  EXPECT_THROW(window_starts(2049, 10, 1024, p.seed_key), InputError);
  // randint(1024, 1025) has one value.
  EXPECT_EQ(window_starts(2050, 3, 1024, p.seed_key), (std::vector<int64_t>{1024, 1024, 1024}));
}

// Table 3 of the paper (Lublin-1), to the printed digits.
TEST(RlschedulerReproduce, PublishedLublinTable) {
  const Trace t = load(kLublin);
  const Score scores[] = {Score::Fcfs, Score::Sjf, Score::F1};
  const Table table = reproduce(t, Protocol{}, scores);
  ASSERT_EQ(table.cells.size(), 6u);
  struct Expected {
    Score score;
    bool backfill;
    const char* bsld;
    const char* util;
  };
  const Expected published[] = {
      {Score::Fcfs, false, "7273.77", "0.657"}, {Score::Fcfs, true, "235.82", "0.868"},
      {Score::Sjf, false, "277.35", "0.762"},   {Score::Sjf, true, "73.31", "0.778"},
      {Score::F1, false, "258.37", "0.816"},    {Score::F1, true, "75.07", "0.840"},
  };
  for (const Expected& e : published) {
    const auto cell = std::find_if(table.cells.begin(), table.cells.end(), [&](const Cell& c) {
      return c.score == e.score && c.backfill == e.backfill;
    });
    ASSERT_NE(cell, table.cells.end());
    SCOPED_TRACE(std::string(to_string(e.score)) + (e.backfill ? " backfill" : ""));
    EXPECT_EQ(fixed(cell->mean_bounded_slowdown, 2), e.bsld);
    EXPECT_EQ(fixed(cell->utilisation, 3), e.util);
    EXPECT_EQ(cell->windows.size(), 10u);
  }
  const std::string printed = format_table(table);
  EXPECT_NE(printed.find("7273.77"), std::string::npos) << printed;
  EXPECT_NE(printed.find("0.840"), std::string::npos) << printed;
}

// The same code on another trace (NASA iPSC/860, 128 nodes): every schedule is feasible.
TEST(RlschedulerReproduce, SchedulesOnAnotherTraceKeepTheInvariants) {
  const Trace t = load(kNasa);
  Protocol p;
  p.windows = 3;
  const Table table = reproduce(t, p, kAllScores);
  ASSERT_EQ(table.cells.size(), 10u);
  for (const Cell& c : table.cells) {
    for (const WindowResult& w : c.windows) {
      std::vector<std::pair<Time, int64_t>> deltas;  // (time, +/- nodes); releases first
      Time last_start = Time::zero();
      for (int64_t i = 0; i < w.jobs; ++i) {
        const Job& j = t.jobs[static_cast<size_t>(w.first_index + i)];
        const Time s = w.starts[static_cast<size_t>(i)];
        ASSERT_GE(s, j.submit);
        last_start = std::max(last_start, s);
        deltas.emplace_back(s, j.nodes);
        deltas.emplace_back(s + j.runtime, -j.nodes);
      }
      std::sort(deltas.begin(), deltas.end());
      int64_t used = 0;
      for (const auto& [time, d] : deltas) {
        used += d;
        ASSERT_LE(used, t.max_nodes) << "over capacity at " << time.seconds();
      }
      EXPECT_EQ(w.end, last_start);
      EXPECT_GE(w.mean_bounded_slowdown, 1.0);
      EXPECT_GT(w.utilisation, 0.0);
      EXPECT_LE(w.utilisation, 1.0);
    }
  }
}

}  // namespace
}  // namespace clustersim::compat::rlscheduler
