#include "policies/dl.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>

#include "policies/registry.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace {

// How many of the job's tasks a node can take now (0 for a node that is down).
int64_t room(const Cluster& c, NodeId n, const Resources& per_task) {
  if (!c.is_up(n)) return 0;
  return c.free(n).copies_of(per_task);
}

// Consolidated: the fullest node of `type` that holds every task (best fit, lowest id on
// ties), checked exactly by the cluster (per-GPU rules included).
bool consolidated_on(const Cluster& c, uint32_t type, const JobSpec& s, int64_t tasks, std::vector<Slot>& out) {
  std::vector<std::pair<int64_t, uint32_t>> fits;  // (room, node)
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    if (c.type_index(NodeId(n)) != type) continue;
    const int64_t r = room(c, NodeId(n), s.per_task);
    if (r >= tasks) fits.emplace_back(r, n);
  }
  std::sort(fits.begin(), fits.end());
  for (const auto& [r, n] : fits) {
    out.assign(1, Slot{NodeId(n), static_cast<int32_t>(tasks)});
    if (c.check_placement(tasks, s.per_task, out).empty()) return true;
  }
  return false;
}

// A one-task share job placed on a node: the GPU of that node where it would run fastest next
// to the jobs already there (co-location, docs/dl.md), the fullest that holds it on ties (the
// cluster's own best fit), lowest index then. Without a co-location-aware speed model every
// GPU rates the same and this is the cluster's choice.
void pick_gpu(const EngineView& v, JobId j, std::vector<Slot>& out) {
  const JobSpec& s = v.spec(j);
  if (out.size() != 1 || out[0].tasks != 1 || !s.per_task.is_gpu_share()) return;
  const auto free = v.cluster().gpu_free(out[0].node);
  double best_rate = -1;
  int32_t best = Slot::kAnyGpu;
  for (size_t g = 0; g < free.size(); ++g) {
    if (free[g] < s.per_task.gpu_milli) continue;
    const Slot probe[] = {{out[0].node, 1, static_cast<int32_t>(g)}};
    const double rate = v.rate_if_placed(j, probe);
    if (rate > best_rate || (rate == best_rate && free[g] < free[static_cast<size_t>(best)])) {
      best_rate = rate;
      best = static_cast<int32_t>(g);
    }
  }
  if (best_rate > 0) out[0].gpu = best;
}

// Spread: racks with the most room for the job first, and in each rack the nodes with the
// most room first, until every task has a place.
bool spread_on(const Cluster& c, uint32_t type, const JobSpec& s, int64_t tasks, std::vector<Slot>& out) {
  std::map<int32_t, std::vector<std::pair<int64_t, uint32_t>>> racks;  // rack -> (room, node)
  std::map<int32_t, int64_t> rack_room;
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    if (c.type_index(NodeId(n)) != type) continue;
    const int64_t r = room(c, NodeId(n), s.per_task);
    if (r == 0) continue;
    racks[c.rack(NodeId(n))].emplace_back(r, n);
    rack_room[c.rack(NodeId(n))] += r;
  }
  std::vector<std::pair<int64_t, int32_t>> order;  // (-room, rack)
  for (const auto& [rack, r] : rack_room) order.emplace_back(-r, rack);
  std::sort(order.begin(), order.end());
  out.clear();
  int64_t left = tasks;
  for (const auto& [neg, rack] : order) {
    auto& nodes = racks[rack];
    std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [r, n] : nodes) {
      const int64_t take = std::min(r, left);
      out.push_back(Slot{NodeId(n), static_cast<int32_t>(take)});
      left -= take;
      if (left == 0) break;
    }
    if (left == 0) break;
  }
  return left == 0 && c.check_placement(tasks, s.per_task, out).empty();
}

// Rates of the job on one node of each type (0: cannot run there, or no node of the type).
std::vector<std::pair<double, uint32_t>> types_by_speed(const EngineView& v, JobId j, int64_t tasks) {
  const Cluster& c = v.cluster();
  std::vector<std::pair<double, uint32_t>> ranked;
  std::vector<bool> seen(c.node_types().size(), false);
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    const uint32_t t = c.type_index(NodeId(n));
    if (seen[t]) continue;
    seen[t] = true;
    const Slot probe[] = {{NodeId(n), static_cast<int32_t>(tasks)}};
    const double rate = v.rate_if_placed(j, probe);
    if (rate > 0) ranked.emplace_back(rate, t);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return ranked;
}

