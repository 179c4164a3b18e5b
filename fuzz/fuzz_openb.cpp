// libFuzzer target: the openb (Alibaba GPU trace v2023) node-list and pod-list readers, strict
// and lenient, in both CPU units, and their mappings to a Cluster and a Workload. The same
// bytes go to both readers (the header decides which one accepts them). Bad input may only
// raise InputError naming the file; what reads must satisfy the rows' documented ranges.
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/openb.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kName = "fuzz/openb_list.csv";

void check_pods(const OpenbPodList& pods, bool strict) {
  fuzz::check_lenient_counts(strict, pods.malformed_rows, pods.warnings.size(), OpenbOptions::kMaxWarnings);
  for (size_t i = 0; i < pods.rows.size(); ++i) {
    const OpenbPod& p = pods.rows[i];
    if (i > 0) require(p.index > pods.rows[i - 1].index, "pod indices not increasing");
    require(!p.name.empty(), "pod without a name");
    require(p.cpu_milli >= 0 && p.memory_mib >= 0 && p.num_gpu >= 0, "negative pod request");
    require(p.gpu_milli >= 0 && p.gpu_milli <= 1000, "gpu_milli outside 0..1000");
    require((p.num_gpu == 0) == (p.gpu_milli == 0), "num_gpu and gpu_milli disagree on having GPUs");
    require(p.num_gpu <= 1 || p.gpu_milli == 1000, "a multi-GPU pod sharing its GPUs");
    require(p.creation_time >= 0, "negative creation_time");
    require(p.scheduled_time == -1 || p.scheduled_time >= p.creation_time, "scheduled before created");
    require(p.deletion_time == -1 || p.deletion_time >= std::max(p.creation_time, p.scheduled_time),
            "deleted before started");
    require(p.gpu_spec.find("||") == std::string::npos && !p.gpu_spec.starts_with('|') && !p.gpu_spec.ends_with('|'),
            "gpu_spec not normalised");
  }
}

void check_nodes(const OpenbNodeList& nodes, bool strict) {
  fuzz::check_lenient_counts(strict, nodes.malformed_rows, nodes.warnings.size(), OpenbOptions::kMaxWarnings);
  for (const OpenbNode& n : nodes.rows) {
    require(!n.name.empty(), "node without a name");
    require(n.cpu_milli >= 0 && n.memory_mib >= 0 && n.gpus >= 0, "negative node capacity");
    require(n.cpu_milli > 0 || n.memory_mib > 0 || n.gpus > 0, "node with nothing");
    require((n.gpus > 0) == !n.model.empty(), "GPU model without GPUs or GPUs without a model");
  }
}

void check_cluster(const ClusterSpec& spec, const OpenbNodeList& nodes) {
  require(spec.cluster.num_nodes() == nodes.rows.size(), "cluster nodes != rows");
  require(spec.node_names.size() == nodes.rows.size(), "node names != rows");
  for (size_t i = 0; i < spec.cluster.num_nodes(); ++i) {
    const NodeId id(static_cast<uint32_t>(i));
    const Resources& cap = spec.cluster.capacity(id);
    require(!cap.any_negative() && !cap.is_zero(), "node capacity negative or empty");
    require(cap.gpu_milli == 1000 * nodes.rows[i].gpus, "GPU milli != 1000 x GPUs");
    require(spec.cluster.gpu_count(id) == nodes.rows[i].gpus, "GPU count != gpus");
    require(spec.node_names[i] == nodes.rows[i].name, "node name changed");
  }
}

void check_workload(const Workload& w, const OpenbPodList& pods) {
  fuzz::check_workload(w, /*allow_empty_request=*/true);
  fuzz::check_accounted(w, pods.rows.size(), openb_skip::kMalformed);
  for (const JobSpec& j : w.jobs) {
    require(j.tasks == 1, "an openb job of more than one task");
    require(j.trace_id >= 0 && j.trace_id <= pods.rows.back().index, "trace id outside the rows");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  OpenbPodList strict_pods;
  bool strict_pods_ok = false;
  for (bool strict : {true, false}) {
    for (OpenbCpuUnit cpu : {OpenbCpuUnit::Milli, OpenbCpuUnit::Cores}) {
      OpenbOptions o;
      o.strict = strict;
      o.cpu = cpu;
      try {
        const OpenbNodeList nodes = parse_openb_nodes(text, kName, o);
        check_nodes(nodes, strict);
        check_cluster(openb_cluster(nodes, kName, o), nodes);
      } catch (const InputError& e) {
        fuzz::check_names_file(e, kName);
      }
      try {
        const OpenbPodList pods = parse_openb_pods(text, kName, o);
        check_pods(pods, strict);
        if (strict) {
          strict_pods = pods;
          strict_pods_ok = true;
        } else if (strict_pods_ok) {
          // What reads strictly reads the same leniently.
          require(pods.rows == strict_pods.rows && pods.malformed_rows == 0, "lenient read differs from strict");
        }
        for (bool skip : {false, true}) {
          o.skip_unscheduled = o.skip_undeleted = skip;
          check_workload(openb_workload(pods, kName, o), pods);
        }
      } catch (const InputError& e) {
        fuzz::check_names_file(e, kName);
      }
    }
  }
  return 0;
}
