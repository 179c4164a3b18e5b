#pragma once
// Packing policies for GPU-sharing workloads (docs/packing.md). Each takes the queue in
// arrival order (FIFO), places each job that fits now on the node (and GPU) its score likes
// best, and skips a job that does not fit (it stays queued; nothing blocks). Scores are for
// one task of the job:
//
//   random       a node chosen uniformly among those where the task fits, then a GPU
//                uniformly among the node's GPUs that hold a share task (seeded).
//   best-fit     the node with the least normalised resources left after placing the task:
//                sum over r in {CPU, GPU} of (free_r - demand_r) / max_r / 2, max_r the
//                largest capacity of r over the cluster's nodes; the GPU by the cluster's
//                best-fit rule.
//   dot-product  Tetris's alignment (Grandl et al., SIGCOMM 2014): the dot product of the
//                task's demand and the node's free vector over {CPU, GPU}, each normalised by
//                max_r, divided by 2; the largest (pick=max, Tetris) or the smallest
//                (pick=min, the variant of the FGD paper's artifact).
//   fgd          Fragmentation gradient descent (Weng et al., "Beware of Fragmentation:
//                Scheduling GPU-Sharing Workloads with Fragmentation Gradient Descent", USENIX
//                ATC'23): the node and GPU whose expected GPU fragmentation F_n(M) grows least
//                (GpuFragmentation below).
//
// Ties go to the lowest node, then the lowest GPU. Tasks with a GPU (gpu_milli > 0) and a
// JobSpec::gpu_model list run only on nodes of a listed model. A job of several tasks takes the
// nodes in the order of one task's score, each node as many tasks as fit there (scores are
// not recomputed between the tasks of one job).
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "sim/policy.hpp"

namespace clustersim {

class PolicyRegistry;

// The FGD paper's fragmentation measure (the statistical one FGD descends). For a node n with free GPU shares R_{n,g}
// (R_n = sum_g R_{n,g}) and a task type m with CPU demand c_m and GPU demand d_m:
//   F_n(m) = R_n                                   if m asks for no GPU, or cannot run on n now
//                                                  (CPU short, no GPU holds its share, fewer
//                                                  than k wholly free GPUs, GPU model not
//                                                  allowed),
//   F_n(m) = sum_g R_{n,g} * [R_{n,g} < min(d_m, 1000)]   otherwise,
// and the expected fragmentation F_n(M) = sum_m p_m F_n(m) over the workload's task types,
// p_m the fraction of its tasks of type m. Task types are (CPU, GPU, GPU models) requests,
// counted over all tasks of all jobs given; memory is not part of a type or of the measure,
// as in the paper. Values are exact: weighted() is sum_m tasks_m F_n(m), an integer.
class GpuFragmentation {
 public:
  struct TaskType {
    int64_t cores = 0;
    int64_t gpu_milli = 0;   // per task
    std::string gpu_model;   // allowed models, '|'-separated; empty: any
    int64_t tasks = 0;       // how many tasks of the workload are of this type
  };

  GpuFragmentation() = default;
  // The task types of `jobs`, for nodes of `cluster`'s types.
  GpuFragmentation(std::span<const JobSpec> jobs, const Cluster& cluster);

  const std::vector<TaskType>& types() const { return types_; }
  int64_t total_tasks() const { return total_; }
  // F_n(m) of type m on a node of node type `node_type` with `cores_free` and `gpu_free`.
  int64_t of_type(size_t m, uint32_t node_type, int64_t cores_free, std::span<const int32_t> gpu_free) const;
  // sum_m tasks_m F_n(m) (= F_n(M) x total_tasks()), exact.
  int64_t weighted(uint32_t node_type, int64_t cores_free, std::span<const int32_t> gpu_free) const;
  // F_n(M) in milli-GPUs.
  double expected(uint32_t node_type, int64_t cores_free, std::span<const int32_t> gpu_free) const {
    return total_ > 0 ? static_cast<double>(weighted(node_type, cores_free, gpu_free)) / static_cast<double>(total_) : 0;
  }

 private:
  // GPU types with one GPU demand and model list, by CPU demand: F_n(m) = R_n - U_n(d) for
  // the types that can run, so weighted() = total R_n - sum over groups of (tasks of its
  // types with c_m <= cores_free) x U_n(d), U_n(d) = sum_g R_{n,g} [R_{n,g} >= d].
  struct Group {
    int64_t gpu_milli = 0;
    std::vector<int64_t> cores;      // ascending
    std::vector<int64_t> tasks_upto; // tasks_upto[i]: tasks of types with cores <= cores[i]
    std::vector<uint8_t> model_ok;   // per node type
  };
  std::vector<TaskType> types_;
  std::vector<std::vector<uint8_t>> type_model_ok_;  // [type][node type]
  std::vector<Group> groups_;
  int64_t total_ = 0;
};

// Whether a task with this GPU model list may run on a node of `node_model` ('|'-separated
// list; empty list: any model).
bool gpu_model_allowed(const std::string& allowed, const std::string& node_model);

enum class PackingScore { Random, BestFit, DotProduct, Fgd };

struct PackingConfig {
  PackingScore score = PackingScore::BestFit;
  uint64_t seed = 1;       // random
  bool dot_max = true;     // dot-product: largest alignment (Tetris) or smallest
};

class PackingPolicy : public Policy {
 public:
  PackingPolicy(std::string name, PackingConfig config) : name_(std::move(name)), config_(config) {}
  std::string name() const override { return name_; }
  void reset(const EngineView& view) override;
  void schedule(Decisions& d) override;
  bool checkpointable() const override { return true; }
  void save_state(StateWriter& w) const override;
  void restore_state(const EngineView& view, StateReader& r) override;

  // Where this policy would place job j now (written to `out`); false if it does not fit.
  bool place(const EngineView& view, JobId j, std::vector<Slot>& out);

 private:
  struct Candidate {
    double key;     // lower is better
    uint32_t node;
    int32_t gpu;
  };
  void collect(const EngineView& view, const JobSpec& s);
  double node_key(const Cluster& c, uint32_t n, const Resources& per_task) const;
  void fgd_candidates(const Cluster& c, uint32_t n, const Resources& per_task);
  int64_t fgd_before(const Cluster& c, uint32_t n);
  uint64_t uniform_below(uint64_t n);

  std::string name_;
  PackingConfig config_;
  std::mt19937_64 rng_;
  double max_cores_ = 0, max_gpu_ = 0;
  GpuFragmentation frag_;
  // FGD: each node's F_n(M) (weighted) for the state it was computed in.
  std::vector<int64_t> cached_value_, cached_cores_;
  std::vector<uint8_t> cached_valid_;
  std::vector<int32_t> cached_gpus_;
  std::vector<uint32_t> gpu_offset_;
  std::vector<int32_t> scratch_gpus_;
  std::vector<Candidate> candidates_;
  std::vector<Slot> placement_;
  std::vector<JobId> candidates_this_pass_;  // the queued jobs this call tries, in queue order
  // What the last pass saw: if nothing was given back since, a job that did not fit then
  // still does not (free resources only shrank), so only new arrivals are tried.
  bool primed_ = false;
  uint32_t seen_arrived_ = 0;
  int64_t seen_finished_ = 0, seen_failed_ = 0;
  size_t seen_requeued_ = 0;
};

// Adds random, best-fit, dot-product and fgd.
void register_packing_policies(PolicyRegistry& registry);

}  // namespace clustersim
