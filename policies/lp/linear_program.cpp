#include "policies/lp/linear_program.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include <coin/ClpSimplex.hpp>
#include <coin/ClpSolve.hpp>

namespace clustersim::lp {

void LinearProgram::clear(Sense sense) {
  sense_ = sense;
  col_lower_.clear();
  col_upper_.clear();
  objective_.clear();
  col_key_.clear();
  row_lower_.clear();
  row_upper_.clear();
  row_key_.clear();
  el_row_.clear();
  el_col_.clear();
  el_value_.clear();
}

int LinearProgram::add_column(double lower, double upper, double objective, int64_t key) {
  col_lower_.push_back(lower);
  col_upper_.push_back(upper);
  objective_.push_back(objective);
  col_key_.push_back(key);
  return num_columns() - 1;
}

int LinearProgram::add_row(double lower, double upper, int64_t key) {
  row_lower_.push_back(lower);
  row_upper_.push_back(upper);
  row_key_.push_back(key);
  return num_rows() - 1;
}

void LinearProgram::set(int row, int column, double coefficient) {
  if (row < 0 || row >= num_rows() || column < 0 || column >= num_columns())
    throw std::out_of_range("LinearProgram::set: row " + std::to_string(row) + " / column " + std::to_string(column) +
                            " out of range");
  el_row_.push_back(row);
  el_col_.push_back(column);
  el_value_.push_back(coefficient);
}

const char* to_string(Status s) {
  switch (s) {
    case Status::Optimal: return "optimal";
    case Status::Infeasible: return "infeasible";
    case Status::Unbounded: return "unbounded";
    case Status::Limit: return "stopped at its time or iteration limit";
    case Status::Failed: return "failed (numerical difficulties)";
  }
  return "?";
}

struct Solver::Impl {
  ClpSimplex model;
  double seconds = 10;
  int iterations = 1'000'000;
  // The basis of the last optimal solve, by key.
  std::unordered_map<int64_t, ClpSimplex::Status> col_status, row_status;
  // Column-major matrix scratch.
  std::vector<CoinBigIndex> start;
  std::vector<int> index;
  std::vector<double> value;
  std::vector<double> row_lower, row_upper, col_lower, col_upper;

