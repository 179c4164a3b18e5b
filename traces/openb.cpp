// The openb (Alibaba GPU cluster trace v2023) readers: the row checks, and the mappings to a
// cluster and a workload (docs/openb.md). The CSV layer is traces/csv_rows.hpp.
#include "traces/openb.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <span>
#include <tuple>

#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "traces/csv_rows.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

constexpr int64_t kMaxGpus = int64_t{1} << 20;   // x 1000 milli-GPUs stays exact
// Times in seconds: at most 10^12 (31,700 years, as the SWF reader allows), so that a time in
// microseconds, and the sum of two, fits in 64 bits.
constexpr int64_t kMaxSeconds = 1'000'000'000'000;

using traces_detail::ColumnSpec;
using traces_detail::count;
using traces_detail::CsvRows;
using traces_detail::RowError;
using traces_detail::shown;

// A time in seconds, or -1 when the field is empty (or the column absent).
int64_t optional_time(const CsvRows& rows, size_t c) {
  return rows.field(c).empty() ? -1 : count(rows, c, kMaxSeconds);
}

// Reads every row with `parse_row`, raising (strict) or counting (lenient) malformed ones.
template <class Row, class Parse>
OpenbRows<Row> read_rows(std::string_view text, const std::string& name,
                         std::span<const ColumnSpec> columns, const OpenbOptions& options,
                         Parse&& parse_row) {
  CsvRows rows(text, name, columns, CsvRows::Header::Named);
  auto read = traces_detail::read_rows<Row>(rows, name, options.strict, parse_row);
  OpenbRows<Row> out;
  out.rows = std::move(read.rows);
  out.malformed_rows = read.malformed_rows;
  out.warnings = std::move(read.warnings);
  return out;
}

std::string stem(const std::string& path) {
  std::string base = traces_detail::base_name(path);
  if (base.size() > 4 && base.ends_with(".csv")) base.resize(base.size() - 4);
  return base;
}

// ---------------------------------------------------------------------------------------------
// Node lists

enum NodeColumn : size_t { kSn, kNodeCpu, kNodeMemory, kGpu, kModel };
constexpr ColumnSpec kNodeColumns[] = {
    {"sn", true}, {"cpu_milli", true}, {"memory_mib", true}, {"gpu", true}, {"model", true}};

// ---------------------------------------------------------------------------------------------
// Pod lists

enum PodColumn : size_t {
  kName, kPodCpu, kPodMemory, kNumGpu, kGpuMilli, kGpuSpec, kQos, kPhase, kCreation, kDeletion,
  kScheduled
};
constexpr ColumnSpec kPodColumns[] = {
    {"name", true},           {"cpu_milli", true},     {"memory_mib", true},
    {"num_gpu", true},        {"gpu_milli", true},     {"gpu_spec", false},
    {"qos", false},           {"pod_phase", false},    {"creation_time", true},
    {"deletion_time", false}, {"scheduled_time", false}};

std::optional<OpenbPhase> parse_phase(std::string_view s) {
  for (OpenbPhase p : {OpenbPhase::Pending, OpenbPhase::Running, OpenbPhase::Succeeded,
                       OpenbPhase::Failed, OpenbPhase::Unknown}) {
    if (s == to_string(p)) return p;
  }
  return std::nullopt;
}

// "V100M16||V100M32|" -> "V100M16|V100M32": empty names dropped, as the trace's own
// pod_csv_to_yaml.py does.
std::string normalise_gpu_spec(std::string_view s) {
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t bar = std::min(s.find('|', start), s.size());
    const std::string_view model = s.substr(start, bar - start);
    if (!model.empty()) {
      if (!out.empty()) out += '|';
      out += model;
    }
    start = bar + 1;
  }
  return out;
}

