#include "traces/cluster_spec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.hpp"

using namespace clustersim;

namespace {

const std::string kClusters = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/../../data/clusters/";

// The message of the InputError that parsing `text` raises, or "no error".
std::string error_of(std::string_view text) {
  try {
    parse_cluster_spec(text, "spec.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// A valid one-type spec to break in one place per test.
constexpr const char* kV100 =
    "[node_types.v100]\n"  // line 1
    "gpu_model = \"V100\"\n"
    "gpus = 4\n"
    "cores = 32\n"
    "memory_gib = 244\n"   // line 5
    "count = 2\n";

}  // namespace

TEST(ClusterSpec, GavelExampleHasTheNodesAndCapacitiesItLists) {
  const ClusterSpec spec = read_cluster_spec(kClusters + "gavel-heterogeneous.toml");
  const Cluster& c = spec.cluster;
  EXPECT_EQ(spec.name, "gavel-heterogeneous");
  ASSERT_EQ(c.num_nodes(), 27u);
  ASSERT_EQ(c.node_types().size(), 3u);
  EXPECT_EQ(c.node_types()[0].name, "v100");
  EXPECT_EQ(c.node_types()[0].gpu_model, "V100");
  EXPECT_EQ(c.node_types()[0].capacity, (Resources{32, 4000, 244 * 1024}));
  EXPECT_EQ(c.node_types()[2].capacity, (Resources{32, 4000, 366 * 1024}));
  EXPECT_EQ(c.nodes_of_type(0), 9);
  EXPECT_EQ(c.nodes_of_type(1), 9);
  EXPECT_EQ(c.nodes_of_type(2), 9);
  // 108 GPUs; 27 x 32 cores; 18 x 244 GiB + 9 x 366 GiB.
  EXPECT_EQ(c.total_capacity(), (Resources{864, 108'000, (18 * 244 + 9 * 366) * 1024}));
  // Racks in file order: a1 = nodes 0-8 (v100), a2 = 9-13 (p100), b1 = 14-17 (p100) and
  // 18-20 (k80), b2 = 21-26 (k80).
  EXPECT_EQ(c.rack(NodeId(8)), 0);
  EXPECT_EQ(c.rack(NodeId(9)), 1);
  EXPECT_EQ(c.rack(NodeId(14)), 2);
  EXPECT_EQ(c.type_of(NodeId(17)).name, "p100");
  EXPECT_EQ(c.type_of(NodeId(18)).name, "k80");
  EXPECT_EQ(c.rack(NodeId(26)), 3);
  EXPECT_EQ(spec.node_names[14], "p100-5");
  EXPECT_EQ(spec.node_names[18], "k80-0");
  EXPECT_EQ(spec.node_names[26], "k80-8");
  EXPECT_EQ(spec.topology.rack_names, (std::vector<std::string>{"rack-a1", "rack-a2", "rack-b1", "rack-b2"}));
  EXPECT_EQ(spec.topology.switch_names, (std::vector<std::string>{"switch-a", "switch-b"}));
  EXPECT_EQ(spec.topology.rack_switch, (std::vector<int32_t>{0, 0, 1, 1}));
  const Topology topo = spec.build_topology();
  EXPECT_EQ(topo.hops(NodeId(0), NodeId(8)), 2);
  EXPECT_EQ(topo.hops(NodeId(0), NodeId(9)), 4);
  EXPECT_EQ(topo.hops(NodeId(0), NodeId(14)), 6);
  EXPECT_EQ(topo.hops(NodeId(18), NodeId(26)), 4);
}

TEST(ClusterSpec, CpuExampleIsOneRackOfCountedNodeTypes) {
  const ClusterSpec spec = read_cluster_spec(kClusters + "cpu-small.toml");
  EXPECT_EQ(spec.name, "cpu-small");
  ASSERT_EQ(spec.cluster.num_nodes(), 18u);
  EXPECT_EQ(spec.cluster.total_capacity(), (Resources{16 * 32 + 2 * 64, 0, (16 * 128 + 2 * 1024) * 1024}));
  EXPECT_EQ(spec.cluster.type_of(NodeId(15)).name, "compute");
  EXPECT_EQ(spec.cluster.type_of(NodeId(16)).name, "bigmem");
  EXPECT_EQ(spec.cluster.node_types()[1].gpu_model, "");
  EXPECT_EQ(spec.topology.rack_names, (std::vector<std::string>{"rack-0"}));
  EXPECT_EQ(spec.topology.switch_names, (std::vector<std::string>{"switch-0"}));
  EXPECT_EQ(spec.build_topology().hops(NodeId(0), NodeId(17)), 2);
}

TEST(ClusterSpec, FileOrderDecidesNodeIdsNotKeyOrder) {
  // toml++ keeps keys sorted; the reader restores the order the file wrote them in.
  const ClusterSpec spec = parse_cluster_spec(
      "name = \"x\"\n"
      "[node_types.zeta]\ncores = 1\nmemory_mib = 512\n"
      "[node_types.alpha]\ncores = 2\nmemory_mib = 1024\n"
      "[racks.r9]\nnodes = { zeta = 1, alpha = 2 }\n"
      "[racks.r10]\nswitch = \"spine\"\nnodes = { alpha = 1 }\n",
      "inline.toml");
  ASSERT_EQ(spec.cluster.num_nodes(), 4u);
  EXPECT_EQ(spec.cluster.node_types()[0].name, "zeta");
  EXPECT_EQ(spec.cluster.type_of(NodeId(0)).name, "zeta");
  EXPECT_EQ(spec.cluster.type_of(NodeId(1)).name, "alpha");
  EXPECT_EQ(spec.cluster.rack(NodeId(3)), 1);
  EXPECT_EQ(spec.cluster.capacity(NodeId(1)), (Resources{2, 0, 1024}));
  EXPECT_EQ(spec.topology.rack_names, (std::vector<std::string>{"r9", "r10"}));
  // r9 names no switch: it is on the default "switch-0".
  EXPECT_EQ(spec.topology.switch_names, (std::vector<std::string>{"switch-0", "spine"}));
  EXPECT_EQ(spec.node_names, (std::vector<std::string>{"zeta-0", "alpha-0", "alpha-1", "alpha-2"}));
}

TEST(ClusterSpec, NameDefaultsToTheFileStem) {
  EXPECT_EQ(parse_cluster_spec(kV100, "dir/my-cluster.toml").name, "my-cluster");
}

TEST(ClusterSpec, UnknownKeysNameTheirPathAndLineWithASuggestion) {
  EXPECT_EQ(error_of(std::string("node_type = 1\n") + kV100),
            "spec.toml:1: node_type: unknown key (did you mean 'node_types'?)");
  EXPECT_EQ(error_of(std::string(kV100) + "coers = 3\n"),
            "spec.toml:7: node_types.v100.coers: unknown key (did you mean 'cores'?)");
  EXPECT_EQ(error_of(std::string(kV100) + "memory = 3\n"),
            "spec.toml:7: node_types.v100.memory: unknown key (did you mean 'memory_gib'?)");
  EXPECT_EQ(error_of(std::string(kV100) + "colour = \"red\"\n"),
            "spec.toml:7: node_types.v100.colour: unknown key (expected one of: cores, memory_gib, "
            "memory_mib, gpus, gpu_model, count, idle_w, busy_w, cost_per_hour, boot_s)");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\n"
                     "[racks.r0]\nswich = \"s\"\nnodes = { a = 1 }\n"),
            "spec.toml:5: racks.r0.swich: unknown key (did you mean 'switch'?)");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\n"
                     "[racks.r0]\nnodes = { v10 = 1 }\n"),
            "spec.toml:5: racks.r0.nodes.v10: unknown node type (did you mean 'v100'?)");
}

TEST(ClusterSpec, MissingRequiredKeysNameTheKeyAndTheTablesLine) {
  EXPECT_EQ(error_of("name = \"x\"\n"),
            "spec.toml: node_types: missing (required: at least one [node_types.NAME] table)");
  EXPECT_EQ(error_of("\n[node_types.v100]\nmemory_gib = 1\ncount = 1\n"),
            "spec.toml:2: node_types.v100.cores: missing (required)");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\ncount = 1\n"),
            "spec.toml:1: node_types.v100.memory_gib: missing (required: memory_gib or memory_mib)");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\ngpus = 2\ncount = 1\n"),
            "spec.toml:1: node_types.v100.gpu_model: missing (required for a node type with GPUs: gpus = 2)");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\n"),
            "spec.toml:1: node_types.v100.count: missing (required without [racks]: how many nodes of this type)");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\n[racks.r0]\nswitch = \"s\"\n"),
            "spec.toml:4: racks.r0.nodes: missing (required: node type = count)");
}

