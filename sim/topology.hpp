#pragma once
// The network topology of a cluster, as a Boost.Graph: every node hangs off its rack (a
// top-of-rack switch), every rack off one switch (aggregation), and when there is more than
// one switch they all hang off one core vertex. Placement code asks locality questions
// (same node, same rack, hops between two nodes) and gets racks ordered by free GPUs to
// consolidate a job; a DL job model asks how spread a placement is.
//
// Hops are edges on the shortest path in that graph, so they are fixed by the tree:
//   0 same node, 2 same rack, 4 same switch (other rack), 6 different switches.
// The graph is kept for the structure and for checks (hops_bfs); hops() answers in O(1)
// from the rack and switch of each node, precomputed, and a switch-to-switch distance matrix
// that was found by BFS on the graph when the topology was built.
//
// A Topology is an immutable description of the Cluster it was built from (same node ids);
// it does not follow later add_nodes. Free resources are read from the Cluster passed in.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/cluster.hpp"
#include "sim/ids.hpp"
#include "sim/resources.hpp"

namespace clustersim {

// What a topology adds to a Cluster's racks (Cluster::rack of every node): the switch of
// every rack, and optional names. A cluster spec reader produces one next to the Cluster.
struct TopologySpec {
  std::vector<int32_t> rack_switch;       // rack r hangs off switch rack_switch[r]
  std::vector<std::string> rack_names;    // empty (then "rack-<r>"), or one per rack
  std::vector<std::string> switch_names;  // empty (then "switch-<s>"), or one per switch
  // The number of switches: switch_names.size() when names are given, else the largest
  // switch id + 1.
  size_t num_switches() const;
  // `racks` racks, all on switch 0: the topology of a cluster described without switches.
  static TopologySpec one_switch(size_t racks = 1);
};

enum class TopologyLevel : uint8_t { Node, Rack, Switch, Core };
std::string_view to_string(TopologyLevel level);

// The bundled property of every graph vertex: what it is and its index at that level
// (node id, rack id, switch id; 0 for the core).
struct TopologyVertex {
  TopologyLevel level = TopologyLevel::Node;
  uint32_t index = 0;
};

class Topology {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, TopologyVertex>;
  using Vertex = Graph::vertex_descriptor;

  // Hop counts between two nodes (edges on the path node - rack - switch - core - ...).
  static constexpr int kSameNode = 0;
  static constexpr int kSameRack = 2;
  static constexpr int kSameSwitch = 4;
  static constexpr int kOtherSwitch = 6;

  Topology() = default;  // no nodes
  // Raises std::invalid_argument when a node's rack has no entry in spec.rack_switch, a rack
  // names a switch out of range, or a name list has the wrong length or a duplicate.
  Topology(const Cluster& cluster, TopologySpec spec);

  size_t num_nodes() const { return node_rack_.size(); }
  size_t num_racks() const { return rack_switch_.size(); }
  size_t num_switches() const { return switch_names_.size(); }

  int32_t rack_of(NodeId n) const { return node_rack_[n.value()]; }
  int32_t switch_of(NodeId n) const { return node_switch_[n.value()]; }
  int32_t switch_of_rack(int32_t rack) const { return rack_switch_[static_cast<size_t>(rack)]; }
  const std::string& rack_name(int32_t rack) const { return rack_names_[static_cast<size_t>(rack)]; }
  const std::string& switch_name(int32_t s) const { return switch_names_[static_cast<size_t>(s)]; }
  std::optional<int32_t> find_rack(std::string_view name) const;
  std::optional<int32_t> find_switch(std::string_view name) const;

  // Locality, O(1).
  bool same_node(NodeId a, NodeId b) const { return a == b; }
  bool same_rack(NodeId a, NodeId b) const { return rack_of(a) == rack_of(b); }
  bool same_switch(NodeId a, NodeId b) const { return switch_of(a) == switch_of(b); }
  // Edges on the shortest path between the two nodes' vertices (see the top of this file).
  int hops(NodeId a, NodeId b) const;
  // The same by a breadth-first search on the graph: O(vertices). For tests and checks.
  int hops_bfs(NodeId a, NodeId b) const;
  // The largest hops() between any two nodes of a placement: 0 when it is on one node, 2 on
  // one rack, 4 under one switch, 6 across switches (0 for an empty placement). O(k): in a
  // tree whose leaves are all at one depth the farthest pair includes the first node.
  int spread(std::span<const Slot> placement) const;

  // The nodes of a rack in id order, and the racks of a switch in id order.
  std::span<const NodeId> nodes_in_rack(int32_t rack) const;
  std::span<const int32_t> racks_on_switch(int32_t s) const;

  // Consolidation. `cluster` is the one the topology was built from (its node count is
  // checked: std::invalid_argument otherwise).
  // What is free on the up nodes of a rack (a sum over its nodes).
  Resources rack_free(const Cluster& cluster, int32_t rack) const;
  // All racks, the most free GPU (milli-GPUs on up nodes) first; ties by more free cores,
  // then by rack id, so the order is deterministic. Writes to `out` (cleared first) so that a
  // policy can reuse one buffer. O(nodes + racks log racks).
  void racks_by_free_gpus(const Cluster& cluster, std::vector<int32_t>& out) const;
  std::vector<int32_t> racks_by_free_gpus(const Cluster& cluster) const;

  // The graph itself, for Boost.Graph algorithms. Vertices: nodes 0..N-1 (vertex == node id),
  // then racks, then switches, then the core (only when there are two or more switches).
  const Graph& graph() const { return graph_; }
  Vertex node_vertex(NodeId n) const { return n.value(); }
  Vertex rack_vertex(int32_t rack) const { return num_nodes() + static_cast<size_t>(rack); }
  Vertex switch_vertex(int32_t s) const {
    return num_nodes() + num_racks() + static_cast<size_t>(s);
  }
  bool has_core() const { return num_switches() > 1; }

 private:
  // Raises std::invalid_argument when `cluster` has another number of nodes.
  void check_same_cluster(const Cluster& cluster) const;

  Graph graph_;
  std::vector<int32_t> node_rack_, node_switch_;
  std::vector<int32_t> rack_switch_;
  std::vector<std::string> rack_names_, switch_names_;
  // Nodes grouped by rack and racks grouped by switch (CSR: item ids and offsets).
  std::vector<NodeId> rack_nodes_;
  std::vector<uint32_t> rack_offsets_;
  std::vector<int32_t> switch_racks_;
  std::vector<uint32_t> switch_offsets_;
  // Hops between switch vertices, found by BFS: switch_hops_[a * S + b].
  std::vector<int32_t> switch_hops_;
};

}  // namespace clustersim
