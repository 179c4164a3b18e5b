#include "sim/topology.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

using namespace clustersim;

namespace {

// Two switches. Switch "sw-a": rack "a0" (nodes 0, 1: 4 GPUs each) and rack "a1" (node 2:
// 8 GPUs). Switch "sw-b": rack "b0" (nodes 3, 4: 2 GPUs each) and rack "b1" (no nodes).
struct TwoSwitches {
  Cluster cluster;
  Topology topology;
  TwoSwitches() {
    const uint32_t four = cluster.add_node_type(NodeType{"v100x4", Resources{32, 4000, 1024}, "V100"});
    const uint32_t eight = cluster.add_node_type(NodeType{"v100x8", Resources{64, 8000, 2048}, "V100"});
    const uint32_t two = cluster.add_node_type(NodeType{"k80x2", Resources{16, 2000, 512}, "K80"});
    cluster.add_nodes(four, 2, /*rack=*/0);
    cluster.add_nodes(eight, 1, /*rack=*/1);
    cluster.add_nodes(two, 2, /*rack=*/2);
    TopologySpec spec;
    spec.rack_switch = {0, 0, 1, 1};
    spec.rack_names = {"a0", "a1", "b0", "b1"};
    spec.switch_names = {"sw-a", "sw-b"};
    topology = Topology(cluster, spec);
  }
};

NodeId N(uint32_t n) { return NodeId(n); }

}  // namespace

TEST(Topology, HopsInATwoSwitchClusterAreCountedByHand) {
  TwoSwitches t;
  const Topology& topo = t.topology;
  EXPECT_EQ(topo.hops(N(0), N(0)), 0);  // same node
  EXPECT_EQ(topo.hops(N(0), N(1)), 2);  // node - a0 - node
  EXPECT_EQ(topo.hops(N(1), N(2)), 4);  // node - a0 - sw-a - a1 - node
  EXPECT_EQ(topo.hops(N(0), N(3)), 6);  // node - a0 - sw-a - core - sw-b - b0 - node
  EXPECT_EQ(topo.hops(N(3), N(4)), 2);
  EXPECT_EQ(topo.hops(N(4), N(2)), 6);
  EXPECT_EQ(Topology::kSameRack, 2);
  EXPECT_EQ(Topology::kSameSwitch, 4);
  EXPECT_EQ(Topology::kOtherSwitch, 6);
}

TEST(Topology, PrecomputedHopsAgreeWithBreadthFirstSearchOnTheGraph) {
  TwoSwitches t;
  for (uint32_t a = 0; a < 5; ++a) {
    for (uint32_t b = 0; b < 5; ++b) {
      EXPECT_EQ(t.topology.hops(N(a), N(b)), t.topology.hops_bfs(N(a), N(b))) << a << "-" << b;
      EXPECT_EQ(t.topology.hops(N(a), N(b)), t.topology.hops(N(b), N(a)));
    }
  }
}

TEST(Topology, LocalityQueriesFollowRacksAndSwitches) {
  TwoSwitches t;
  const Topology& topo = t.topology;
  EXPECT_TRUE(topo.same_node(N(2), N(2)));
  EXPECT_FALSE(topo.same_node(N(0), N(1)));
  EXPECT_TRUE(topo.same_rack(N(0), N(1)));
  EXPECT_FALSE(topo.same_rack(N(1), N(2)));
  EXPECT_TRUE(topo.same_switch(N(1), N(2)));
  EXPECT_FALSE(topo.same_switch(N(2), N(3)));
  EXPECT_EQ(topo.rack_of(N(4)), 2);
  EXPECT_EQ(topo.switch_of(N(4)), 1);
  EXPECT_EQ(topo.switch_of_rack(3), 1);
  EXPECT_EQ(topo.rack_name(1), "a1");
  EXPECT_EQ(topo.switch_name(1), "sw-b");
  EXPECT_EQ(topo.find_rack("b0"), 2);
  EXPECT_EQ(topo.find_switch("sw-a"), 0);
  EXPECT_EQ(topo.find_rack("nope"), std::nullopt);
}

TEST(Topology, NodesInRackAndRacksOnSwitchAreInIdOrder) {
  TwoSwitches t;
  const Topology& topo = t.topology;
  auto a0 = topo.nodes_in_rack(0);
  EXPECT_EQ(std::vector<NodeId>(a0.begin(), a0.end()), (std::vector<NodeId>{N(0), N(1)}));
  auto b0 = topo.nodes_in_rack(2);
  EXPECT_EQ(std::vector<NodeId>(b0.begin(), b0.end()), (std::vector<NodeId>{N(3), N(4)}));
  EXPECT_TRUE(topo.nodes_in_rack(3).empty());
  auto on_b = topo.racks_on_switch(1);
  EXPECT_EQ(std::vector<int32_t>(on_b.begin(), on_b.end()), (std::vector<int32_t>{2, 3}));
}

