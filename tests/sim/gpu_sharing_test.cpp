// GPU sharing: per-GPU free shares, exact integers, with hand-computed states.
#include <gtest/gtest.h>

#include <vector>

#include "sim/cluster.hpp"
#include "sim/engine.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;

namespace {

// One task: `milli` milli-GPUs, one core.
Resources gpu_task(int64_t milli) { return Resources{1, milli, 0}; }

std::vector<int32_t> gpus_of(const Cluster& c, uint32_t n) {
  auto f = c.gpu_free(NodeId(n));
  return {f.begin(), f.end()};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(GpuSharing, TwoSharesOfOneGpuFitTogetherAndAThirdDoesNot) {
  Cluster c = Cluster::homogeneous(1, Resources{16, 2000, 0});  // one node, two GPUs
  ASSERT_EQ(c.gpu_count(NodeId(0)), 2);
  // The first 460 goes to the lowest GPU (both have 1000 free); the second to the fuller GPU
  // that still holds it (best fit): GPU 0 with 540 free, leaving 80.
  std::vector<Slot> p;
  ASSERT_TRUE(c.find_placement(1, gpu_task(460), PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 1, 0}}));
  c.allocate(gpu_task(460), p);
  ASSERT_TRUE(c.find_placement(1, gpu_task(460), PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 1, 0}}));
  c.allocate(gpu_task(460), p);
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{80, 1000}));
  EXPECT_EQ(c.whole_free_gpus(NodeId(0)), 1);
  // A 600 does not fit on GPU 0 (80 free); the cluster puts it on GPU 1.
  EXPECT_NE(c.check_placement(1, gpu_task(600), std::vector<Slot>{{NodeId(0), 1, 0}}), "");
  ASSERT_TRUE(c.find_placement(1, gpu_task(600), PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 1, 1}}));
  c.allocate(gpu_task(600), p);
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{80, 400}));
  // 480 milli-GPUs are free on the node, but no single GPU holds another 460: fragmentation.
  EXPECT_EQ(c.free(NodeId(0)).gpu_milli, 480);
  EXPECT_FALSE(c.fits_now(1, gpu_task(460)));
  EXPECT_FALSE(c.find_placement(1, gpu_task(460), PlacementStrategy::FirstFit, p));
  EXPECT_TRUE(c.fits_now(1, gpu_task(400)));
  // Even 1-milli tasks are not "any free unit": the slot's tasks share one GPU.
  EXPECT_TRUE(c.fits_now(400, Resources{0, 1, 0}));
  EXPECT_FALSE(c.fits_now(401, Resources{0, 1, 0}));
  EXPECT_EQ(c.check_invariants(), "");
}

TEST(GpuSharing, AWholeGpuTaskNeedsAWhollyFreeGpu) {
  Cluster c = Cluster::homogeneous(1, Resources{16, 2000, 0});
  // 100 milli-GPUs on each GPU: 1800 free in all, but no GPU is wholly free.
  c.allocate(gpu_task(100), std::vector<Slot>{{NodeId(0), 1, 0}});
  c.allocate(gpu_task(100), std::vector<Slot>{{NodeId(0), 1, 1}});
  EXPECT_EQ(c.free(NodeId(0)).gpu_milli, 1800);
  EXPECT_EQ(c.whole_free_gpus(NodeId(0)), 0);
  EXPECT_FALSE(c.fits_now(1, gpu_task(1000)));
  EXPECT_EQ(c.check_placement(1, gpu_task(1000), std::vector<Slot>{{NodeId(0), 1}}),
            "node 0 has 0 wholly free GPUs but 1 tasks of 1 whole GPUs need 1");
  // On an empty two-GPU node one task of two whole GPUs takes both.
  Cluster d = Cluster::homogeneous(1, Resources{16, 2000, 0});
  std::vector<Slot> p;
  ASSERT_TRUE(d.find_placement(1, gpu_task(2000), PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 1}}));  // whole GPUs: no GPU named
  d.allocate(gpu_task(2000), p);
  EXPECT_EQ(gpus_of(d, 0), (std::vector<int32_t>{0, 0}));
  EXPECT_EQ(d.gpus_held_whole(NodeId(0)), 2);
  EXPECT_FALSE(d.fits_now(1, gpu_task(10)));  // a GPU held whole takes no share
  EXPECT_EQ(d.check_invariants(), "");
}

