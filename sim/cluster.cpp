#include "sim/cluster.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "sim/error.hpp"

namespace clustersim {

NodePower NodePower::defaults_for(const Resources& capacity) {
  const double cores = static_cast<double>(capacity.cores);
  const double gpus = static_cast<double>(capacity.gpu_milli) / static_cast<double>(kMilliPerGpu);
  NodePower p;
  p.idle_w = 4.0 * cores + 40.0 * gpus;
  p.busy_w = 8.0 * cores + 300.0 * gpus;
  p.cost_per_hour = 0.04 * cores + 2.5 * gpus;
  p.boot_time = Time::from_seconds(120);
  return p;
}

std::string NodePower::check() const {
  auto bad = [](double v) { return !std::isfinite(v) || v < 0; };
  if (bad(idle_w)) return "idle_w: must be a number >= 0, got " + std::to_string(idle_w);
  if (bad(busy_w)) return "busy_w: must be a number >= 0, got " + std::to_string(busy_w);
  if (busy_w < idle_w)
    return "busy_w: must be >= idle_w (" + std::to_string(idle_w) + " W), got " + std::to_string(busy_w);
  if (bad(cost_per_hour)) return "cost_per_hour: must be a number >= 0, got " + std::to_string(cost_per_hour);
  if (boot_time < Time::zero()) return "boot_s: must be >= 0, got " + std::to_string(boot_time.seconds());
  return {};
}

std::string_view to_string(PowerState s) {
  switch (s) {
    case PowerState::On: return "on";
    case PowerState::Booting: return "booting";
    case PowerState::Off: return "off";
  }
  return "?";
}

void Cluster::set_power(uint32_t type, const NodePower& power) {
  if (type >= types_.size()) throw std::invalid_argument("set_power: no node type " + std::to_string(type));
  const std::string why = power.check();
  if (!why.empty()) throw InputError("node type '" + types_[type].name + "': " + why);
  power_[type] = power;
}

Cluster Cluster::homogeneous(int64_t nodes, Resources per_node, std::string type_name) {
  Cluster c;
  uint32_t t = c.add_node_type(NodeType{std::move(type_name), per_node, ""});
  c.add_nodes(t, nodes);
  return c;
}

uint32_t Cluster::add_node_type(NodeType type) {
  if (type.capacity.any_negative() || type.capacity.is_zero())
    throw std::invalid_argument("node type '" + type.name + "': capacity must be positive, got " +
                                type.capacity.to_string());
  if (type.capacity.gpu_milli % kMilliPerGpu != 0)
    throw std::invalid_argument("node type '" + type.name + "': gpu_milli must be whole GPUs (a multiple of " +
                                std::to_string(kMilliPerGpu) + "), got " + std::to_string(type.capacity.gpu_milli));
  if (type.capacity.gpu_milli / kMilliPerGpu > INT32_MAX)
    throw std::invalid_argument("node type '" + type.name + "': too many GPUs");
  power_.push_back(NodePower::defaults_for(type.capacity));
  types_.push_back(std::move(type));
  type_counts_.push_back(0);
  return static_cast<uint32_t>(types_.size() - 1);
}

NodeId Cluster::add_nodes(uint32_t type, int64_t count, int32_t rack) {
  if (type >= types_.size()) throw std::invalid_argument("add_nodes: no node type " + std::to_string(type));
  if (count < 0) throw std::invalid_argument("add_nodes: negative count");
  NodeId first(static_cast<uint32_t>(nodes_.size()));
  const Resources& cap = types_[type].capacity;
  const int64_t gpus = cap.gpu_milli / kMilliPerGpu;
  for (int64_t i = 0; i < count; ++i) {
    nodes_.push_back(Node{type, rack, true, cap});
    total_capacity_ += cap;
    up_capacity_ += cap;
    free_ += cap;
    gpu_free_.insert(gpu_free_.end(), static_cast<size_t>(gpus), static_cast<int32_t>(kMilliPerGpu));
    gpu_whole_.insert(gpu_whole_.end(), static_cast<size_t>(gpus), 0);
    gpu_first_.push_back(static_cast<uint32_t>(gpu_free_.size()));
    whole_free_.push_back(static_cast<int32_t>(gpus));
  }
  if (gpu_free_.size() > UINT32_MAX) throw std::invalid_argument("add_nodes: more than 2^32 GPUs");
  type_counts_[type] += count;
  has_free_.resize((nodes_.size() + 63) / 64, 0);
  for (uint32_t n = first.value(); n < nodes_.size(); ++n) update_free_bit(n);
  return first;
}

void Cluster::update_free_bit(uint32_t n) {
  const Node& node = nodes_[n];
  bool has = node.up && (node.free.cores > 0 || node.free.gpu_milli > 0 || node.free.mem_mib > 0);
  uint64_t bit = uint64_t{1} << (n % 64);
  if (has) has_free_[n / 64] |= bit;
  else has_free_[n / 64] &= ~bit;
}

// One unit of one resource other than GPUs (GPU shares must fit on one GPU: never "any unit").
bool Cluster::is_unit(const Resources& p) {
  int nonzero = (p.cores != 0) + (p.gpu_milli != 0) + (p.mem_mib != 0);
  return nonzero == 1 && (p.cores == 1 || p.mem_mib == 1);
}

// ---------------------------------------------------------------------------------------------
// Per-GPU state

int32_t Cluster::gpus_held_whole(NodeId n) const {
  int32_t held = 0;
  for (uint32_t g = gpu_first_[n.value()]; g < gpu_first_[n.value() + 1]; ++g) held += gpu_whole_[g];
  return held;
}

int32_t Cluster::most_free_gpu_share(uint32_t n) const {
  int32_t most = 0;
  for (uint32_t g = gpu_first_[n]; g < gpu_first_[n + 1]; ++g) most = std::max(most, gpu_free_[g]);
  return most;
}

int32_t Cluster::best_fit_gpu(NodeId n, int64_t milli) const {
  const uint32_t first = gpu_first_[n.value()], end = gpu_first_[n.value() + 1];
  int32_t best = -1;
  int32_t best_free = INT32_MAX;
  for (uint32_t g = first; g < end; ++g) {
    const int32_t f = gpu_free_[g];
    if (f >= milli && f < best_free) {
      best = static_cast<int32_t>(g - first);
      best_free = f;
    }
  }
  return best;
}

// Tasks of `per_task` that one slot on up node n can take: the aggregate bound, then the GPUs'.
int64_t Cluster::copies_free(uint32_t n, const Resources& per_task, int32_t gpu) const {
  const int64_t k = nodes_[n].free.copies_of(per_task);
  if (per_task.gpu_milli == 0 || k == 0) return k;
  if (per_task.is_gpu_share()) {
    int64_t share;
    if (gpu == Slot::kAnyGpu) share = most_free_gpu_share(n);
    else if (gpu >= 0 && gpu < static_cast<int32_t>(gpu_first_[n + 1] - gpu_first_[n])) share = gpu_free_[gpu_first_[n] + static_cast<uint32_t>(gpu)];
    else return 0;
    return std::min(k, std::max<int64_t>(0, share) / per_task.gpu_milli);
  }
  if (per_task.is_whole_gpus() && gpu == Slot::kAnyGpu)
    return std::min<int64_t>(k, whole_free_[n] / (per_task.gpu_milli / kMilliPerGpu));
  return 0;  // not a valid GPU request, or a GPU named for whole GPUs
}

int64_t Cluster::copies_on(NodeId n, const Resources& per_task, int32_t gpu) const {
  if (n.value() >= nodes_.size() || !nodes_[n.value()].up) return 0;
  return copies_free(n.value(), per_task, gpu);
}

void Cluster::take_share(uint32_t n, int32_t gpu, int64_t milli) {
  int32_t& f = gpu_free_[gpu_first_[n] + static_cast<uint32_t>(gpu)];
  if (f == kMilliPerGpu) --whole_free_[n];
  f -= static_cast<int32_t>(milli);
}

void Cluster::give_share(uint32_t n, int32_t gpu, int64_t milli) {
  int32_t& f = gpu_free_[gpu_first_[n] + static_cast<uint32_t>(gpu)];
  f += static_cast<int32_t>(milli);
  if (f == kMilliPerGpu) ++whole_free_[n];
}

void Cluster::take_whole(uint32_t n, int64_t gpus) {
  if (whole_free_[n] < gpus)
    throw std::logic_error("allocate: node " + std::to_string(n) + " has " + std::to_string(whole_free_[n]) +
                           " wholly free GPUs, not " + std::to_string(gpus) + " (check the placement first)");
  for (uint32_t g = gpu_first_[n]; gpus > 0; ++g) {
    if (gpu_free_[g] != kMilliPerGpu) continue;
    gpu_free_[g] = 0;
    gpu_whole_[g] = 1;
    --whole_free_[n];
    --gpus;
  }
}

void Cluster::give_whole(uint32_t n, int64_t gpus) {
  if (gpus_held_whole(NodeId(n)) < gpus)
    throw std::logic_error("release: node " + std::to_string(n) + " holds fewer than " + std::to_string(gpus) +
                           " GPUs whole");
  for (uint32_t g = gpu_first_[n]; gpus > 0; ++g) {
    if (!gpu_whole_[g]) continue;
    gpu_free_[g] = kMilliPerGpu;
    gpu_whole_[g] = 0;
    ++whole_free_[n];
    --gpus;
  }
}

template <class F>
bool Cluster::for_each_free_node(uint32_t first, F&& f) const {
  const uint32_t n_nodes = static_cast<uint32_t>(nodes_.size());
  if (n_nodes == 0) return false;
  if (first >= n_nodes) first = 0;
  // Two passes: [first, end) then [0, first).
  for (int pass = 0; pass < 2; ++pass) {
    uint32_t lo = pass == 0 ? first : 0, hi = pass == 0 ? n_nodes : first;
    for (uint32_t w = lo / 64; w * 64 < hi; ++w) {
      uint64_t bits = has_free_[w];
      if (w == lo / 64) bits &= ~uint64_t{0} << (lo % 64);
      while (bits) {
        uint32_t n = w * 64 + static_cast<uint32_t>(std::countr_zero(bits));
        if (n >= hi) break;
        if (f(n)) return true;
        bits &= bits - 1;
      }
    }
  }
  return false;
}

std::optional<std::string> Cluster::why_never_fits(int64_t tasks, const Resources& per_task) const {
  if (tasks <= 0) return "it asks for " + std::to_string(tasks) + " tasks";
  if (per_task.any_negative() || per_task.is_zero())
    return "its per-task request " + per_task.to_string() + " is not positive";
  if (per_task.gpu_milli > 0 && !per_task.is_gpu_share() && !per_task.is_whole_gpus())
    return "a task asks for " + std::to_string(per_task.gpu_milli) +
           " milli-GPUs: a task takes a share of one GPU (below 1000) or whole GPUs (a multiple of 1000)";
  int64_t most = 0;
  for (size_t t = 0; t < types_.size(); ++t) {
    const Resources& cap = types_[t].capacity;
    int64_t per_node = cap.copies_of(per_task);
    // One slot per node: share tasks share one GPU, whole-GPU tasks split the node's GPUs.
    if (per_task.is_gpu_share()) per_node = std::min(per_node, kMilliPerGpu / per_task.gpu_milli);
    if (per_node > 0) most += per_node * type_counts_[t];
    if (most >= tasks) return std::nullopt;
  }
  if (most == 0)
    return "one task needs " + per_task.to_string() + ", more than any node offers";
  return "it needs " + std::to_string(tasks) + " tasks of " + per_task.to_string() +
         " but the whole cluster holds at most " + std::to_string(most);
}

bool Cluster::fits_now(int64_t tasks, const Resources& per_task) const {
  if (!(per_task * tasks).fits_in(free_)) return false;
  if (is_unit(per_task)) return true;  // unit tasks can use any free unit
  int64_t left = tasks;
  return for_each_free_node(0, [&](uint32_t n) {
    left -= copies_free(n, per_task, Slot::kAnyGpu);
    return left <= 0;
  });
}

bool Cluster::find_placement(int64_t tasks, const Resources& per_task, PlacementStrategy strategy,
                             std::vector<Slot>& out) const {
  out.clear();
  if (!(per_task * tasks).fits_in(free_)) return false;
  int64_t left = tasks;
  uint32_t first = strategy == PlacementStrategy::RoundRobin ? rr_cursor_ : 0;
  const bool share = per_task.is_gpu_share();
  bool ok = for_each_free_node(first, [&](uint32_t n) {
    int64_t k = std::min(left, copies_free(n, per_task, Slot::kAnyGpu));
    if (k > 0) {
      int32_t gpu = share ? best_fit_gpu(NodeId(n), k * per_task.gpu_milli) : Slot::kAnyGpu;
      out.push_back(Slot{NodeId(n), static_cast<int32_t>(k), gpu});
      left -= k;
    }
    return left <= 0;
  });
  if (!ok) out.clear();
  return ok;
}

// The GPU side of one slot (its node exists, is up, and has the aggregate resources).
std::string Cluster::check_gpus(uint32_t n, const Slot& s, const Resources& per_task) const {
  const std::string node = "node " + std::to_string(n);
  const int32_t gpus = static_cast<int32_t>(gpu_first_[n + 1] - gpu_first_[n]);
  if (per_task.gpu_milli == 0)
    return node + ": the slot names GPU " + std::to_string(s.gpu) + " but the job's tasks use no GPU";
  if (per_task.is_whole_gpus()) {
    const int64_t k = per_task.gpu_milli / kMilliPerGpu;
    if (s.gpu != Slot::kAnyGpu)
      return node + ": the slot names GPU " + std::to_string(s.gpu) + " but tasks of " + std::to_string(k) +
             " whole GPUs take wholly free GPUs the cluster chooses";
    if (whole_free_[n] < s.tasks * k)
      return node + " has " + std::to_string(whole_free_[n]) + " wholly free GPUs but " + std::to_string(s.tasks) +
             " tasks of " + std::to_string(k) + " whole GPUs need " + std::to_string(s.tasks * k);
    return {};
  }
  const int64_t need = s.tasks * per_task.gpu_milli;  // a share: the slot's tasks share one GPU
  if (s.gpu == Slot::kAnyGpu) {
    if (best_fit_gpu(NodeId(n), need) < 0)
      return "no GPU of " + node + " has " + std::to_string(need) + " milli-GPUs free for " + std::to_string(s.tasks) +
             " tasks of " + std::to_string(per_task.gpu_milli) + " (the most free on one GPU is " +
             std::to_string(most_free_gpu_share(n)) + ")";
    return {};
  }
  if (s.gpu < 0 || s.gpu >= gpus)
    return node + " has no GPU " + std::to_string(s.gpu) + " (it has " + std::to_string(gpus) + ")";
  const int32_t f = gpu_free_[gpu_first_[n] + static_cast<uint32_t>(s.gpu)];
  if (f < need)
    return "GPU " + std::to_string(s.gpu) + " of " + node + " has " + std::to_string(f) + " milli-GPUs free but " +
           std::to_string(s.tasks) + " tasks of " + std::to_string(per_task.gpu_milli) + " need " + std::to_string(need);
  return {};
}

std::string Cluster::check_placement(int64_t tasks, const Resources& per_task,
                                     std::span<const Slot> placement) const {
  if (per_task.gpu_milli > 0 && !per_task.is_gpu_share() && !per_task.is_whole_gpus())
    return "a task asks for " + std::to_string(per_task.gpu_milli) +
           " milli-GPUs: a task takes a share of one GPU (below 1000) or whole GPUs (a multiple of 1000)";
  int64_t sum = 0;
  if (seen_.size() != nodes_.size()) seen_.assign(nodes_.size(), 0);
  if (++check_gen_ == 0) {  // wrapped around: reset the stamps
    std::fill(seen_.begin(), seen_.end(), 0);
    check_gen_ = 1;
  }
  for (size_t i = 0; i < placement.size(); ++i) {
    const Slot& s = placement[i];
    if (!s.node.valid() || s.node.value() >= nodes_.size())
      return "node " + std::to_string(s.node.value()) + " does not exist (the cluster has " +
             std::to_string(nodes_.size()) + " nodes)";
    if (s.tasks <= 0) return "node " + std::to_string(s.node.value()) + " gets " +
                             std::to_string(s.tasks) + " tasks";
    if (seen_[s.node.value()] == check_gen_)
      return "node " + std::to_string(s.node.value()) + " appears twice in the placement";
    seen_[s.node.value()] = check_gen_;
    const Node& node = nodes_[s.node.value()];
    if (!node.up) return "node " + std::to_string(s.node.value()) + " is down";
    Resources need = per_task * s.tasks;
    if (!need.fits_in(node.free))
      return "node " + std::to_string(s.node.value()) + " has " + node.free.to_string() +
             " free but " + std::to_string(s.tasks) + " tasks need " + need.to_string();
    if (per_task.gpu_milli != 0 || s.gpu != Slot::kAnyGpu) {
      std::string bad = check_gpus(s.node.value(), s, per_task);
      if (!bad.empty()) return bad;
    }
    sum += s.tasks;
  }
  if (sum != tasks)
    return "the placement holds " + std::to_string(sum) + " tasks but the job has " + std::to_string(tasks);
  return {};
}

std::span<const Slot> Cluster::allocate(const Resources& per_task, std::span<const Slot> placement) {
  if (per_task.gpu_milli == 0) {  // no GPU: the aggregate vectors only
    for (const Slot& s : placement) {
      Resources need = per_task * s.tasks;
      nodes_[s.node.value()].free -= need;
      free_ -= need;
      update_free_bit(s.node.value());
    }
    if (!placement.empty()) rr_cursor_ = (placement.back().node.value() + 1) % static_cast<uint32_t>(nodes_.size());
    return placement;
  }
  std::span<const Slot> out = placement;
  for (size_t i = 0; i < placement.size(); ++i) {
    const Slot& s = placement[i];
    const uint32_t n = s.node.value();
    if (per_task.is_gpu_share()) {
      int32_t gpu = s.gpu;
      if (gpu == Slot::kAnyGpu) {
        gpu = best_fit_gpu(s.node, s.tasks * per_task.gpu_milli);
        if (gpu < 0)
          throw std::logic_error("allocate: no GPU of node " + std::to_string(n) + " holds " +
                                 std::to_string(s.tasks * per_task.gpu_milli) + " milli-GPUs (check the placement first)");
        if (out.data() == placement.data()) {
          resolved_.assign(placement.begin(), placement.end());
          out = resolved_;
        }
        resolved_[i].gpu = gpu;
      }
      take_share(n, gpu, s.tasks * per_task.gpu_milli);
    } else {
      take_whole(n, s.tasks * (per_task.gpu_milli / kMilliPerGpu));
    }
    Resources need = per_task * s.tasks;
    nodes_[n].free -= need;
    free_ -= need;
    update_free_bit(n);
  }
  if (!placement.empty()) rr_cursor_ = (placement.back().node.value() + 1) % static_cast<uint32_t>(nodes_.size());
  return out;
}

void Cluster::release(const Resources& per_task, std::span<const Slot> placement) {
  if (per_task.gpu_milli == 0) {  // no GPU: the aggregate vectors only
    for (const Slot& s : placement) {
      Resources back = per_task * s.tasks;
      nodes_[s.node.value()].free += back;
      if (nodes_[s.node.value()].up) free_ += back;
      update_free_bit(s.node.value());
    }
    return;
  }
  if (per_task.is_gpu_share())
    for (const Slot& s : placement)
      if (s.gpu < 0 || s.gpu >= gpu_count(s.node))
        throw std::logic_error("release: the slot on node " + std::to_string(s.node.value()) + " names GPU " +
                               std::to_string(s.gpu) + "; release the placement that allocate returned");
  for (const Slot& s : placement) {
    const uint32_t n = s.node.value();
    if (per_task.is_gpu_share()) give_share(n, s.gpu, s.tasks * per_task.gpu_milli);
    else give_whole(n, s.tasks * (per_task.gpu_milli / kMilliPerGpu));
    Resources back = per_task * s.tasks;
    nodes_[n].free += back;
    if (nodes_[n].up) free_ += back;
    update_free_bit(n);
  }
}

void Cluster::set_up(NodeId id, bool up) {
  Node& n = nodes_.at(id.value());
  if (n.up == up) return;
  const Resources& cap = types_[n.type].capacity;
  if (!up && !(n.free == cap))
    throw std::logic_error("node " + std::to_string(id.value()) + " goes down while jobs hold it");
  n.up = up;
  if (up) { up_capacity_ += cap; free_ += n.free; }
  else { up_capacity_ -= cap; free_ -= n.free; }
  update_free_bit(id.value());
}

std::string Cluster::check_invariants() const {
  Resources up_cap, up_free;
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    const Node& node = nodes_[n];
    const Resources& cap = types_[node.type].capacity;
    auto name = [n] { return "node " + std::to_string(n); };  // built only for a message
    if (node.free.any_negative() || !node.free.fits_in(cap))
      return name() + " has " + node.free.to_string() + " free, outside [0, " + cap.to_string() + "]";
    if (gpu_first_[n + 1] - gpu_first_[n] != static_cast<uint32_t>(cap.gpu_milli / kMilliPerGpu))
      return name() + " has " + std::to_string(gpu_first_[n + 1] - gpu_first_[n]) + " GPUs, its type " +
             std::to_string(cap.gpu_milli / kMilliPerGpu);
    int64_t sum = 0;
    int32_t whole = 0;
    for (uint32_t g = gpu_first_[n]; g < gpu_first_[n + 1]; ++g) {
      auto gpu = [&] { return "GPU " + std::to_string(g - gpu_first_[n]) + " of " + name(); };
      const int32_t f = gpu_free_[g];
      if (f < 0) return gpu() + " is over-allocated: " + std::to_string(kMilliPerGpu - f) + " of " +
                        std::to_string(kMilliPerGpu) + " milli-GPUs allocated";
      if (f > kMilliPerGpu) return gpu() + " has " + std::to_string(f) + " milli-GPUs free, more than a GPU";
      if (gpu_whole_[g] && f != 0) return gpu() + " is held whole but has " + std::to_string(f) + " milli-GPUs free";
      sum += f;
      whole += f == kMilliPerGpu;
    }
    if (sum != node.free.gpu_milli)
      return name() + ": its GPUs have " + std::to_string(sum) + " milli-GPUs free in all, the node says " +
             std::to_string(node.free.gpu_milli);
    if (whole != whole_free_[n])
      return name() + " has " + std::to_string(whole) + " wholly free GPUs, the count says " + std::to_string(whole_free_[n]);
    const bool bit = (has_free_[n / 64] >> (n % 64)) & 1;
    if (bit != (node.up && !node.free.is_zero()))
      return name() + ": the has-free bit is " + std::to_string(bit) + " but the node is " + (node.up ? "up" : "down") +
             " with " + node.free.to_string() + " free";
    if (node.up) {
      up_cap += cap;
      up_free += node.free;
    }
  }
  if (!(up_cap == up_capacity_))
    return "up capacity " + up_capacity_.to_string() + " differs from the nodes' " + up_cap.to_string();
  if (!(up_free == free_)) return "total free " + free_.to_string() + " differs from the nodes' " + up_free.to_string();
  return {};
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

void Cluster::save_state(StateWriter& w) const {
  w.section("cluster");
  w.put(static_cast<uint64_t>(nodes_.size()));
  w.put(static_cast<uint64_t>(gpu_free_.size()));
  for (const Node& n : nodes_) {
    w.put(n.type);
    w.put(n.up);
    w.put(n.free);
  }
  w.put(has_free_);
  w.put(up_capacity_);
  w.put(free_);
  w.put(rr_cursor_);
  w.put(gpu_free_);
  w.put(gpu_whole_);
  w.put(whole_free_);
}

void Cluster::restore_state(StateReader& r) {
  r.section("cluster");
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(nodes_.size()), "the number of nodes");
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(gpu_free_.size()), "the number of GPUs");
  for (Node& n : nodes_) {
    r.expect_same(r.get<uint32_t>(), n.type, "a node's type");
    r.get(n.up);
    r.get(n.free);
  }
  r.get(has_free_);
  r.get(up_capacity_);
  r.get(free_);
  r.get(rr_cursor_);
  r.get(gpu_free_);
  r.get(gpu_whole_);
  r.get(whole_free_);
  if (has_free_.size() != (nodes_.size() + 63) / 64 || gpu_whole_.size() != gpu_free_.size() ||
      whole_free_.size() != nodes_.size() || rr_cursor_ > nodes_.size())
    r.corrupt("the cluster's tables have the wrong sizes");
  if (std::string bad = check_invariants(); !bad.empty()) r.corrupt("cluster: " + bad);
}

}  // namespace clustersim
