#pragma once
// lp: heterogeneity-aware allocation by linear programming on scheduling rounds (docs/lp.md).
// Every round the policy builds the allocation LP (allocation_lp.hpp) over the runnable jobs
// (queued or running) and the node types of the nodes that are up, solves it with CLP
// (warm-started from the previous round), and turns the time fractions into this round's
// placements: each (job, type) pair gets priority x / (fraction of its time in the system
// the job received on that type so far) — infinite when it received none — and, in priority
// order, a job takes its type while the type's GPUs (and cores) last. Jobs that stay on their
// type keep their placement; the others are consolidated on as few nodes, then racks, as the
// free resources allow (RoundPlanner).
//
// The remaining-work term (each job's `remaining` in the LP) comes from an estimate source
// (param `estimate`, policies/predict/estimates.hpp): `runtime`, the default, is the real
// remaining work (an oracle: what lp has always used, so existing results do not change);
// `requested` is the requested time minus the work done; a predictor's name uses its
// prediction, corrected (doubled up to the requested time) once the job has outrun it.
#include <functional>
#include <memory>

#include "policies/lp/allocation_lp.hpp"
#include "policies/predict/estimates.hpp"
#include "policies/rounds.hpp"

namespace clustersim {

struct LpPolicyConfig {
  AllocationObjective objective = AllocationObjective::MaxMin;
  Time round = Time::from_seconds(360);
  bool fill = true;          // second LP: fill what the max-min / makespan optimum leaves idle
  bool warm_start = true;
  double solver_seconds = 10;  // CLP's limit per solve; reaching it stops the run with an error
};

class LpPolicy : public RoundPolicy {
 public:
  explicit LpPolicy(LpPolicyConfig config, RuntimeEstimates estimates = RuntimeEstimates::oracle());
  ~LpPolicy() override;
  std::string name() const override { return "lp"; }
  void reset(const EngineView& view) override;
  // Priority weights for max-min (default: 1 for every job).
  void set_weights(std::function<double(const JobSpec&)> weight) { weight_ = std::move(weight); }

  // The last round's LP (for tests and benches).
  const AllocationProblem& last_problem() const { return problem_; }
  const AllocationResult& last_result() const { return result_; }
  std::span<const JobId> last_jobs() const { return jobs_; }
  // Totals over the run.
  int64_t solves() const { return solves_; }
  int64_t warm_solves() const { return warm_solves_; }

 protected:
  void plan(const EngineView& view, std::span<const JobId> runnable, Allocation& out) override;

 private:
  LpPolicyConfig config_;
  RuntimeEstimates estimates_;
  std::function<double(const JobSpec&)> weight_;
  lp::Solver solver_;
  lp::LinearProgram lp_;
  AllocationProblem problem_;
  AllocationResult result_;
  std::vector<JobId> jobs_;
  RoundPlanner planner_;
  std::vector<RoundChoice> chosen_;
  int64_t solves_ = 0, warm_solves_ = 0;
};

// The problem of one round, as lp builds it (exposed for benches and tests): capacity of the
// nodes that are up per type, and per job its demand, its rate on each type (a consolidated
// placement on one node of the type) and its remaining nominal work: the real one, or the
// estimate of `estimates` when given (and not the oracle).
void build_allocation_problem(const EngineView& view, std::span<const JobId> jobs,
                              const std::function<double(const JobSpec&)>& weight, AllocationProblem& out,
                              const RuntimeEstimates* estimates = nullptr);

// Adds lp.
void register_lp_policies(PolicyRegistry& registry);

}  // namespace clustersim
