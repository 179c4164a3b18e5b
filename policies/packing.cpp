#include "policies/packing.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>
#include <tuple>

#include "policies/registry.hpp"

namespace clustersim {

bool gpu_model_allowed(const std::string& allowed, const std::string& node_model) {
  if (allowed.empty()) return true;
  size_t from = 0;
  for (;;) {
    size_t bar = allowed.find('|', from);
    std::string_view name(allowed.data() + from, (bar == std::string::npos ? allowed.size() : bar) - from);
    if (!name.empty() && name == node_model) return true;
    if (bar == std::string::npos) return false;
    from = bar + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// GpuFragmentation

GpuFragmentation::GpuFragmentation(std::span<const JobSpec> jobs, const Cluster& cluster) {
  std::map<std::tuple<int64_t, int64_t, std::string>, int64_t> count;  // ordered: deterministic
  for (const JobSpec& j : jobs) {
    if (j.tasks <= 0) continue;
    const std::string& model = j.per_task.gpu_milli > 0 ? j.gpu_model : std::string();
    count[{j.per_task.cores, j.per_task.gpu_milli, model}] += j.tasks;
  }
  const auto node_types = cluster.node_types();
  std::map<std::pair<int64_t, std::string>, size_t> group_of;
  for (const auto& [key, tasks] : count) {
    const auto& [cores, gpu, model] = key;
    types_.push_back(TaskType{cores, gpu, model, tasks});
    total_ += tasks;
    std::vector<uint8_t> ok(node_types.size());
    for (size_t t = 0; t < node_types.size(); ++t) ok[t] = gpu_model_allowed(model, node_types[t].gpu_model);
    type_model_ok_.push_back(ok);
    if (gpu <= 0) continue;  // a type without GPU always counts R_n
    auto [it, fresh] = group_of.try_emplace({gpu, model}, groups_.size());
    if (fresh) groups_.push_back(Group{gpu, {}, {}, ok});
    Group& g = groups_[it->second];
    g.cores.push_back(cores);  // types come in ascending (cores, gpu, model): ascending here
    g.tasks_upto.push_back((g.tasks_upto.empty() ? 0 : g.tasks_upto.back()) + tasks);
  }
}

int64_t GpuFragmentation::of_type(size_t m, uint32_t node_type, int64_t cores_free,
                                  std::span<const int32_t> gpu_free) const {
  const TaskType& t = types_[m];
  int64_t r = 0;
  for (int32_t f : gpu_free) r += f;
  if (t.gpu_milli <= 0 || !type_model_ok_[m][node_type] || cores_free < t.cores) return r;
  const int64_t d = std::min<int64_t>(t.gpu_milli, kMilliPerGpu);
  if (t.gpu_milli < kMilliPerGpu) {
    if (std::none_of(gpu_free.begin(), gpu_free.end(), [&](int32_t f) { return f >= d; })) return r;
  } else {
    const auto whole = std::count(gpu_free.begin(), gpu_free.end(), static_cast<int32_t>(kMilliPerGpu));
    if (whole < t.gpu_milli / kMilliPerGpu) return r;
  }
  int64_t frag = 0;
  for (int32_t f : gpu_free)
    if (f < d) frag += f;
  return frag;
}

int64_t GpuFragmentation::weighted(uint32_t node_type, int64_t cores_free, std::span<const int32_t> gpu_free) const {
  int64_t r = 0, whole = 0;
  for (int32_t f : gpu_free) {
    r += f;
    whole += f == kMilliPerGpu;
  }
  if (r == 0) return 0;
  int64_t usable = 0;  // sum over runnable GPU types of tasks_m x U_n(min(d_m, 1000))
  for (const Group& g : groups_) {
    if (!g.model_ok[node_type]) continue;
    auto it = std::upper_bound(g.cores.begin(), g.cores.end(), cores_free);
    if (it == g.cores.begin()) continue;  // every type of the group needs more cores
    const int64_t tasks = g.tasks_upto[static_cast<size_t>(it - g.cores.begin()) - 1];
    int64_t u;
    if (g.gpu_milli < kMilliPerGpu) {
      // A share runs iff some GPU holds it, i.e. U_n(d) > 0: no separate test needed.
      u = 0;
      for (int32_t f : gpu_free)
        if (f >= g.gpu_milli) u += f;
    } else {
      u = whole >= g.gpu_milli / kMilliPerGpu ? whole * kMilliPerGpu : 0;
    }
    usable += tasks * u;
  }
  return total_ * r - usable;
}

// ---------------------------------------------------------------------------------------------
// PackingPolicy

void PackingPolicy::reset(const EngineView& view) {
  const Cluster& c = view.cluster();
  rng_.seed(config_.seed);
  max_cores_ = max_gpu_ = 0;
  for (uint32_t t = 0; t < c.node_types().size(); ++t) {
    if (c.nodes_of_type(t) == 0) continue;
    max_cores_ = std::max(max_cores_, static_cast<double>(c.node_types()[t].capacity.cores));
    max_gpu_ = std::max(max_gpu_, static_cast<double>(c.node_types()[t].capacity.gpu_milli));
  }
  if (config_.score == PackingScore::Fgd) {
    frag_ = GpuFragmentation(view.specs(), c);
    const size_t n = c.num_nodes();
    gpu_offset_.assign(n + 1, 0);
    for (uint32_t i = 0; i < n; ++i) gpu_offset_[i + 1] = gpu_offset_[i] + static_cast<uint32_t>(c.gpu_count(NodeId(i)));
    cached_gpus_.assign(gpu_offset_[n], 0);
    cached_value_.assign(n, 0);
    cached_cores_.assign(n, 0);
    cached_valid_.assign(n, 0);
  }
  primed_ = false;
}

void PackingPolicy::save_state(StateWriter& w) const {
  w.section("policy " + name_);
  std::ostringstream rng;
  rng << rng_;
  w.put(rng.str());
  w.put(cached_value_);
  w.put(cached_cores_);
  w.put(cached_valid_);
  w.put(cached_gpus_);
  w.put(primed_);
  w.put(seen_arrived_);
  w.put(seen_finished_);
  w.put(seen_failed_);
  w.put(static_cast<uint64_t>(seen_requeued_));
}

void PackingPolicy::restore_state(const EngineView& view, StateReader& r) {
  reset(view);  // what follows from the workload and the cluster (the FGD model, the sizes)
  r.section("policy " + name_);
  std::istringstream rng(r.get<std::string>());
  rng >> rng_;
  if (!rng) r.corrupt("the policy's random stream");
  const size_t nodes = cached_value_.size(), gpus = cached_gpus_.size();
  r.get(cached_value_);
  r.get(cached_cores_);
  r.get(cached_valid_);
  r.get(cached_gpus_);
  if (cached_value_.size() != nodes || cached_cores_.size() != nodes || cached_valid_.size() != nodes ||
      cached_gpus_.size() != gpus)
    r.corrupt("the FGD cache has the wrong size");
  r.get(primed_);
  r.get(seen_arrived_);
  r.get(seen_finished_);
  r.get(seen_failed_);
  seen_requeued_ = static_cast<size_t>(r.get<uint64_t>());
}

uint64_t PackingPolicy::uniform_below(uint64_t n) {
  const uint64_t limit = (UINT64_MAX / n) * n;  // rejection: no modulo bias
  uint64_t x;
  do x = rng_(); while (x >= limit);
  return x % n;
}

void PackingPolicy::schedule(Decisions& d) {
  const EngineView& v = d.view();
  const bool freed = !primed_ || v.finished_count() != seen_finished_ || v.failed_count() != seen_failed_ ||
                     v.requeued_log().size() != seen_requeued_ || v.reasons().nodes;
  candidates_this_pass_.clear();
  if (freed) {
    candidates_this_pass_.assign(v.queue().begin(), v.queue().end());
  } else {
    for (uint32_t j = seen_arrived_; j < v.arrived(); ++j)
      if (v.state(JobId(j)) == JobState::Queued) candidates_this_pass_.push_back(JobId(j));
  }
  for (JobId j : candidates_this_pass_)
    if (place(v, j, placement_)) d.start(j, placement_);
  primed_ = true;
  seen_arrived_ = v.arrived();
  seen_finished_ = v.finished_count();
  seen_failed_ = v.failed_count();
  seen_requeued_ = v.requeued_log().size();
}

bool PackingPolicy::place(const EngineView& view, JobId j, std::vector<Slot>& out) {
  out.clear();
  const JobSpec& s = view.spec(j);
  const Cluster& c = view.cluster();
  if (s.tasks <= 0 || !s.total().fits_in(c.total_free())) return false;
  collect(view, s);
  if (candidates_.empty()) return false;
  const bool random = config_.score == PackingScore::Random;
  // A share task placed at random gets a GPU drawn among the node's GPUs that hold it.
  auto random_gpu = [&](uint32_t n) {
    const auto free = c.gpu_free(NodeId(n));
    scratch_gpus_.clear();
    for (size_t g = 0; g < free.size(); ++g)
      if (free[g] >= s.per_task.gpu_milli) scratch_gpus_.push_back(static_cast<int32_t>(g));
    return scratch_gpus_[uniform_below(scratch_gpus_.size())];
  };
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.key != b.key ? a.key < b.key : a.node != b.node ? a.node < b.node : a.gpu < b.gpu;
  };
  if (s.tasks == 1) {
    const Candidate best = random ? candidates_[uniform_below(candidates_.size())]
                                  : *std::min_element(candidates_.begin(), candidates_.end(), better);
    const int32_t gpu = random && s.per_task.is_gpu_share() ? random_gpu(best.node) : best.gpu;
    out.push_back(Slot{NodeId(best.node), 1, gpu});
    return true;
  }
  if (random) {  // a uniformly random order of the feasible nodes (Fisher-Yates)
    for (size_t i = candidates_.size(); i > 1; --i) std::swap(candidates_[i - 1], candidates_[uniform_below(i)]);
  } else {
    std::sort(candidates_.begin(), candidates_.end(), better);
  }
  int64_t left = s.tasks;
  for (const Candidate& cand : candidates_) {
    bool used = false;  // FGD lists a node once per GPU choice; a node gets one slot
    for (const Slot& sl : out) used = used || sl.node.value() == cand.node;
    if (used) continue;
    const int32_t gpu = random && s.per_task.is_gpu_share() ? random_gpu(cand.node) : cand.gpu;
    const int64_t k = std::min(left, c.copies_on(NodeId(cand.node), s.per_task, gpu));
    if (k <= 0) continue;
    out.push_back(Slot{NodeId(cand.node), static_cast<int32_t>(k), gpu});
    left -= k;
    if (left == 0) return true;
  }
  out.clear();
  return false;
}

double PackingPolicy::node_key(const Cluster& c, uint32_t n, const Resources& p) const {
  const Resources& f = c.free(NodeId(n));
  auto norm = [](double x, double max) { return max > 0 ? x / max : 0.0; };
  switch (config_.score) {
    case PackingScore::BestFit:
      return (norm(static_cast<double>(f.cores - p.cores), max_cores_) +
              norm(static_cast<double>(f.gpu_milli - p.gpu_milli), max_gpu_)) / 2;
    case PackingScore::DotProduct: {
      const double dot = (norm(static_cast<double>(p.cores), max_cores_) * norm(static_cast<double>(f.cores), max_cores_) +
                          norm(static_cast<double>(p.gpu_milli), max_gpu_) * norm(static_cast<double>(f.gpu_milli), max_gpu_)) / 2;
      return config_.dot_max ? -dot : dot;
    }
    case PackingScore::Random:
    case PackingScore::Fgd: break;
  }
  return 0;
}

void PackingPolicy::collect(const EngineView& view, const JobSpec& s) {
  const Cluster& c = view.cluster();
  const Resources& p = s.per_task;
  const bool check_model = p.gpu_milli > 0 && !s.gpu_model.empty();
  candidates_.clear();
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    if (c.copies_on(NodeId(n), p) <= 0) continue;
    if (check_model && !gpu_model_allowed(s.gpu_model, c.type_of(NodeId(n)).gpu_model)) continue;
    if (config_.score == PackingScore::Fgd) fgd_candidates(c, n, p);
    else candidates_.push_back(Candidate{node_key(c, n, p), n, Slot::kAnyGpu});
  }
}

// The node's F_n(M) (weighted) now, recomputed only when its state changed.
int64_t PackingPolicy::fgd_before(const Cluster& c, uint32_t n) {
  const auto gpus = c.gpu_free(NodeId(n));
  int32_t* cached = cached_gpus_.data() + gpu_offset_[n];
  const int64_t cores = c.free(NodeId(n)).cores;
  if (cached_valid_[n] && cached_cores_[n] == cores && std::equal(gpus.begin(), gpus.end(), cached)) return cached_value_[n];
  std::copy(gpus.begin(), gpus.end(), cached);
  cached_cores_[n] = cores;
  cached_valid_[n] = 1;
  return cached_value_[n] = frag_.weighted(c.type_index(NodeId(n)), cores, gpus);
}

// One candidate per distinct outcome: for a share task each distinct free share that holds it
// (on the lowest GPU with that share), else the node. Key: F_n(M) after minus before.
void PackingPolicy::fgd_candidates(const Cluster& c, uint32_t n, const Resources& p) {
  const int64_t before = fgd_before(c, n);
  const uint32_t type = c.type_index(NodeId(n));
  const int64_t cores = c.free(NodeId(n)).cores - p.cores;
  const auto free = c.gpu_free(NodeId(n));
  scratch_gpus_.assign(free.begin(), free.end());
  if (p.is_gpu_share()) {
    for (size_t g = 0; g < free.size(); ++g) {
      if (free[g] < p.gpu_milli) continue;
      bool seen = false;
      for (size_t h = 0; h < g; ++h) seen = seen || free[h] == free[g];
      if (seen) continue;
      scratch_gpus_[g] -= static_cast<int32_t>(p.gpu_milli);
      const int64_t after = frag_.weighted(type, cores, scratch_gpus_);
      scratch_gpus_[g] = free[g];
      candidates_.push_back(Candidate{static_cast<double>(after - before), n, static_cast<int32_t>(g)});
    }
    return;
  }
  int64_t k = p.gpu_milli / kMilliPerGpu;  // whole GPUs: the lowest wholly free ones
  for (size_t g = 0; g < scratch_gpus_.size() && k > 0; ++g)
    if (scratch_gpus_[g] == kMilliPerGpu) scratch_gpus_[g] = 0, --k;
  const int64_t after = frag_.weighted(type, cores, scratch_gpus_);
  candidates_.push_back(Candidate{static_cast<double>(after - before), n, Slot::kAnyGpu});
}

// ---------------------------------------------------------------------------------------------

void register_packing_policies(PolicyRegistry& r) {
  const std::string common = "; FIFO, a job that does not fit now is skipped (docs/packing.md)";
  r.add(PolicyInfo{"random", "each task on a node drawn uniformly among those where it fits" + common,
                   {{"seed", "1", "random seed"}},
                   [](const PolicyParams& p) -> std::unique_ptr<Policy> {
                     PackingConfig c;
                     c.score = PackingScore::Random;
                     c.seed = static_cast<uint64_t>(p.get_int("seed", 1));
                     return std::make_unique<PackingPolicy>("random", c);
                   }});
  r.add(PolicyInfo{"best-fit", "each task on the node with the least CPU and GPU left after it (normalised)" + common,
                   {},
                   [](const PolicyParams&) -> std::unique_ptr<Policy> {
                     return std::make_unique<PackingPolicy>("best-fit", PackingConfig{PackingScore::BestFit});
                   }});
  r.add(PolicyInfo{"dot-product", "Tetris alignment: each task on the node whose free CPU/GPU vector has the "
                                  "largest dot product with its demand" + common,
                   {{"pick", "max", "max (Tetris) or min (smallest dot product, the FGD artifact's variant)"}},
                   [](const PolicyParams& p) -> std::unique_ptr<Policy> {
                     PackingConfig c;
                     c.score = PackingScore::DotProduct;
                     c.dot_max = p.get_choice("pick", "max", {"max", "min"}) == "max";
                     return std::make_unique<PackingPolicy>("dot-product", c);
                   }});
  r.add(PolicyInfo{"fgd", "fragmentation gradient descent (Weng et al., ATC'23): each task on the node and GPU "
                          "where the expected GPU fragmentation grows least" + common,
                   {},
                   [](const PolicyParams&) -> std::unique_ptr<Policy> {
                     return std::make_unique<PackingPolicy>("fgd", PackingConfig{PackingScore::Fgd});
                   }});
}

}  // namespace clustersim