OpenbPod parse_pod(const CsvRows& rows, int64_t index) {
  OpenbPod pod;
  pod.index = index;
  pod.name = std::string(rows.field(kName));
  if (pod.name.empty()) rows.fail(kName, "expected a pod name, found nothing");
  pod.cpu_milli = count(rows, kPodCpu);
  pod.memory_mib = count(rows, kPodMemory);
  pod.num_gpu = count(rows, kNumGpu, kMaxGpus);
  pod.gpu_milli = count(rows, kGpuMilli, 1000);
  if (pod.num_gpu == 0 && pod.gpu_milli != 0) {
    rows.fail(kGpuMilli, "expected 0 for a pod with num_gpu 0, found " + std::to_string(pod.gpu_milli));
  }
  if (pod.num_gpu > 0 && pod.gpu_milli == 0) {
    rows.fail(kGpuMilli, "expected 1 to 1000 (the share of each GPU) for a pod with num_gpu " +
                             std::to_string(pod.num_gpu) + ", found 0");
  }
  if (pod.num_gpu > 1 && pod.gpu_milli != 1000) {
    rows.fail(kGpuMilli, "expected 1000 for a pod with num_gpu " + std::to_string(pod.num_gpu) +
                             " (only one-GPU pods share a GPU), found " + std::to_string(pod.gpu_milli));
  }
  pod.gpu_spec = normalise_gpu_spec(rows.field(kGpuSpec));
  pod.qos = std::string(rows.field(kQos));
  if (rows.has(kPhase)) {
    const auto phase = parse_phase(rows.field(kPhase));
    if (!phase) {
      rows.fail(kPhase, "expected Pending, Running, Succeeded, Failed or Unknown, found '" +
                            shown(rows.field(kPhase)) + "'");
    }
    pod.phase = *phase;
  }
  if (rows.field(kCreation).empty()) rows.fail(kCreation, "expected a time in seconds, found nothing");
  pod.creation_time = count(rows, kCreation, kMaxSeconds);
  pod.scheduled_time = optional_time(rows, kScheduled);
  pod.deletion_time = optional_time(rows, kDeletion);
  if (pod.scheduled_time >= 0 && pod.scheduled_time < pod.creation_time) {
    rows.fail(kScheduled, "expected a time >= creation_time (" + std::to_string(pod.creation_time) +
                              "), found " + std::to_string(pod.scheduled_time));
  }
  const int64_t start = std::max(pod.creation_time, pod.scheduled_time);
  if (pod.deletion_time >= 0 && pod.deletion_time < start) {
    rows.fail(kDeletion, std::string("expected a time >= ") +
                             (pod.scheduled_time >= 0 ? "scheduled_time" : "creation_time") + " (" +
                             std::to_string(start) + "), found " + std::to_string(pod.deletion_time));
  }
  return pod;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view to_string(OpenbCpuUnit u) {
  switch (u) {
    case OpenbCpuUnit::Milli: return "milli";
    case OpenbCpuUnit::Cores: return "cores";
  }
  return "?";
}

OpenbCpuUnit parse_openb_cpu_unit(std::string_view name) {
  if (name == "milli") return OpenbCpuUnit::Milli;
  if (name == "cores") return OpenbCpuUnit::Cores;
  throw InputError("openb CPU unit: expected milli or cores, found '" + shown(name) + "'");
}

std::string_view to_string(OpenbPhase p) {
  switch (p) {
    case OpenbPhase::Pending: return "Pending";
    case OpenbPhase::Running: return "Running";
    case OpenbPhase::Succeeded: return "Succeeded";
    case OpenbPhase::Failed: return "Failed";
    case OpenbPhase::Unknown: return "Unknown";
  }
  return "?";
}

int32_t openb_code::status(OpenbPhase phase) {
  switch (phase) {
    case OpenbPhase::Succeeded: return 1;
    case OpenbPhase::Failed: return 0;
    case OpenbPhase::Pending: return 5;
    case OpenbPhase::Running:
    case OpenbPhase::Unknown: return -1;
  }
  return -1;
}

int32_t openb_code::qos(std::string_view qos) {
  if (qos == "LS") return 0;
  if (qos == "BE") return 1;
  if (qos == "Burstable") return 2;
  if (qos == "Guaranteed") return 3;
  return -1;
}

OpenbNodeList parse_openb_nodes(std::string_view text, const std::string& name, const OpenbOptions& options) {
  std::map<std::string, long, std::less<>> first_line;  // sn -> line, for duplicates
  return read_rows<OpenbNode>(text, name, kNodeColumns, options, [&](const CsvRows& rows, int64_t) {
    OpenbNode node;
    node.name = std::string(rows.field(kSn));
    if (node.name.empty()) rows.fail(kSn, "expected a node name, found nothing");
    node.cpu_milli = count(rows, kNodeCpu);
    node.memory_mib = count(rows, kNodeMemory);
    node.gpus = count(rows, kGpu, kMaxGpus);
    node.model = std::string(rows.field(kModel));
    if (node.gpus > 0 && node.model.empty()) {
      rows.fail(kModel, "expected the GPU model of a node with " + std::to_string(node.gpus) + " GPUs, found nothing");
    }
    if (node.gpus == 0 && !node.model.empty()) {
      rows.fail(kModel, "expected nothing for a node without GPUs, found '" + shown(node.model) + "'");
    }
    if (node.cpu_milli == 0 && node.memory_mib == 0 && node.gpus == 0) {
      rows.fail(kNodeCpu, "a node with no CPU, memory or GPU");
    }
    if (auto [it, fresh] = first_line.emplace(node.name, rows.line()); !fresh) {
      rows.fail(kSn, "duplicate node '" + shown(node.name) + "', first on line " + std::to_string(it->second));
    }
    return node;
  });
}

OpenbNodeList read_openb_nodes(const std::string& path, const OpenbOptions& options) {
  return parse_openb_nodes(traces_detail::read_text_file(path), path, options);
}

OpenbPodList parse_openb_pods(std::string_view text, const std::string& name, const OpenbOptions& options) {
  return read_rows<OpenbPod>(text, name, kPodColumns, options, parse_pod);
}

OpenbPodList read_openb_pods(const std::string& path, const OpenbOptions& options) {
  return parse_openb_pods(traces_detail::read_text_file(path), path, options);
}

namespace {

// "G2x8-96c-384g", "cpu-32c-256g"; exact when the CPU is not whole cores ("82.5c") or the
// memory not whole GiB ("30517m").
std::string type_name(const OpenbNode& n) {
  std::string s = n.gpus > 0 ? n.model + "x" + std::to_string(n.gpus) : "cpu";
  s += "-" + std::to_string(n.cpu_milli / 1000);
  if (int64_t frac = n.cpu_milli % 1000; frac != 0) {
    std::string digits = std::to_string(1000 + frac).substr(1);
    while (digits.back() == '0') digits.pop_back();
    s += "." + digits;
  }
  s += "c-";
  s += n.memory_mib % 1024 == 0 ? std::to_string(n.memory_mib / 1024) + "g" : std::to_string(n.memory_mib) + "m";
  return s;
}

}  // namespace

ClusterSpec openb_cluster(const OpenbNodeList& nodes, const std::string& name, const OpenbOptions& options) {
  ClusterSpec spec;
  spec.name = stem(name);
  spec.warnings = nodes.warnings;
  std::map<std::tuple<int64_t, int64_t, int64_t, std::string>, uint32_t> types;
  for (const OpenbNode& n : nodes.rows) {
    const auto key = std::make_tuple(n.cpu_milli, n.memory_mib, n.gpus, n.model);
    auto it = types.find(key);
    if (it == types.end()) {
      const int64_t cores = options.cpu == OpenbCpuUnit::Milli ? n.cpu_milli : n.cpu_milli / 1000;
      Resources cap{cores, n.gpus * 1000, n.memory_mib};
      if (cap.is_zero()) {
        throw InputError(name + ": node " + n.name + ": no resources left with whole cores (cpu_milli " +
                         std::to_string(n.cpu_milli) + ", no memory or GPU)");
      }
      it = types.emplace(key, spec.cluster.add_node_type(NodeType{type_name(n), cap, n.model})).first;
    }
    spec.cluster.add_nodes(it->second, 1, 0);
    spec.node_names.push_back(n.name);
  }
  spec.topology = TopologySpec::one_switch(1);
  return spec;
}

ClusterSpec parse_openb_cluster(std::string_view text, const std::string& name, const OpenbOptions& options) {
  return openb_cluster(parse_openb_nodes(text, name, options), name, options);
}

ClusterSpec read_openb_cluster(const std::string& path, const OpenbOptions& options) {
  return openb_cluster(read_openb_nodes(path, options), path, options);
}

Workload openb_workload(const OpenbPodList& pods, const std::string& name, const OpenbOptions& options) {
  Workload w;
  w.name = traces_detail::base_name(name);
  w.warnings = pods.warnings;
  // The trace's end: its last timestamp, where pods still alive are cut off.
  int64_t trace_end = 0;
  for (const OpenbPod& p : pods.rows) {
    trace_end = std::max({trace_end, p.creation_time, p.scheduled_time, p.deletion_time});
  }
  int64_t unscheduled = 0, undeleted = 0;
  w.jobs.reserve(pods.rows.size());
  for (const OpenbPod& p : pods.rows) {
    if (options.skip_unscheduled && p.scheduled_time < 0) {
      ++unscheduled;
      continue;
    }
    if (options.skip_undeleted && p.deletion_time < 0) {
      ++undeleted;
      continue;
    }
    JobSpec& j = w.jobs.emplace_back();
    j.trace_id = p.index;
    j.submit = Time::from_seconds(p.creation_time);
    const int64_t start = p.scheduled_time >= 0 ? p.scheduled_time : p.creation_time;
    const int64_t end = p.deletion_time >= 0 ? p.deletion_time : trace_end;
    j.runtime = Time::from_seconds(end - start);
    // The trace has no user estimate: a perfect one, at least 1 s (the engine needs > 0).
    j.walltime = Time::from_seconds(std::max<int64_t>(end - start, 1));
    j.tasks = 1;
    const int64_t cores = options.cpu == OpenbCpuUnit::Milli ? p.cpu_milli : (p.cpu_milli + 999) / 1000;
    j.per_task = Resources{cores, p.num_gpu * p.gpu_milli, p.memory_mib};
    j.gpu_model = p.gpu_spec;
    j.queue = openb_code::qos(p.qos);
    j.status = openb_code::status(p.phase);
  }
  if (unscheduled > 0) w.skipped[openb_skip::kUnscheduled] = unscheduled;
  if (undeleted > 0) w.skipped[openb_skip::kUndeleted] = undeleted;
  if (pods.malformed_rows > 0) w.skipped[openb_skip::kMalformed] = pods.malformed_rows;
  const auto by_arrival = [](const JobSpec& a, const JobSpec& b) {
    return a.submit != b.submit ? a.submit < b.submit : a.trace_id < b.trace_id;
  };
  if (!std::is_sorted(w.jobs.begin(), w.jobs.end(), by_arrival)) w.sort_by_arrival();
  return w;
}

Workload parse_openb_workload(std::string_view text, const std::string& name, const OpenbOptions& options) {
  return openb_workload(parse_openb_pods(text, name, options), name, options);
}

Workload read_openb_workload(const std::string& path, const OpenbOptions& options) {
  return openb_workload(read_openb_pods(path, options), path, options);
}

}  // namespace clustersim