  Impl() { model.setLogLevel(0); }
};

Solver::Solver() : impl_(std::make_unique<Impl>()) {}
Solver::~Solver() = default;

void Solver::set_limits(double seconds, int iterations) {
  impl_->seconds = seconds;
  impl_->iterations = iterations;
}

namespace {

// CLP wants COIN_DBL_MAX for "no bound".
double clp_bound(double b) {
  if (b == kInf) return COIN_DBL_MAX;
  if (b == -kInf) return -COIN_DBL_MAX;
  return b;
}

Status status_of(const ClpSimplex& m) {
  switch (m.status()) {
    case 0: return Status::Optimal;
    case 1: return Status::Infeasible;
    case 2: return Status::Unbounded;
    case 3: return Status::Limit;
    default: return Status::Failed;
  }
}

}  // namespace

Solution Solver::solve(const LinearProgram& lp) {
  Impl& s = *impl_;
  const int n = lp.num_columns(), m = lp.num_rows();
  // Column-major copy of the triplets (counting sort by column, rows in insertion order).
  s.start.assign(static_cast<size_t>(n) + 1, 0);
  for (int c : lp.el_col_) ++s.start[static_cast<size_t>(c) + 1];
  for (int c = 0; c < n; ++c) s.start[static_cast<size_t>(c) + 1] += s.start[static_cast<size_t>(c)];
  s.index.resize(lp.el_value_.size());
  s.value.resize(lp.el_value_.size());
  {
    std::vector<CoinBigIndex> next(s.start.begin(), s.start.end() - 1);
    for (size_t e = 0; e < lp.el_value_.size(); ++e) {
      const CoinBigIndex at = next[static_cast<size_t>(lp.el_col_[e])]++;
      s.index[static_cast<size_t>(at)] = lp.el_row_[e];
      s.value[static_cast<size_t>(at)] = lp.el_value_[e];
    }
  }
  auto bounds = [](const std::vector<double>& in, std::vector<double>& out) {
    out.resize(in.size());
    std::transform(in.begin(), in.end(), out.begin(), clp_bound);
  };
  bounds(lp.row_lower_, s.row_lower);
  bounds(lp.row_upper_, s.row_upper);
  bounds(lp.col_lower_, s.col_lower);
  bounds(lp.col_upper_, s.col_upper);

  ClpSimplex& model = s.model;
  model.loadProblem(n, m, s.start.data(), s.index.data(), s.value.data(), s.col_lower.data(), s.col_upper.data(),
                    lp.objective_.data(), s.row_lower.data(), s.row_upper.data());
  model.setOptimizationDirection(lp.sense() == Sense::Maximise ? -1.0 : 1.0);
  model.setMaximumSeconds(s.seconds);
  model.setMaximumIterations(s.iterations);

  Solution out;
  bool solved = false;
  if (warm_start_ && !s.col_status.empty() && n > 0 && m > 0) {
    model.createStatus();  // all-slack basis, then the remembered statuses
    int basic = 0;
    for (int r = 0; r < m; ++r) {
      auto it = lp.row_key_[static_cast<size_t>(r)] < 0 ? s.row_status.end() : s.row_status.find(lp.row_key_[static_cast<size_t>(r)]);
      const ClpSimplex::Status st = it == s.row_status.end() ? ClpSimplex::basic : it->second;
      model.setRowStatus(r, st);
      basic += st == ClpSimplex::basic;
    }
    for (int c = 0; c < n; ++c) {
      auto it = lp.col_key_[static_cast<size_t>(c)] < 0 ? s.col_status.end() : s.col_status.find(lp.col_key_[static_cast<size_t>(c)]);
      ClpSimplex::Status st = it == s.col_status.end() ? ClpSimplex::atLowerBound : it->second;
      if (st == ClpSimplex::atUpperBound && lp.col_upper_[static_cast<size_t>(c)] == kInf) st = ClpSimplex::atLowerBound;
      model.setColumnStatus(c, st);
      basic += st == ClpSimplex::basic;
    }
    // A basis has exactly m basic variables: drop surplus basic columns (from the end), or
    // make more slacks basic.
    for (int c = n - 1; c >= 0 && basic > m; --c) {
      if (model.getColumnStatus(c) == ClpSimplex::basic) {
        model.setColumnStatus(c, ClpSimplex::atLowerBound);
        --basic;
      }
    }
    for (int r = 0; r < m && basic < m; ++r) {
      if (model.getRowStatus(r) != ClpSimplex::basic) {
        model.setRowStatus(r, ClpSimplex::basic);
        ++basic;
      }
    }
    // Values consistent with the statuses: non-basic columns at their bound.
    double* xs = model.primalColumnSolution();
    for (int c = 0; c < n; ++c) {
      const auto st = model.getColumnStatus(c);
      if (st == ClpSimplex::atUpperBound) xs[c] = lp.col_upper_[static_cast<size_t>(c)];
      else if (st != ClpSimplex::basic) xs[c] = std::isfinite(lp.col_lower_[static_cast<size_t>(c)]) ? lp.col_lower_[static_cast<size_t>(c)] : 0.0;
    }
    model.primal();
    solved = model.status() == 0;
    out.warm = solved;
  }
  if (!solved) {
    if (cold_ == Cold::Primal) {
      ClpSolve options;
      options.setSolveType(ClpSolve::usePrimal);
      model.initialSolve(options);
    } else {
      model.initialSolve();
    }
    solved = model.status() == 0;
  }
  out.status = status_of(model);
  out.iterations = model.numberIterations();
  out.objective = model.objectiveValue();
  const double* x = model.primalColumnSolution();
  out.x.assign(x, x + n);
  const double* act = model.primalRowSolution();
  out.activity.assign(act, act + m);
  if (solved) {
    s.col_status.clear();
    s.row_status.clear();
    for (int c = 0; c < n; ++c)
      if (lp.col_key_[static_cast<size_t>(c)] >= 0) s.col_status[lp.col_key_[static_cast<size_t>(c)]] = model.getColumnStatus(c);
    for (int r = 0; r < m; ++r)
      if (lp.row_key_[static_cast<size_t>(r)] >= 0) s.row_status[lp.row_key_[static_cast<size_t>(r)]] = model.getRowStatus(r);
  } else {
    s.col_status.clear();  // nothing trustworthy to start from next time
    s.row_status.clear();
    // The constraint most violated at the solver's last point, its variables clamped into
    // their bounds (what an error message can name).
    std::vector<double> clamped(out.x), activity(static_cast<size_t>(m), 0.0);
    for (int c = 0; c < n; ++c)
      clamped[static_cast<size_t>(c)] = std::clamp(clamped[static_cast<size_t>(c)], lp.col_lower_[static_cast<size_t>(c)],
                                                   lp.col_upper_[static_cast<size_t>(c)]);
    for (size_t e = 0; e < lp.el_value_.size(); ++e)
      activity[static_cast<size_t>(lp.el_row_[e])] += lp.el_value_[e] * clamped[static_cast<size_t>(lp.el_col_[e])];
    double worst = 1e-7;
    for (int r = 0; r < m; ++r) {
      const double a = activity[static_cast<size_t>(r)];
      const double v = std::max(lp.row_lower_[static_cast<size_t>(r)] - a, a - lp.row_upper_[static_cast<size_t>(r)]);
      if (v > worst) {
        worst = v;
        out.worst_row = r;
      }
    }
  }
  return out;
}

}  // namespace clustersim::lp
