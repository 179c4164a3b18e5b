#pragma once
// The heterogeneity-aware allocation LP (after Gavel: Narayanan et al., OSDI 2020), solved
// with CLP (docs/lp.md).
//
// Variables x[j][k] >= 0: the fraction of time job j spends on node type k this allocation.
// Constraints:
//   sum_k x[j][k] <= 1                                   (a job runs at most all the time)
//   sum_j demand[j][r] x[j][k] <= capacity[k][r]         (for each type k and resource r:
//                                                          GPUs and cores)
//   x[j][k] = 0 where rate[j][k] = 0                      (the job cannot run there)
// rate[j][k] is the job's normalised throughput on type k: its speed relative to nominal
// (the engine's speed model: throughput on k / throughput on the reference GPU type).
// Objectives:
//   throughput  maximise sum_j sum_k rate[j][k] x[j][k]           (total normalised throughput)
//   max-min     maximise min_j  scale[j] * T_j(x) / (weight[j] * T_j(proportional))
//               where T_j(x) = sum_k rate[j][k] x[j][k], scale[j] its GPUs (cores for
//               CPU jobs: its demand in its main resource), and the proportional share
//               spends time on each type in proportion to the type's capacity,
//               T_j(proportional) = sum_k rate[j][k] cap[k] / sum_k cap[k] (Gavel's
//               max_min_fairness: equal time-share of the cluster, weighted by priority)
//   makespan    maximise min_j T_j(x) / remaining[j]             (the job that would finish
//               last at these rates finishes as early as possible)
// The max-min and makespan forms are linear with one more variable t: maximise t subject to
// t <= c_j T_j(x) for every job.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "policies/lp/linear_program.hpp"

namespace clustersim {

enum class AllocationObjective { Throughput, MaxMin, Makespan };
AllocationObjective parse_allocation_objective(const std::string& name);  // InputError if unknown
const char* to_string(AllocationObjective o);

struct AllocationProblem {
  static constexpr int kResources = 2;  // 0: GPUs, 1: cores
  int types = 0;
  std::vector<std::array<double, kResources>> capacity;  // per type
  struct Job {
    int64_t key = 0;                               // stable across rounds (warm starts): the JobId
    std::array<double, kResources> demand{};       // GPUs, cores
    std::vector<double> rate;                      // per type; 0: cannot run there
    double weight = 1;                             // priority weight (max-min)
    double remaining = 1;                          // nominal seconds of work left (makespan)
  };
  std::vector<Job> jobs;
  void validate() const;  // throws InputError naming the job and the field
};

struct AllocationResult {
  std::vector<double> x;  // jobs x types, row-major
  double objective = 0;
  lp::Status status = lp::Status::Failed;
  int iterations = 0;
  bool warm = false;
  int rows = 0, columns = 0;
  int classes = 0;  // job classes the LP had variables for
  double at(size_t job, int type, int types) const { return x[job * static_cast<size_t>(types) + static_cast<size_t>(type)]; }
};

// Builds and solves the LP. Throws DecisionError naming the constraint (and job) when the
// solver does not end optimal.
// With `fill` (max-min and makespan only), a second LP then maximises total normalised
// throughput among the allocations whose minimum stays at the optimum (within 1e-7): the
// first LP's optimum is degenerate beyond its bottleneck job and would otherwise leave
// capacity idle that other jobs could use. The second solve warm-starts from the first.
// With `aggregate`, jobs identical for the LP share one set of variables (see the .cpp; no
// loss of optimality, identical jobs get identical fractions).
AllocationResult solve_allocation(const AllocationProblem& problem, AllocationObjective objective, lp::Solver& solver,
                                  lp::LinearProgram& scratch, bool fill = false, bool aggregate = true);

}  // namespace clustersim
