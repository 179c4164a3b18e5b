#pragma once
// The deep-learning job model: jobs of a job type (a model trained with k workers = k GPUs)
// whose speed depends on where they run, from a measured throughput table (Gavel: Narayanan
// et al., OSDI 2020; traces/throughputs.hpp).
//
// Work and rate. A DL job's JobSpec::runtime is its duration on the reference GPU type with
// its workers consolidated on one server (rate 1.0); its work in iterations is runtime x that
// throughput. On a placement the rate is
//     throughput(job type, GPU type, consolidated or spread) / reference throughput
//     (spread falls back on consolidated where the table has no spread measurement)
//     x (1 - cross_rack_penalty) when the workers span several racks,
// with the slowest GPU type deciding when a placement mixes types (synchronous training
// waits for its slowest worker). The engine turns rate into finish times and re-plans them
// on preemption and migration.
//
// Co-location. A worker that holds a share of a GPU (JobSpec::per_task.gpu_milli < 1000, as
// the openb pods ask) runs at its isolated throughput while it has the GPU to itself; while
// another DL job's worker shares that GPU it runs at the table's co-located throughput of the
// pair (Gavel's space-sharing measurements), i.e. its isolated throughput times
//     colocated(job type, other type) / isolated(job type)
// on that GPU type, one such factor per other job on the GPU (the table measures pairs only:
// with three or more jobs on one GPU the pairwise slowdowns multiply). A pair the table does
// not measure (other scale factors, a job without a job type) is taken to run without
// interference, and so is a pair it measured as unable to run together (a zero in the pair:
// Gavel could not co-locate them in a whole GPU's memory), since whether two workers fit on
// one GPU is decided by their shares, which the cluster holds to 1000 milli-GPUs. The engine re-plans both jobs when one arrives on or
// leaves the GPU (SpeedModel::colocation_aware). Whole-GPU workers never share a GPU.
//
// Generator (after Gavel's generate_job, its "Philly" distributions): Poisson arrivals; a
// model uniform over the table's models; scale factor 1 (p 0.7), 2 (0.1), 4 (0.15), 8 (0.05)
// when multi-GPU jobs are on; duration 60 x 10^U(1.5, 3) s with probability 0.8, else
// 60 x 10^U(3, 4) s; users uniform over `users`.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/observer.hpp"
#include "sim/workload.hpp"
#include "traces/throughputs.hpp"

