#include "traces/openb.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "sim/error.hpp"
#include "support/error_of.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kDir = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/alibaba-gpu-v2023/";
const std::string kAllNodes = kDir + "openb_node_list_all_node.csv";
const std::string kGpuNodes = kDir + "openb_node_list_gpu_node.csv";
const std::string kPods = kDir + "openb_pod_list_default.csv";

const char* kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
    "scheduled_time\n";

std::string pod_error(const std::string& rows) {
  return error_of([&] { parse_openb_pods(kPodHeader + rows, "pods.csv"); });
}

std::string node_error(const std::string& rows) {
  return error_of([&] { parse_openb_nodes("sn,cpu_milli,memory_mib,gpu,model\n" + rows, "nodes.csv"); });
}

}  // namespace

// Published totals (alibaba/clusterdata cluster-trace-gpu-v2023/README.md and the FGD
// simulator's example output; see tests/data/alibaba-gpu-v2023/README.md).
TEST(Openb, AllNodeListHas1523NodesAnd6212Gpus) {
  const ClusterSpec spec = read_openb_cluster(kAllNodes);
  const Cluster& c = spec.cluster;
  EXPECT_EQ(spec.name, "openb_node_list_all_node");
  ASSERT_EQ(c.num_nodes(), 1523u);
  EXPECT_EQ(c.total_capacity().gpu_milli, 6212 * 1000);
  std::map<std::string, int64_t> nodes_by_model;
  for (uint32_t n = 0; n < c.num_nodes(); ++n) ++nodes_by_model[c.type_of(NodeId(n)).gpu_model];
  EXPECT_EQ(nodes_by_model, (std::map<std::string, int64_t>{{"", 310}, {"A10", 2}, {"G2", 549}, {"G3", 39},
                                                            {"P100", 134}, {"T4", 404}, {"V100M16", 55},
                                                            {"V100M32", 30}}));
  // 27 distinct (cpu, memory, GPUs, model) rows (counted with sort | uniq).
  EXPECT_EQ(c.node_types().size(), 27u);
  EXPECT_EQ(spec.node_names[0], "openb-node-0000");
  EXPECT_EQ(c.type_of(NodeId(0)).name, "cpu-32c-256g");
  EXPECT_EQ(c.capacity(NodeId(0)), (Resources{32000, 0, 262144}));
  EXPECT_EQ(spec.topology.rack_switch, (std::vector<int32_t>{0}));
  EXPECT_TRUE(spec.warnings.empty());
}

