// libFuzzer target: the TOML cluster-spec reader. Bad input may only raise InputError naming
// the file; a spec that reads must describe a consistent cluster: at least one node, each of
// a declared type with positive cores and memory and whole GPUs, node names unique and one
// per node, every node in a rack and every rack on a switch, and a topology that builds.
#include <cstdint>
#include <set>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/cluster_spec.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kName = "fuzz/cluster.toml";

void check_spec(const ClusterSpec& spec) {
  const Cluster& c = spec.cluster;
  require(!spec.name.empty(), "spec without a name");
  require(c.num_nodes() >= 1, "a cluster without nodes");
  require(spec.node_names.size() == c.num_nodes(), "node names != nodes");
  require(std::set<std::string>(spec.node_names.begin(), spec.node_names.end()).size() == spec.node_names.size(),
          "node names not unique");
  const size_t racks = spec.topology.rack_switch.size();
  require(racks >= 1 && spec.topology.rack_names.size() == racks, "rack names != racks");
  for (int32_t s : spec.topology.rack_switch)
    require(s >= 0 && static_cast<size_t>(s) < spec.topology.switch_names.size(), "rack on an unknown switch");
  int64_t per_type_total = 0;
  for (uint32_t t = 0; t < c.node_types().size(); ++t) {
    const NodeType& type = c.node_types()[t];
    require(type.capacity.cores >= 1 && type.capacity.mem_mib >= 1, "a node type without cores or memory");
    require(type.capacity.gpu_milli >= 0 && type.capacity.gpu_milli % kMilliPerGpu == 0, "not whole GPUs");
    require((type.capacity.gpu_milli > 0) == !type.gpu_model.empty(), "GPU model and GPUs disagree");
    per_type_total += c.nodes_of_type(t);
  }
  require(per_type_total == static_cast<int64_t>(c.num_nodes()), "nodes per type do not add up");
  Resources total;
  for (size_t n = 0; n < c.num_nodes(); ++n) {
    const NodeId id(static_cast<uint32_t>(n));
    require(c.rack(id) >= 0 && static_cast<size_t>(c.rack(id)) < racks, "node in an unknown rack");
    require(c.gpu_count(id) * kMilliPerGpu == c.capacity(id).gpu_milli, "GPU count != capacity");
    total += c.capacity(id);
  }
  require(total == c.total_capacity(), "total capacity != sum of the nodes");
  if (c.num_nodes() <= 4096) (void)spec.build_topology();  // larger ones only cost time
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // At most 2^16 nodes: a valid spec of millions (up to 2^24 are allowed) takes seconds
    // under the sanitizers only to build them (found as a 14 s "timeout" at 14,444,409 nodes).
    check_spec(parse_cluster_spec(text, kName, int64_t{1} << 16));
  } catch (const InputError& e) {
    fuzz::check_names_file(e, kName);
  }
  return 0;
}
