#pragma once
// A linear program built row by row and solved with COIN-OR CLP (coinor-libclp-dev) through
// its C++ API. CLP stays inside linear_program.cpp: policies build a LinearProgram and read a
// Solution.
//
// Warm starts: a Solver remembers the basis of its last optimal solve, keyed by the caller's
// column and row keys (e.g. "job 17 on GPU type 2"). The next solve starts from the statuses
// of the columns and rows whose keys it saw last time (new ones start non-basic at their
// lower bound / as basic slacks) and runs primal simplex from there: between scheduling
// rounds most jobs, and so most of the basis, stay the same. If the warm solve does not end
// optimal, a cold solve (CLP's initialSolve) is tried before giving up.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace clustersim::lp {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Sense { Minimise, Maximise };

class LinearProgram {
 public:
  explicit LinearProgram(Sense sense = Sense::Minimise) : sense_(sense) {}
  void clear(Sense sense);

  // A variable lower <= x <= upper with the given objective coefficient; returns its index.
  // `key` identifies it across solves for warm starts (-1: none).
  int add_column(double lower, double upper, double objective, int64_t key = -1);
  // A constraint lower <= sum(coef x) <= upper (either bound may be infinite); returns its
  // index. Coefficients are added with set().
  int add_row(double lower, double upper, int64_t key = -1);
  void set(int row, int column, double coefficient);
  // Change a column after the fact (e.g. a second solve with another objective).
  void set_objective(int column, double coefficient) { objective_.at(static_cast<size_t>(column)) = coefficient; }
  void set_bounds(int column, double lower, double upper) {
    col_lower_.at(static_cast<size_t>(column)) = lower;
    col_upper_.at(static_cast<size_t>(column)) = upper;
  }
  double upper(int column) const { return col_upper_.at(static_cast<size_t>(column)); }

  Sense sense() const { return sense_; }
  int num_columns() const { return static_cast<int>(col_lower_.size()); }
  int num_rows() const { return static_cast<int>(row_lower_.size()); }
  int64_t num_elements() const { return static_cast<int64_t>(el_value_.size()); }

 private:
  friend class Solver;
  Sense sense_;
  std::vector<double> col_lower_, col_upper_, objective_;
  std::vector<int64_t> col_key_;
  std::vector<double> row_lower_, row_upper_;
  std::vector<int64_t> row_key_;
  std::vector<int> el_row_, el_col_;
  std::vector<double> el_value_;
};

enum class Status { Optimal, Infeasible, Unbounded, Limit, Failed };
const char* to_string(Status s);

struct Solution {
  Status status = Status::Failed;
  double objective = 0;
  std::vector<double> x;         // column values
  std::vector<double> activity;  // row activities (sum of coef x)
  int iterations = 0;
  bool warm = false;             // the answer came from the warm-started solve
  // For a solve that did not end optimal: the row most violated by the solver's last point
  // (-1 if none is), for an error message that names the constraint.
  int worst_row = -1;
};

class Solver {
 public:
  Solver();
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  // Limits that keep a solve from running away (the caller turns a Limit status into an error).
  void set_limits(double seconds, int iterations);
  void set_warm_start(bool on) { warm_start_ = on; }
  // The algorithm of a cold solve: CLP's choice (initialSolve: dual simplex after presolve by
  // default) or primal simplex, faster on LPs with many more columns than rows.
  enum class Cold { Automatic, Primal };
  void set_cold_algorithm(Cold c) { cold_ = c; }
  Solution solve(const LinearProgram& lp);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool warm_start_ = true;
  Cold cold_ = Cold::Automatic;
};

}  // namespace clustersim::lp