TEST(Openb, GpuNodeListHas1213NodesWith6212GpusAnd107018000MilliCpu) {
  const ClusterSpec spec = read_openb_cluster(kGpuNodes);
  const Cluster& c = spec.cluster;
  ASSERT_EQ(c.num_nodes(), 1213u);
  EXPECT_EQ(c.total_capacity().gpu_milli, 6'212'000);
  EXPECT_EQ(c.total_capacity().cores, 107'018'000);  // milli-CPU by default
  // First row: openb-node-0000,64000,262144,2,P100
  EXPECT_EQ(c.type_of(NodeId(0)).name, "P100x2-64c-256g");
  EXPECT_EQ(c.type_of(NodeId(0)).gpu_model, "P100");
  EXPECT_EQ(c.capacity(NodeId(0)), (Resources{64000, 2000, 262144}));
  OpenbOptions cores;
  cores.cpu = OpenbCpuUnit::Cores;
  EXPECT_EQ(read_openb_cluster(kGpuNodes, cores).cluster.total_capacity().cores, 107'018);
  const OpenbNodeList raw = read_openb_nodes(kGpuNodes);
  ASSERT_EQ(raw.rows.size(), 1213u);
  EXPECT_EQ(raw.rows[0], (OpenbNode{"openb-node-0000", 64000, 262144, 2, "P100"}));
}

TEST(Openb, PodListHas8152TasksWithTheirPublishedMix) {
  const Workload w = read_openb_workload(kPods);
  EXPECT_EQ(w.name, "openb_pod_list_default.csv");
  ASSERT_EQ(w.jobs.size(), 8152u);
  EXPECT_TRUE(w.skipped.empty());
  int64_t sharing = 0, gpu_milli = 0;
  std::map<int32_t, int64_t> statuses, queues;
  for (const JobSpec& j : w.jobs) {
    EXPECT_EQ(j.tasks, 1);
    gpu_milli += j.per_task.gpu_milli;
    if (j.per_task.gpu_milli > 0 && j.per_task.gpu_milli < 1000) ++sharing;
    ++statuses[j.status];
    ++queues[j.queue];
    EXPECT_EQ(j.gpu_model, "");  // gpu_spec is empty in every row
  }
  EXPECT_EQ(sharing, 3078);
  EXPECT_EQ(gpu_milli, 6'086'800);
  // Running 5,193 (-1), Failed 1,870 (0), Succeeded 192 (1), Pending 897 (5).
  EXPECT_EQ(statuses, (std::map<int32_t, int64_t>{{-1, 5193}, {0, 1870}, {1, 192}, {5, 897}}));
  // LS 4,647 (0), BE 3,398 (1), Burstable 100 (2), Guaranteed 7 (3).
  EXPECT_EQ(queues, (std::map<int32_t, int64_t>{{0, 4647}, {1, 3398}, {2, 100}, {3, 7}}));
  EXPECT_EQ(w.jobs.back().submit, Time::from_seconds(12'901'761));

  std::map<int64_t, int64_t> by_num_gpu;
  for (const OpenbPod& p : read_openb_pods(kPods).rows) ++by_num_gpu[p.num_gpu];
  EXPECT_EQ(by_num_gpu, (std::map<int64_t, int64_t>{{0, 1088}, {1, 6989}, {2, 16}, {4, 15}, {8, 44}}));
}

TEST(Openb, PodsMapToJobsFieldByField) {
  const Workload w = read_openb_workload(kPods);
  // openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0
  const JobSpec& first = w.jobs[0];
  EXPECT_EQ(first.trace_id, 0);
  EXPECT_EQ(first.submit, Time::from_seconds(0));
  EXPECT_EQ(first.runtime, Time::from_seconds(12'537'496));
  EXPECT_EQ(first.walltime, first.runtime);
  EXPECT_EQ(first.per_task, (Resources{12000, 1000, 16384}));
  EXPECT_EQ(first.queue, 0);
  EXPECT_EQ(first.status, -1);
  // openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061: a shared GPU.
  EXPECT_EQ(w.jobs[1].per_task, (Resources{6000, 460, 12288}));
  EXPECT_EQ(w.jobs[1].runtime, Time::from_seconds(12'902'960 - 427'061));
  // openb-pod-7285,8000,30517,1,230,,BE,Pending,12774042,12774042, : never scheduled, deleted
  // the second it was created: runtime 0, walltime 1 s, status 5.
  const auto pending = std::find_if(w.jobs.begin(), w.jobs.end(), [](const JobSpec& j) { return j.trace_id == 7285; });
  ASSERT_NE(pending, w.jobs.end());
  EXPECT_EQ(pending->runtime, Time::zero());
  EXPECT_EQ(pending->walltime, Time::from_seconds(1));
  EXPECT_EQ(pending->status, 5);
  EXPECT_EQ(pending->queue, 1);
  const OpenbPod raw = read_openb_pods(kPods).rows[7285];
  EXPECT_EQ(raw.name, "openb-pod-7285");
  EXPECT_EQ(raw.phase, OpenbPhase::Pending);
  EXPECT_EQ(raw.scheduled_time, -1);
}

TEST(Openb, UnscheduledPodsAreKeptOrSkippedAsAsked) {
  OpenbOptions skip;
  skip.skip_unscheduled = true;
  const Workload w = read_openb_workload(kPods, skip);
  EXPECT_EQ(w.jobs.size(), 8152u - 897u);  // the 897 Pending pods have no scheduled_time
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"never scheduled", 897}}));
}

TEST(Openb, CpuInWholeCoresRoundsPodsUp) {
  OpenbOptions cores;
  cores.cpu = OpenbCpuUnit::Cores;
  const Workload w = parse_openb_workload(std::string(kPodHeader) +
                                              "p0,3152,100,0,0,,BE,Running,5,9,5\n"
                                              "p1,6000,100,0,0,,BE,Running,6,9,6\n",
                                          "pods.csv", cores);
  EXPECT_EQ(w.jobs[0].per_task.cores, 4);
  EXPECT_EQ(w.jobs[1].per_task.cores, 6);
  EXPECT_EQ(parse_openb_cpu_unit("cores"), OpenbCpuUnit::Cores);
  EXPECT_EQ(error_of([] { parse_openb_cpu_unit("kilo"); }), "openb CPU unit: expected milli or cores, found 'kilo'");
}

