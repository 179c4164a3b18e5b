#pragma once
// Throughput tables for the DL job model: how fast a job type trains on each GPU type
// (iterations per second), with its workers consolidated on one server or spread over
// several, alone or co-located with another job type, as heterogeneity-aware schedulers use
// them (Gavel: Narayanan et al., OSDI 2020).
//
// Two file formats (docs/throughputs.md):
//  - Gavel's JSON (data/gavel-throughputs/simulation_throughputs.json is shipped), isolated and
//    co-located throughputs;
//  - a simple CSV, `job_type,gpu_type,throughput[,placement][,scale_factor]`, isolated only.
// Errors raise InputError naming the file, the line and the key path or column.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace clustersim {

// Where a multi-GPU job's workers are: all on one server, or over several ("unconsolidated"
// in Gavel). A one-GPU job is always consolidated; Gavel lists it under both with equal values.
enum class GpuPlacement : uint8_t { Consolidated, Spread };
std::string_view to_string(GpuPlacement p);

// A job type: a model (with its batch size, e.g. "ResNet-18 (batch size 16)") trained with
// `scale_factor` workers (GPUs). Gavel's 83 job types are 26 models x scale factors 1-8.
struct DlJobType {
  std::string model;
  int32_t scale_factor = 1;
  bool operator==(const DlJobType&) const = default;
  // Gavel's key text: "('ResNet-18 (batch size 16)', 1)".
  std::string to_string() const;
};

// Throughputs of a job and the job it shares its GPU(s) with.
struct ThroughputPair {
  double self = 0;
  double other = 0;
  bool operator==(const ThroughputPair&) const = default;
};

// Job type x GPU type x placement -> isolated throughput, and job type x job type x GPU type x
// placement -> co-located pair. Job types and GPU types are small integer ids in order of
// registration (a reader registers them in file order); JobSpec::job_type holds a job type id.
// GPU type names are matched ignoring ASCII case ("V100" finds "v100").
class ThroughputTable {
 public:
  // Registers a job / GPU type, or returns the id it already has.
  int32_t add_job_type(const DlJobType& type);
  int32_t add_gpu_type(std::string_view name);
  std::optional<int32_t> find_job_type(std::string_view model, int32_t scale_factor = 1) const;
  std::optional<int32_t> find_gpu_type(std::string_view name) const;

  size_t num_job_types() const { return job_types_.size(); }
  size_t num_gpu_types() const { return gpu_types_.size(); }
  const DlJobType& job_type(int32_t id) const { return job_types_.at(static_cast<size_t>(id)); }
  const std::string& gpu_type(int32_t id) const { return gpu_types_.at(static_cast<size_t>(id)); }

  // Setters; ids must be registered (std::out_of_range otherwise), throughputs finite >= 0
  // (std::invalid_argument otherwise). A later set replaces an earlier one.
  void set_isolated(int32_t job, int32_t gpu, GpuPlacement p, double throughput);
  void set_colocated(int32_t job, int32_t other, int32_t gpu, GpuPlacement p, ThroughputPair t);

  // The throughput of `job` alone on `gpu`, or nullopt when the table has no entry. O(1).
  // 0 is a real entry: Gavel writes 0 where a job type does not run (e.g. out of memory).
  std::optional<double> isolated(int32_t job, int32_t gpu, GpuPlacement p) const;
  // The pair (job's, other's) when `job` shares `gpu` with `other`, or nullopt. O(1) expected.
  std::optional<ThroughputPair> colocated(int32_t job, int32_t other, int32_t gpu,
                                          GpuPlacement p) const;

  size_t num_isolated() const;  // entries set
  size_t num_colocated() const { return colocated_.size(); }

 private:
  size_t slot(int32_t job, int32_t gpu, GpuPlacement p) const;
  uint64_t colocated_key(int32_t job, int32_t other, int32_t gpu, GpuPlacement p) const;

  std::vector<DlJobType> job_types_;
  std::vector<std::string> gpu_types_;
  // Isolated throughputs, [job][gpu][placement], NaN where there is no entry.
  std::vector<double> isolated_;
  std::unordered_map<uint64_t, ThroughputPair> colocated_;
};

// Gavel's JSON layout (see data/gavel-throughputs/README.md). `name` labels errors.
ThroughputTable read_gavel_throughputs(const std::string& path);
ThroughputTable parse_gavel_throughputs(std::string_view text, const std::string& name);

// The CSV format: a header naming the columns, then one isolated throughput per row.
ThroughputTable read_throughputs_csv(const std::string& path);
ThroughputTable parse_throughputs_csv(std::string_view text, const std::string& name);

// Either format, chosen by the extension (.json or .csv).
ThroughputTable read_throughputs(const std::string& path);

}  // namespace clustersim