TEST(ClusterSpec, WrongTypesNameWhatWasFound) {
  EXPECT_EQ(error_of("[node_types.v100]\ncores = \"32\"\nmemory_gib = 1\ncount = 1\n"),
            "spec.toml:2: node_types.v100.cores: expected an integer, found the string \"32\"");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1.5\ncount = 1\n"),
            "spec.toml:3: node_types.v100.memory_gib: expected an integer, found the float 1.5");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\ngpus = 1\ngpu_model = 100\ncount = 1\n"),
            "spec.toml:5: node_types.v100.gpu_model: expected a string, found the integer 100");
  EXPECT_EQ(error_of("node_types = 3\n"), "spec.toml:1: node_types: expected a table, found the integer 3");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\n[racks.r0]\nnodes = [1, 2]\n"),
            "spec.toml:5: racks.r0.nodes: expected a table, found an array");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\n[racks.r0]\nnodes = { a = true }\n"),
            "spec.toml:5: racks.r0.nodes.a: expected an integer, found the boolean true");
  EXPECT_EQ(error_of("name = \"\"\n[node_types.a]\ncores = 1\nmemory_gib = 1\ncount = 1\n"),
            "spec.toml:1: name: expected a non-empty string");
}

TEST(ClusterSpec, NonPositiveCountsAndSizesAreRefused) {
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 0\nmemory_gib = 1\ncount = 1\n"),
            "spec.toml:2: node_types.v100.cores: expected a positive integer, found 0");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_mib = -5\ncount = 1\n"),
            "spec.toml:3: node_types.v100.memory_mib: expected a positive integer, found -5");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\ngpus = -1\ncount = 1\n"),
            "spec.toml:4: node_types.v100.gpus: expected an integer >= 0, found -1");
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\ncount = 0\n"),
            "spec.toml:4: node_types.v100.count: expected a positive integer, found 0");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\n[racks.r0]\nnodes = { a = -2 }\n"),
            "spec.toml:5: racks.r0.nodes.a: expected a positive integer, found -2");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\n[racks.r0]\nnodes = {}\n"),
            "spec.toml:5: racks.r0.nodes: expected at least one node type = count");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\ncount = 99999999999\n"),
            "spec.toml:4: node_types.a.count: expected at most 16777216, found 99999999999");
}

