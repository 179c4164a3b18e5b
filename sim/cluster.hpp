#pragma once
// The cluster: typed nodes with capacity vectors, their free resources, and placement.
// Jobs ask for `tasks` x `per_task`; a placement lists how many of those tasks go on which
// node. Identical nodes form a node type (V100 node, CPU node, ...); a homogeneous processor
// pool (the textbook SWF machine) is one node of MaxProcs cores.
//
// GPUs are tracked one by one (docs/gpu-sharing.md): a node of capacity gpu_milli = 1000 x G
// has G GPUs, each with its own free milli-GPUs (exact integers). A task asking for a share of
// a GPU (gpu_milli 1..999) must fit in one GPU's free share, and the tasks of one slot share
// that GPU (Slot::gpu: named by the placement, or chosen by the cluster: best fit). A task
// asking for k x 1000 takes k wholly free GPUs (the cluster takes the lowest-numbered). Any
// other request (above 1000, not a multiple of it) can never run.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/ids.hpp"
#include "sim/resources.hpp"
#include "sim/state_io.hpp"
#include "sim/time.hpp"

namespace clustersim {

struct NodeType {
  std::string name;
  Resources capacity;
  std::string gpu_model;  // empty for CPU-only nodes
};

// Power and cost of one node of a type (docs/autoscaling.md). A node that is on draws idle_w
// when it runs nothing and up to busy_w when fully used (linear in its busy share: the model
// and its source are in sim/metrics.hpp); it costs cost_per_hour while it is on or booting, and
// is usable boot_time after it is powered on. Off nodes draw nothing and cost nothing.
struct NodePower {
  double idle_w = 0;
  double busy_w = 0;
  double cost_per_hour = 0;
  Time boot_time;

  // The defaults for a node of this capacity: idle 4 W and busy 8 W per core plus 40 W and
  // 300 W per GPU (idle about half of peak, as Fan, Weber and Barroso measured for servers,
  // ISCA 2007; a V100 idles near 40 W and peaks at 300 W), 0.04 per core-hour plus 2.5 per
  // GPU-hour (the order of public cloud on-demand prices), and 120 s to boot (a cloud VM).
  // Per core so that the one-node processor pool of an SWF trace and N single-core nodes of
  // the same machine cost and draw the same.
  static NodePower defaults_for(const Resources& capacity);
  // Empty if valid (finite, 0 <= idle_w <= busy_w, cost >= 0, boot_time >= 0), else the reason.
  std::string check() const;
};

// A node's power state (autoscaling): on and usable (unless it failed); booting (billed, not
// usable; on once its type's boot_time has passed); off (neither usable nor billed).
enum class PowerState : uint8_t { On, Booting, Off };
std::string_view to_string(PowerState s);

// `tasks` tasks of one job placed on `node`. A node appears at most once in a placement.
struct Slot {
  static constexpr int32_t kAnyGpu = -1;
  NodeId node;
  int32_t tasks = 0;
  // Tasks with a share of a GPU (0 < gpu_milli < 1000) only: the GPU of `node` (0-based) that
  // all `tasks` share, or kAnyGpu to let the cluster choose (Cluster::allocate returns the
  // placement with its choice filled in). Must be kAnyGpu for other tasks: whole GPUs are
  // interchangeable, so the cluster picks them.
  int32_t gpu = kAnyGpu;
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

  // A type's capacity must be positive and its gpu_milli whole GPUs (a multiple of 1000).
  uint32_t add_node_type(NodeType type);
  // Power and cost of a type's nodes: NodePower::defaults_for its capacity until set_power
  // (which throws InputError naming the type and the field for an invalid one).
  const NodePower& power(uint32_t type) const { return power_[type]; }
  void set_power(uint32_t type, const NodePower& power);
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

  // Per-GPU state. GPU i of node n has gpu_free(n)[i] milli-GPUs free (0..1000); free(n)
  // .gpu_milli is their sum. A GPU held by a whole-GPU task has 0 free.
  int32_t gpu_count(NodeId n) const { return static_cast<int32_t>(gpu_first_[n.value() + 1] - gpu_first_[n.value()]); }
  std::span<const int32_t> gpu_free(NodeId n) const {
    return std::span<const int32_t>(gpu_free_).subspan(gpu_first_[n.value()], static_cast<size_t>(gpu_count(n)));
  }
  int32_t whole_free_gpus(NodeId n) const { return whole_free_[n.value()]; }  // GPUs with 1000 free
  int32_t gpus_held_whole(NodeId n) const;  // GPUs that whole-GPU tasks hold

  // The GPU the cluster gives `milli` (1..999) milli-GPUs of node n when the placement names
  // none: best fit, the GPU with the least free share that still holds it, lowest index on
  // ties; -1 if no GPU of n holds it.
  int32_t best_fit_gpu(NodeId n, int64_t milli) const;
  // How many tasks of `per_task` one slot on node n can take now (0 if n is down); with `gpu`
  // named, for share tasks on that GPU. Exact, with the rules of check_placement.
  int64_t copies_on(NodeId n, const Resources& per_task, int32_t gpu = Slot::kAnyGpu) const;

