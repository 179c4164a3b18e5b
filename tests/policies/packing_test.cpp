// The packing policies (policies/packing.hpp) on hand-built states, and the FGD
// fragmentation measure against values worked out by hand from the paper's definition.
#include <gtest/gtest.h>

#include <vector>

#include "policies/packing.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// One task of `cores` cores and `gpu` milli-GPUs.
JobSpec task(int64_t id, int64_t submit, int64_t cores, int64_t gpu, int32_t tasks = 1) {
  JobSpec j = job(id, submit, 1000, tasks);
  j.per_task = Resources{cores, gpu, 0};
  return j;
}

// Four nodes of 8 cores and 2 GPUs, partly used by tenants outside the workload:
//   node 0: empty                       8 cores, GPUs {1000, 1000}
//   node 1: 6 cores, 300 on GPU 0       2 cores, GPUs {700, 1000}
//   node 2: 1 core, 500 + 600            7 cores, GPUs {500, 400}
//   node 3: all cores                    0 cores, GPUs {1000, 1000}  (no task fits)
Cluster four_nodes() {
  Cluster c = Cluster::homogeneous(4, Resources{8, 2000, 0});
  c.allocate(Resources{6, 300, 0}, std::vector<Slot>{{NodeId(1), 1, 0}});
  c.allocate(Resources{1, 500, 0}, std::vector<Slot>{{NodeId(2), 1, 0}});
  c.allocate(Resources{0, 600, 0}, std::vector<Slot>{{NodeId(2), 1, 1}});
  c.allocate(Resources{8, 0, 0}, std::vector<Slot>{{NodeId(3), 1}});
  return c;
}

// The workload: P (1 core, 500) at t=0, then Q (1 core, one whole GPU) at t=100. FGD's task
// types: (1, 500) and (1, 1000), one task each (p = 1/2 each).
std::vector<JobSpec> probe_workload() { return sorted({task(1, 0, 1, 500), task(2, 100, 1, 1000)}); }

// Where `policy` puts P, the first job, at the first decision point.
std::vector<Slot> first_placement(const std::string& policy, std::map<std::string, std::string> params = {}) {
  Engine e(four_nodes(), probe_workload());
  auto p = PolicyRegistry::builtin().make(policy, params);
  p->reset(e);
  EXPECT_TRUE(e.advance());
  p->schedule(e.decisions());
  auto got = e.placement(JobId(0));
  return {got.begin(), got.end()};
}

}  // namespace

// The measure on the four nodes, types (1, 500) and (1, 1000), weighted = sum_m F_n(m):
//   node 0 {1000, 1000}, 8 cores: both types run; no GPU below 500 or below 1000: 0 + 0 = 0.
//   node 1 {700, 1000}, 2 cores: (1,500) runs, nothing below 500: 0; (1,1000) runs (GPU 1 is
//     whole), below 1000: 700. Sum 700.
//   node 2 {500, 400}, 7 cores: (1,500) runs on GPU 0, below 500: 400; (1,1000) cannot run (no
//     whole GPU): all of R = 900. Sum 1300.
TEST(GpuFragmentation, ValuesOnTheFourNodesByHand) {
  Cluster c = four_nodes();
  GpuFragmentation f(probe_workload(), c);
  ASSERT_EQ(f.types().size(), 2u);
  EXPECT_EQ(f.total_tasks(), 2);
  auto at = [&](uint32_t n) { return f.weighted(0, c.free(NodeId(n)).cores, c.gpu_free(NodeId(n))); };
  EXPECT_EQ(at(0), 0);
  EXPECT_EQ(at(1), 700);
  EXPECT_EQ(at(2), 1300);
  EXPECT_DOUBLE_EQ(f.expected(0, 7, c.gpu_free(NodeId(2))), 650.0);  // F_n(M) = 1300 / 2
  // Node 3 has no cores: neither type runs, both count all 2000 free milli-GPUs.
  EXPECT_EQ(at(3), 4000);
  // After P (1, 500) on each choice:
  //   node 0 GPU 0 -> {500, 1000}, 7 cores: (1,500) below 500: 0; (1,1000) below 1000: 500 (+500);
  //   node 1 GPU 0 -> {200, 1000}, 1 core: 200 + 200 = 400 (delta -300);
  //   node 1 GPU 1 -> {700, 500}: (1,500): 0; (1,1000) cannot run: 1200 (delta +500);
  //   node 2 GPU 0 -> {0, 400}, 6 cores: no GPU holds 500, no whole GPU: 400 + 400 = 800 (-500).
  EXPECT_EQ(f.weighted(0, 7, std::vector<int32_t>{500, 1000}), 500);
  EXPECT_EQ(f.weighted(0, 1, std::vector<int32_t>{200, 1000}), 400);
  EXPECT_EQ(f.weighted(0, 1, std::vector<int32_t>{700, 500}), 1200);
  EXPECT_EQ(f.weighted(0, 6, std::vector<int32_t>{0, 400}), 800);
}

