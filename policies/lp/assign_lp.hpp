#pragma once
// lp-assign: each queued job is one task placed on one node, ordered and placed by a
// time-indexed LP relaxation of minimising the total completion time (docs/lp-assign.md).
//
// At a decision point the first `max_tasks` queued jobs (arrival order) form the window.
// Time from now is cut into H slots of length Δ; x[t,i,s] is the fraction of task t that
// starts on node i in slot s, and overflow[t] the fraction that starts after the horizon:
//   minimise   sum_t ( sum_{i,s} (s Δ + p_t) x[t,i,s] + (H Δ + p_t) overflow[t] )
//   subject to sum_{i,s} x[t,i,s] + overflow[t] = 1                          (every task)
//              sum_t C_t sum_{s' = s-d_t+1 .. s} x[t,i,s'] <= R_i(s)           (node i, slot s)
// with C_t the task's demand in the cluster's main resource (GPUs if it has any, else cores),
// p_t its estimated duration, d_t = ceil(p_t / Δ) its length in slots, and R_i(s) what node i
// has left in slot s once the running jobs that are expected to run then are counted. The
// overflow column keeps the LP feasible whatever the horizon. This is the time-indexed
// relaxation of Hall, Schulz, Shmoys and Wein (Math. Oper. Res. 22(3), 1997), whose LP order
// list scheduling follows.
//
// Rounding and repair: tasks are taken in order of their LP mean completion time (HSSW's
// order); a task whose LP α-point (α = 1/2) is slot 0 starts now if it fits, on the node
// holding most of its LP mass, else on the best-fitting node with room; then (fill) idle
// nodes, or with fill=any every node, take the remaining tasks in the same order. Every start
// is checked exactly against the cluster (all resources, GPU rules); the LP only sees the
// main resource.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policies/lp/linear_program.hpp"
#include "sim/policy.hpp"

namespace clustersim {

class PolicyRegistry;

// The LP of one decision point, in the main resource's units and in microseconds.
struct AssignProblem {
  int slots = 24;          // H
  double slot_us = 1;      // Δ
  int nodes = 0;
  std::vector<double> capacity;  // nodes x slots, row-major: R_i(s) (>= 0)
  struct Task {
    int64_t key = 0;              // stable across decision points (warm starts): the JobId
    double demand = 0;            // C_t (>= 0)
    double duration_us = 1;       // p_t (> 0)
    std::vector<uint8_t> allowed; // per node: 1 when the task may run there
  };
  std::vector<Task> tasks;

  int duration_slots(size_t t) const;  // d_t = ceil(p_t / Δ), at least 1
  void validate() const;               // throws InputError naming the task or node
};

struct AssignResult {
  lp::Status status = lp::Status::Failed;
  double objective_us = 0;         // the LP's total completion time from now
  int iterations = 0;
  bool warm = false;
  int rows = 0, columns = 0;
  int64_t elements = 0;
  std::vector<double> mass;        // tasks x nodes: fraction of the task started on the node
  std::vector<double> mean_start;  // per task, in slots (the overflow counts as slot H)
  std::vector<double> mean_end_us; // per task: LP completion time from now, mean_start Δ + p_t
  std::vector<double> start_now;   // per task: fraction started in slot 0
  std::vector<double> overflow;    // per task: fraction started after the horizon
  std::vector<int> preferred;      // per task: node with the most mass (lowest on ties), -1: none
};

// Builds and solves the LP with `solver` (warm-started from its last solve where the keys
// repeat). Throws DecisionError when the solver does not end optimal.
AssignResult solve_assignment(const AssignProblem& problem, lp::Solver& solver, lp::LinearProgram& scratch);

// After the LP's own starts, which nodes take the remaining tasks in LP order.
enum class AssignFill { Idle, Any };

struct LpAssignConfig {
  int64_t max_tasks = 64;   // jobs in the LP window (the first queued, in arrival order)
  int64_t slots = 24;       // H
  int64_t max_nodes = 64;   // larger clusters are refused at reset
  AssignFill fill = AssignFill::Idle;
  void validate() const;    // throws InputError naming the parameter
};

class LpAssignPolicy : public Policy {
 public:
  explicit LpAssignPolicy(LpAssignConfig config);
  std::string name() const override { return "lp-assign"; }
  // Refuses (InputError) a cluster of more than max_nodes nodes and any job that no single
  // node can hold (naming its trace id); a fresh solver, so runs do not depend on earlier ones.
  void reset(const EngineView& view) override;
  void schedule(Decisions& decisions) override;

  struct Stats {
    int64_t solves = 0, warm_solves = 0, iterations = 0;
    int64_t lp_starts = 0;    // started because the LP starts them now (α-point in slot 0)
    int64_t fill_starts = 0;  // started by the fill pass
    int max_columns = 0, max_rows = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  double main_of(const Resources& r) const {
    return static_cast<double>(gpu_ ? r.gpu_milli : r.cores);
  }
  bool type_holds(uint32_t type, const JobSpec& s) const;  // on an empty node of the type
  bool fits_now(const EngineView& v, JobId j, uint32_t node) const;
  // Starts window task k on `preferred` if it fits there, else on the best-fitting node with
  // room (only idle nodes when `idle_only`); false when none holds it now.
  bool try_place(Decisions& d, size_t k, int preferred, bool idle_only);
  void build(const EngineView& v);

  LpAssignConfig config_;
  bool gpu_ = false;
  std::vector<Cluster> probes_;  // per node type: one empty node of it (exact fit checks)
  std::unique_ptr<lp::Solver> solver_;
  lp::LinearProgram scratch_;
  AssignProblem problem_;
  std::vector<JobId> window_;
  std::vector<size_t> order_;
  std::vector<uint8_t> started_;
  std::vector<double> used_;     // scratch: nodes x slots used by running jobs
  Stats stats_;
};

// Adds lp-assign.
void register_lp_assign_policy(PolicyRegistry& registry);

}  // namespace clustersim
