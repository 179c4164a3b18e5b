#include "sim/cluster.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace clustersim {

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
  types_.push_back(std::move(type));
  type_counts_.push_back(0);
  return static_cast<uint32_t>(types_.size() - 1);
}

NodeId Cluster::add_nodes(uint32_t type, int64_t count, int32_t rack) {
  if (type >= types_.size()) throw std::invalid_argument("add_nodes: no node type " + std::to_string(type));
  if (count < 0) throw std::invalid_argument("add_nodes: negative count");
  NodeId first(static_cast<uint32_t>(nodes_.size()));
  const Resources& cap = types_[type].capacity;
  for (int64_t i = 0; i < count; ++i) {
    nodes_.push_back(Node{type, rack, true, cap});
    total_capacity_ += cap;
    up_capacity_ += cap;
    free_ += cap;
  }
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

bool Cluster::is_unit(const Resources& p) {
  int nonzero = (p.cores != 0) + (p.gpu_milli != 0) + (p.mem_mib != 0);
  return nonzero == 1 && (p.cores == 1 || p.gpu_milli == 1 || p.mem_mib == 1);
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
  int64_t most = 0;
  for (size_t t = 0; t < types_.size(); ++t) {
    int64_t per_node = types_[t].capacity.copies_of(per_task);
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
    left -= nodes_[n].free.copies_of(per_task);
    return left <= 0;
  });
}

bool Cluster::find_placement(int64_t tasks, const Resources& per_task, PlacementStrategy strategy,
                             std::vector<Slot>& out) const {
  out.clear();
  if (!(per_task * tasks).fits_in(free_)) return false;
  int64_t left = tasks;
  uint32_t first = strategy == PlacementStrategy::RoundRobin ? rr_cursor_ : 0;
  bool ok = for_each_free_node(first, [&](uint32_t n) {
    int64_t k = std::min(left, nodes_[n].free.copies_of(per_task));
    if (k > 0) {
      out.push_back(Slot{NodeId(n), static_cast<int32_t>(k)});
      left -= k;
    }
    return left <= 0;
  });
  if (!ok) out.clear();
  return ok;
}

std::string Cluster::check_placement(int64_t tasks, const Resources& per_task,
                                     std::span<const Slot> placement) const {
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
    sum += s.tasks;
  }
  if (sum != tasks)
    return "the placement holds " + std::to_string(sum) + " tasks but the job has " + std::to_string(tasks);
  return {};
}

void Cluster::allocate(const Resources& per_task, std::span<const Slot> placement) {
  for (const Slot& s : placement) {
    Resources need = per_task * s.tasks;
    nodes_[s.node.value()].free -= need;
    free_ -= need;
    update_free_bit(s.node.value());
  }
  if (!placement.empty()) rr_cursor_ = (placement.back().node.value() + 1) % static_cast<uint32_t>(nodes_.size());
}

void Cluster::release(const Resources& per_task, std::span<const Slot> placement) {
  for (const Slot& s : placement) {
    Resources back = per_task * s.tasks;
    nodes_[s.node.value()].free += back;
    if (nodes_[s.node.value()].up) free_ += back;
    update_free_bit(s.node.value());
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

}  // namespace clustersim
