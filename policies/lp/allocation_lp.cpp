#include "policies/lp/allocation_lp.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/error.hpp"

namespace clustersim {

AllocationObjective parse_allocation_objective(const std::string& name) {
  if (name == "throughput") return AllocationObjective::Throughput;
  if (name == "max-min") return AllocationObjective::MaxMin;
  if (name == "makespan") return AllocationObjective::Makespan;
  throw InputError("LP objective '" + name + "': expected throughput, max-min or makespan");
}

const char* to_string(AllocationObjective o) {
  switch (o) {
    case AllocationObjective::Throughput: return "throughput";
    case AllocationObjective::MaxMin: return "max-min";
    case AllocationObjective::Makespan: return "makespan";
  }
  return "?";
}

void AllocationProblem::validate() const {
  if (types <= 0 || types > 64) throw InputError("LP: " + std::to_string(types) + " node types (1..64 supported)");
  if (capacity.size() != static_cast<size_t>(types)) throw InputError("LP: capacity has the wrong number of types");
  for (int k = 0; k < types; ++k)
    for (double c : capacity[static_cast<size_t>(k)])
      if (!(c >= 0) || !std::isfinite(c)) throw InputError("LP: node type " + std::to_string(k) + " has capacity " + std::to_string(c));
  for (const Job& j : jobs) {
    const std::string who = "LP: job " + std::to_string(j.key);
    if (j.rate.size() != static_cast<size_t>(types)) throw InputError(who + ": rate has the wrong number of types");
    for (double r : j.rate)
      if (!(r >= 0) || !std::isfinite(r)) throw InputError(who + ": rate " + std::to_string(r));
    for (double d : j.demand)
      if (!(d >= 0) || !std::isfinite(d)) throw InputError(who + ": demand " + std::to_string(d));
    if (!(j.weight > 0) || !std::isfinite(j.weight)) throw InputError(who + ": weight must be > 0, got " + std::to_string(j.weight));
    if (!(j.remaining > 0) || !std::isfinite(j.remaining))
      throw InputError(who + ": remaining work must be > 0, got " + std::to_string(j.remaining));
  }
}

namespace {

constexpr int64_t kCapacityRowBase = int64_t{1} << 60;
constexpr int64_t kTColumnKey = int64_t{1} << 61;

// The job's main resource: GPUs if it needs any, else cores.
int main_resource(const AllocationProblem::Job& j) { return j.demand[0] > 0 ? 0 : 1; }

}  // namespace

namespace {

// Jobs identical for the LP (demand, rates, weight; and remaining work for makespan) form a
// class. The LP is concave in each class's variables and symmetric under swapping identical
// jobs, so averaging an optimum over a class gives an optimum in which identical jobs get
// identical fractions: one set of variables per class, the capacity rows counting each
// class's jobs, loses no optimality and shrinks DL workloads (tens of job types) to a few
// hundred variables whatever the number of jobs.
struct Classes {
  std::vector<int> of_job;       // job -> class
  std::vector<size_t> first;     // class -> its first job (its representative)
  std::vector<double> count;     // class -> number of jobs
};

Classes classify(const AllocationProblem& p, bool by_remaining, bool aggregate) {
  Classes c;
  const size_t n = p.jobs.size();
  c.of_job.resize(n);
  if (!aggregate) {
    for (size_t j = 0; j < n; ++j) {
      c.of_job[j] = static_cast<int>(j);
      c.first.push_back(j);
      c.count.push_back(1);
    }
    return c;
  }
  std::map<std::vector<double>, int> index;
  std::vector<double> key;
  for (size_t j = 0; j < n; ++j) {
    const auto& job = p.jobs[j];
    key.assign(job.demand.begin(), job.demand.end());
    key.insert(key.end(), job.rate.begin(), job.rate.end());
    key.push_back(job.weight);
    if (by_remaining) key.push_back(job.remaining);
    auto [it, fresh] = index.try_emplace(key, static_cast<int>(c.first.size()));
    if (fresh) {
      c.first.push_back(j);
      c.count.push_back(0);
    }
    c.of_job[j] = it->second;
    c.count[static_cast<size_t>(it->second)] += 1;
  }
  return c;
}

}  // namespace

AllocationResult solve_allocation(const AllocationProblem& p, AllocationObjective objective, lp::Solver& solver,
                                  lp::LinearProgram& lp, bool fill, bool aggregate) {
  const int K = p.types;
  const size_t n = p.jobs.size();
  const bool with_t = objective != AllocationObjective::Throughput;
  lp.clear(lp::Sense::Maximise);
  AllocationResult out;
  out.x.assign(n * static_cast<size_t>(K), 0.0);
  if (n == 0) {
    out.status = lp::Status::Optimal;
    return out;
  }
  const Classes cls = classify(p, objective == AllocationObjective::Makespan, aggregate);
  const size_t C = cls.first.size();
  out.classes = static_cast<int>(C);
  auto rep = [&](size_t c) -> const AllocationProblem::Job& { return p.jobs[cls.first[c]]; };

  // Columns x[c][k] (fixed at 0 where the class cannot run or does not fit the type at all).
  // Keys (warm starts) are those of the class's first job.
  std::vector<bool> runs(C, false);
  for (size_t c = 0; c < C; ++c) {
    const auto& job = rep(c);
    for (int k = 0; k < K; ++k) {
      bool ok = job.rate[static_cast<size_t>(k)] > 0;
      for (int r = 0; r < AllocationProblem::kResources; ++r)
        ok = ok && job.demand[static_cast<size_t>(r)] <= p.capacity[static_cast<size_t>(k)][static_cast<size_t>(r)];
      runs[c] = runs[c] || ok;
      const double obj = objective == AllocationObjective::Throughput ? cls.count[c] * job.rate[static_cast<size_t>(k)] : 0.0;
      lp.add_column(0.0, ok ? 1.0 : 0.0, ok ? obj : 0.0, job.key * 64 + k);
    }
  }
  const int t_col = with_t ? lp.add_column(0.0, lp::kInf, 1.0, kTColumnKey) : -1;

  // sum_k x[c][k] <= 1
  for (size_t c = 0; c < C; ++c) {
    const int row = lp.add_row(-lp::kInf, 1.0, rep(c).key * 2);
    for (int k = 0; k < K; ++k) lp.set(row, static_cast<int>(c) * K + k, 1.0);
  }
  // Capacity of each type, per resource some job demands.
  int capacity_rows = 0;
  for (int k = 0; k < K; ++k) {
    for (int r = 0; r < AllocationProblem::kResources; ++r) {
      bool any = false;
      for (size_t c = 0; c < C && !any; ++c) any = rep(c).demand[static_cast<size_t>(r)] > 0;
      if (!any) continue;
      const int row = lp.add_row(-lp::kInf, p.capacity[static_cast<size_t>(k)][static_cast<size_t>(r)],
                                 kCapacityRowBase + k * AllocationProblem::kResources + r);
      ++capacity_rows;
      for (size_t c = 0; c < C; ++c) {
        const double d = rep(c).demand[static_cast<size_t>(r)];
        if (d > 0) lp.set(row, static_cast<int>(c) * K + k, cls.count[c] * d);
      }
    }
  }
  // t <= coef_c T_c(x) for every class that can run somewhere, coef scaled so the largest is 1.
  double t_scale = 1;
  if (with_t) {
    std::vector<double> coef(C, 0.0);
    std::array<double, AllocationProblem::kResources> total{};
    for (int k = 0; k < K; ++k)
      for (int r = 0; r < AllocationProblem::kResources; ++r)
        total[static_cast<size_t>(r)] += p.capacity[static_cast<size_t>(k)][static_cast<size_t>(r)];
    double c_max = 0;
    for (size_t c = 0; c < C; ++c) {
      if (!runs[c]) continue;
      const auto& job = rep(c);
      if (objective == AllocationObjective::MaxMin) {
        const int m = main_resource(job);
        double proportional = 0;
        for (int k = 0; k < K; ++k)
          proportional += job.rate[static_cast<size_t>(k)] * p.capacity[static_cast<size_t>(k)][static_cast<size_t>(m)];
        proportional /= total[static_cast<size_t>(m)];
        const double scale = job.demand[static_cast<size_t>(m)] > 0 ? job.demand[static_cast<size_t>(m)] : 1.0;
        coef[c] = scale / (job.weight * proportional);
      } else {
        coef[c] = 1.0 / job.remaining;
      }
      c_max = std::max(c_max, coef[c]);
    }
    t_scale = c_max;
    for (size_t c = 0; c < C; ++c) {
      if (!runs[c]) continue;
      const int row = lp.add_row(-lp::kInf, 0.0, rep(c).key * 2 + 1);
      lp.set(row, t_col, 1.0);
      for (int k = 0; k < K; ++k)
        lp.set(row, static_cast<int>(c) * K + k, -coef[c] / c_max * rep(c).rate[static_cast<size_t>(k)]);
    }
  }
  out.rows = lp.num_rows();
  out.columns = lp.num_columns();

  auto check = [&](const lp::Solution& s, const char* phase) {
    if (s.status == lp::Status::Optimal) return;
    std::string where = "no constraint is violated at the solver's last point";
    if (s.worst_row >= 0) {
      const int r = s.worst_row;
      if (r < static_cast<int>(C)) where = "constraint 'job " + std::to_string(rep(static_cast<size_t>(r)).key) + " runs at most all the time'";
      else if (r < static_cast<int>(C) + capacity_rows) where = "a node-type capacity constraint (row " + std::to_string(r) + ")";
      else where = "the " + std::string(to_string(objective)) + " bound of one job (row " + std::to_string(r) + ")";
    }
    throw DecisionError(std::string("LP (") + to_string(objective) + ", " + phase + ", " + std::to_string(n) + " jobs, " +
                        std::to_string(K) + " node types): the solver " + lp::to_string(s.status) + "; " + where);
  };
  lp::Solution s = solver.solve(lp);
  check(s, "allocation");
  out.iterations = s.iterations;
  out.warm = s.warm;
  out.objective = with_t ? s.objective * t_scale : s.objective;

  if (fill && with_t) {
    // Keep the minimum (within 1e-7 relative), then use what is left for total throughput.
    const double t_star = s.x[static_cast<size_t>(t_col)];
    lp.set_bounds(t_col, t_star * (1 - 1e-7), lp::kInf);
    lp.set_objective(t_col, 0.0);
    for (size_t c = 0; c < C; ++c)
      for (int k = 0; k < K; ++k) {
        const int col = static_cast<int>(c) * K + k;
        lp.set_objective(col, lp.upper(col) > 0 ? cls.count[c] * rep(c).rate[static_cast<size_t>(k)] : 0.0);
      }
    s = solver.solve(lp);
    check(s, "fill");
    out.iterations += s.iterations;
  }
  for (size_t j = 0; j < n; ++j)
    for (int k = 0; k < K; ++k)
      out.x[j * static_cast<size_t>(K) + static_cast<size_t>(k)] =
          std::clamp(s.x[static_cast<size_t>(cls.of_job[j]) * static_cast<size_t>(K) + static_cast<size_t>(k)], 0.0, 1.0);
  out.status = s.status;
  return out;
}

}  // namespace clustersim
