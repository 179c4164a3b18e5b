#include "policies/lp/assign_lp.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "policies/registry.hpp"
#include "sim/error.hpp"

namespace clustersim {

// ---------------------------------------------------------------------------------------------
// The LP

int AssignProblem::duration_slots(size_t t) const {
  // A duration of exactly k slots is k slots, not k + 1 through rounding noise.
  const double d = std::ceil(tasks[t].duration_us / slot_us * (1 - 1e-12));
  return static_cast<int>(std::clamp(d, 1.0, static_cast<double>(slots)));
}

void AssignProblem::validate() const {
  if (slots < 1) throw InputError("lp-assign LP: " + std::to_string(slots) + " slots (at least 1)");
  if (!(slot_us > 0) || !std::isfinite(slot_us))
    throw InputError("lp-assign LP: slot length " + std::to_string(slot_us));
  if (nodes < 0 || capacity.size() != static_cast<size_t>(nodes) * static_cast<size_t>(slots))
    throw InputError("lp-assign LP: capacity must have nodes x slots entries");
  for (size_t e = 0; e < capacity.size(); ++e)
    if (!(capacity[e] >= 0) || !std::isfinite(capacity[e]))
      throw InputError("lp-assign LP: node " + std::to_string(e / static_cast<size_t>(slots)) + " slot " +
                       std::to_string(e % static_cast<size_t>(slots)) + " has capacity " +
                       std::to_string(capacity[e]));
  for (const Task& t : tasks) {
    const std::string who = "lp-assign LP: task " + std::to_string(t.key);
    if (!(t.demand >= 0) || !std::isfinite(t.demand)) throw InputError(who + ": demand " + std::to_string(t.demand));
    if (!(t.duration_us > 0) || !std::isfinite(t.duration_us))
      throw InputError(who + ": duration " + std::to_string(t.duration_us) + " us");
    if (t.allowed.size() != static_cast<size_t>(nodes))
      throw InputError(who + ": allowed has the wrong number of nodes");
  }
}

namespace {

constexpr int64_t kCapacityRowBase = int64_t{1} << 60;

std::string no_single_node(const JobSpec& s) {
  return "job " + std::to_string(s.trace_id) + " asks for " + std::to_string(s.tasks) + " x " + s.per_task.to_string() +
         ", which no single node holds; lp-assign places each job on one node";
}

}  // namespace

AssignResult solve_assignment(const AssignProblem& p, lp::Solver& solver, lp::LinearProgram& lp) {
  p.validate();
  const int H = p.slots, N = p.nodes;
  const size_t T = p.tasks.size(), uN = static_cast<size_t>(N), uH = static_cast<size_t>(H);
  AssignResult out;
  out.mass.assign(T * uN, 0.0);
  out.mean_start.assign(T, 0.0);
  out.mean_end_us.assign(T, 0.0);
  out.start_now.assign(T, 0.0);
  out.overflow.assign(T, 0.0);
  out.preferred.assign(T, -1);
  if (T == 0) {
    out.status = lp::Status::Optimal;
    return out;
  }
  // Demands and capacities scaled so the largest is 1; costs in slots (the objective / Δ).
  double scale = 0;
  for (double c : p.capacity) scale = std::max(scale, c);
  for (const auto& t : p.tasks) scale = std::max(scale, t.demand);
  if (scale <= 0) scale = 1;

  lp.clear(lp::Sense::Minimise);
  for (const auto& t : p.tasks) lp.add_row(1.0, 1.0, t.key);  // row k: task k is placed once
  std::vector<int> cap_row(uN * uH, -1);
  for (int i = 0; i < N; ++i) {
    bool used = false;
    for (const auto& t : p.tasks) used = used || (t.allowed[static_cast<size_t>(i)] && t.demand > 0);
    if (!used) continue;
    for (int s = 0; s < H; ++s)
      cap_row[static_cast<size_t>(i) * uH + static_cast<size_t>(s)] =
          lp.add_row(-lp::kInf, p.capacity[static_cast<size_t>(i) * uH + static_cast<size_t>(s)] / scale,
                     kCapacityRowBase + int64_t{i} * H + s);
  }
  // Columns x[t,i,s] then overflow[t]; keys (job, node, slot offset from now) repeat across
  // decision points, so the solver warm-starts where the structure does.
  struct Col {
    int task, node, slot;  // node == N: the overflow column
  };
  std::vector<Col> cols;
  for (size_t k = 0; k < T; ++k) {
    const auto& t = p.tasks[k];
    const double pt = t.duration_us / p.slot_us;
    const int d = p.duration_slots(k);
    const double c = t.demand / scale;
    const int64_t base = (t.key + 1) * (N + 1);
    const int row = static_cast<int>(k);
    for (int i = 0; i < N; ++i) {
      if (!t.allowed[static_cast<size_t>(i)]) continue;
      for (int s = 0; s < H; ++s) {
        const int col = lp.add_column(0.0, 1.0, s + pt, (base + i) * (H + 1) + s);
        cols.push_back({static_cast<int>(k), i, s});
        lp.set(row, col, 1.0);
        if (c > 0)
          for (int s2 = s; s2 < std::min(H, s + d); ++s2)
            lp.set(cap_row[static_cast<size_t>(i) * uH + static_cast<size_t>(s2)], col, c);
      }
    }
    const int col = lp.add_column(0.0, 1.0, H + pt, (base + N) * (H + 1));
    cols.push_back({static_cast<int>(k), N, 0});
    lp.set(row, col, 1.0);
  }
  out.rows = lp.num_rows();
  out.columns = lp.num_columns();
  out.elements = lp.num_elements();

  const lp::Solution s = solver.solve(lp);
  if (s.status != lp::Status::Optimal) {
    std::string where = "no constraint is violated at the solver's last point";
    if (s.worst_row >= 0 && s.worst_row < static_cast<int>(T))
      where = "constraint 'job " + std::to_string(p.tasks[static_cast<size_t>(s.worst_row)].key) + " is placed once'";
    else if (s.worst_row >= 0)
      where = "a node capacity constraint (row " + std::to_string(s.worst_row) + ")";
    throw DecisionError("lp-assign: the LP (" + std::to_string(T) + " tasks, " + std::to_string(N) + " nodes, " +
                        std::to_string(H) + " slots): the solver " + lp::to_string(s.status) + "; " + where);
  }
  out.status = s.status;
  out.iterations = s.iterations;
  out.warm = s.warm;
  out.objective_us = s.objective * p.slot_us;
  std::vector<double> total(T, 0.0);
  for (size_t c = 0; c < cols.size(); ++c) {
    const double x = std::clamp(s.x[c], 0.0, 1.0);
    const auto k = static_cast<size_t>(cols[c].task);
    total[k] += x;
    if (cols[c].node == N) {
      out.overflow[k] += x;
      out.mean_start[k] += H * x;
      continue;
    }
    out.mass[k * uN + static_cast<size_t>(cols[c].node)] += x;
    out.mean_start[k] += cols[c].slot * x;
    if (cols[c].slot == 0) out.start_now[k] += x;
  }
  for (size_t k = 0; k < T; ++k) {
    if (total[k] > 0) out.mean_start[k] /= total[k];
    out.mean_end_us[k] = out.mean_start[k] * p.slot_us + p.tasks[k].duration_us;
    double best = 1e-9;
    for (int i = 0; i < N; ++i)
      if (out.mass[k * uN + static_cast<size_t>(i)] > best) {
        best = out.mass[k * uN + static_cast<size_t>(i)];
        out.preferred[k] = i;
      }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The policy

void LpAssignConfig::validate() const {
  auto check = [](const char* key, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
      throw InputError(std::string("policy lp-assign: parameter '") + key + "': must be " + std::to_string(lo) + ".." +
                       std::to_string(hi) + ", got " + std::to_string(v));
  };
  check("max_tasks", max_tasks, 1, 4096);
  check("slots", slots, 1, 512);
  check("max_nodes", max_nodes, 1, 4096);
}

LpAssignPolicy::LpAssignPolicy(LpAssignConfig config) : config_(config), solver_(std::make_unique<lp::Solver>()) {
  config_.validate();
}

bool LpAssignPolicy::type_holds(uint32_t type, const JobSpec& s) const {
  const Slot slot{NodeId(0), s.tasks};
  return probes_[type].check_placement(s.tasks, s.per_task, std::span<const Slot>(&slot, 1)).empty();
}

bool LpAssignPolicy::fits_now(const EngineView& v, JobId j, uint32_t node) const {
  const JobSpec& s = v.spec(j);
  if (v.cluster().copies_on(NodeId(node), s.per_task) < s.tasks) return false;
  const Slot slot{NodeId(node), s.tasks};
  return v.rate_if_placed(j, std::span<const Slot>(&slot, 1)) > 0;
}

void LpAssignPolicy::reset(const EngineView& v) {
  const Cluster& c = v.cluster();
  if (c.num_nodes() > static_cast<size_t>(config_.max_nodes))
    throw InputError("policy lp-assign: the cluster has " + std::to_string(c.num_nodes()) +
                     " nodes, more than max_nodes=" + std::to_string(config_.max_nodes) +
                     " (the LP has a column per job, node and slot; it is meant for small clusters)");
  gpu_ = c.total_capacity().gpu_milli > 0;
  probes_.clear();
  for (const NodeType& t : c.node_types()) {
    Cluster probe;
    probe.add_nodes(probe.add_node_type(t), 1);
    probes_.push_back(std::move(probe));
  }
  // Every job the engine will accept must fit on one node (checked once per distinct shape).
  std::set<std::tuple<int32_t, int64_t, int64_t, int64_t>> fine;
  for (const JobSpec& s : v.specs()) {
    const auto shape = std::tuple(s.tasks, s.per_task.cores, s.per_task.gpu_milli, s.per_task.mem_mib);
    if (fine.count(shape)) continue;
    if (c.why_never_fits(s.tasks, s.per_task)) continue;  // the engine rejects it at submission
    bool holds = false;
    for (uint32_t t = 0; t < probes_.size() && !holds; ++t) holds = c.nodes_of_type(t) > 0 && type_holds(t, s);
    if (!holds) throw InputError("policy lp-assign: " + no_single_node(s));
    fine.insert(shape);
  }
  solver_ = std::make_unique<lp::Solver>();
  // Many more columns (task x node x slot) than rows: primal simplex solves the first LP of a
  // run several times faster than CLP's default dual (458 -> 80 ms for 64 tasks on 8 nodes).
  solver_->set_cold_algorithm(lp::Solver::Cold::Primal);
  stats_ = Stats{};
}

void LpAssignPolicy::build(const EngineView& v) {
  const Cluster& c = v.cluster();
  const Time now = v.now();
  const int H = static_cast<int>(config_.slots), N = static_cast<int>(c.num_nodes());
  const size_t uH = static_cast<size_t>(H);
  AssignProblem& p = problem_;
  p.slots = H;
  p.nodes = N;
  p.tasks.resize(window_.size());
  double area = 0, max_p = 0;
  std::vector<uint8_t> type_ok(probes_.size());
  for (size_t k = 0; k < window_.size(); ++k) {
    const JobId j = window_[k];
    const JobSpec& s = v.spec(j);
    const JobRecord& r = v.record(j);
    AssignProblem::Task& t = p.tasks[k];
    t.key = j.value();
    t.demand = main_of(s.total());
    // The engine's estimate of what is left: the walltime less the work already done.
    const double done = std::max(0.0, static_cast<double>(s.runtime.us()) - r.remaining_us);
    t.duration_us = std::max(1.0, static_cast<double>(s.walltime.us()) - done);
    bool any_type = false;
    for (uint32_t ty = 0; ty < probes_.size(); ++ty) {
      type_ok[ty] = c.nodes_of_type(ty) > 0 && type_holds(ty, s);
      any_type = any_type || type_ok[ty];
    }
    if (!any_type) throw DecisionError("lp-assign: " + no_single_node(s));  // reset() was not called
    t.allowed.assign(static_cast<size_t>(N), 0);
    for (int i = 0; i < N; ++i) {
      const NodeId n(static_cast<uint32_t>(i));
      if (!c.is_up(n) || !type_ok[c.type_index(n)]) continue;
      const Slot slot{n, s.tasks};
      t.allowed[static_cast<size_t>(i)] = v.rate_if_placed(j, std::span<const Slot>(&slot, 1)) > 0;
    }
    area += t.demand * t.duration_us;
    max_p = std::max(max_p, t.duration_us);
  }
  // Slot length: the horizon covers the running work, the window's work spread over the
  // capacity, and the longest task (a list schedule's usual length); what spills over it
  // goes to the overflow columns.
  double capacity = 0, max_left = 0;
  for (int i = 0; i < N; ++i)
    if (c.is_up(NodeId(static_cast<uint32_t>(i)))) capacity += main_of(c.capacity(NodeId(static_cast<uint32_t>(i))));
  for (JobId r : v.running_by_expected_end())
    max_left = std::max(max_left, static_cast<double>((v.record(r).expected_end - now).us()));
  const double length = max_left + (capacity > 0 ? area / capacity : 0.0) + max_p;
  p.slot_us = std::max(1.0, std::ceil(length / H));
  // R_i(s): slot 0 is what is free now; later slots lose the running jobs expected to run
  // then (a job past its estimate is expected to end within slot 0).
  used_.assign(static_cast<size_t>(N) * uH, 0.0);
  for (JobId r : v.running_by_expected_end()) {
    const double left = static_cast<double>((v.record(r).expected_end - now).us());
    const int last = left <= 0 ? 0 : std::min(H - 1, static_cast<int>(std::ceil(left / p.slot_us)) - 1);
    const JobSpec& s = v.spec(r);
    for (const Slot& sl : v.placement(r)) {
      const double need = main_of(s.per_task * sl.tasks);
      for (int t = 1; t <= last; ++t) used_[sl.node.value() * uH + static_cast<size_t>(t)] += need;
    }
  }
  p.capacity.assign(static_cast<size_t>(N) * uH, 0.0);
  for (int i = 0; i < N; ++i) {
    const NodeId n(static_cast<uint32_t>(i));
    if (!c.is_up(n)) continue;
    const size_t row = static_cast<size_t>(i) * uH;
    p.capacity[row] = std::max(0.0, main_of(c.free(n)));
    for (size_t t = 1; t < uH; ++t) p.capacity[row + t] = std::max(0.0, main_of(c.capacity(n)) - used_[row + t]);
  }
}

bool LpAssignPolicy::try_place(Decisions& d, size_t k, int preferred, bool idle_only) {
  const EngineView& v = d.view();
  const Cluster& c = v.cluster();
  const JobId j = window_[k];
  auto usable = [&](uint32_t n) {
    if (!problem_.tasks[k].allowed[n]) return false;
    if (idle_only && !(c.is_up(NodeId(n)) && c.free(NodeId(n)) == c.capacity(NodeId(n)))) return false;
    return fits_now(v, j, n);
  };
  int node = -1;
  if (preferred >= 0 && usable(static_cast<uint32_t>(preferred))) {
    node = preferred;
  } else {
    // Best fit: the least left over in the main resource, then in cores, then the lowest id.
    const Resources need = v.spec(j).total();
    std::pair<double, int64_t> best{0, 0};
    for (uint32_t n = 0; n < c.num_nodes(); ++n) {
      if (!usable(n)) continue;
      const Resources left = c.free(NodeId(n)) - need;
      const std::pair<double, int64_t> key{main_of(left), left.cores};
      if (node < 0 || key < best) {
        best = key;
        node = static_cast<int>(n);
      }
    }
  }
  if (node < 0) return false;
  const Slot slot{NodeId(static_cast<uint32_t>(node)), v.spec(j).tasks};
  d.start(j, std::span<const Slot>(&slot, 1));
  return true;
}

void LpAssignPolicy::schedule(Decisions& d) {
  const EngineView& v = d.view();
  if (v.queue().empty()) return;
  window_.clear();
  for (JobId j : v.queue()) {
    window_.push_back(j);
    if (window_.size() == static_cast<size_t>(config_.max_tasks)) break;
  }
  build(v);
  // Nothing can start when no task of the window fits anywhere now: no LP needed.
  bool any_fits = false;
  for (size_t k = 0; k < window_.size() && !any_fits; ++k)
    for (uint32_t n = 0; n < v.cluster().num_nodes() && !any_fits; ++n)
      any_fits = problem_.tasks[k].allowed[n] && fits_now(v, window_[k], n);
  if (!any_fits) return;
  const AssignResult r = solve_assignment(problem_, *solver_, scratch_);
  ++stats_.solves;
  stats_.warm_solves += r.warm;
  stats_.iterations += r.iterations;
  stats_.max_columns = std::max(stats_.max_columns, r.columns);
  stats_.max_rows = std::max(stats_.max_rows, r.rows);

  // LP order: mean completion time (to 1e-6 slot, so that solver noise does not decide), then
  // the shorter estimate, then arrival.
  order_.resize(window_.size());
  for (size_t k = 0; k < order_.size(); ++k) order_[k] = k;
  auto key = [&](size_t k) {
    return std::tuple(std::llround(r.mean_end_us[k] / problem_.slot_us * 1e6), problem_.tasks[k].duration_us,
                      window_[k]);
  };
  std::sort(order_.begin(), order_.end(), [&](size_t a, size_t b) { return key(a) < key(b); });

  started_.assign(window_.size(), 0);
  for (size_t k : order_)  // the LP starts at least half of it now: its 1/2-point is slot 0
    if (r.start_now[k] >= 0.5 - 1e-9 && try_place(d, k, r.preferred[k], false)) {
      started_[k] = 1;
      ++stats_.lp_starts;
    }
  const bool idle_only = config_.fill == AssignFill::Idle;
  for (size_t k : order_)
    if (!started_[k] && try_place(d, k, r.preferred[k], idle_only)) {
      started_[k] = 1;
      ++stats_.fill_starts;
    }
}

// ---------------------------------------------------------------------------------------------

void register_lp_assign_policy(PolicyRegistry& registry) {
  registry.add(
      {"lp-assign",
       "each job on one node, in the order of a time-indexed LP of total completion time (LP mean completion; the "
       "LP's now-starts first, then idle nodes fill); for small clusters",
       {{"max_tasks", "64", "queued jobs in the LP, the first in arrival order (the rest wait)"},
        {"slots", "24", "time slots in the LP horizon"},
        {"max_nodes", "64", "the largest cluster accepted (the LP has a column per job, node and slot)"},
        {"fill", "idle",
         "after the LP's own starts, which nodes take the other jobs in LP order: idle (empty nodes) or any"}},
       [](const PolicyParams& p) -> std::unique_ptr<Policy> {
         LpAssignConfig c;
         c.max_tasks = p.get_int("max_tasks", c.max_tasks);
         c.slots = p.get_int("slots", c.slots);
         c.max_nodes = p.get_int("max_nodes", c.max_nodes);
         c.fill = p.get_choice("fill", "idle", {"idle", "any"}) == "any" ? AssignFill::Any : AssignFill::Idle;
         c.validate();
         return std::make_unique<LpAssignPolicy>(c);
       }});
}

}  // namespace clustersim