  Resources total_capacity() const { return total_capacity_; }  // all nodes
  Resources up_capacity() const { return up_capacity_; }         // nodes that are up
  Resources total_free() const { return free_; }                 // free on nodes that are up
  Resources total_used() const { return up_capacity_ - free_; }

  // Why a job of `tasks` x `per_task` can never run here even on an empty cluster with every
  // node up, or nullopt if it can.
  std::optional<std::string> why_never_fits(int64_t tasks, const Resources& per_task) const;

  // Whether `tasks` x `per_task` can be placed now. Exact; O(1) for unit tasks of one
  // resource other than GPUs (e.g. one core), otherwise a scan of the nodes with free
  // resources (and, for GPU tasks, of their GPUs).
  bool fits_now(int64_t tasks, const Resources& per_task) const;

  // A placement now with the given strategy, written to `out` (cleared first); false if none.
  // Share tasks' slots name their GPU (best fit for the slot's tasks).
  bool find_placement(int64_t tasks, const Resources& per_task, PlacementStrategy strategy,
                      std::vector<Slot>& out) const;

  // Empty if `placement` is valid for `tasks` x `per_task` now (nodes exist and are up, tasks
  // add up, capacity holds, GPUs as above); otherwise the reason, naming the node (and GPU).
  std::string check_placement(int64_t tasks, const Resources& per_task,
                              std::span<const Slot> placement) const;

  // Take resources. The caller has checked the placement. Returns the placement as allocated:
  // `placement` itself, or (when a share task's slot said kAnyGpu) a copy with the GPUs the
  // cluster chose, valid until the next allocate. Release exactly what it returns. Throws
  // std::logic_error if it must choose GPUs that are not there (an unchecked placement).
  std::span<const Slot> allocate(const Resources& per_task, std::span<const Slot> placement);
  // Give back what allocate returned. Share slots must name their GPU (std::logic_error
  // otherwise); whole GPUs go back lowest-numbered first among those held whole (they are
  // interchangeable: a GPU held whole has no other tenant).
  void release(const Resources& per_task, std::span<const Slot> placement);

  // Empty if the cluster's own bookkeeping is consistent: every GPU has 0..1000 free (a
  // negative value is an over-allocated GPU), a GPU held whole has 0 free, each node's free
  // vector lies in [0, capacity] and its gpu_milli is the sum of its GPUs', the wholly-free
  // counts and the cluster totals agree. Otherwise the first problem found, naming the node
  // and GPU. O(nodes + GPUs); for invariant checkers.
  std::string check_invariants() const;

  // Marks a node down (its free resources leave the pool) or up again: "up" means usable, so
  // the engine marks down both failed nodes and nodes that are off or booting. A node that
  // goes down must be empty (the engine first moves or kills the jobs on it).
  void set_up(NodeId n, bool up);

  // Checkpoints: the state that allocations change (free resources, GPUs, up flags, the
  // round-robin cursor). restore_state needs a cluster built the same way (checked).
  void save_state(StateWriter& w) const;
  void restore_state(StateReader& r);

 private:
  struct Node {
    uint32_t type = 0;
    int32_t rack = 0;
    bool up = true;
    Resources free;
  };
  static bool is_unit(const Resources& per_task);
  void update_free_bit(uint32_t n);
  int64_t copies_free(uint32_t n, const Resources& per_task, int32_t gpu) const;  // n is up
  int32_t most_free_gpu_share(uint32_t n) const;
  std::string check_gpus(uint32_t n, const Slot& s, const Resources& per_task) const;
  void take_share(uint32_t n, int32_t gpu, int64_t milli);
  void give_share(uint32_t n, int32_t gpu, int64_t milli);
  void take_whole(uint32_t n, int64_t gpus);
  void give_whole(uint32_t n, int64_t gpus);
  // Calls f(node) for up nodes with some free resource, from `first` wrapping around.
  template <class F>
  bool for_each_free_node(uint32_t first, F&& f) const;

  std::vector<NodeType> types_;
  std::vector<NodePower> power_;  // per type
  std::vector<int64_t> type_counts_;
  std::vector<Node> nodes_;
  std::vector<uint64_t> has_free_;  // bit n: node n is up and has some free resource
  Resources total_capacity_, up_capacity_, free_;
  uint32_t rr_cursor_ = 0;           // where the next round-robin placement starts
  // Per-GPU state, flat: node n's GPUs are [gpu_first_[n], gpu_first_[n + 1]).
  std::vector<uint32_t> gpu_first_{0};
  std::vector<int32_t> gpu_free_;     // free milli-GPUs of each GPU
  std::vector<uint8_t> gpu_whole_;    // 1: held by a whole-GPU task
  std::vector<int32_t> whole_free_;   // per node: GPUs with kMilliPerGpu free
  std::vector<Slot> resolved_;        // allocate's copy when it chose GPUs
  // Scratch for check_placement's duplicate test: node n was seen in this check if
  // seen_[n] == check_gen_ (O(k) for a placement over k nodes).
  mutable std::vector<uint32_t> seen_;
  mutable uint32_t check_gen_ = 0;
};

}  // namespace clustersim