// The paper's cases one by one. Types: A (2 cores, 500) x 2 tasks, B (4 cores, 1 GPU) x 1,
// C (1 core, no GPU) x 1, D (1 core, 2 GPUs) x 1, E (1 core, 300, model V100 only) x 1; 6
// tasks. A node of model T4 with 3 cores free and GPUs {600, 200} (R = 800):
//   A: runs (600 >= 500); fragments: GPUs below 500: 200.
//   B: short of cores (3 < 4): R = 800.       C: asks for no GPU: R = 800.
//   D: needs 2 whole GPUs, has none: R = 800.  E: model not allowed: R = 800.
// weighted = 2 x 200 + 800 x 4 = 3600, F_n(M) = 3600 / 6 = 600.
TEST(GpuFragmentation, FollowsThePapersDefinitionCaseByCase) {
  Cluster c;
  c.add_nodes(c.add_node_type(NodeType{"t4x2", Resources{8, 2000, 0}, "T4"}), 1);
  JobSpec e = task(5, 0, 1, 300);
  e.gpu_model = "V100|A100";
  std::vector<JobSpec> jobs = sorted({task(1, 0, 2, 500, 2), task(2, 0, 4, 1000), task(3, 0, 1, 0),
                                      task(4, 0, 1, 2000), e});
  GpuFragmentation f(jobs, c);
  ASSERT_EQ(f.types().size(), 5u);
  EXPECT_EQ(f.total_tasks(), 6);
  const std::vector<int32_t> gpus{600, 200};
  int64_t direct = 0;
  for (size_t m = 0; m < f.types().size(); ++m) {
    const auto& t = f.types()[m];
    const int64_t expect = t.cores == 2 ? 200 : 800;  // only A can run
    EXPECT_EQ(f.of_type(m, 0, 3, gpus), expect) << "type " << m;
    direct += t.tasks * f.of_type(m, 0, 3, gpus);
  }
  EXPECT_EQ(direct, 3600);
  EXPECT_EQ(f.weighted(0, 3, gpus), 3600);
  EXPECT_DOUBLE_EQ(f.expected(0, 3, gpus), 600.0);
  // 5 cores and GPUs {1000, 200}: A runs, below 500: 200; B runs (a whole GPU), below 1000:
  // 200; C: 1200; D: one whole GPU of two: 1200; E: 1200. 2 x 200 + 200 + 3 x 1200 = 4200.
  EXPECT_EQ(f.weighted(0, 5, std::vector<int32_t>{1000, 200}), 4200);
  // Both GPUs whole and 5 cores: A, B and D run with no fragment; C and E count 2000 each.
  EXPECT_EQ(f.weighted(0, 5, std::vector<int32_t>{1000, 1000}), 4000);
  // No GPU free: nothing to fragment.
  EXPECT_EQ(f.weighted(0, 5, std::vector<int32_t>{0, 0}), 0);
}

TEST(GpuFragmentation, TheFastSumEqualsTheDefinitionOnEveryState) {
  Cluster c;
  c.add_nodes(c.add_node_type(NodeType{"x4", Resources{16, 4000, 0}, "V100"}), 1);
  JobSpec other_model = task(9, 0, 3, 700);
  other_model.gpu_model = "T4";
  std::vector<JobSpec> jobs = sorted({task(1, 0, 2, 250, 3), task(2, 0, 6, 500), task(3, 0, 1, 1000, 2),
                                      task(4, 0, 4, 2000), task(5, 0, 12, 4000), task(6, 0, 2, 0, 4),
                                      task(7, 0, 9, 250), task(8, 0, 2, 990), other_model});
  GpuFragmentation f(jobs, c);
  const int32_t shares[] = {0, 10, 250, 499, 500, 700, 990, 1000};
  for (int64_t cores = 0; cores <= 16; cores += 3)
    for (int32_t a : shares)
      for (int32_t b : shares)
        for (int32_t d : {0, 740, 1000}) {
          const std::vector<int32_t> gpus{a, b, d, 1000};
          int64_t direct = 0;
          for (size_t m = 0; m < f.types().size(); ++m) direct += f.types()[m].tasks * f.of_type(m, 0, cores, gpus);
          ASSERT_EQ(f.weighted(0, cores, gpus), direct) << cores << " cores, " << a << " " << b << " " << d;
        }
}

