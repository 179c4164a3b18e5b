// DL metrics by hand: GPU utilisation per GPU model, finish-time fairness, Jain's index.
#include <gtest/gtest.h>

#include "sim/engine.hpp"
#include "sim/metrics.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

JobSpec gpu_job(int64_t id, int64_t submit, int64_t runtime, int32_t gpus, int32_t user) {
  JobSpec j = job(id, submit, runtime, gpus);
  j.per_task = Resources{0, 1000, 0};
  j.user = user;
  return j;
}

}  // namespace

TEST(DlMetrics, GpuUtilisationPerModel) {
  // One v100 node and one k80 node, 2 GPUs each. A 1-GPU job runs 10 s on the v100 node, a
  // 2-GPU job 20 s on the k80 node. Makespan 20 s: v100 1000*10 / (2000*20) = 0.25,
  // k80 2000*20 / (2000*20) = 1, all GPUs 50000 / (4000*20) = 0.625.
  Cluster c;
  c.add_nodes(c.add_node_type(NodeType{"fast", Resources{8, 2000, 0}, "v100"}), 1);
  c.add_nodes(c.add_node_type(NodeType{"slow", Resources{8, 2000, 0}, "k80"}), 1);
  Engine e(std::move(c), sorted({gpu_job(1, 0, 10, 1, 0), gpu_job(2, 0, 20, 2, 0)}), {.check_invariants = true});
  FnPolicy p([](Decisions& d) {
    if (d.view().now() != Time::zero()) return;
    const Slot on0[] = {{NodeId(0), 1}};
    const Slot on1[] = {{NodeId(1), 2}};
    d.start(JobId(0), on0);
    d.start(JobId(1), on1);
  });
  e.run(p);
  const RunSummary s = summarize(e);
  EXPECT_DOUBLE_EQ(s.gpu_utilisation, 0.625);
  ASSERT_EQ(s.gpu_utilisation_by_model.size(), 2u);
  EXPECT_EQ(s.gpu_utilisation_by_model[0].first, "v100");
  EXPECT_DOUBLE_EQ(s.gpu_utilisation_by_model[0].second, 0.25);
  EXPECT_EQ(s.gpu_utilisation_by_model[1].first, "k80");
  EXPECT_DOUBLE_EQ(s.gpu_utilisation_by_model[1].second, 1.0);
}

TEST(DlMetrics, FinishTimeFairnessAndJainsIndex) {
  // One node with 2 GPUs; two 2-GPU jobs of 10 s at t=0 (users 1 and 2): J1 runs 0-10, J2
  // 10-20. Jobs in the system: 2 during 0-10, 1 during 10-20.
  //   J1: n = 2, T_id = 10 * max(1, 2000*2/2000) = 20, rho = 10/20 = 0.5
  //   J2: n = (2*10 + 1*10)/20 = 1.5, T_id = 10 * 1.5 = 15, rho = 20/15
  Engine e(Cluster::homogeneous(1, Resources{8, 2000, 0}), sorted({gpu_job(1, 0, 10, 2, 1), gpu_job(2, 0, 10, 2, 2)}),
           {.check_invariants = true});
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_DOUBLE_EQ(e.record(JobId(0)).contention, 2.0);
  EXPECT_DOUBLE_EQ(e.record(JobId(1)).contention, 1.5);
  const RunSummary s = summarize(e);
  const double r1 = 0.5, r2 = 20.0 / 15.0;
  EXPECT_DOUBLE_EQ(s.finish_time_fairness.mean, (r1 + r2) / 2);
  EXPECT_DOUBLE_EQ(s.finish_time_fairness.max, r2);
  EXPECT_DOUBLE_EQ(s.jain_users, (r1 + r2) * (r1 + r2) / (2 * (r1 * r1 + r2 * r2)));
}

TEST(DlMetrics, AJobAloneOnItsShareHasFairnessOne) {
  // A 1-GPU job alone on a 4-GPU cluster: n = 1, T_id = run, rho = 1; Jain over one user = 1.
  Engine e(Cluster::homogeneous(1, Resources{8, 4000, 0}), sorted({gpu_job(1, 0, 30, 1, 3)}), {});
  FnPolicy p(greedy);
  e.run(p);
  const RunSummary s = summarize(e);
  EXPECT_DOUBLE_EQ(s.finish_time_fairness.mean, 1.0);
  EXPECT_DOUBLE_EQ(s.jain_users, 1.0);
}
