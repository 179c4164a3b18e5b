// Hand-computed schedules of the batch policies. Each expected start time was worked out on
// paper from the definitions in policies/batch.hpp; the reasoning is in the comments.
#include <gtest/gtest.h>

#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

std::vector<double> starts(const std::string& policy, int64_t procs, std::vector<JobSpec> jobs) {
  Engine e(pool(procs), sorted(std::move(jobs)), {.check_invariants = true});
  auto p = PolicyRegistry::builtin().make(policy);
  e.run(*p);
  EXPECT_EQ(e.unfinished_count(), 0);
  std::vector<double> s;
  for (size_t i = 0; i < e.num_jobs(); ++i) s.push_back(e.records()[i].first_start.seconds());
  return s;
}

// 4 processors. J1 (t0, 10 s, 2p), J2 (t0, 5 s, 4p), J3 (t1, 3 s, 2p), J4 (t2, 20 s, 1p).
std::vector<JobSpec> backfill_case() {
  return {job(1, 0, 10, 2), job(2, 0, 5, 4), job(3, 1, 3, 2), job(4, 2, 20, 1)};
}

}  // namespace

TEST(Fcfs, FirstJobThatDoesNotFitBlocksTheQueue) {
  // t0: J1 starts, J2 (4p) blocks. t10: J1 ends, J2 starts. t15: J3 and J4 start.
  EXPECT_EQ(starts("fcfs", 4, backfill_case()), (std::vector<double>{0, 10, 15, 15}));
}

TEST(EasyBackfill, StartsAShortJobThatEndsBeforeTheHeadReservation) {
  // t0: J1 starts; J2 blocked, shadow = 10 (J1's end), extra = 0.
  // t1: J3 (2p, 3 s) fits and ends at 4 <= 10: backfilled.
  // t4: J3 ends; J4 (1p, 20 s) fits but would end at 24 > 10 and extra is 0: must not start.
  // t10: J2 starts. t15: J4 starts.
  EXPECT_EQ(starts("easy", 4, backfill_case()), (std::vector<double>{0, 10, 1, 15}));
}

TEST(EasyBackfill, LongJobMayUseTheExtraProcessors) {
  // 4 processors. J1 (t0, 10 s, 3p) runs; J2 (t0, 5 s, 2p) is the head: at the shadow time 10
  // four processors are free, two more than J2 needs (extra = 2).
  // t1: J3 (1p, 100 s) ends far after 10 but fits in the extra: starts (extra -> 1).
  // t2: J4 (1p, 100 s): no processor is free now: waits. t10: J2 starts (1 left) then J4.
  EXPECT_EQ(starts("easy", 4, {job(1, 0, 10, 3), job(2, 0, 5, 2), job(3, 1, 100, 1), job(4, 2, 100, 1)}),
            (std::vector<double>{0, 10, 1, 10}));
}

TEST(EasyBackfill, NeverDelaysTheHeadReservation) {
  // 4 processors. J1 (t0, 10 s, 2p) runs; J2 (t0, 10 s, 4p) is the head: shadow 10, extra 0.
  // t1: J3 (50 s, 2p) fits now, but would end at 51 > 10 and needs more than the extra: it
  // must not start (it would delay J2). t10: J2 starts. t20: J3 starts.
  EXPECT_EQ(starts("easy", 4, {job(1, 0, 10, 2), job(2, 0, 10, 4), job(3, 1, 50, 2)}),
            (std::vector<double>{0, 10, 20}));
}

TEST(EasyBackfill, ReasonsWithEstimatesNotRuntimes) {
  // 3 processors. J1 (t0, runtime 10, estimate 100, 2p) runs; J2 (t1, 10 s, 3p) is the head
  // with shadow 100 (J1's estimated end) and extra 0. t2: J3 (50 s, 1p) ends by its estimate
  // at 52 <= 100: backfilled. J1 really ends at 10, so J2 waits for J3: starts at 52.
  EXPECT_EQ(starts("easy", 3, {job(1, 0, 10, 2, 100), job(2, 1, 10, 3), job(3, 2, 50, 1)}),
            (std::vector<double>{0, 52, 2}));
}