// P (1 core, 500) on the four nodes; maxima over the cluster: 8 cores, 2000 milli-GPUs.
//   best-fit key ((cores left)/8 + (GPU left)/2000) / 2:
//     node 0: (7/8 + 1500/2000)/2 = 0.8125; node 1: (1/8 + 1200/2000)/2 = 0.3625;
//     node 2: (6/8 + 400/2000)/2 = 0.475 -> node 1 (its GPU: best fit, GPU 0 with 700).
//   dot product ((1/8)(cores free/8) + (500/2000)(GPU free/2000)) / 2:
//     node 0: (0.125 + 0.25)/2 = 0.1875; node 1: (0.03125 + 0.2125)/2 = 0.121875;
//     node 2: (0.109375 + 0.1125)/2 = 0.1109375 -> max: node 0 (GPU 0); min: node 2 (GPU 0).
//   FGD deltas (GpuFragmentation.ValuesOnTheFourNodesByHand): node 0 +500, node 1 GPU 0
//     -300, node 1 GPU 1 +500, node 2 GPU 0 -500 -> node 2, GPU 0.
TEST(PackingPolicies, EachScoreChoosesItsOwnNodeOnAHandBuiltState) {
  EXPECT_EQ(first_placement("best-fit"), (std::vector<Slot>{{NodeId(1), 1, 0}}));
  EXPECT_EQ(first_placement("dot-product"), (std::vector<Slot>{{NodeId(0), 1, 0}}));
  EXPECT_EQ(first_placement("dot-product", {{"pick", "min"}}), (std::vector<Slot>{{NodeId(2), 1, 0}}));
  EXPECT_EQ(first_placement("fgd"), (std::vector<Slot>{{NodeId(2), 1, 0}}));
}

TEST(PackingPolicies, RandomIsReproducibleForASeedAndDrawsAmongFeasibleNodesOnly) {
  std::vector<int> hits(4, 0);
  for (int seed = 1; seed <= 60; ++seed) {
    auto a = first_placement("random", {{"seed", std::to_string(seed)}});
    auto b = first_placement("random", {{"seed", std::to_string(seed)}});
    ASSERT_EQ(a, b) << "seed " << seed;
    ASSERT_EQ(a.size(), 1u);
    ++hits[a[0].node.value()];
    // A share task gets a GPU that holds it: on node 2 only GPU 0 (500 free) does.
    if (a[0].node == NodeId(2)) {
      EXPECT_EQ(a[0].gpu, 0);
    }
  }
  EXPECT_GT(hits[0], 0);
  EXPECT_GT(hits[1], 0);
  EXPECT_GT(hits[2], 0);
  EXPECT_EQ(hits[3], 0);  // node 3 has no core free
}

