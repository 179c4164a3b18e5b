// Job types for real GPU traces (assign_dl_job_types): the reshape arithmetic, the
// scale-factor fallback, jobs without GPUs, determinism and what is drawn.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/fn_policy.hpp"
#include "workloads/dl.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// Eligible (positive on V100 and K80): scale 1 {a, c}, scale 2 {a, b}, scale 4 none (a has 0
// on K80), scale 8 {a}. b at scale 1 does not run on K80.
ThroughputTable toy_table() {
  return parse_throughputs_csv(
      "job_type,gpu_type,throughput,placement,scale_factor\n"
      "a,v100,10,consolidated,1\n"
      "a,k80,5,consolidated,1\n"
      "a,v100,18,consolidated,2\n"
      "a,k80,9,consolidated,2\n"
      "a,v100,30,consolidated,4\n"
      "a,k80,0,consolidated,4\n"
      "a,v100,50,consolidated,8\n"
      "a,k80,20,consolidated,8\n"
      "b,v100,10,consolidated,1\n"
      "b,k80,0,consolidated,1\n"
      "b,v100,16,consolidated,2\n"
      "b,k80,8,consolidated,2\n"
      "c,v100,8,consolidated,1\n"
      "c,k80,4,consolidated,1\n",
      "toy.csv");
}

ThroughputTable gavel_table() {
  return read_throughputs(std::string(CLUSTERSIM_SOURCE_DIR) + "/data/gavel-throughputs/simulation_throughputs.json");
}

// A job as a GPU trace gives it: one task holding all its GPUs, cores and memory.
JobSpec gpu_job(int64_t id, int64_t submit_s, int64_t runtime_s, int64_t gpu_milli, int64_t cores, int64_t mem_mib) {
  JobSpec j = job(id, submit_s, runtime_s, 1);
  j.per_task = Resources{cores, gpu_milli, mem_mib};
  j.gpu_model = "V100M16|V100M32";
  return j;
}

Workload workload_of(std::vector<JobSpec> jobs) {
  Workload w;
  w.name = "trace";
  w.jobs = sorted(std::move(jobs));
  return w;
}

// n one-GPU jobs arriving a second apart.
Workload one_gpu_jobs(int64_t n) {
  std::vector<JobSpec> jobs;
  for (int64_t i = 0; i < n; ++i) jobs.push_back(gpu_job(i + 1, i, 600, 1000, 4, 1024));
  return workload_of(std::move(jobs));
}

bool runs_everywhere(const ThroughputTable& t, int32_t type) {
  for (int32_t g = 0; g < static_cast<int32_t>(t.num_gpu_types()); ++g) {
    for (GpuPlacement p : {GpuPlacement::Consolidated, GpuPlacement::Spread}) {
      auto v = t.isolated(type, g, p);
      if (!v && p == GpuPlacement::Spread) v = t.isolated(type, g, GpuPlacement::Consolidated);
      if (!v || !(*v > 0)) return false;
    }
  }
  return true;
}

}  // namespace

TEST(DlJobTypes, AFourGpuJobBecomesFourOneGpuTasksWithItsTotalsSplit) {
  const ThroughputTable t = gavel_table();
  const Workload w = workload_of({gpu_job(7, 100, 3600, 4000, 16, 65536)});
  const DlJobTypesResult r = assign_dl_job_types(w, t, {});
  ASSERT_EQ(r.workload.jobs.size(), 1u);
  const JobSpec& j = r.workload.jobs[0];
  EXPECT_EQ(j.tasks, 4);
  EXPECT_EQ(j.per_task, (Resources{4, 1000, 16384}));
  EXPECT_EQ(t.job_type(j.job_type).scale_factor, 4);
  EXPECT_EQ(j.trace_id, 7);
  EXPECT_EQ(j.submit, Time::from_seconds(100));
  EXPECT_EQ(j.runtime, Time::from_seconds(3600));
  EXPECT_EQ(j.walltime, Time::from_seconds(3600));
  EXPECT_TRUE(j.gpu_model.empty());  // the trace's GPU models mean nothing to the table
  EXPECT_EQ(r.converted, 1);
  EXPECT_EQ(r.rounded_up, 0);
  EXPECT_EQ(r.remapped_scale, 0);
  EXPECT_EQ(r.workload.name, "trace | dl_job_types(seed 1)");
}

TEST(DlJobTypes, PerTaskCoresAndMemoryAreRoundedUp) {
  // 2 GPUs, 5 cores, 3 MiB: 2 tasks of {3 cores, 1 GPU, 2 MiB}.
  const DlJobTypesResult r = assign_dl_job_types(workload_of({gpu_job(1, 0, 60, 2000, 5, 3)}), toy_table(), {});
  EXPECT_EQ(r.workload.jobs[0].tasks, 2);
  EXPECT_EQ(r.workload.jobs[0].per_task, (Resources{3, 1000, 2}));
}

TEST(DlJobTypes, AFractionalGpuTotalIsRoundedUpToWholeGpus) {
  JobSpec shares = gpu_job(3, 0, 60, 500, 1, 10);  // 3 tasks of half a GPU: 1.5 -> 2 GPUs
  shares.tasks = 3;
  JobSpec halves = gpu_job(2, 0, 60, 500, 1, 10);  // 2 tasks of half a GPU: exactly 1 GPU
  halves.tasks = 2;
  const DlJobTypesResult r =
      assign_dl_job_types(workload_of({gpu_job(1, 0, 60, 460, 6, 12288), halves, shares}), toy_table(), {});
  ASSERT_EQ(r.workload.jobs.size(), 3u);
  EXPECT_EQ(r.workload.jobs[0].tasks, 1);
  EXPECT_EQ(r.workload.jobs[0].per_task, (Resources{6, 1000, 12288}));
  EXPECT_EQ(r.workload.jobs[1].tasks, 1);
  EXPECT_EQ(r.workload.jobs[1].per_task, (Resources{2, 1000, 20}));
  EXPECT_EQ(r.workload.jobs[2].tasks, 2);
  EXPECT_EQ(r.workload.jobs[2].per_task, (Resources{2, 1000, 15}));
  EXPECT_EQ(r.rounded_up, 2);
  EXPECT_EQ(r.remapped_scale, 0);
}

TEST(DlJobTypes, AGpuCountWithoutEligibleTypesTakesTheNextLargerScaleElseTheLargestBelow) {
  // Eligible scale factors in the toy table: 1, 2, 8. 3 and 4 GPUs -> 8 (4 exists but does
  // not run on K80); 16 -> 8 (nothing above); 2 stays 2.
  const ThroughputTable t = toy_table();
  const Workload w = workload_of({gpu_job(1, 0, 60, 3000, 24, 0), gpu_job(2, 0, 60, 4000, 8, 0),
                                  gpu_job(3, 0, 60, 16000, 32, 0), gpu_job(4, 0, 60, 2000, 2, 0)});
  const DlJobTypesResult r = assign_dl_job_types(w, t, {});
  const int32_t want[] = {8, 8, 8, 2};
  for (size_t i = 0; i < 4; ++i) {
    const JobSpec& j = r.workload.jobs[i];
    EXPECT_EQ(j.tasks, want[i]) << "job " << j.trace_id;
    EXPECT_EQ(t.job_type(j.job_type).scale_factor, want[i]);
  }
  EXPECT_EQ(r.workload.jobs[0].per_task.cores, 3);  // 24 cores over 8 tasks
  EXPECT_EQ(r.workload.jobs[2].per_task.cores, 4);  // 32 cores over 8 tasks
  EXPECT_EQ(r.workload.jobs[0].job_type, *t.find_job_type("a", 8));  // the only eligible one
  EXPECT_EQ(r.converted, 4);
  EXPECT_EQ(r.remapped_scale, 3);
}

TEST(DlJobTypes, JobsWithoutGpusAreLeftAsTheyAre) {
  JobSpec cpu = job(1, 5, 100, 3);
  cpu.per_task = Resources{2, 0, 512};
  cpu.gpu_model = "keep";
  const DlJobTypesResult r = assign_dl_job_types(workload_of({cpu, gpu_job(2, 6, 100, 1000, 1, 1)}), toy_table(), {});
  EXPECT_EQ(r.workload.jobs[0], cpu);
  EXPECT_EQ(r.without_gpus, 1);
  EXPECT_EQ(r.converted, 1);
  EXPECT_GE(r.workload.jobs[1].job_type, 0);
}

TEST(DlJobTypes, TheSameSeedGivesTheSameTypesAndAnotherSeedOthers) {
  const ThroughputTable t = gavel_table();
  const Workload w = one_gpu_jobs(200);
  const auto a = assign_dl_job_types(w, t, {.seed = 5});
  const auto b = assign_dl_job_types(w, t, {.seed = 5});
  const auto c = assign_dl_job_types(w, t, {.seed = 6});
  EXPECT_EQ(a.workload.jobs, b.workload.jobs);
  EXPECT_NE(a.workload.jobs, c.workload.jobs);
}