TEST(Sjf, StartsTheShortestQueuedJobFirst) {
  // 4 processors. J1 (t0, 10 s, 4p); J2 (t1, 50 s, 2p); J3 (t2, 5 s, 2p); J4 (t3, 20 s, 4p).
  // At t10 the queue by estimate is J3 (5), J4 (20), J2 (50): J3 starts, J4 (4p) blocks.
  // t15: J3 ends, J4 starts. t35: J4 ends, J2 starts.
  auto jobs = std::vector<JobSpec>{job(1, 0, 10, 4), job(2, 1, 50, 2), job(3, 2, 5, 2), job(4, 3, 20, 4)};
  EXPECT_EQ(starts("sjf", 4, jobs), (std::vector<double>{0, 35, 10, 15}));
  // FCFS on the same jobs: t10 J2 and J3 start; J4 waits for J2: t60.
  EXPECT_EQ(starts("fcfs", 4, jobs), (std::vector<double>{0, 10, 10, 60}));
}

TEST(EasySjf, BackfillsInShortestFirstOrder) {
  // 4 processors. J1 (t0, 10 s, 3p). At t1 J2 (100 s, 4p) and J3 (8 s, 1p) and J4 (4 s, 1p)
  // arrive. SJF order: J4, J3, J2. J4 starts (0 free). Head J3 (1p) is blocked: shadow = 5
  // (J4's end), extra 0. J2 cannot start. t5: J4 ends, J3 starts (0 free); head J2 (4p): shadow
  // = max(J1's 10, J3's 13) = 13. t13: J2 starts.
  EXPECT_EQ(starts("easy-sjf", 4, {job(1, 0, 10, 3), job(2, 1, 100, 4), job(3, 1, 8, 1), job(4, 1, 4, 1)}),
            (std::vector<double>{0, 13, 5, 1}));
}

TEST(RoundRobin, PlacesConsecutiveJobsOnConsecutiveNodes) {
  Engine e(Cluster::homogeneous(3, Resources{2, 0, 0}), sorted({job(1, 0, 10, 1), job(2, 0, 10, 1), job(3, 0, 10, 1)}),
           {.check_invariants = true});
  std::vector<uint32_t> nodes;
  class Spy : public Observer {
   public:
    explicit Spy(std::vector<uint32_t>& n) : n_(n) {}
    void on_job_start(const EngineView& v, JobId j) override { n_.push_back(v.placement(j).front().node.value()); }
    std::vector<uint32_t>& n_;
  } spy(nodes);
  e.add_observer(&spy);
  auto p = PolicyRegistry::builtin().make("rr");
  e.run(*p);
  EXPECT_EQ(nodes, (std::vector<uint32_t>{0, 1, 2}));
  // First fit would put the first two jobs on node 0.
  std::vector<uint32_t> ff;
  Engine f(Cluster::homogeneous(3, Resources{2, 0, 0}), sorted({job(1, 0, 10, 1), job(2, 0, 10, 1), job(3, 0, 10, 1)}));
  Spy spy2(ff);
  f.add_observer(&spy2);
  auto q = PolicyRegistry::builtin().make("fcfs");
  f.run(*q);
  EXPECT_EQ(ff, (std::vector<uint32_t>{0, 0, 1}));
}

TEST(PolicyRegistry, MisspeltNameGetsASuggestion) {
  try {
    PolicyRegistry::builtin().make("eazy");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'easy'"), std::string::npos) << e.what();
  }
}

TEST(PolicyRegistry, UnknownOrBadParameterNamesTheKey) {
  EXPECT_THROW(PolicyRegistry::builtin().make("easy", {{"ordr", "sjf"}}), InputError);
  try {
    PolicyRegistry::builtin().make("easy", {{"order", "random"}});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("parameter 'order'"), std::string::npos) << e.what();
  }
  auto p = PolicyRegistry::builtin().make("easy", {{"order", "sjf"}});
  EXPECT_EQ(p->name(), "easy");
}
