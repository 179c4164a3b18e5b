// One scheduling round of the lp policy: building the allocation LP from the engine's state
// (rates from the Gavel throughput table on V100/P100/K80) and solving it with CLP, for 100,
// 1,000 and 5,000 active jobs. "cold" solves from scratch each time; "warm" keeps the solver
// and alternates between two job sets that differ by one job (one finished, one arrived), as
// consecutive rounds do. Jobs identical for the LP share variables (job classes) unless the
// benchmark says per_job. Counters: LP rows, columns, job classes, simplex iterations per
// round (both solves of max-min and makespan, whose second LP fills idle capacity).
#include <benchmark/benchmark.h>

#include <string>

#include "bench/lp_round_common.hpp"

namespace {

using namespace clustersim;
using bench::Round;
using bench::round_with;

void BM_LpRound(benchmark::State& st, AllocationObjective objective, bool warm, bool aggregate) {
  const int64_t n = st.range(0);
  const Round& r = round_with(n);
  lp::Solver solver;
  solver.set_warm_start(warm);
  lp::LinearProgram lp;
  AllocationProblem problem;
  int64_t iterations = 0, solves = 0;
  AllocationResult result;
  if (warm) {  // the round before: the timed solves start from its basis
    build_allocation_problem(*r.engine, std::span<const JobId>(r.queued.data() + 1, static_cast<size_t>(n)), nullptr, problem);
    solve_allocation(problem, objective, solver, lp, objective != AllocationObjective::Throughput, aggregate);
  }
  for (auto _ : st) {
    const size_t shift = static_cast<size_t>(solves % 2);
    std::span<const JobId> jobs(r.queued.data() + shift, static_cast<size_t>(n));
    build_allocation_problem(*r.engine, jobs, nullptr, problem);
    result = solve_allocation(problem, objective, solver, lp, /*fill=*/objective != AllocationObjective::Throughput, aggregate);
    iterations += result.iterations;
    ++solves;
  }
  st.counters["rows"] = result.rows;
  st.counters["columns"] = result.columns;
  st.counters["classes"] = result.classes;
  st.counters["iterations"] = static_cast<double>(iterations) / static_cast<double>(solves);
}

void sizes(benchmark::internal::Benchmark* b) { b->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond); }

BENCHMARK_CAPTURE(BM_LpRound, max_min_cold, AllocationObjective::MaxMin, false, true)->Apply(sizes);
BENCHMARK_CAPTURE(BM_LpRound, max_min_warm, AllocationObjective::MaxMin, true, true)->Apply(sizes);
BENCHMARK_CAPTURE(BM_LpRound, throughput_cold, AllocationObjective::Throughput, false, true)->Apply(sizes);
BENCHMARK_CAPTURE(BM_LpRound, throughput_warm, AllocationObjective::Throughput, true, true)->Apply(sizes);
BENCHMARK_CAPTURE(BM_LpRound, makespan_cold, AllocationObjective::Makespan, false, true)->Apply(sizes);
BENCHMARK_CAPTURE(BM_LpRound, makespan_warm, AllocationObjective::Makespan, true, true)->Apply(sizes);
// One variable set per job (no job classes): the LP as written, for comparison.
BENCHMARK_CAPTURE(BM_LpRound, max_min_per_job_cold, AllocationObjective::MaxMin, false, false)->Apply(sizes);
BENCHMARK_CAPTURE(BM_LpRound, max_min_per_job_warm, AllocationObjective::MaxMin, true, false)->Apply(sizes);

}  // namespace