TEST(GpuSharing, WholeGpuTasksTakeTheLowestWhollyFreeGpus) {
  Cluster c = Cluster::homogeneous(1, Resources{16, 4000, 0});
  c.allocate(gpu_task(300), std::vector<Slot>{{NodeId(0), 1, 1}});  // GPU 1 shared
  c.allocate(gpu_task(2000), std::vector<Slot>{{NodeId(0), 1}});     // GPUs 0 and 2
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{0, 700, 0, 1000}));
  c.release(gpu_task(2000), std::vector<Slot>{{NodeId(0), 1}});
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{1000, 700, 1000, 1000}));
  EXPECT_EQ(c.whole_free_gpus(NodeId(0)), 3);
}

TEST(GpuSharing, ReleaseRestoresExactIntegers) {
  Cluster c = Cluster::homogeneous(2, Resources{8, 2000, 64});
  const Resources a{1, 460, 8}, b{2, 330, 8}, w{1, 1000, 8};
  std::vector<Slot> pa, pb, pw;
  ASSERT_TRUE(c.find_placement(2, a, PlacementStrategy::FirstFit, pa));
  EXPECT_EQ(pa, (std::vector<Slot>{{NodeId(0), 2, 0}}));  // 2 x 460 = 920 on one GPU
  c.allocate(a, pa);
  ASSERT_TRUE(c.find_placement(3, b, PlacementStrategy::FirstFit, pb));
  // 3 x 330 = 990 on one GPU: node 0's GPU 0 has 80 left, GPU 1 is wholly free.
  EXPECT_EQ(pb, (std::vector<Slot>{{NodeId(0), 3, 1}}));
  c.allocate(b, pb);
  ASSERT_TRUE(c.find_placement(1, w, PlacementStrategy::FirstFit, pw));
  EXPECT_EQ(pw, (std::vector<Slot>{{NodeId(1), 1}}));
  c.allocate(w, pw);
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{80, 10}));
  EXPECT_EQ(gpus_of(c, 1), (std::vector<int32_t>{0, 1000}));
  EXPECT_EQ(c.total_free(), (Resources{16 - 2 - 6 - 1, 4000 - 920 - 990 - 1000, 128 - 16 - 24 - 8}));
  c.release(b, pb);
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{80, 1000}));
  c.release(a, pa);
  c.release(w, pw);
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{1000, 1000}));
  EXPECT_EQ(gpus_of(c, 1), (std::vector<int32_t>{1000, 1000}));
  EXPECT_EQ(c.total_free(), c.total_capacity());
  EXPECT_EQ(c.whole_free_gpus(NodeId(0)) + c.whole_free_gpus(NodeId(1)), 4);
  EXPECT_EQ(c.check_invariants(), "");
}

TEST(GpuSharing, AllocateReturnsTheGpusItChose) {
  Cluster c = Cluster::homogeneous(1, Resources{8, 2000, 0});
  c.allocate(gpu_task(700), std::vector<Slot>{{NodeId(0), 1, 1}});
  const std::vector<Slot> any{{NodeId(0), 1}};
  std::span<const Slot> got = c.allocate(gpu_task(200), any);
  // Best fit: GPU 1 (300 free) rather than GPU 0 (1000 free).
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (Slot{NodeId(0), 1, 1}));
  EXPECT_EQ(any[0].gpu, Slot::kAnyGpu);  // the caller's placement is not changed
  EXPECT_EQ(gpus_of(c, 0), (std::vector<int32_t>{1000, 100}));
  // A placement that names its GPUs comes back as it is.
  const std::vector<Slot> named{{NodeId(0), 1, 0}};
  EXPECT_EQ(c.allocate(gpu_task(200), named).data(), named.data());
  EXPECT_THROW(c.release(gpu_task(200), any), std::logic_error);  // which GPU? unknown
}

TEST(GpuSharing, WhyNeverFitsExplainsImpossibleRequests) {
  Cluster c = Cluster::homogeneous(2, Resources{8, 2000, 0});  // 2 nodes x 2 GPUs
  auto odd = c.why_never_fits(1, gpu_task(1500));
  ASSERT_TRUE(odd.has_value());
  EXPECT_TRUE(contains(*odd, "1500 milli-GPUs")) << *odd;
  EXPECT_TRUE(contains(*odd, "a multiple of 1000")) << *odd;
  auto big = c.why_never_fits(1, gpu_task(3000));
  ASSERT_TRUE(big.has_value());
  EXPECT_TRUE(contains(*big, "more than any node offers")) << *big;
  // Whole GPUs: 2 per node of 1 GPU each -> 4 tasks at most.
  EXPECT_FALSE(c.why_never_fits(4, gpu_task(1000)).has_value());
  auto five = c.why_never_fits(5, gpu_task(1000));
  ASSERT_TRUE(five.has_value());
  EXPECT_TRUE(contains(*five, "at most 4")) << *five;
  // Shares of 600: a node's tasks of one job share one GPU, one 600 per GPU -> 1 per node.
  EXPECT_FALSE(c.why_never_fits(2, gpu_task(600)).has_value());
  auto three = c.why_never_fits(3, gpu_task(600));
  ASSERT_TRUE(three.has_value());
  EXPECT_TRUE(contains(*three, "at most 2")) << *three;
  // Shares of 250: four on a GPU, so 2 nodes hold 8 (the cores allow 8 per node).
  EXPECT_FALSE(c.why_never_fits(8, gpu_task(250)).has_value());
  EXPECT_TRUE(c.why_never_fits(9, gpu_task(250)).has_value());
  // A CPU-only cluster offers no GPU share.
  Cluster cpu = Cluster::homogeneous(4, Resources{8, 0, 0});
  EXPECT_TRUE(cpu.why_never_fits(1, gpu_task(100)).has_value());
}

TEST(GpuSharing, CheckPlacementRefusesAnOverFullGpuWithTheReason) {
  Cluster c = Cluster::homogeneous(1, Resources{8, 2000, 0});
  c.allocate(gpu_task(460), std::vector<Slot>{{NodeId(0), 1, 0}});
  c.allocate(gpu_task(460), std::vector<Slot>{{NodeId(0), 1, 0}});
  // 1080 milli-GPUs are free on the node, so only the per-GPU check refuses these.
  EXPECT_EQ(c.check_placement(1, gpu_task(600), std::vector<Slot>{{NodeId(0), 1, 0}}),
            "GPU 0 of node 0 has 80 milli-GPUs free but 1 tasks of 600 need 600");
  EXPECT_EQ(c.check_placement(1, gpu_task(600), std::vector<Slot>{{NodeId(0), 1, 2}}),
            "node 0 has no GPU 2 (it has 2)");
  EXPECT_EQ(c.check_placement(1, Resources{1, 0, 0}, std::vector<Slot>{{NodeId(0), 1, 1}}),
            "node 0: the slot names GPU 1 but the job's tasks use no GPU");
  EXPECT_EQ(c.check_placement(1, gpu_task(1000), std::vector<Slot>{{NodeId(0), 1, 1}}),
            "node 0: the slot names GPU 1 but tasks of 1 whole GPUs take wholly free GPUs the cluster chooses");
  EXPECT_TRUE(contains(c.check_placement(1, gpu_task(1200), std::vector<Slot>{{NodeId(0), 1}}),
                       "a multiple of 1000"));
  EXPECT_EQ(c.check_placement(1, gpu_task(600), std::vector<Slot>{{NodeId(0), 1, 1}}), "");
  EXPECT_EQ(c.check_placement(1, gpu_task(600), std::vector<Slot>{{NodeId(0), 1}}), "");
  // With 540 free on each GPU, two tasks of 300 (600 on one GPU) fit nowhere.
  Cluster d = Cluster::homogeneous(1, Resources{8, 2000, 0});
  d.allocate(gpu_task(460), std::vector<Slot>{{NodeId(0), 1, 0}});
  d.allocate(gpu_task(460), std::vector<Slot>{{NodeId(0), 1, 1}});
  EXPECT_EQ(d.check_placement(2, gpu_task(300), std::vector<Slot>{{NodeId(0), 2}}),
            "no GPU of node 0 has 600 milli-GPUs free for 2 tasks of 300 (the most free on one GPU is 540)");
  EXPECT_EQ(d.check_placement(1, gpu_task(300), std::vector<Slot>{{NodeId(0), 1}}), "");
}

TEST(GpuSharing, TheInvariantCheckerSeesAnOverAllocatedGpu) {
  Cluster c = Cluster::homogeneous(1, Resources{8, 2000, 0});
  c.allocate(gpu_task(460), std::vector<Slot>{{NodeId(0), 1, 0}});
  EXPECT_EQ(c.check_invariants(), "");
  // allocate trusts its caller: an unchecked placement over-fills GPU 0 (460 + 600), while the
  // node as a whole still has 940 milli-GPUs free.
  c.allocate(gpu_task(600), std::vector<Slot>{{NodeId(0), 1, 0}});
  EXPECT_EQ(c.free(NodeId(0)).gpu_milli, 940);
  EXPECT_EQ(c.check_invariants(), "GPU 0 of node 0 is over-allocated: 1060 of 1000 milli-GPUs allocated");
}

TEST(GpuSharing, NodeTypesHoldWholeGpus) {
  Cluster c;
  EXPECT_THROW(c.add_node_type(NodeType{"half", Resources{4, 1500, 0}, "X"}), std::invalid_argument);
  EXPECT_NO_THROW(c.add_node_type(NodeType{"two", Resources{4, 2000, 0}, "X"}));
}

TEST(GpuSharing, TheEngineKeepsTheGpuTheClusterChoseAndGivesItBack) {
  using clustersim::testing::FnPolicy;
  auto share_job = [](int64_t id, int64_t submit, int64_t run, int64_t milli) {
    JobSpec j = clustersim::testing::job(id, submit, run, 1);
    j.per_task = gpu_task(milli);
    return j;
  };
  std::vector<JobSpec> jobs = clustersim::testing::sorted(
      {share_job(1, 0, 100, 700), share_job(2, 0, 50, 200), share_job(3, 10, 10, 300)});
  EngineConfig cfg;
  cfg.check_invariants = true;
  Engine e(Cluster::homogeneous(1, Resources{8, 2000, 0}), std::move(jobs), cfg);
  std::vector<int32_t> gpu_of(3, -2);
  FnPolicy p([&](Decisions& d) {
    std::vector<JobId> q(d.view().queue().begin(), d.view().queue().end());
    for (JobId j : q) {
      d.start(j, std::vector<Slot>{{NodeId(0), 1}});  // the cluster chooses the GPU
      gpu_of[j.value()] = d.view().placement(j)[0].gpu;
      EXPECT_EQ(d.view().cluster().check_invariants(), "");
    }
  });
  e.run(p);
  // Job 1 (700) on GPU 0; job 2 (200) best fit on GPU 0 (300 free); job 3 (300) at t=10 on
  // GPU 0 would need 300 of the 100 left, so GPU 1.
  EXPECT_EQ(gpu_of, (std::vector<int32_t>{0, 0, 1}));
  EXPECT_EQ(e.finished_count(), 3);
  EXPECT_EQ(gpus_of(e.cluster(), 0), (std::vector<int32_t>{1000, 1000}));
  EXPECT_EQ(e.cluster().check_invariants(), "");
}