// Nominal seconds of work the job has done so far (progress accrues lazily in the record).
double work_done_s(const EngineView& v, JobId j) {
  const JobRecord& r = v.record(j);
  double remaining = r.remaining_us;
  if (r.state == JobState::Running && v.now() > r.progress_from)
    remaining = std::max(0.0, remaining - r.rate * static_cast<double>((v.now() - r.progress_from).us()));
  return (static_cast<double>(v.spec(j).runtime.us()) - remaining) / 1e6;
}

double gpus_of(const JobSpec& s) { return static_cast<double>(s.total().gpu_milli) / 1000.0; }

// ---------------------------------------------------------------------------------------------

class HeteroGreedy : public Policy {
 public:
  HeteroGreedy(bool blocking, bool elastic) : blocking_(blocking), elastic_(elastic) {}
  std::string name() const override { return "hetero-greedy"; }
  void reset(const EngineView&) override { wake_ = Time::zero(); }
  // Kept from one call to the next: the last wakeup asked for (slots_ is scratch).
  bool checkpointable() const override { return true; }
  void save_state(StateWriter& w) const override {
    w.section("policy hetero-greedy");
    w.put(wake_);
  }
  void restore_state(const EngineView&, StateReader& r) override {
    r.section("policy hetero-greedy");
    r.get(wake_);
  }
  void schedule(Decisions& d) override {
    const EngineView& v = d.view();
    const std::vector<JobId> queue(v.queue().begin(), v.queue().end());
    for (JobId j : queue) {
      if (v.cluster().total_free().is_zero()) break;
      if (place_fastest(v, j, slots_) || (elastic_ && place_shrunk(v, j))) {
        d.start(j, slots_);
      } else if (blocking_) {
        break;
      }
    }
    if (elastic_ && v.queue().empty()) grow(d);
  }

 private:
  // An elastic job that does not fit on its tasks: the most tasks, down to its fewest, that fit.
  bool place_shrunk(const EngineView& v, JobId j) {
    const JobSpec& s = v.spec(j);
    if (!s.elastic() || s.per_task.is_gpu_share()) return false;
    for (int64_t w = s.tasks - 1; w >= s.fewest_tasks(); --w)
      if (place_fastest(v, j, slots_, w)) return true;
    return false;
  }
  // Nobody waits: running elastic jobs (arrival order) take the free room of their node type,
  // up to their most tasks (each resize pays the engine's restore delay).
  void grow(Decisions& d) {
    const EngineView& v = d.view();
    std::vector<JobId> running(v.running_by_expected_end().begin(), v.running_by_expected_end().end());
    std::sort(running.begin(), running.end());
    bool below_most = false;
    for (JobId j : running) {
      const JobSpec& s = v.spec(j);
      if (!s.elastic()) continue;
      const int64_t now = tasks_in(v.placement(j));
      for (int64_t w = s.most_tasks(); w > now && !v.cluster().total_free().is_zero(); --w) {
        if (grow_in_place(v, j, w, slots_)) {
          d.resize(j, slots_);
          break;
        }
      }
      below_most = below_most || tasks_in(v.placement(j)) < s.most_tasks();
    }
    // Finishes alone do not call a policy while nobody waits: to grow into the room a job leaves,
    // ask to be woken at the next expected end.
    if (below_most) {
      Time next = Time::max();
      for (JobId j : v.running_by_expected_end())
        if (v.record(j).expected_end > v.now()) next = std::min(next, v.record(j).expected_end);
      if (next != Time::max() && next != wake_) {
        d.wake_at(next);
        wake_ = next;
      }
    }
  }

  bool blocking_, elastic_;
  std::vector<Slot> slots_;
  Time wake_;  // the wakeup asked for last
};

// Tiresias-style discretised least attained service.
class Las : public Policy {
 public:
  Las(std::vector<double> thresholds_gpu_s, Time quantum) : thresholds_(std::move(thresholds_gpu_s)), quantum_(quantum) {}
  std::string name() const override { return "las"; }
  void reset(const EngineView&) override { next_round_ = Time::zero(); }
  bool checkpointable() const override { return true; }
  void save_state(StateWriter& w) const override {
    w.section("policy las");
    w.put(next_round_);
  }
  void restore_state(const EngineView&, StateReader& r) override {
    r.section("policy las");
    r.get(next_round_);
  }