TEST(Topology, GraphHasOneVertexPerNodeRackSwitchAndACoreForTwoSwitches) {
  TwoSwitches t;
  const auto& g = t.topology.graph();
  // 5 nodes + 4 racks + 2 switches + 1 core; edges: 5 node-rack, 4 rack-switch, 2 switch-core.
  EXPECT_EQ(boost::num_vertices(g), 12u);
  EXPECT_EQ(boost::num_edges(g), 11u);
  EXPECT_TRUE(t.topology.has_core());
  EXPECT_EQ(g[t.topology.rack_vertex(3)].level, TopologyLevel::Rack);
  EXPECT_EQ(g[t.topology.rack_vertex(3)].index, 3u);
  EXPECT_EQ(g[t.topology.switch_vertex(1)].level, TopologyLevel::Switch);
  EXPECT_EQ(g[11].level, TopologyLevel::Core);
  EXPECT_EQ(g[t.topology.node_vertex(N(4))].level, TopologyLevel::Node);
}

TEST(Topology, OneSwitchHasNoCoreAndAtMostFourHops) {
  Cluster c;
  const uint32_t type = c.add_node_type(NodeType{"cpu", Resources{8, 0, 64}, ""});
  c.add_nodes(type, 2, 0);
  c.add_nodes(type, 1, 1);
  Topology topo(c, TopologySpec::one_switch(2));
  EXPECT_FALSE(topo.has_core());
  EXPECT_EQ(boost::num_vertices(topo.graph()), 3u + 2u + 1u);
  EXPECT_EQ(topo.hops(N(0), N(2)), 4);
  EXPECT_EQ(topo.hops_bfs(N(0), N(2)), 4);
  EXPECT_EQ(topo.rack_name(1), "rack-1");
  EXPECT_EQ(topo.switch_name(0), "switch-0");
}

TEST(Topology, SpreadOfAPlacementIsItsWorstPairOfNodes) {
  TwoSwitches t;
  const Topology& topo = t.topology;
  EXPECT_EQ(topo.spread(std::vector<Slot>{}), 0);
  EXPECT_EQ(topo.spread(std::vector<Slot>{{N(2), 4}}), 0);
  EXPECT_EQ(topo.spread(std::vector<Slot>{{N(0), 1}, {N(1), 1}}), 2);
  EXPECT_EQ(topo.spread(std::vector<Slot>{{N(0), 1}, {N(1), 1}, {N(2), 1}}), 4);
  // Node 4 is under the other switch.
  EXPECT_EQ(topo.spread(std::vector<Slot>{{N(1), 1}, {N(0), 1}, {N(4), 1}}), 6);
  EXPECT_EQ(topo.spread(std::vector<Slot>{{N(3), 1}, {N(4), 1}}), 2);
}

TEST(Topology, RacksByFreeGpusPutsTheEmptiestRackFirstAndFollowsAllocation) {
  TwoSwitches t;
  // Free GPUs: a0 8000, a1 8000, b0 4000, b1 0; a0 and a1 tie on GPUs, a1 has more cores
  // (64 vs 2 x 32 = 64: tie again), so the lower id comes first.
  EXPECT_EQ(t.topology.racks_by_free_gpus(t.cluster), (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.topology.rack_free(t.cluster, 0), (Resources{64, 8000, 2048}));
  // Take 3 GPUs on node 0 (rack a0): a1 now has the most free GPUs.
  const std::vector<Slot> p = {{N(0), 3}};
  t.cluster.allocate(Resources{1, 1000, 0}, p);
  EXPECT_EQ(t.topology.rack_free(t.cluster, 0), (Resources{61, 5000, 2048}));
  EXPECT_EQ(t.topology.racks_by_free_gpus(t.cluster), (std::vector<int32_t>{1, 0, 2, 3}));
  // Take all of node 2 (rack a1) and a down node 3: b0 keeps 2000 of node 4 only.
  t.cluster.allocate(Resources{64, 8000, 2048}, std::vector<Slot>{{N(2), 1}});
  t.cluster.set_up(N(3), false);
  EXPECT_EQ(t.topology.rack_free(t.cluster, 2), (Resources{16, 2000, 512}));
  std::vector<int32_t> order;
  t.topology.racks_by_free_gpus(t.cluster, order);
  EXPECT_EQ(order, (std::vector<int32_t>{0, 2, 1, 3}));
}

TEST(Topology, InvalidSpecsAreRefusedWithTheReason) {
  Cluster c;
  const uint32_t type = c.add_node_type(NodeType{"cpu", Resources{8, 0, 64}, ""});
  c.add_nodes(type, 1, 3);
  try {
    Topology(c, TopologySpec::one_switch(2));
    FAIL() << "a node in rack 3 of a 2-rack topology was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "topology: node 0 is in rack 3, but the topology has 2 racks");
  }
  TopologySpec bad_switch;
  bad_switch.rack_switch = {0, 0, 0, 2};
  bad_switch.switch_names = {"x", "y"};
  EXPECT_THROW(Topology(c, bad_switch), std::invalid_argument);
  TopologySpec dup = TopologySpec::one_switch(4);
  dup.rack_names = {"r", "s", "t", "r"};
  EXPECT_THROW(Topology(c, dup), std::invalid_argument);
  TopologySpec short_names = TopologySpec::one_switch(4);
  short_names.rack_names = {"r"};
  EXPECT_THROW(Topology(c, short_names), std::invalid_argument);
  Topology ok(c, TopologySpec::one_switch(4));
  EXPECT_THROW(ok.rack_free(Cluster::homogeneous(2, Resources{1, 0, 0}), 0), std::invalid_argument);
}