TEST(DlJobTypes, EveryDrawnTypeRunsOnEveryGpuTypeAndMatchesTheJobsGpus) {
  const ThroughputTable t = gavel_table();
  std::vector<JobSpec> jobs;
  for (int64_t i = 0; i < 400; ++i) jobs.push_back(gpu_job(i + 1, i, 60, 1000 * (1 + i % 10), 8, 0));
  const DlJobTypesResult r = assign_dl_job_types(workload_of(std::move(jobs)), t, {.seed = 2});
  for (const JobSpec& j : r.workload.jobs) {
    ASSERT_GE(j.job_type, 0);
    EXPECT_EQ(t.job_type(j.job_type).scale_factor, j.tasks);
    EXPECT_EQ(j.per_task.gpu_milli, 1000);
    EXPECT_TRUE(runs_everywhere(t, j.job_type)) << t.job_type(j.job_type).to_string();
    const auto ids = dl_eligible_job_types(t, j.tasks);
    EXPECT_NE(std::find(ids.begin(), ids.end(), j.job_type), ids.end());
  }
}

TEST(DlJobTypes, EachEligibleOneGpuTypeIsDrawnIn2000Draws) {
  const ThroughputTable t = gavel_table();
  const std::vector<int32_t> eligible = dl_eligible_job_types(t, 1);
  ASSERT_GE(eligible.size(), 2u);
  const DlJobTypesResult r = assign_dl_job_types(one_gpu_jobs(2000), t, {.seed = 1});
  std::map<int32_t, int64_t> drawn;
  for (const JobSpec& j : r.workload.jobs) ++drawn[j.job_type];
  for (int32_t id : eligible) EXPECT_GT(drawn[id], 0) << t.job_type(id).to_string();
  EXPECT_EQ(drawn.size(), eligible.size());
}

TEST(DlJobTypes, ARuntimeIsTheDurationOnTheReferenceGpu) {
  // A converted 2-GPU job consolidated on a V100 node runs at rate 1: it ends after its runtime.
  const ThroughputTable t = toy_table();
  Cluster c;
  const uint32_t v100 = c.add_node_type(NodeType{"v100-node", Resources{8, 2000, 0}, "V100"});
  c.add_nodes(v100, 1, 0);
  const DlJobTypesResult r = assign_dl_job_types(workload_of({gpu_job(1, 0, 900, 2000, 4, 0)}), t, {});
  Engine e(c, r.workload.jobs, {.check_invariants = true});
  ThroughputSpeedModel speed(t);
  e.set_speed_model(&speed);
  FnPolicy p(greedy);
  e.run(p);
  EXPECT_EQ(e.record(JobId(0)).end, Time::from_seconds(900));
}

TEST(DlJobTypes, BadSettingsAreNamed) {
  const ThroughputTable t = toy_table();
  auto message = [&](const DlJobTypesConfig& cfg) {
    try {
      assign_dl_job_types(one_gpu_jobs(1), t, cfg);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({.reference_gpu = ""}).find("dl_job_types.reference_gpu"), std::string::npos);
  EXPECT_NE(message({.reference_gpu = "a100"}).find("'a100'"), std::string::npos);
  const ThroughputTable none = parse_throughputs_csv(
      "job_type,gpu_type,throughput\n"
      "a,v100,1\n"
      "a,k80,0\n",
      "none.csv");
  EXPECT_THROW(assign_dl_job_types(one_gpu_jobs(1), none, {}), InputError);
}

TEST(DlJobTypes, KeptSharesStayOneWorkerOnAShareOfAGpu) {
  // With keep_shares a one-task job asking for 460 milli-GPUs keeps its task and share and gets
  // a scale-factor-1 type ({a, c}); a 1.5-GPU job is still rounded up to two whole GPUs.
  const ThroughputTable t = toy_table();
  const Workload w = workload_of({gpu_job(1, 0, 100, 460, 2, 1024), gpu_job(2, 1, 100, 1500, 4, 0)});
  const DlJobTypesResult r = assign_dl_job_types(w, t, {.keep_shares = true});
  EXPECT_EQ(r.converted, 2);
  EXPECT_EQ(r.kept_shares, 1);
  EXPECT_EQ(r.rounded_up, 1);
  const JobSpec& share = r.workload.jobs[0];
  EXPECT_EQ(share.tasks, 1);
  EXPECT_EQ(share.per_task, (Resources{2, 460, 1024}));
  EXPECT_TRUE(share.gpu_model.empty());
  EXPECT_TRUE(share.job_type == *t.find_job_type("a", 1) || share.job_type == *t.find_job_type("c", 1));
  EXPECT_EQ(r.workload.jobs[1].tasks, 2);
  EXPECT_EQ(r.workload.jobs[1].per_task.gpu_milli, 1000);
  // Without it the share is rounded up to a whole GPU, and the draws are the same.
  const DlJobTypesResult whole = assign_dl_job_types(w, t, {});
  EXPECT_EQ(whole.kept_shares, 0);
  EXPECT_EQ(whole.workload.jobs[0].per_task.gpu_milli, 1000);
  EXPECT_EQ(whole.workload.jobs[0].job_type, share.job_type);
}