TEST(PackingPolicies, RandomSequencesRepeatForASeedAndDifferAcrossSeeds) {
  auto run = [](int seed) {
    std::vector<JobSpec> jobs;
    for (int i = 0; i < 40; ++i) jobs.push_back(task(i + 1, i, 1, 100 + 10 * (i % 7)));
    Engine e(Cluster::homogeneous(6, Resources{64, 4000, 0}), sorted(jobs), {.check_invariants = true});
    auto p = PolicyRegistry::builtin().make("random", {{"seed", std::to_string(seed)}});
    std::vector<std::pair<uint32_t, int32_t>> where;
    p->reset(e);
    while (e.advance()) {
      p->schedule(e.decisions());
      for (uint32_t j = 0; j < e.arrived(); ++j)
        if (where.size() <= j && e.state(JobId(j)) == JobState::Running)
          where.emplace_back(e.placement(JobId(j))[0].node.value(), e.placement(JobId(j))[0].gpu);
    }
    EXPECT_EQ(where.size(), 40u);
    return where;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(PackingPolicies, AJobThatDoesNotFitIsSkippedNotWaitedFor) {
  // One node, 2 GPUs, 400 of GPU 0 used: a 2-GPU job cannot start, the 300 behind it can.
  for (const char* name : {"random", "best-fit", "dot-product", "fgd"}) {
    Cluster c = Cluster::homogeneous(1, Resources{8, 2000, 0});
    c.allocate(Resources{0, 400, 0}, std::vector<Slot>{{NodeId(0), 1, 0}});
    Engine e(std::move(c), sorted({task(1, 0, 1, 2000), task(2, 0, 1, 300)}));
    auto p = PolicyRegistry::builtin().make(name);
    p->reset(e);
    ASSERT_TRUE(e.advance());
    p->schedule(e.decisions());
    EXPECT_EQ(e.state(JobId(0)), JobState::Queued) << name;
    EXPECT_EQ(e.state(JobId(1)), JobState::Running) << name;
  }
}

TEST(PackingPolicies, ASkippedJobStartsWhenResourcesComeBack) {
  // Two whole-GPU jobs on one 1-GPU node: the second waits for the first to finish (t=1000).
  Engine e(Cluster::homogeneous(1, Resources{8, 1000, 0}), sorted({task(1, 0, 1, 1000), task(2, 5, 1, 1000)}),
           {.check_invariants = true});
  auto p = PolicyRegistry::builtin().make("fgd");
  e.run(*p);
  EXPECT_EQ(e.finished_count(), 2);
  EXPECT_EQ(start_of(e, 2), 1000.0);
}

TEST(PackingPolicies, AJobOfSeveralTasksTakesNodesInScoreOrder) {
  // 3 nodes of 4 GPUs with 4, 1 and 2 wholly free. Best-fit keys for one (1 core, 1 GPU) task:
  // node 0 (7/8 + 3000/4000)/2 = 0.8125, node 1 (7/8 + 0)/2 = 0.4375, node 2 (7/8 + 1000/4000)/2
  // = 0.5625. Three tasks: node 1 takes 1, node 2 takes 2.
  Cluster c = Cluster::homogeneous(3, Resources{8, 4000, 0});
  c.allocate(Resources{0, 3000, 0}, std::vector<Slot>{{NodeId(1), 1}});
  c.allocate(Resources{0, 2000, 0}, std::vector<Slot>{{NodeId(2), 1}});
  Engine e(std::move(c), sorted({task(1, 0, 1, 1000, 3)}));
  auto p = PolicyRegistry::builtin().make("best-fit");
  p->reset(e);
  ASSERT_TRUE(e.advance());
  p->schedule(e.decisions());
  auto got = e.placement(JobId(0));
  EXPECT_EQ(std::vector<Slot>(got.begin(), got.end()), (std::vector<Slot>{{NodeId(1), 1}, {NodeId(2), 2}}));
}

TEST(PackingPolicies, GpuModelListsAreRespected) {
  Cluster c;
  const uint32_t t4 = c.add_node_type(NodeType{"t4", Resources{8, 2000, 0}, "T4"});
  const uint32_t v100 = c.add_node_type(NodeType{"v100", Resources{8, 2000, 0}, "V100M32"});
  c.add_nodes(t4, 1);
  c.add_nodes(v100, 1);
  JobSpec j = task(1, 0, 1, 500);
  j.gpu_model = "V100M16|V100M32";
  for (const char* name : {"random", "best-fit", "dot-product", "fgd"}) {
    Engine e(c, sorted({j}));
    auto p = PolicyRegistry::builtin().make(name);
    p->reset(e);
    ASSERT_TRUE(e.advance());
    p->schedule(e.decisions());
    ASSERT_EQ(e.state(JobId(0)), JobState::Running) << name;
    EXPECT_EQ(e.placement(JobId(0))[0].node, NodeId(1)) << name;
  }
  EXPECT_TRUE(gpu_model_allowed("", "T4"));
  EXPECT_TRUE(gpu_model_allowed("A|T4", "T4"));
  EXPECT_FALSE(gpu_model_allowed("A|T", "T4"));
}

TEST(PackingPolicies, AreRegisteredWithTheirParameters) {
  const PolicyRegistry& r = PolicyRegistry::builtin();
  for (const char* name : {"random", "best-fit", "dot-product", "fgd"}) EXPECT_NE(r.find(name), nullptr) << name;
  EXPECT_THROW(r.make("dot-product", {{"pick", "sideways"}}), InputError);
  EXPECT_THROW(r.make("fgd", {{"seed", "3"}}), InputError);
  EXPECT_NO_THROW(r.make("random", {{"seed", "3"}}));
}
