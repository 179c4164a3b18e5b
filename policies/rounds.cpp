#include "policies/rounds.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "policies/registry.hpp"
#include "sim/error.hpp"

namespace clustersim {

// ---------------------------------------------------------------------------------------------
// RoundPlanner

void RoundPlanner::begin(const EngineView& view) {
  cluster_ = view.cluster();
  if (kept_.size() < view.num_jobs()) kept_.resize(view.num_jobs(), false);
}

void RoundPlanner::keep(JobId j) {
  kept_[j.value()] = true;
  kept_list_.push_back(j);
}

void RoundPlanner::release_running(const EngineView& view) {
  for (JobId j : view.running_by_expected_end())
    if (!kept_[j.value()]) cluster_.release(view.spec(j).per_task, view.placement(j));
  for (JobId j : kept_list_) kept_[j.value()] = false;
  kept_list_.clear();
}

bool RoundPlanner::reserve(const JobSpec& s, std::vector<Slot>& placement) {
  if (!cluster_.check_placement(s.tasks, s.per_task, placement).empty()) return false;
  const std::span<const Slot> got = cluster_.allocate(s.per_task, placement);
  placement.assign(got.begin(), got.end());
  return true;
}

bool RoundPlanner::place(const JobSpec& s, uint32_t type, std::vector<Slot>& out) {
  const Cluster& c = cluster_;
  out.clear();
  auto eligible = [&](uint32_t n) {
    return c.is_up(NodeId(n)) && (type == kAnyType || c.type_index(NodeId(n)) == type);
  };
  // One node: the fullest that holds every task.
  int64_t best_room = INT64_MAX;
  uint32_t best = UINT32_MAX;
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    if (!eligible(n)) continue;
    const int64_t room = c.copies_on(NodeId(n), s.per_task);
    if (room >= s.tasks && room < best_room) {
      best_room = room;
      best = n;
    }
  }
  if (best != UINT32_MAX) {
    out.push_back(Slot{NodeId(best), s.tasks});
    if (reserve(s, out)) return true;
    out.clear();
  }
  // Several nodes: racks with the most room first, in each the nodes with the most room first.
  std::map<int32_t, int64_t> rack_room;
  int64_t total = 0;
  scratch_.clear();
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    if (!eligible(n)) continue;
    const int64_t room = std::min<int64_t>(c.copies_on(NodeId(n), s.per_task), s.tasks);
    if (room <= 0) continue;
    rack_room[c.rack(NodeId(n))] += room;
    total += room;
    scratch_.emplace_back(room, n);
  }
  if (total < s.tasks) return false;
  std::sort(scratch_.begin(), scratch_.end(), [&](const auto& a, const auto& b) {
    const int32_t ra = c.rack(NodeId(a.second)), rb = c.rack(NodeId(b.second));
    if (ra != rb) {
      const int64_t ma = rack_room[ra], mb = rack_room[rb];
      return ma != mb ? ma > mb : ra < rb;
    }
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  int64_t left = s.tasks;
  for (const auto& [room, n] : scratch_) {
    const int64_t take = std::min(room, left);
    out.push_back(Slot{NodeId(n), static_cast<int32_t>(take)});
    left -= take;
    if (left == 0) break;
  }
  if (reserve(s, out)) return true;
  out.clear();
  return false;
}

// ---------------------------------------------------------------------------------------------

namespace {

// The node type of a placement (its first slot's; round policies never mix types).
uint32_t type_of(const EngineView& v, std::span<const Slot> p) {
  return p.empty() ? RoundPlanner::kAnyType : v.cluster().type_index(p.front().node);
}

// The node types a job can run on, in index order: a positive rate on one node of the type,
// probed with all its tasks there as a consolidated placement would have them.
std::vector<uint32_t> runnable_types(const EngineView& v, JobId j, std::span<const int64_t> probe) {
  std::vector<uint32_t> types;
  for (uint32_t t = 0; t < probe.size(); ++t) {
    if (probe[t] < 0) continue;
    const Slot one[] = {{NodeId(static_cast<uint32_t>(probe[t])), v.spec(j).tasks}};
    if (v.rate_if_placed(j, one) > 0) types.push_back(t);
  }
  return types;
}

}  // namespace

std::vector<int64_t> node_of_each_type(const Cluster& c) {
  std::vector<int64_t> first(c.node_types().size(), -1);
  for (uint32_t n = 0; n < c.num_nodes(); ++n)
    if (first[c.type_index(NodeId(n))] < 0) first[c.type_index(NodeId(n))] = n;
  return first;
}

int64_t place_round(const EngineView& v, std::span<const RoundChoice> chosen, RoundPlanner& planner, Allocation& out) {
  std::vector<bool> done(chosen.size(), false);
  const std::vector<int64_t> probe = node_of_each_type(v.cluster());
  planner.begin(v);
  // Running jobs that stay on their type keep their placement (no migration, no cost).
  for (size_t i = 0; i < chosen.size(); ++i) {
    const JobId j = chosen[i].job;
    if (v.state(j) != JobState::Running) continue;
    const auto p = v.placement(j);
    if (chosen[i].type != RoundPlanner::kAnyType && type_of(v, p) != chosen[i].type) continue;
    out.add(j, p);
    done[i] = true;
    planner.keep(j);
  }
  planner.release_running(v);
  // The others, larger demands first (less fragmentation), then in the order given.
  std::vector<size_t> order;
  for (size_t i = 0; i < chosen.size(); ++i)
    if (!done[i]) order.push_back(i);
  auto demand = [&](size_t i) {
    const Resources r = v.spec(chosen[i].job).total();
    return std::pair(r.gpu_milli, r.cores);
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return demand(a) > demand(b); });
  int64_t unplaced = 0;
  std::vector<Slot> slots;
  for (size_t i : order) {
    const JobId j = chosen[i].job;
    bool placed = false;
    if (chosen[i].type != RoundPlanner::kAnyType) {
      placed = planner.place(v.spec(j), chosen[i].type, slots);
    } else {
      // Any type the job can run on: its types in index order, consolidated first.
      for (uint32_t t : runnable_types(v, j, probe))
        if ((placed = planner.place(v.spec(j), t, slots))) break;
    }
    if (placed) out.add(j, slots);
    else ++unplaced;
  }
  return unplaced;
}