TEST(ClusterSpec, ContradictionsAreRefused) {
  EXPECT_EQ(error_of("[node_types.v100]\ncores = 1\nmemory_gib = 1\nmemory_mib = 1024\ncount = 1\n"),
            "spec.toml:4: node_types.v100.memory_mib: give memory_gib or memory_mib, not both");
  EXPECT_EQ(error_of("[node_types.cpu]\ncores = 1\nmemory_gib = 1\ngpu_model = \"V100\"\ncount = 1\n"),
            "spec.toml:4: node_types.cpu.gpu_model: given for a node type without GPUs (set gpus, or "
            "remove gpu_model)");
  EXPECT_EQ(error_of("[node_types.a]\ncores = 1\nmemory_gib = 1\ncount = 3\n[racks.r0]\nnodes = { a = 1 }\n"),
            "spec.toml:4: node_types.a.count: not allowed when [racks] places the nodes: give the count "
            "in racks.RACK.nodes");
}

TEST(ClusterSpec, SyntaxErrorsGiveLineAndColumn) {
  const std::string e = error_of("[node_types.a]\ncores = 1\nmemory_gib = = 2\n");
  EXPECT_EQ(e.rfind("spec.toml:3:", 0), 0u) << e;
  EXPECT_NE(e.find("TOML syntax error"), std::string::npos) << e;
}

TEST(ClusterSpec, MissingFileNamesThePath) {
  try {
    read_cluster_spec("/nonexistent/cluster.toml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/cluster.toml: cannot open: No such file or directory");
  }
}

TEST(ClusterSpec, PowerKeysSetTheTypesPowerAndCostAndTheRestKeepTheirDefaults) {
  const ClusterSpec spec = parse_cluster_spec(std::string(kV100) +
                                                  "idle_w = 400\n"
                                                  "busy_w = 1500.5\n"
                                                  "cost_per_hour = 12.24\n"
                                                  "boot_s = 90\n"
                                                  "[node_types.cpu]\n"
                                                  "cores = 64\n"
                                                  "memory_gib = 256\n"
                                                  "count = 1\n"
                                                  "cost_per_hour = 3\n",
                                              "spec.toml");
  const NodePower& v100 = spec.cluster.power(0);
  EXPECT_EQ(v100.idle_w, 400);
  EXPECT_EQ(v100.busy_w, 1500.5);
  EXPECT_EQ(v100.cost_per_hour, 12.24);
  EXPECT_EQ(v100.boot_time, Time::from_seconds(90));
  // Only the cost given: power and boot time are the defaults for 64 cores (4 W and 8 W per
  // core, 120 s; docs/autoscaling.md).
  const NodePower& cpu = spec.cluster.power(1);
  EXPECT_EQ(cpu.cost_per_hour, 3);
  EXPECT_EQ(cpu.idle_w, 256);
  EXPECT_EQ(cpu.busy_w, 512);
  EXPECT_EQ(cpu.boot_time, Time::from_seconds(120));
}

TEST(ClusterSpec, BadPowerKeysNameTheKeyAndLine) {
  EXPECT_EQ(error_of(std::string(kV100) + "idle_w = -1\n"),
            "spec.toml:7: node_types.v100.idle_w: expected a number in [0, 10000000], found -1.000000");
  EXPECT_EQ(error_of(std::string(kV100) + "cost_per_hour = \"cheap\"\n"),
            "spec.toml:7: node_types.v100.cost_per_hour: expected a number, found the string \"cheap\"");
  EXPECT_EQ(error_of(std::string(kV100) + "idle_w = 900\nbusy_w = 800\n"),
            "spec.toml:8: node_types.v100.busy_w: idle_w (900.000000) exceeds busy_w (800.000000)");
  EXPECT_EQ(error_of(std::string(kV100) + "idle_w = 5000\n"),
            "spec.toml:7: node_types.v100.idle_w: idle_w (5000.000000) exceeds busy_w (1456.000000; the other is the "
            "default)");
  EXPECT_EQ(error_of(std::string(kV100) + "boot = 3\n"),
            "spec.toml:7: node_types.v100.boot: unknown key (did you mean 'boot_s'?)");
}
