#include "sim/topology.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>
#include <boost/property_map/property_map.hpp>

namespace clustersim {

namespace {

// Fills `names` with "<prefix><i>" when empty; otherwise checks its length and uniqueness.
void complete_names(std::vector<std::string>& names, size_t count, const char* prefix,
                    const char* what) {
  if (names.empty()) {
    names.reserve(count);
    for (size_t i = 0; i < count; ++i) names.push_back(prefix + std::to_string(i));
    return;
  }
  if (names.size() != count) {
    throw std::invalid_argument(std::string("topology: ") + std::to_string(names.size()) + " " +
                                what + " names for " + std::to_string(count) + " " + what + "s");
  }
  std::unordered_set<std::string_view> seen;
  for (const std::string& n : names) {
    if (!seen.insert(n).second)
      throw std::invalid_argument(std::string("topology: duplicate ") + what + " name '" + n + "'");
  }
}

// Distances in edges from `source` to every vertex (-1: unreachable).
std::vector<int32_t> bfs_distances(const Topology::Graph& g, Topology::Vertex source) {
  std::vector<int32_t> dist(boost::num_vertices(g), -1);
  dist[source] = 0;
  auto dist_map = boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g));
  boost::breadth_first_search(
      g, source,
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist_map, boost::on_tree_edge()))));
  return dist;
}

std::optional<int32_t> find_name(const std::vector<std::string>& names, std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int32_t>(i);
  }
  return std::nullopt;
}

}  // namespace

size_t TopologySpec::num_switches() const {
  if (!switch_names.empty()) return switch_names.size();
  int32_t most = -1;
  for (int32_t s : rack_switch) most = std::max(most, s);
  return static_cast<size_t>(most + 1);
}

TopologySpec TopologySpec::one_switch(size_t racks) {
  TopologySpec spec;
  spec.rack_switch.assign(racks, 0);
  return spec;
}

std::string_view to_string(TopologyLevel level) {
  switch (level) {
    case TopologyLevel::Node: return "node";
    case TopologyLevel::Rack: return "rack";
    case TopologyLevel::Switch: return "switch";
    case TopologyLevel::Core: return "core";
  }
  return "?";
}

Topology::Topology(const Cluster& cluster, TopologySpec spec) {
  const size_t n_nodes = cluster.num_nodes();
  const size_t n_racks = spec.rack_switch.size();
  const size_t n_switches = spec.num_switches();
  for (size_t r = 0; r < n_racks; ++r) {
    const int32_t s = spec.rack_switch[r];
    if (s < 0 || static_cast<size_t>(s) >= n_switches) {
      throw std::invalid_argument("topology: rack " + std::to_string(r) + " is on switch " +
                                  std::to_string(s) + ", but there are " +
                                  std::to_string(n_switches) + " switches");
    }
  }
  complete_names(spec.rack_names, n_racks, "rack-", "rack");
  complete_names(spec.switch_names, n_switches, "switch-", "switch");
  rack_switch_ = std::move(spec.rack_switch);
  rack_names_ = std::move(spec.rack_names);
  switch_names_ = std::move(spec.switch_names);

  node_rack_.resize(n_nodes);
  node_switch_.resize(n_nodes);
  std::vector<uint32_t> rack_counts(n_racks, 0);
  for (uint32_t n = 0; n < n_nodes; ++n) {
    const int32_t r = cluster.rack(NodeId(n));
    if (r < 0 || static_cast<size_t>(r) >= n_racks) {
      throw std::invalid_argument("topology: node " + std::to_string(n) + " is in rack " +
                                  std::to_string(r) + ", but the topology has " +
                                  std::to_string(n_racks) + " racks");
    }
    node_rack_[n] = r;
    node_switch_[n] = rack_switch_[static_cast<size_t>(r)];
    ++rack_counts[static_cast<size_t>(r)];
  }

  // Nodes by rack and racks by switch, in id order (counting sort).
  rack_offsets_.assign(n_racks + 1, 0);
  for (size_t r = 0; r < n_racks; ++r) rack_offsets_[r + 1] = rack_offsets_[r] + rack_counts[r];
  rack_nodes_.resize(n_nodes);
  std::vector<uint32_t> fill(rack_offsets_.begin(), rack_offsets_.end() - 1);
  for (uint32_t n = 0; n < n_nodes; ++n) rack_nodes_[fill[static_cast<size_t>(node_rack_[n])]++] = NodeId(n);
  switch_offsets_.assign(n_switches + 1, 0);
  for (int32_t s : rack_switch_) ++switch_offsets_[static_cast<size_t>(s) + 1];
  for (size_t s = 0; s < n_switches; ++s) switch_offsets_[s + 1] += switch_offsets_[s];
  switch_racks_.resize(n_racks);
  fill.assign(switch_offsets_.begin(), switch_offsets_.end() - 1);
  for (size_t r = 0; r < n_racks; ++r)
    switch_racks_[fill[static_cast<size_t>(rack_switch_[r])]++] = static_cast<int32_t>(r);

  // The graph: node - rack - switch (- core).
  graph_ = Graph(n_nodes + n_racks + n_switches + (n_switches > 1 ? 1 : 0));
  for (uint32_t n = 0; n < n_nodes; ++n) {
    graph_[n] = TopologyVertex{TopologyLevel::Node, n};
    boost::add_edge(n, rack_vertex(node_rack_[n]), graph_);
  }
  for (size_t r = 0; r < n_racks; ++r) {
    const auto rack = static_cast<int32_t>(r);
    graph_[rack_vertex(rack)] = TopologyVertex{TopologyLevel::Rack, static_cast<uint32_t>(r)};
    boost::add_edge(rack_vertex(rack), switch_vertex(rack_switch_[r]), graph_);
  }
  for (size_t s = 0; s < n_switches; ++s) {
    const auto sw = static_cast<int32_t>(s);
    graph_[switch_vertex(sw)] = TopologyVertex{TopologyLevel::Switch, static_cast<uint32_t>(s)};
    if (has_core()) boost::add_edge(switch_vertex(sw), n_nodes + n_racks + n_switches, graph_);
  }
  if (has_core()) graph_[n_nodes + n_racks + n_switches] = TopologyVertex{TopologyLevel::Core, 0};

  // Switch-to-switch hops, one BFS per switch (there are few switches).
  switch_hops_.assign(n_switches * n_switches, 0);
  for (size_t a = 0; a < n_switches; ++a) {
    const std::vector<int32_t> dist = bfs_distances(graph_, switch_vertex(static_cast<int32_t>(a)));
    for (size_t b = 0; b < n_switches; ++b)
      switch_hops_[a * n_switches + b] = dist[switch_vertex(static_cast<int32_t>(b))];
  }
}

std::optional<int32_t> Topology::find_rack(std::string_view name) const {
  return find_name(rack_names_, name);
}

std::optional<int32_t> Topology::find_switch(std::string_view name) const {
  return find_name(switch_names_, name);
}

int Topology::hops(NodeId a, NodeId b) const {
  if (a == b) return kSameNode;
  const int32_t ra = rack_of(a), rb = rack_of(b);
  if (ra == rb) return kSameRack;
  // node - rack - switch ... switch - rack - node.
  const auto sa = static_cast<size_t>(rack_switch_[static_cast<size_t>(ra)]);
  const auto sb = static_cast<size_t>(rack_switch_[static_cast<size_t>(rb)]);
  return kSameSwitch + switch_hops_[sa * num_switches() + sb];
}

int Topology::hops_bfs(NodeId a, NodeId b) const {
  return bfs_distances(graph_, node_vertex(a))[node_vertex(b)];
}

int Topology::spread(std::span<const Slot> placement) const {
  int most = 0;
  for (const Slot& s : placement) most = std::max(most, hops(placement.front().node, s.node));
  return most;
}

std::span<const NodeId> Topology::nodes_in_rack(int32_t rack) const {
  const auto r = static_cast<size_t>(rack);
  return std::span<const NodeId>(rack_nodes_).subspan(rack_offsets_[r], rack_offsets_[r + 1] - rack_offsets_[r]);
}

std::span<const int32_t> Topology::racks_on_switch(int32_t s) const {
  const auto i = static_cast<size_t>(s);
  return std::span<const int32_t>(switch_racks_)
      .subspan(switch_offsets_[i], switch_offsets_[i + 1] - switch_offsets_[i]);
}

void Topology::check_same_cluster(const Cluster& cluster) const {
  if (cluster.num_nodes() != num_nodes()) {
    throw std::invalid_argument("topology of " + std::to_string(num_nodes()) +
                                " nodes asked about a cluster of " +
                                std::to_string(cluster.num_nodes()));
  }
}

Resources Topology::rack_free(const Cluster& cluster, int32_t rack) const {
  check_same_cluster(cluster);
  Resources sum;
  for (NodeId n : nodes_in_rack(rack)) {
    if (cluster.is_up(n)) sum += cluster.free(n);
  }
  return sum;
}

void Topology::racks_by_free_gpus(const Cluster& cluster, std::vector<int32_t>& out) const {
  check_same_cluster(cluster);
  std::vector<Resources> free(num_racks());
  for (uint32_t n = 0; n < num_nodes(); ++n) {
    if (cluster.is_up(NodeId(n))) free[static_cast<size_t>(node_rack_[n])] += cluster.free(NodeId(n));
  }
  out.resize(num_racks());
  for (size_t r = 0; r < out.size(); ++r) out[r] = static_cast<int32_t>(r);
  std::sort(out.begin(), out.end(), [&](int32_t a, int32_t b) {
    const Resources& fa = free[static_cast<size_t>(a)];
    const Resources& fb = free[static_cast<size_t>(b)];
    if (fa.gpu_milli != fb.gpu_milli) return fa.gpu_milli > fb.gpu_milli;
    if (fa.cores != fb.cores) return fa.cores > fb.cores;
    return a < b;
  });
}

std::vector<int32_t> Topology::racks_by_free_gpus(const Cluster& cluster) const {
  std::vector<int32_t> out;
  racks_by_free_gpus(cluster, out);
  return out;
}

}  // namespace clustersim