  void schedule(Decisions& d) override {
    const EngineView& v = d.view();
    // Every job in the system with its priority: (queue level, arrival).
    struct Entry {
      int level;
      JobId job;
    };
    std::vector<Entry> jobs;
    auto add = [&](JobId j) {
      const double service = gpus_of(v.spec(j)) * work_done_s(v, j);
      const int level = static_cast<int>(
          std::upper_bound(thresholds_.begin(), thresholds_.end(), service) - thresholds_.begin());
      jobs.push_back({level, j});
    };
    for (JobId j : v.running_by_expected_end()) add(j);
    for (JobId j : v.queue()) add(j);
    std::sort(jobs.begin(), jobs.end(), [](const Entry& a, const Entry& b) {
      return a.level != b.level ? a.level < b.level : a.job < b.job;
    });
    // The jobs that get GPUs this round: in priority order while their demand fits the
    // capacity of the nodes that are up (a job that does not fit is passed over).
    Resources left = v.cluster().up_capacity();
    std::vector<bool> chosen(v.num_jobs(), false);
    for (const Entry& e : jobs) {
      const Resources need = v.spec(e.job).total();
      if (need.fits_in(left)) {
        left -= need;
        chosen[e.job.value()] = true;
      }
    }
    const std::vector<JobId> running(v.running_by_expected_end().begin(), v.running_by_expected_end().end());
    for (JobId j : running)
      if (!chosen[j.value()]) d.preempt(j);
    for (const Entry& e : jobs) {
      if (chosen[e.job.value()] && v.state(e.job) == JobState::Queued && place_fastest(v, e.job, slots_))
        d.start(e.job, slots_);
    }
    // The next round, while anything runs or waits.
    if ((!v.queue().empty() || !v.running_by_expected_end().empty()) && next_round_ <= v.now()) {
      next_round_ = v.now() + quantum_;
      d.wake_at(next_round_);
    }
  }

 private:
  std::vector<double> thresholds_;
  Time quantum_;
  Time next_round_;
  std::vector<Slot> slots_;
};

class Drf : public Policy {
 public:
  std::string name() const override { return "drf"; }
  // Nothing is kept from one call to the next (slots_ is scratch).
  bool checkpointable() const override { return true; }
  void save_state(StateWriter& w) const override { w.section("policy drf"); }
  void restore_state(const EngineView&, StateReader& r) override { r.section("policy drf"); }
  void schedule(Decisions& d) override {
    const EngineView& v = d.view();
    const Resources cap = v.cluster().total_capacity();
    auto share_of = [&](const Resources& used) {
      double s = 0;
      if (cap.cores > 0) s = std::max(s, static_cast<double>(used.cores) / static_cast<double>(cap.cores));
      if (cap.gpu_milli > 0) s = std::max(s, static_cast<double>(used.gpu_milli) / static_cast<double>(cap.gpu_milli));
      if (cap.mem_mib > 0) s = std::max(s, static_cast<double>(used.mem_mib) / static_cast<double>(cap.mem_mib));
      return s;
    };
    std::map<int32_t, Resources> used;  // per user, from the running jobs
    for (JobId j : v.running_by_expected_end()) used[v.spec(j).user] += v.spec(j).total();
    std::map<int32_t, std::vector<JobId>> waiting;  // per user, arrival order
    for (JobId j : v.queue()) waiting[v.spec(j).user].push_back(j);
    std::map<int32_t, size_t> cursor;
    for (;;) {
      // The user with the smallest dominant share among those with a job that fits now.
      int32_t best_user = 0;
      JobId best_job;
      double best_share = 0;
      bool found = false;
      for (auto& [user, jobs] : waiting) {
        const double share = share_of(used[user]);
        if (found && share >= best_share) continue;
        size_t& k = cursor[user];
        while (k < jobs.size() && (v.state(jobs[k]) != JobState::Queued || !v.fits_now(jobs[k]))) ++k;
        if (k == jobs.size()) continue;
        found = true;
        best_user = user;
        best_job = jobs[k];
        best_share = share;
      }
      if (!found) break;
      if (!place_fastest(v, best_job, slots_)) {  // fits in total but not on one type: pass it over
        ++cursor[best_user];
        continue;
      }
      d.start(best_job, slots_);
      used[best_user] += v.spec(best_job).total();
      ++cursor[best_user];
    }
  }

 private:
  std::vector<Slot> slots_;
};

std::vector<double> parse_thresholds(const PolicyParams& p) {
  const std::string text = p.get_string("thresholds", "1,10");
  std::vector<double> hours;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      size_t used = 0;
      const double h = std::stod(item, &used);
      if (used != item.size() || !(h > 0)) throw std::invalid_argument(item);
      hours.push_back(h * 3600.0);
    } catch (const std::exception&) {
      throw InputError("policy las: parameter 'thresholds': expected positive GPU-hours separated by commas, found '" +
                       text + "'");
    }
  }
  if (!std::is_sorted(hours.begin(), hours.end()))
    throw InputError("policy las: parameter 'thresholds': must increase, found '" + text + "'");
  return hours;
}

}  // namespace

