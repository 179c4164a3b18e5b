// lp-assign's LP (policies/lp/assign_lp.hpp): one build + solve of the time-indexed
// task-to-node LP for 16 and 64 queued tasks on 8 nodes of 16 cores, 24 slots, half the
// nodes partly busy with running jobs.
//   cold: a fresh solver each time (CLP's initial solve, as at a run's first decision point);
//   warm: the next decision point, one task started and one arrived (the window slides by
//         one job), warm-started from the previous solve's basis, as the policy does.
// Counters: the LP's size and the simplex iterations of the last solve.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

#include "policies/lp/assign_lp.hpp"

namespace {

using namespace clustersim;

// Tasks first_key .. first_key + tasks - 1; a task's demand and duration depend on its key
// only, so consecutive windows share their tasks as the policy's do.
AssignProblem make_problem(int tasks, int64_t first_key = 0) {
  constexpr int kNodes = 8, kSlots = 24;
  constexpr double kCores = 16, kSecond = 1e6;
  AssignProblem p;
  p.slots = kSlots;
  p.nodes = kNodes;
  double area = 0, max_p = 0;
  for (int64_t key = first_key; key < first_key + tasks; ++key) {
    std::mt19937_64 rng(static_cast<uint64_t>(key) + 1);
    AssignProblem::Task task;
    task.key = key;
    task.demand = static_cast<double>(1 + rng() % 16);
    task.duration_us = static_cast<double>(60 + rng() % 3600) * kSecond;
    task.allowed.assign(kNodes, 1);
    area += task.demand * task.duration_us;
    max_p = std::max(max_p, task.duration_us);
    p.tasks.push_back(task);
  }
  std::mt19937_64 rng(42);
  // The policy's rule: running work (at most 1800 s left) + window work over capacity + the
  // longest task, cut into H slots.
  const double running_left = 1800 * kSecond;
  p.slot_us = std::ceil((running_left + area / (kNodes * kCores) + max_p) / kSlots);
  p.capacity.assign(static_cast<size_t>(kNodes * kSlots), kCores);
  for (int i = 0; i < kNodes / 2; ++i) {  // nodes 0-3: 4..11 cores busy for up to 1800 s
    const double busy = static_cast<double>(4 + rng() % 8);
    const int until = static_cast<int>(std::ceil(static_cast<double>(1 + rng() % 1800) * kSecond / p.slot_us));
    for (int s = 0; s < std::min(until, kSlots); ++s) p.capacity[static_cast<size_t>(i * kSlots + s)] -= busy;
  }
  return p;
}

void report(benchmark::State& st, const AssignResult& r) {
  st.counters["columns"] = r.columns;
  st.counters["rows"] = r.rows;
  st.counters["elements"] = static_cast<double>(r.elements);
  st.counters["iterations"] = r.iterations;
}

// `primal`: the cold algorithm lp-assign uses (Solver::Cold::Primal); else CLP's default.
void BM_LpAssignCold(benchmark::State& st, bool primal) {
  const AssignProblem p = make_problem(static_cast<int>(st.range(0)));
  lp::LinearProgram scratch;
  AssignResult r;
  for (auto _ : st) {
    lp::Solver solver;
    if (primal) solver.set_cold_algorithm(lp::Solver::Cold::Primal);
    r = solve_assignment(p, solver, scratch);
    benchmark::DoNotOptimize(r.objective_us);
  }
  report(st, r);
}
BENCHMARK_CAPTURE(BM_LpAssignCold, primal, true)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LpAssignCold, clp_default, false)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

void BM_LpAssignWarm(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const AssignProblem windows[2] = {make_problem(n, 0), make_problem(n, 1)};
  lp::LinearProgram scratch;
  lp::Solver solver;
  AssignResult r = solve_assignment(windows[0], solver, scratch);
  int64_t warm = 0, solves = 0, iterations = 0;
  for (auto _ : st) {
    r = solve_assignment(windows[++solves % 2], solver, scratch);
    warm += r.warm;
    iterations += r.iterations;
    benchmark::DoNotOptimize(r.objective_us);
  }
  report(st, r);
  st.counters["iterations"] = static_cast<double>(iterations) / static_cast<double>(solves);
  st.counters["warm"] = static_cast<double>(warm) / static_cast<double>(solves);
}
BENCHMARK(BM_LpAssignWarm)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace
