// Engine checkpoints at the engine level: an engine saved between two decision points and
// restored into a new engine built from the same inputs goes on exactly as the original does
// (every job record, the event count, the integrals); preemptions with a restore delay, node
// failures from a list and periodic rounds are in play. Inputs that differ are refused.
#include <gtest/gtest.h>

#include <cstring>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/state_io.hpp"
#include "support/builders.hpp"
#include "support/error_of.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

std::vector<JobSpec> workload() {
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 60; ++i) jobs.push_back(job(i + 1, 37 * i, 100 + (i * 53) % 400, 1 + i % 3, 600));
  return sorted(jobs);
}

Cluster two_nodes() { return Cluster::homogeneous(2, Resources{4, 0, 0}); }

EngineConfig config() {
  EngineConfig c;
  c.round_interval = Time::from_seconds(250);
  c.restore_delay = Time::from_seconds(7);
  c.check_invariants = true;
  return c;
}

std::vector<NodeEvent> node_events() {
  return {{Time::from_seconds(500), NodeId(1), false}, {Time::from_seconds(1400), NodeId(1), true},
          {Time::from_seconds(2000), NodeId(0), false}, {Time::from_seconds(2100), NodeId(0), true}};
}

// Greedy in arrival order; at every round, the longest-running job is preempted when jobs wait
// (so progress, restore delays and re-planned finishes are all exercised).
void decide(Decisions& d) {
  const EngineView& v = d.view();
  if (v.reasons().round && !v.queue().empty() && !v.running_by_expected_end().empty())
    d.preempt(v.running_by_expected_end().back());
  greedy(d);
}

struct Driven {
  Engine engine;
  NodeEventList failures;
  Driven() : engine(two_nodes(), workload(), config()), failures(node_events()) { engine.set_node_events(&failures); }
};

void run_to_end(Engine& e) {
  while (e.advance()) decide(e.decisions());
  e.finish();
}

void expect_same_records(const Engine& a, const Engine& b) {
  ASSERT_EQ(a.num_jobs(), b.num_jobs());
  for (size_t i = 0; i < a.num_jobs(); ++i) {
    const JobRecord &x = a.records()[i], &y = b.records()[i];
    EXPECT_EQ(x.state, y.state) << i;
    EXPECT_EQ(x.first_start, y.first_start) << i;
    EXPECT_EQ(x.end, y.end) << i;
    EXPECT_EQ(x.preemptions, y.preemptions) << i;
    EXPECT_EQ(x.kills, y.kills) << i;
    EXPECT_EQ(x.lost_us, y.lost_us) << i;
    EXPECT_EQ(x.busy_core_us, y.busy_core_us) << i;
    EXPECT_EQ(x.contention, y.contention) << i;
  }
  EXPECT_EQ(a.events_processed(), b.events_processed());
  EXPECT_EQ(a.decision_points(), b.decision_points());
  EXPECT_EQ(a.used_core_us(), b.used_core_us());
  EXPECT_EQ(a.active_job_us(), b.active_job_us());
}

TEST(EngineState, RestoredEngineGoesOnExactlyAsTheOriginal) {
  Driven whole;
  run_to_end(whole.engine);
  ASSERT_GT(whole.engine.decision_points(), 10);
  int64_t preempted = 0, killed = 0;
  for (const JobRecord& r : whole.engine.records()) {
    preempted += r.preemptions;
    killed += r.kills;
  }
  ASSERT_GT(preempted, 0);
  ASSERT_GT(killed, 0);

  for (int64_t k = 0; k < whole.engine.decision_points(); k += 3) {
    SCOPED_TRACE("saved after decision point " + std::to_string(k));
    Driven first;
    for (int64_t i = 0; i < k && first.engine.advance(); ++i) decide(first.engine.decisions());
    StateWriter w;
    first.engine.save(w);
    const std::string bytes = w.take();

    Driven second;
    StateReader r(bytes, "test");
    second.engine.restore(r);
    EXPECT_TRUE(r.at_end());
    run_to_end(second.engine);
    expect_same_records(whole.engine, second.engine);
    // The original, continued, agrees too (saving changed nothing).
    run_to_end(first.engine);
    expect_same_records(whole.engine, first.engine);
  }
}

TEST(EngineState, AnEngineBuiltFromOtherInputsRefusesTheState) {
  Driven first;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(first.engine.advance()), decide(first.engine.decisions());
  StateWriter w;
  first.engine.save(w);
  const std::string bytes = w.take();

  auto restore_into = [&](Engine& e) {
    StateReader r(bytes, "run.ck");
    return error_of([&] { e.restore(r); });
  };
  Engine other_cluster(Cluster::homogeneous(3, Resources{4, 0, 0}), workload(), config());
  NodeEventList f1(node_events());
  other_cluster.set_node_events(&f1);
  EXPECT_EQ(restore_into(other_cluster),
            "checkpoint run.ck: the cluster (node types or counts) differs from the run being resumed (resume with the "
            "same inputs and settings)");

  std::vector<JobSpec> jobs = workload();
  jobs[3].walltime = jobs[3].walltime + Time::from_seconds(1);
  Engine other_jobs(two_nodes(), jobs, config());
  NodeEventList f2(node_events());
  other_jobs.set_node_events(&f2);
  EXPECT_NE(restore_into(other_jobs).find("the workload"), std::string::npos);

  EngineConfig c = config();
  c.restore_delay = Time::from_seconds(8);
  Engine other_config(two_nodes(), workload(), c);
  NodeEventList f3(node_events());
  other_config.set_node_events(&f3);
  EXPECT_NE(restore_into(other_config).find("the engine settings"), std::string::npos);

  Engine no_failures(two_nodes(), workload(), config());
  EXPECT_NE(restore_into(no_failures).find("whether node failures are simulated"), std::string::npos);

  Engine truncated(two_nodes(), workload(), config());
  NodeEventList f4(node_events());
  truncated.set_node_events(&f4);
  StateReader r(std::string_view(bytes).substr(0, bytes.size() / 2), "run.ck");
  EXPECT_EQ(error_of([&] { truncated.restore(r); }).rfind("checkpoint run.ck: corrupt (", 0), 0u);
}

TEST(StateIo, CheckpointFilesRoundTripAndRefuseDamage) {
  const std::string path = ::testing::TempDir() + "/state_io_test.ck";
  StateWriter w;
  w.section("s");
  w.put(std::vector<int64_t>{1, 2, 3});
  w.put(std::string("text"));
  w.put(std::map<int32_t, std::string>{{2, "b"}, {1, "a"}});
  write_checkpoint_file(path, w.bytes());
  const std::string payload = read_checkpoint_file(path);
  StateReader r(payload, path);
  r.section("s");
  EXPECT_EQ(r.get<std::vector<int64_t>>(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(r.get<std::string>(), "text");
  EXPECT_EQ((r.get<std::map<int32_t, std::string>>()), (std::map<int32_t, std::string>{{1, "a"}, {2, "b"}}));
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(error_of([&] { r.get<int32_t>(); }), "checkpoint " + path + ": corrupt (it ends early)");
  StateReader wrong(payload, "x.ck");
  EXPECT_EQ(error_of([&] { wrong.section("t"); }),
            "checkpoint x.ck: expected section 't', found 's' (a checkpoint of another policy, run or version)");
  EXPECT_EQ(error_of([] { read_checkpoint_file("/nonexistent/x.ck"); }).rfind("/nonexistent/x.ck: cannot open", 0), 0u);
}

}  // namespace
