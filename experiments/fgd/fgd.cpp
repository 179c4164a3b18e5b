#include "experiments/fgd/fgd.hpp"

#include <algorithm>
#include <numeric>

#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "workloads/random.hpp"

namespace clustersim::fgd {

namespace {

// Longer than any run's arrivals (one per second): nothing departs while tasks arrive.
constexpr int64_t kNeverSeconds = int64_t{1} << 40;

// Every running task's GPUs recomputed from the placements, against the cluster's per-GPU
// state: a share slot's GPU has exactly 1000 minus its tasks' shares free (never below 0); a
// GPU with no share task is wholly free or held whole, and each node holds whole exactly the
// GPUs its whole-GPU tasks asked for. Plus the cluster's own bookkeeping (check_invariants).
void check_gpus(const Engine& e) {
  const Cluster& c = e.cluster();
  if (std::string bad = c.check_invariants(); !bad.empty()) throw InvariantError("cluster: " + bad);
  std::vector<std::vector<int64_t>> share(c.num_nodes());
  std::vector<int64_t> whole(c.num_nodes(), 0);
  for (uint32_t n = 0; n < c.num_nodes(); ++n) share[n].assign(static_cast<size_t>(c.gpu_count(NodeId(n))), 0);
  for (JobId j : e.running_by_expected_end()) {
    const Resources& p = e.spec(j).per_task;
    for (const Slot& s : e.placement(j)) {
      if (p.is_gpu_share()) share[s.node.value()].at(static_cast<size_t>(s.gpu)) += s.tasks * p.gpu_milli;
      else whole[s.node.value()] += s.tasks * (p.gpu_milli / kMilliPerGpu);
    }
  }
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    const auto free = c.gpu_free(NodeId(n));
    int64_t held = 0;
    for (size_t g = 0; g < free.size(); ++g) {
      auto where = [&] { return "GPU " + std::to_string(g) + " of node " + std::to_string(n); };
      if (share[n][g] > kMilliPerGpu) throw InvariantError(where() + " holds " + std::to_string(share[n][g]) + " milli-GPUs of tasks");
      if (share[n][g] > 0 && free[g] != kMilliPerGpu - share[n][g])
        throw InvariantError(where() + " has " + std::to_string(free[g]) + " free, its tasks use " + std::to_string(share[n][g]));
      if (share[n][g] == 0 && free[g] != 0 && free[g] != kMilliPerGpu)
        throw InvariantError(where() + " has no task but " + std::to_string(free[g]) + " free");
      held += share[n][g] == 0 && free[g] == 0;
    }
    if (held != whole[n] || held != c.gpus_held_whole(NodeId(n)))
      throw InvariantError("node " + std::to_string(n) + ": whole-GPU tasks ask for " + std::to_string(whole[n]) +
                           " GPUs, " + std::to_string(held) + " are full without a share task");
  }
}

}  // namespace

std::vector<JobSpec> inflate(const std::vector<JobSpec>& trace, int64_t target_gpu_milli, uint64_t seed) {
  if (trace.empty()) throw InputError("inflate: the trace has no task");
  Rng rng(splitmix64(seed));
  const int64_t total = std::accumulate(trace.begin(), trace.end(), int64_t{0},
                                        [](int64_t s, const JobSpec& j) { return s + j.total().gpu_milli; });
  if (total <= 0) throw InputError("inflate: the trace asks for no GPU");
  // picks[i]: how many times trace task i is in the workload.
  std::vector<int32_t> picks(trace.size(), 0);
  int64_t sum = 0;
  if (target_gpu_milli <= total) {
    std::vector<uint32_t> order(trace.size());
    std::iota(order.begin(), order.end(), 0u);
    for (size_t k = 0; k < order.size() && sum < target_gpu_milli; ++k) {  // a random prefix (Fisher-Yates)
      std::swap(order[k], order[static_cast<size_t>(rng.uniform_int(static_cast<int64_t>(k), static_cast<int64_t>(order.size()) - 1))]);
      ++picks[order[k]];
      sum += trace[order[k]].total().gpu_milli;
    }
  } else {
    std::fill(picks.begin(), picks.end(), 1);
    sum = total;
    while (sum < target_gpu_milli) {
      const size_t i = static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(trace.size()) - 1));
      ++picks[i];
      sum += trace[i].total().gpu_milli;
    }
  }
  std::vector<JobSpec> jobs;
  for (size_t i = 0; i < trace.size(); ++i) {
    for (int32_t k = 0; k < picks[i]; ++k) {
      JobSpec j = trace[i];
      const int64_t at = static_cast<int64_t>(jobs.size());
      j.trace_id = at;
      j.submit = Time::from_seconds(at);
      j.runtime = j.walltime = Time::from_seconds(kNeverSeconds);
      jobs.push_back(std::move(j));
    }
  }
  return jobs;
}

PolicySpec parse_policy(const std::string& text) {
  PolicySpec p{text, text, {}};
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return p;
  p.name = text.substr(0, colon);
  p.params = parse_param_list(text.substr(colon + 1));
  return p;
}

RunResult run(const Cluster& cluster, const std::vector<JobSpec>& jobs, const PolicySpec& policy, uint64_t seed,
              bool check) {
  const PolicyRegistry& registry = PolicyRegistry::builtin();
  std::map<std::string, std::string> params = policy.params;
  if (const PolicyInfo* info = registry.find(policy.name))
    for (const ParamInfo& pi : info->params)
      if (pi.name == "seed" && !params.contains("seed")) params["seed"] = std::to_string(seed);
  auto p = registry.make(policy.name, params);
  // A task that can never run here would be rejected at arrival, between decision points.
  for (const JobSpec& j : jobs)
    if (auto why = cluster.why_never_fits(j.tasks, j.per_task))
      throw InputError("task " + std::to_string(j.trace_id) + " can never run on this cluster: " + *why);
  EngineConfig config;
  config.check_invariants = check;
  Engine e(cluster, jobs, config);
  const double capacity = static_cast<double>(cluster.total_capacity().gpu_milli);
  auto ratio = [&] { return static_cast<double>(e.cluster().total_used().gpu_milli) / capacity; };
  RunResult r;
  r.tasks = static_cast<int64_t>(jobs.size());
  uint32_t checked = 0;  // tasks before this one have been seen placed
  // Tasks in [checked, upto) are decided: the first not running is the first failure.
  auto look = [&](uint32_t upto) {
    for (; checked < upto && r.first_failure < 0; ++checked)
      if (e.state(JobId(checked)) != JobState::Running) {
        r.first_failure = checked;
        r.first_failure_gpu = jobs[checked].total().gpu_milli;
        r.ratio_at_first_failure = ratio();
      }
    checked = std::max(checked, upto);
  };
  p->reset(e);
  while (e.advance()) {
    look(e.arrived() - 1);  // the newest arrival is still to be scheduled
    p->schedule(e.decisions());
    look(e.arrived());
    if (e.arrived() == jobs.size()) break;  // everything arrived; departures come much later
  }
  look(e.arrived());
  for (uint32_t j = 0; j < e.arrived(); ++j) r.placed += e.state(JobId(j)) == JobState::Running;
  r.ratio_at_end = ratio();
  if (r.first_failure < 0) r.ratio_at_first_failure = r.ratio_at_end;
  if (check) check_gpus(e);
  return r;
}

}  // namespace clustersim::fgd