// ---------------------------------------------------------------------------------------------
// RoundPolicy

void RoundPolicy::reset(const EngineView& view) {
  types_ = std::max<size_t>(1, view.cluster().node_types().size());
  received_s_.assign(view.num_jobs() * types_, 0.0);
  first_seen_.assign(view.num_jobs(), Time::max());
  last_ran_.assign(view.num_jobs(), -1);
  rounds_ = unplaced_ = 0;
  engine_rounds_ = false;
  first_call_ = true;
  last_round_ = view.now();
}

void RoundPolicy::save_state(StateWriter& w) const {
  w.section("policy " + name());
  w.put(static_cast<uint64_t>(types_));
  w.put(received_s_);
  w.put(first_seen_);
  w.put(last_ran_);
  w.put(last_round_);
  w.put(rounds_);
  w.put(unplaced_);
  w.put(engine_rounds_);
  w.put(first_call_);
  w.put(next_own_round_);
}

void RoundPolicy::restore_state(const EngineView& view, StateReader& r) {
  reset(view);
  r.section("policy " + name());
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(types_), "the number of node types");
  r.get(received_s_);
  r.get(first_seen_);
  r.get(last_ran_);
  r.get(last_round_);
  r.get(rounds_);
  r.get(unplaced_);
  r.get(engine_rounds_);
  r.get(first_call_);
  r.get(next_own_round_);
  if (received_s_.size() != view.num_jobs() * types_ || first_seen_.size() != view.num_jobs() ||
      last_ran_.size() != view.num_jobs())
    r.corrupt("the round policy's tables have the wrong sizes");
}