TEST(Openb, MissingTimesAndGpuSpecsFollowTheDocumentedChoices) {
  const std::string text = std::string(kPodHeader) +
                           "a,1000,10,8,1000,V100M16||V100M32|,LS,Running,10,,12\n"  // alive at the end
                           "b,1000,10,0,0,,BE,Pending,20,50,\n"                      // never scheduled
                           "c,1000,10,1,500,,BE,Succeeded,30,100.0,40.0\n";          // pandas floats
  const Workload w = parse_openb_workload(text, "x.csv");
  ASSERT_EQ(w.jobs.size(), 3u);
  EXPECT_EQ(w.jobs[0].runtime, Time::from_seconds(100 - 12));  // to the trace's last time
  EXPECT_EQ(w.jobs[0].gpu_model, "V100M16|V100M32");
  EXPECT_EQ(w.jobs[0].per_task.gpu_milli, 8000);
  EXPECT_EQ(w.jobs[1].runtime, Time::from_seconds(50 - 20));  // its lifetime
  EXPECT_EQ(w.jobs[2].runtime, Time::from_seconds(100 - 40));
  OpenbOptions skip;
  skip.skip_undeleted = true;
  const Workload s = parse_openb_workload(text, "x.csv", skip);
  EXPECT_EQ(s.jobs.size(), 2u);
  EXPECT_EQ(s.skipped, (std::map<std::string, int64_t>{{"no deletion time", 1}}));
}

TEST(Openb, MalformedPodRowsNameFileLineAndColumn) {
  EXPECT_EQ(pod_error("p,abc,1,0,0,,LS,Running,0,1,0\n"),
            "pods.csv:2: column 2 (cpu_milli): expected an integer >= 0, found 'abc'");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,0,1,0\np,1,-5,0,0,,LS,Running,0,1,0\n"),
            "pods.csv:3: column 3 (memory_mib): expected an integer >= 0, found '-5'");
  EXPECT_EQ(pod_error("p,1,1,1,1001,,LS,Running,0,1,0\n"),
            "pods.csv:2: column 5 (gpu_milli): expected at most 1000, found 1001");
  EXPECT_EQ(pod_error("p,1,1,2,500,,LS,Running,0,1,0\n"),
            "pods.csv:2: column 5 (gpu_milli): expected 1000 for a pod with num_gpu 2 (only one-GPU pods share a "
            "GPU), found 500");
  EXPECT_EQ(pod_error("p,1,1,0,300,,LS,Running,0,1,0\n"),
            "pods.csv:2: column 5 (gpu_milli): expected 0 for a pod with num_gpu 0, found 300");
  EXPECT_EQ(pod_error("p,1,1,1,0,,LS,Running,0,1,0\n"),
            "pods.csv:2: column 5 (gpu_milli): expected 1 to 1000 (the share of each GPU) for a pod with num_gpu 1, "
            "found 0");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Sleeping,0,1,0\n"),
            "pods.csv:2: column 8 (pod_phase): expected Pending, Running, Succeeded, Failed or Unknown, found "
            "'Sleeping'");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,,1,0\n"),
            "pods.csv:2: column 9 (creation_time): expected a time in seconds, found nothing");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,10,20,5\n"),
            "pods.csv:2: column 11 (scheduled_time): expected a time >= creation_time (10), found 5");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,10,12,15\n"),
            "pods.csv:2: column 10 (deletion_time): expected a time >= scheduled_time (15), found 12");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,10,12.5,10\n"),
            "pods.csv:2: column 10 (deletion_time): expected an integer >= 0, found '12.5'");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,10\n"),
            "pods.csv:2: column 10 (deletion_time): missing: expected 11 columns, found 9");
  EXPECT_EQ(pod_error("p,1,1,0,0,,LS,Running,10,12,10,x\n"),
            "pods.csv:2: column 12: expected exactly 11 columns, found 12 (first extra: 'x')");
  EXPECT_EQ(pod_error(",1,1,0,0,,LS,Running,10,12,10\n"), "pods.csv:2: column 1 (name): expected a pod name, found nothing");
}

