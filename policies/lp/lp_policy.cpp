#include "policies/lp/lp_policy.hpp"

#include <algorithm>
#include <cmath>

#include "policies/registry.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace {

// Nominal seconds of work the job has left (progress accrues lazily in the record): the real
// work, or the estimate's corrected total minus the work done.
double remaining_s(const EngineView& v, JobId j, const RuntimeEstimates* estimates) {
  const JobRecord& r = v.record(j);
  double remaining = r.remaining_us;
  if (r.state == JobState::Running && v.now() > r.progress_from)
    remaining = std::max(0.0, remaining - r.rate * static_cast<double>((v.now() - r.progress_from).us()));
  if (estimates && estimates->kind() != EstimateKind::Runtime) {
    const double done_us = static_cast<double>(v.spec(j).runtime.us()) - remaining;
    const Time total = estimates->corrected(v, j, Time::from_us(static_cast<int64_t>(done_us)));
    remaining = static_cast<double>(total.us()) - done_us;
  }
  return std::max(remaining / 1e6, 1e-6);
}

}  // namespace

void build_allocation_problem(const EngineView& v, std::span<const JobId> jobs,
                              const std::function<double(const JobSpec&)>& weight, AllocationProblem& p,
                              const RuntimeEstimates* estimates) {
  const Cluster& c = v.cluster();
  const int K = static_cast<int>(c.node_types().size());
  p.types = K;
  p.capacity.assign(static_cast<size_t>(K), {0.0, 0.0});
  const std::vector<int64_t> probe = node_of_each_type(c);
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    const uint32_t t = c.type_index(NodeId(n));
    if (!c.is_up(NodeId(n))) continue;
    p.capacity[t][0] += static_cast<double>(c.capacity(NodeId(n)).gpu_milli) / 1000.0;
    p.capacity[t][1] += static_cast<double>(c.capacity(NodeId(n)).cores);
  }
  // Per type: the nodes that are up, for the question "could this type's nodes hold the job
  // if they were empty?" (a job the LP gives a type it can never be placed on would starve).
  std::vector<std::vector<uint32_t>> up_nodes(static_cast<size_t>(K));
  for (uint32_t n = 0; n < c.num_nodes(); ++n)
    if (c.is_up(NodeId(n))) up_nodes[c.type_index(NodeId(n))].push_back(n);
  auto could_hold = [&](const JobSpec& s, int k) {
    const auto& nodes = up_nodes[static_cast<size_t>(k)];
    if (nodes.empty()) return false;
    // Nodes of a type are identical: how many tasks one empty node takes, times the nodes.
    const int64_t per_node = c.capacity(NodeId(nodes.front())).copies_of(s.per_task);
    return per_node > 0 && per_node * static_cast<int64_t>(nodes.size()) >= s.tasks;
  };
  p.jobs.resize(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JobId j = jobs[i];
    const JobSpec& s = v.spec(j);
    AllocationProblem::Job& job = p.jobs[i];
    job.key = j.value();
    const Resources total = s.total();
    job.demand = {static_cast<double>(total.gpu_milli) / 1000.0, static_cast<double>(total.cores)};
    job.rate.assign(static_cast<size_t>(K), 0.0);
    for (int k = 0; k < K; ++k) {
      if (probe[static_cast<size_t>(k)] < 0 || !could_hold(s, k)) continue;
      const Slot one[] = {{NodeId(static_cast<uint32_t>(probe[static_cast<size_t>(k)])), s.tasks}};
      job.rate[static_cast<size_t>(k)] = v.rate_if_placed(j, one);
    }
    job.weight = weight ? weight(s) : 1.0;
    job.remaining = remaining_s(v, j, estimates);
  }
}

LpPolicy::LpPolicy(LpPolicyConfig config, RuntimeEstimates estimates)
    : RoundPolicy(config.round), config_(config), estimates_(std::move(estimates)) {
  solver_.set_limits(config_.solver_seconds, 10'000'000);
  solver_.set_warm_start(config_.warm_start);
}

LpPolicy::~LpPolicy() = default;

void LpPolicy::reset(const EngineView& view) {
  RoundPolicy::reset(view);
  estimates_.reset(view);
}