bool place_fastest(const EngineView& v, JobId j, std::vector<Slot>& out, int64_t tasks) {
  const Cluster& c = v.cluster();
  const JobSpec& s = v.spec(j);
  if (tasks == 0) tasks = s.tasks;
  if (!c.fits_now(tasks, s.per_task)) return false;
  for (const auto& [rate, type] : types_by_speed(v, j, tasks)) {
    if (consolidated_on(c, type, s, tasks, out) && v.rate_if_placed(j, out) > 0) {
      pick_gpu(v, j, out);
      return true;
    }
    if (tasks > 1 && spread_on(c, type, s, tasks, out) && v.rate_if_placed(j, out) > 0) return true;
  }
  return false;
}

bool place_on_type(const EngineView& v, JobId j, uint32_t type, std::vector<Slot>& out) {
  const Cluster& c = v.cluster();
  const JobSpec& s = v.spec(j);
  if (consolidated_on(c, type, s, s.tasks, out) && v.rate_if_placed(j, out) > 0) {
    pick_gpu(v, j, out);
    return true;
  }
  return s.tasks > 1 && spread_on(c, type, s, s.tasks, out) && v.rate_if_placed(j, out) > 0;
}

bool grow_in_place(const EngineView& v, JobId j, int64_t tasks, std::vector<Slot>& out) {
  const Cluster& c = v.cluster();
  const JobSpec& s = v.spec(j);
  const std::span<const Slot> now = v.placement(j);
  if (now.empty() || s.per_task.is_gpu_share()) return false;
  out.assign(now.begin(), now.end());
  int64_t left = tasks - tasks_in(now);
  if (left <= 0) return false;
  const uint32_t type = c.type_index(now.front().node);
  // Its own nodes first (by id), then the other nodes of its type with the most room.
  std::vector<std::pair<int64_t, uint32_t>> others;  // (-room, node)
  for (Slot& sl : out) {
    const int64_t more = std::min(left, room(c, sl.node, s.per_task));
    sl.tasks += static_cast<int32_t>(more);
    left -= more;
  }
  for (uint32_t n = 0; n < c.num_nodes() && left > 0; ++n) {
    if (c.type_index(NodeId(n)) != type) continue;
    if (std::any_of(now.begin(), now.end(), [&](const Slot& sl) { return sl.node.value() == n; })) continue;
    const int64_t r = room(c, NodeId(n), s.per_task);
    if (r > 0) others.emplace_back(-r, n);
  }
  std::sort(others.begin(), others.end());
  for (const auto& [neg, n] : others) {
    if (left == 0) break;
    const int64_t take = std::min(-neg, left);
    out.push_back(Slot{NodeId(n), static_cast<int32_t>(take)});
    left -= take;
  }
  return left == 0 && v.rate_if_placed(j, out) > 0;
}

void register_dl_policies(PolicyRegistry& r) {
  r.add({"hetero-greedy",
         "arrival order; each job on the fastest GPU type that holds it now (speed model), consolidated if possible, "
         "else on the fewest racks (a GPU share: on the node's GPU where it runs fastest next to the jobs there); "
         "jobs that do not fit are skipped",
         {{"blocking", "false", "true: the first job that does not fit waits and blocks the queue"},
          {"elastic", "false",
           "true: an elastic job that does not fit starts on fewer tasks (down to its min_tasks), and while nobody "
           "waits running elastic jobs grow into free room (up to max_tasks; each resize pays the restore delay)"}},
         [](const PolicyParams& p) {
           p.reject_unknown({"blocking", "elastic"});
           return std::make_unique<HeteroGreedy>(p.get_bool("blocking", false), p.get_bool("elastic", false));
         }});
  r.add({"las",
         "Tiresias-style discretised least attained service: priority queues by GPU-time received, preemptive, "
         "re-decided every quantum",
         {{"thresholds", "1,10", "queue thresholds in GPU-hours of attained service, increasing"},
          {"quantum", "360", "seconds between scheduling rounds"}},
         [](const PolicyParams& p) {
           p.reject_unknown({"thresholds", "quantum"});
           const double q = p.get_double("quantum", 360);
           if (!(q > 0)) throw InputError("policy las: parameter 'quantum': must be > 0 seconds");
           return std::make_unique<Las>(parse_thresholds(p), Time::from_seconds_ceil(q));
         }});
  r.add({"drf",
         "dominant resource fairness over users: the next fitting job of the user with the smallest dominant share",
         {},
         [](const PolicyParams& p) {
           p.reject_unknown({});
           return std::make_unique<Drf>();
         }});
}

}  // namespace clustersim
