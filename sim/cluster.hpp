#pragma once
// The cluster: typed nodes with capacity vectors, their free resources, and placement.
// Jobs ask for `tasks` x `per_task`; a placement lists how many of those tasks go on which
// node. Identical nodes form a node type (V100 node, CPU node, ...); a homogeneous processor
// pool (the textbook SWF machine) is one node of MaxProcs cores.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/ids.hpp"
#include "sim/resources.hpp"

namespace clustersim {

struct NodeType {
  std::string name;
  Resources capacity;
  std::string gpu_model;  // empty for CPU-only nodes
};

// `tasks` tasks of one job placed on `node`.
struct Slot {
  NodeId node;
  int32_t tasks = 0;
  bool operator==(const Slot&) const = default;
};

// How the engine chooses nodes when a policy does not give a placement.
enum class PlacementStrategy : uint8_t {
  FirstFit,    // lowest-numbered nodes first
  RoundRobin,  // continue after the node used last, wrapping around
};

class Cluster {
 public:
  Cluster() = default;
  // `nodes` identical nodes of capacity `per_node`, all in rack 0.
  static Cluster homogeneous(int64_t nodes, Resources per_node, std::string type_name = "node");

  uint32_t add_node_type(NodeType type);
  // Adds `count` nodes of a type; returns the first new node's id.
  NodeId add_nodes(uint32_t type, int64_t count, int32_t rack = 0);

  size_t num_nodes() const { return nodes_.size(); }
  std::span<const NodeType> node_types() const { return types_; }
  uint32_t type_index(NodeId n) const { return nodes_[n.value()].type; }
  const NodeType& type_of(NodeId n) const { return types_[nodes_[n.value()].type]; }
  const Resources& capacity(NodeId n) const { return type_of(n).capacity; }
  const Resources& free(NodeId n) const { return nodes_[n.value()].free; }
  bool is_up(NodeId n) const { return nodes_[n.value()].up; }
  int32_t rack(NodeId n) const { return nodes_[n.value()].rack; }
  int64_t nodes_of_type(uint32_t type) const { return type_counts_[type]; }

  Resources total_capacity() const { return total_capacity_; }  // all nodes
  Resources up_capacity() const { return up_capacity_; }         // nodes that are up
  Resources total_free() const { return free_; }                 // free on nodes that are up
  Resources total_used() const { return up_capacity_ - free_; }

  // Why a job of `tasks` x `per_task` can never run here even on an empty cluster with every
  // node up, or nullopt if it can.
  std::optional<std::string> why_never_fits(int64_t tasks, const Resources& per_task) const;

  // Whether `tasks` x `per_task` can be placed now. Exact; O(1) for unit tasks of one
  // resource (e.g. one core), otherwise a scan of the nodes with free resources.
  bool fits_now(int64_t tasks, const Resources& per_task) const;

  // A placement now with the given strategy, written to `out` (cleared first); false if none.
  bool find_placement(int64_t tasks, const Resources& per_task, PlacementStrategy strategy,
                      std::vector<Slot>& out) const;

  // Empty if `placement` is valid for `tasks` x `per_task` now (nodes exist and are up, tasks
  // add up, capacity holds); otherwise the reason, naming the node.
  std::string check_placement(int64_t tasks, const Resources& per_task,
                              std::span<const Slot> placement) const;

  // Take or give back resources. The caller has checked the placement.
  void allocate(const Resources& per_task, std::span<const Slot> placement);
  void release(const Resources& per_task, std::span<const Slot> placement);

  // Marks a node down (its free resources leave the pool) or up again. A node that goes down
  // must be empty (the engine first moves or kills the jobs on it).
  void set_up(NodeId n, bool up);

 private:
  struct Node {
    uint32_t type = 0;
    int32_t rack = 0;
    bool up = true;
    Resources free;
  };
  static bool is_unit(const Resources& per_task);
  void update_free_bit(uint32_t n);
  // Calls f(node) for up nodes with some free resource, from `first` wrapping around.
  template <class F>
  bool for_each_free_node(uint32_t first, F&& f) const;

  std::vector<NodeType> types_;
  std::vector<int64_t> type_counts_;
  std::vector<Node> nodes_;
  std::vector<uint64_t> has_free_;  // bit n: node n is up and has some free resource
  Resources total_capacity_, up_capacity_, free_;
  uint32_t rr_cursor_ = 0;           // where the next round-robin placement starts
  // Scratch for check_placement's duplicate test: node n was seen in this check if
  // seen_[n] == check_gen_ (O(k) for a placement over k nodes).
  mutable std::vector<uint32_t> seen_;
  mutable uint32_t check_gen_ = 0;
};

}  // namespace clustersim