double RoundPolicy::elapsed_s(const EngineView& view, JobId j) const {
  const Time first = first_seen_[j.value()];
  return first == Time::max() ? 0.0 : (view.now() - first).seconds();
}

void RoundPolicy::account(const EngineView& v) {
  const double dt = (v.now() - last_round_).seconds();
  for (JobId j : v.running_by_expected_end()) {
    received_s_[j.value() * types_ + type_of(v, v.placement(j))] += dt;
    last_ran_[j.value()] = rounds_ - 1;
  }
  last_round_ = v.now();
}

void RoundPolicy::schedule(Decisions& d) {
  const EngineView& v = d.view();
  if (first_call_) {
    first_call_ = false;
    engine_rounds_ = v.reasons().round;  // the engine's first round comes with the first arrival
    next_own_round_ = v.now();
  }
  bool round = v.reasons().round;
  if (!engine_rounds_ && v.now() >= next_own_round_) {
    round = true;
    next_own_round_ = v.now() + round_;
    if (!v.queue().empty() || !v.running_by_expected_end().empty()) d.wake_at(next_own_round_);
  }
  if (!round) return;
  account(v);
  runnable_.clear();
  for (JobId j : v.running_by_expected_end()) runnable_.push_back(j);
  for (JobId j : v.queue()) runnable_.push_back(j);
  std::sort(runnable_.begin(), runnable_.end());
  for (JobId j : runnable_)
    if (first_seen_[j.value()] == Time::max()) first_seen_[j.value()] = v.now();
  allocation_.clear();
  plan(v, runnable_, allocation_);
  d.apply(allocation_);
  ++rounds_;
}

// ---------------------------------------------------------------------------------------------
// rr-timeshare: every runnable job takes turns. Each round the jobs are ordered by the round
// in which they last ran (never first), then by arrival, and taken in that order while their
// demand fits in the capacity of the nodes that are up; those that ran least recently run
// next. Heterogeneity-agnostic: a job goes to the lowest-indexed node type it can run on that
// has room, consolidated.
class RoundRobinTimeshare : public RoundPolicy {
 public:
  using RoundPolicy::RoundPolicy;
  std::string name() const override { return "rr-timeshare"; }
  // order_, chosen_ and the planner are scratch within a round: the base class's state is all.
  bool checkpointable() const override { return true; }

 protected:
  void plan(const EngineView& v, std::span<const JobId> runnable, Allocation& out) override {
    order_.assign(runnable.begin(), runnable.end());
    std::stable_sort(order_.begin(), order_.end(), [&](JobId a, JobId b) { return last_ran(a) < last_ran(b); });
    Resources left = v.cluster().up_capacity();
    chosen_.clear();
    for (JobId j : order_) {
      const Resources need = v.spec(j).total();
      if (need.fits_in(left)) {
        left -= need;
        chosen_.push_back({j, RoundPlanner::kAnyType});
      }
    }
    count_unplaced(place_round(v, chosen_, planner_, out));
  }

 private:
  std::vector<JobId> order_;
  std::vector<RoundChoice> chosen_;
  RoundPlanner planner_;
};

Time round_param(const PolicyParams& p, const std::string& policy) {
  const double r = p.get_double("round", 360);
  if (!(r > 0) || r > 1e9)
    throw InputError("policy " + policy + ": parameter 'round': must be > 0 seconds, got " + std::to_string(r));
  return Time::from_seconds_ceil(r);
}

void register_round_policies(PolicyRegistry& r) {
  r.add({"rr-timeshare",
         "round-robin time sharing on scheduling rounds: jobs that ran least recently take the GPUs each round "
         "(heterogeneity-agnostic baseline for lp)",
         {{"round", "360", "round length in seconds (the engine's --round-interval overrides it)"}},
         [](const PolicyParams& p) -> std::unique_ptr<Policy> {
           p.reject_unknown({"round"});
           return std::make_unique<RoundRobinTimeshare>(round_param(p, "rr-timeshare"));
         }});
}

}  // namespace clustersim
