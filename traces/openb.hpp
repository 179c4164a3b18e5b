#pragma once
// The Alibaba GPU cluster trace v2023 ("openb", Weng et al., USENIX ATC'23): its node list
// (openb_node_list_*.csv) becomes a cluster, its pod list (openb_pod_list_*.csv) a workload.
// Raw readers keep every column (OpenbNode, OpenbPod); the mapping to clustersim's model and
// the reasons for each choice are in docs/openb.md.
//
// Errors: a malformed row raises InputError "file:line: column N (name): expected ..., found
// '...'"; with OpenbOptions::strict = false malformed rows are skipped and counted, and the
// first kMaxWarnings messages kept. A bad header (a required column missing) and file errors
// are always raised.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload.hpp"
#include "traces/cluster_spec.hpp"

namespace clustersim {

// What Resources::cores holds for an openb cluster and workload. Both sides use the same
// unit, so a workload read with one unit must run on a cluster read with the same one.
enum class OpenbCpuUnit : uint8_t {
  Milli,  // cores = cpu_milli, exact (the default; the FGD paper packs milli-CPUs)  "milli"
  Cores,  // whole cores: a node offers floor(cpu_milli / 1000), a pod asks for
          // ceil(cpu_milli / 1000), to run with clusters that count whole cores    "cores"
};
std::string_view to_string(OpenbCpuUnit u);
OpenbCpuUnit parse_openb_cpu_unit(std::string_view name);  // InputError listing the names

// A pod's last phase in the trace (Kubernetes pod phases).
enum class OpenbPhase : uint8_t { Pending, Running, Succeeded, Failed, Unknown };
std::string_view to_string(OpenbPhase p);

struct OpenbOptions {
  OpenbCpuUnit cpu = OpenbCpuUnit::Milli;
  // Pods without a scheduled_time (never placed in the real cluster) are kept by default and
  // run for their lifetime (deletion - creation); true drops and counts them.
  bool skip_unscheduled = false;
  // Pods without a deletion_time (alive when the trace ends) are kept by default and run
  // until the trace's last timestamp; true drops and counts them.
  bool skip_undeleted = false;
  // true: the first malformed row raises InputError. false: malformed rows are skipped and
  // counted, the first kMaxWarnings messages kept.
  bool strict = true;

  static constexpr int kMaxWarnings = 10;
};

// One row of a node list, as written.
struct OpenbNode {
  std::string name;    // sn
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int64_t gpus = 0;    // gpu: whole GPUs
  std::string model;   // GPU model; empty for a CPU-only node
  bool operator==(const OpenbNode&) const = default;
};

// One row of a pod list, as written. Times are seconds since the trace's start; -1: empty.
struct OpenbPod {
  int64_t index = 0;        // 0-based data row (file order); the number in the pod's name
  std::string name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int64_t num_gpu = 0;      // GPUs asked for
  int64_t gpu_milli = 0;    // share of each GPU, 1..1000 (< 1000 only when num_gpu is 1)
  std::string gpu_spec;     // allowed GPU models, '|'-separated; empty: any
  std::string qos;          // LS, BE, Burstable, Guaranteed, ...
  OpenbPhase phase = OpenbPhase::Unknown;
  int64_t creation_time = 0;
  int64_t deletion_time = -1;
  int64_t scheduled_time = -1;
  bool operator==(const OpenbPod&) const = default;
};

template <class Row>
struct OpenbRows {
  std::vector<Row> rows;              // in file order
  int64_t malformed_rows = 0;         // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first messages
};
using OpenbNodeList = OpenbRows<OpenbNode>;
using OpenbPodList = OpenbRows<OpenbPod>;

// Raw rows. `name` labels error messages (a path, or e.g. "<inline>").
OpenbNodeList read_openb_nodes(const std::string& path, const OpenbOptions& options = {});
OpenbNodeList parse_openb_nodes(std::string_view text, const std::string& name,
                                const OpenbOptions& options = {});
OpenbPodList read_openb_pods(const std::string& path, const OpenbOptions& options = {});
OpenbPodList parse_openb_pods(std::string_view text, const std::string& name,
                              const OpenbOptions& options = {});

// A node list as a cluster: one node type per distinct (cpu, memory, GPUs, model), in order
// of first appearance; nodes in file order, named by sn, all in one rack on one switch (the
// trace has no topology). ClusterSpec::name is the file's base name without ".csv".
ClusterSpec read_openb_cluster(const std::string& path, const OpenbOptions& options = {});
ClusterSpec parse_openb_cluster(std::string_view text, const std::string& name,
                                const OpenbOptions& options = {});
ClusterSpec openb_cluster(const OpenbNodeList& nodes, const std::string& name,
                          const OpenbOptions& options = {});

// A pod list as a workload: one single-task job per pod (docs/openb.md has every field).
Workload read_openb_workload(const std::string& path, const OpenbOptions& options = {});
Workload parse_openb_workload(std::string_view text, const std::string& name,
                              const OpenbOptions& options = {});
Workload openb_workload(const OpenbPodList& pods, const std::string& name,
                        const OpenbOptions& options = {});

// JobSpec::status and JobSpec::queue codes of openb jobs.
namespace openb_code {
// status, in SWF's codes where SWF has the meaning: Succeeded 1 (completed), Failed 0
// (failed), Pending 5 (cancelled: deleted before it ever ran), Running and Unknown -1
// (outcome not known when the trace was taken).
int32_t status(OpenbPhase phase);
// queue: LS 0, BE 1, Burstable 2, Guaranteed 3, anything else (or empty) -1.
int32_t qos(std::string_view qos);
}  // namespace openb_code

// Keys of Workload::skipped used by the openb reader.
namespace openb_skip {
inline constexpr const char* kMalformed = "malformed row";
inline constexpr const char* kUnscheduled = "never scheduled";
inline constexpr const char* kUndeleted = "no deletion time";
}  // namespace openb_skip

}  // namespace clustersim