namespace clustersim {

struct DlWorkloadConfig {
  int64_t jobs = 500;
  double jobs_per_hour = 0;   // Poisson arrival rate; 0: every job arrives at time 0
  bool multi_gpu = true;      // scale factors 1/2/4/8; false: every job uses one GPU
  int32_t users = 10;         // JobSpec::user uniform on 0..users-1
  std::string reference_gpu = "v100";
  int64_t cores_per_gpu = 0;  // per_task cores (0: GPUs only)
  // The share of jobs made elastic (JobSpec::min_tasks/max_tasks): each such job of g GPUs may
  // run on max(1, g/2) to 2g. Drawn from a stream of its own: the jobs are otherwise the same.
  double elastic_fraction = 0;
  uint64_t seed = 1;
  void validate() const;      // throws InputError naming the field
};

// Jobs with trace_id 1..n, job_type = the table's id of (model, scale factor), tasks = scale
// factor, per_task = {cores_per_gpu, 1000 milli-GPU, 0}, walltime = runtime. Only job types
// with a positive throughput on every GPU type of the table, consolidated and spread, are
// drawn (a model
// missing at a scale factor, or that cannot run somewhere, is redrawn), so every placement
// on a GPU type of the table can run them. Throws InputError when none qualifies.
Workload generate_dl(const ThroughputTable& table, const DlWorkloadConfig& config);

// The job types a job of `scale_factor` GPUs may be given: one per model of the table (in the
// order the table first names each model) whose type at that scale factor has a positive
// throughput on every GPU type of the table, consolidated and spread (a missing spread entry
// falls back on the consolidated one, as in ThroughputSpeedModel), so that every placement on
// a GPU type of the table can run it. Empty when none qualifies. generate_dl and
// assign_dl_job_types draw from these lists.
std::vector<int32_t> dl_eligible_job_types(const ThroughputTable& table, int32_t scale_factor);

// Replaying a real GPU trace (openb, Philly, Helios, PAI: arrival, duration, GPU count, no
// model) with the DL job model, as Gavel's experiments do: each GPU job is given a job type
// drawn uniformly at random (docs/dl.md, "Job types for real traces").
struct DlJobTypesConfig {
  uint64_t seed = 1;
  std::string reference_gpu = "v100";  // the GPU type the trace's durations are taken to be on
  // A job that asks for a share of one GPU (one task, 0 < gpu_milli < 1000, as many openb
  // pods do) keeps its share and becomes a one-worker job type, so that it shares its GPU and
  // runs at the co-located throughputs (above); false: it is rounded up to a whole GPU.
  bool keep_shares = false;
  void validate() const;               // throws InputError naming the field
};

// What assign_dl_job_types did, for the caller to report.
struct DlJobTypesResult {
  Workload workload;
  int64_t converted = 0;       // jobs that asked for GPUs and got a job type
  int64_t rounded_up = 0;      // of these, a fractional GPU total rounded up to whole GPUs
  int64_t kept_shares = 0;     // of these, a GPU share kept (DlJobTypesConfig::keep_shares)
  int64_t remapped_scale = 0;  // of these, a GPU count the table has no eligible type for
  int64_t without_gpus = 0;    // jobs left as they were
};

// Every job that asks for GPUs becomes a DL job:
//  - its GPU count g is its total GPUs, rounded up to whole GPUs (a 0.46-GPU share needs one);
//  - its scale factor is g if dl_eligible_job_types(table, g) is not empty, else the
//    smallest scale factor above g that has eligible types, else the largest below g (the job
//    then asks for that many GPUs: the table has no measurement of g workers);
//  - its job_type is drawn uniformly among the eligible types of that scale factor, from one
//    seeded stream in workload order (the same seed and workload give the same types on
//    every platform);
//  - it is reshaped into `scale` tasks of {ceil(total cores / scale), 1000 milli-GPU,
//    ceil(total memory / scale)} (with keep_shares, a one-task job asking for less than one
//    GPU keeps its task and share: scale factor 1), and its gpu_model constraint is cleared (it names the
//    trace's GPU models; the job type and the table now say where it runs and how fast);
//  - submit, runtime (now its duration on the reference GPU, consolidated) and walltime and
//    everything else stay.
// Jobs without GPUs are copied unchanged. The workload's name records the step. Throws
// InputError for a bad config, a reference GPU the table lacks, or a table where no job type
// qualifies at any scale factor.
DlJobTypesResult assign_dl_job_types(const Workload& w, const ThroughputTable& table,
                                     const DlJobTypesConfig& config);

struct ThroughputModelConfig {
  std::string reference_gpu = "v100";
  double cross_rack_penalty = 0;  // 0..1: speed lost when workers span racks
  bool colocation = true;         // share-GPU workers slow down next to other jobs (above)
  void validate() const;
};

// The SpeedModel of the DL job model above. Jobs without a job type (job_type < 0) run at
// rate 1. A placement on a GPU model the table does not know, or where the table gives no
// positive throughput, gets rate 0: the engine refuses to start the job there, and policies
// see it through EngineView::rate_if_placed. A job type without a throughput on the reference
// GPU raises DecisionError naming it (the workload and the table disagree).
class ThroughputSpeedModel : public SpeedModel {
 public:
  ThroughputSpeedModel(const ThroughputTable& table, ThroughputModelConfig config = {});
  double rate(const EngineView& view, JobId job, std::span<const Slot> placement) const override;
  bool colocation_aware() const override { return config_.colocation; }
  // The isolated throughput of a job type on a node type's GPUs (nullopt if unknown / none).
  std::optional<double> throughput(const Cluster& cluster, int32_t job_type, uint32_t node_type,
                                   GpuPlacement p) const;

 private:
  int32_t gpu_of(const Cluster& cluster, uint32_t node_type) const;  // -1: unknown model
  // The factor (co-located over isolated throughput) of a worker of `job_type` on GPU type
  // `gpu` next to a worker of `other_type`: 1 when the table has no usable pair (above).
  double pair_factor(int32_t job_type, int32_t other_type, int32_t gpu, GpuPlacement p, double isolated) const;
  // The product of pair_factor over the other running jobs with a worker on GPU `sl.gpu` of
  // `sl.node`.
  double sharing_factor(const EngineView& view, JobId job, const Slot& sl, int32_t gpu, GpuPlacement p,
                        double isolated) const;
  const ThroughputTable& table_;
  ThroughputModelConfig config_;
  int32_t reference_gpu_;
  mutable std::vector<int32_t> gpu_by_node_type_;  // cache, filled on first use
};

}  // namespace clustersim