void LpPolicy::plan(const EngineView& v, std::span<const JobId> runnable, Allocation& out) {
  jobs_.assign(runnable.begin(), runnable.end());
  estimates_.sync(v);
  build_allocation_problem(v, jobs_, weight_, problem_, &estimates_);
  problem_.validate();
  result_ = solve_allocation(problem_, config_.objective, solver_, lp_, config_.fill);
  ++solves_;
  warm_solves_ += result_.warm;

  // Priority of each (job, type) with a share: target fraction / fraction received so far.
  const int K = problem_.types;
  struct Pair {
    double priority, x;
    size_t job;
    int type;
  };
  std::vector<Pair> pairs;
  for (size_t i = 0; i < jobs_.size(); ++i) {
    const double elapsed = elapsed_s(v, jobs_[i]);
    for (int k = 0; k < K; ++k) {
      const double x = result_.at(i, k, K);
      if (x <= 1e-9) continue;
      const double got = elapsed > 0 ? received_s(jobs_[i], static_cast<uint32_t>(k)) / elapsed : 0.0;
      pairs.push_back({got > 0 ? x / got : std::numeric_limits<double>::infinity(), x, i, k});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.x != b.x) return a.x > b.x;
    if (a.job != b.job) return a.job < b.job;
    return a.type < b.type;
  });
  // In priority order, a job takes a type while its GPUs and cores last.
  std::vector<std::array<double, AllocationProblem::kResources>> left = problem_.capacity;
  std::vector<bool> assigned(jobs_.size(), false);
  chosen_.clear();
  for (const Pair& p : pairs) {
    if (assigned[p.job]) continue;
    const auto& d = problem_.jobs[p.job].demand;
    auto& l = left[static_cast<size_t>(p.type)];
    if (d[0] > l[0] + 1e-9 || d[1] > l[1] + 1e-9) continue;
    l[0] -= d[0];
    l[1] -= d[1];
    assigned[p.job] = true;
    chosen_.push_back({jobs_[p.job], static_cast<uint32_t>(p.type)});
  }
  count_unplaced(place_round(v, chosen_, planner_, out));
}

void register_lp_policies(PolicyRegistry& r) {
  r.add({"lp",
         "heterogeneity-aware allocation LP solved with CLP every round (Gavel-style): time fractions of each job "
         "on each GPU type, turned into placements by priority = target / received fraction (docs/lp.md)",
         {{"objective", "max-min", "throughput (total normalised throughput), max-min (fairness, Gavel) or makespan"},
          {"round", "360", "round length in seconds (the engine's --round-interval overrides it)"},
          {"fill", "true", "max-min/makespan: a second LP gives idle capacity to other jobs without lowering the minimum"},
          {"warm_start", "true", "start each round's solve from the previous round's basis"},
          {"solver_seconds", "10", "CLP's time limit per solve; reaching it stops the run with an error"},
          {"estimate", "runtime",
           "the remaining-work term: runtime (real remaining work, an oracle; lp's behaviour so far), requested, "
           "user-mean2 or mlp (docs/predictors.md)"}},
         [](const PolicyParams& p) -> std::unique_ptr<Policy> {
           p.reject_unknown({"objective", "round", "fill", "warm_start", "solver_seconds", "estimate"});
           LpPolicyConfig c;
           c.objective = parse_allocation_objective(
               p.get_choice("objective", "max-min", {"throughput", "max-min", "makespan"}));
           const double round = p.get_double("round", 360);
           if (!(round > 0) || round > 1e9)
             throw InputError("policy lp: parameter 'round': must be > 0 seconds, got " + std::to_string(round));
           c.round = Time::from_seconds_ceil(round);
           c.fill = p.get_bool("fill", true);
           c.warm_start = p.get_bool("warm_start", true);
           c.solver_seconds = p.get_double("solver_seconds", 10);
           if (!(c.solver_seconds > 0))
             throw InputError("policy lp: parameter 'solver_seconds': must be > 0, got " + std::to_string(c.solver_seconds));
           return std::make_unique<LpPolicy>(
               c, RuntimeEstimates::by_name(p.get_string("estimate", "runtime"), "policy lp: parameter 'estimate'"));
         }});
}

}  // namespace clustersim