TEST(Openb, MalformedNodeRowsNameFileLineAndColumn) {
  EXPECT_EQ(node_error("n0,1000,10,2,\n"),
            "nodes.csv:2: column 5 (model): expected the GPU model of a node with 2 GPUs, found nothing");
  EXPECT_EQ(node_error("n0,1000,10,0,T4\n"),
            "nodes.csv:2: column 5 (model): expected nothing for a node without GPUs, found 'T4'");
  EXPECT_EQ(node_error("n0,1000,10,0,\n\nn0,1000,10,0,\n"),
            "nodes.csv:4: column 1 (sn): duplicate node 'n0', first on line 2");
  EXPECT_EQ(node_error("n0,1000,10,x1,\n"), "nodes.csv:2: column 4 (gpu): expected an integer >= 0, found 'x1'");
  EXPECT_EQ(node_error("n0,0,0,0,\n"), "nodes.csv:2: column 2 (cpu_milli): a node with no CPU, memory or GPU");
}

TEST(Openb, HeadersAreCheckedByName) {
  EXPECT_EQ(error_of([] { parse_openb_nodes("sn,cpu_mili,memory_mib,gpu,model\n", "nodes.csv"); }),
            "nodes.csv:1: header: missing column 'cpu_milli' (did you mean 'cpu_mili'?)");
  EXPECT_EQ(error_of([] { parse_openb_nodes("sn,cpu_milli,memory_mib,gpu\n", "nodes.csv"); }),
            "nodes.csv:1: header: missing column 'model'");
  EXPECT_EQ(error_of([] { parse_openb_pods("", "pods.csv"); }), "pods.csv:1: header: empty file: expected a header row");
  // Columns in another order, an extra column, Windows line ends: read by name.
  const OpenbNodeList nodes =
      parse_openb_nodes("model,gpu,sn,rack,memory_mib,cpu_milli\r\nT4,2,n7,r1,1024,8000\r\n", "nodes.csv");
  ASSERT_EQ(nodes.rows.size(), 1u);
  EXPECT_EQ(nodes.rows[0], (OpenbNode{"n7", 8000, 1024, 2, "T4"}));
  // The optional pod columns may be absent: no phase (Unknown), never scheduled, never deleted.
  const OpenbPodList pods =
      parse_openb_pods("name,cpu_milli,memory_mib,num_gpu,gpu_milli,creation_time\np,1,2,0,0,7\n", "pods.csv");
  ASSERT_EQ(pods.rows.size(), 1u);
  EXPECT_EQ(pods.rows[0].phase, OpenbPhase::Unknown);
  EXPECT_EQ(pods.rows[0].deletion_time, -1);
}

TEST(Openb, LenientReadsSkipAndCountMalformedRows) {
  OpenbOptions lenient;
  lenient.strict = false;
  const Workload w = parse_openb_workload(std::string(kPodHeader) +
                                              "p0,1,1,0,0,,LS,Running,0,1,0\n"
                                              "p1,bad,1,0,0,,LS,Running,0,1,0\n"
                                              "p2,1,1,0,0,,LS,Running,0\n"
                                              "p3,1,1,0,0,,LS,Running,2,3,2\n",
                                          "pods.csv", lenient);
  ASSERT_EQ(w.jobs.size(), 2u);
  EXPECT_EQ(w.jobs[1].trace_id, 3);  // ids stay the data row numbers
  EXPECT_EQ(w.skipped, (std::map<std::string, int64_t>{{"malformed row", 2}}));
  ASSERT_EQ(w.warnings.size(), 2u);
  EXPECT_EQ(w.warnings[0], "pods.csv:3: column 2 (cpu_milli): expected an integer >= 0, found 'bad'");
  EXPECT_EQ(w.warnings[1], "pods.csv:4: column 10 (deletion_time): missing: expected 11 columns, found 9");
  OpenbOptions lenient_nodes = lenient;
  const ClusterSpec c =
      parse_openb_cluster("sn,cpu_milli,memory_mib,gpu,model\nn0,1000,1,1,T4\nn1,1000,1,1,\n", "n.csv", lenient_nodes);
  EXPECT_EQ(c.cluster.num_nodes(), 1u);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0].rfind("n.csv:3: column 5 (model):", 0), 0u);
}
