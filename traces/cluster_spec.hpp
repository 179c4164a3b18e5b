#pragma once
// Cluster specs: a heterogeneous cluster (node types with cores, memory, GPU model and GPU
// count; how many nodes of each type; racks and the switches they hang off) described in a
// TOML file, read into a Cluster plus the TopologySpec that builds its Topology.
// The format is documented in docs/cluster-spec.md; examples are in data/clusters/.
//
// Errors: every problem raises InputError "file:line: key.path: what was expected, what was
// found"; an unknown key gets a "did you mean" suggestion, a TOML syntax error gives the
// line and column toml++ reports, a missing or unreadable file names the path and the OS
// reason.
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster.hpp"
#include "sim/topology.hpp"

namespace clustersim {

// A cluster and its topology as a file (or a trace's node list) describes them.
struct ClusterSpec {
  std::string name;                     // the spec's `name`, else the file's base name
  Cluster cluster;                      // node types in file order, nodes rack by rack
  TopologySpec topology;                // rack -> switch, rack and switch names
  std::vector<std::string> node_names;  // one per node, in node id order
  // Notes from loading, e.g. the first malformed rows of a lenient trace read.
  std::vector<std::string> warnings;

  Topology build_topology() const { return Topology(cluster, topology); }
};

// The most nodes a cluster spec may hold in all (NodeIds are 32-bit; far above real clusters).
inline constexpr int64_t kClusterSpecMaxNodes = int64_t{1} << 24;

// Reads a TOML cluster spec. `name` labels error messages (a path, or e.g. "<inline>").
// `max_nodes` bounds the nodes in all (an error naming the rack or node types past it): the
// fuzz target lowers it, since a valid spec of millions of nodes only measures time.
ClusterSpec read_cluster_spec(const std::string& path);
ClusterSpec parse_cluster_spec(std::string_view text, const std::string& name,
                               int64_t max_nodes = kClusterSpecMaxNodes);


}  // namespace clustersim
