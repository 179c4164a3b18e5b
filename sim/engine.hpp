#pragma once
// The discrete-event engine: time, events, the cluster and the jobs, the run loop.
//
// Event order is (time, kind, sequence): at one instant, finishes are processed first, then
// node failures and repairs, then arrivals (in arrival order), then nodes that finish booting,
// then wakeups, rounds and samples; the policy is then called once. A running job holds remaining work and a rate; its finish event is re-planned (the old
// one skipped by a version number) whenever its rate or placement changes.
//
// Two ways to drive it: run(policy) to the end, or advance() to the next decision point, then
// decisions through decisions(), then advance() again (what an RL environment does).
#include <cstdint>
#include <vector>

#include <optional>

#include "sim/event_queue.hpp"
#include "sim/node_events.hpp"
#include "sim/observer.hpp"
#include "sim/policy.hpp"
#include "sim/view.hpp"

namespace clustersim {

struct EngineConfig {
  Time round_interval{};    // > 0: a periodic scheduling round (a decision point) this often
  Time sample_interval{};   // > 0: observers get on_sample this often, from the first arrival
  Time restore_delay{};     // paid (no progress, resources held) when a preempted or migrated job runs again
  PlacementStrategy placement = PlacementStrategy::FirstFit;  // when a policy gives none
  bool check_invariants = false;  // check the engine's invariants after every instant
  // Node failures (see set_node_events): the jobs on a failed node are re-queued or fail.
  OnNodeFailure on_node_failure = OnNodeFailure::Requeue;
  // > 0: running jobs checkpoint each time this much nominal work (run time at rate 1) is
  // done; a job killed by a node failure resumes from its last checkpoint (or from the
  // progress it had when last preempted or migrated, whichever is later). 0: no periodic
  // checkpoints.
  Time checkpoint_interval{};
  // A policy that makes this many decision points in a row without any job starting,
  // finishing or arriving is stuck: the run stops with an error instead of hanging.
  int64_t max_idle_decision_points = 1'000'000;
  // Autoscaling: >= 0: only nodes 0 .. initial_nodes_on - 1 are on at the start, the others
  // off (a policy powers them on, docs/autoscaling.md); -1: every node is on.
  int64_t initial_nodes_on = -1;

  void validate() const;  // throws InputError naming the field
};

class Engine : public EngineView {
 public:
  // `jobs` must be sorted by (submit, trace_id) (Workload::sort_by_arrival). JobId i is jobs[i].
  Engine(Cluster cluster, std::vector<JobSpec> jobs, EngineConfig config = {});
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void add_observer(Observer* observer) { observers_.push_back(observer); }
  void set_speed_model(const SpeedModel* model) {
    speed_ = model;
    colocation_ = model != nullptr && model->colocation_aware();
  }
  // Node failures and repairs, pulled in time order (owned by the caller; set before running).
  // An event for an unknown node or out of time order is an InputError.
  void set_node_events(NodeEventSource* source) { node_source_ = source; }
  const EngineConfig& config() const { return config_; }

  // Runs with `policy` until no event is left, then finish().
  void run(Policy& policy);

  // Processes events until a decision point: true when the caller should decide now (through
  // decisions()), false when nothing is left to simulate. The policy is called after an
  // instant with arrivals or finishes while jobs are queued, and after every wakeup or round.
  bool advance();
  Decisions& decisions() { return decisions_; }
  // Ends the run: observers get on_run_end. Idempotent; run() calls it.
  void finish();
  bool finished() const { return finished_; }

  // Jobs still pending, queued or running (non-zero at the end only if a policy left jobs).
  int64_t unfinished_count() const;
  int64_t events_processed() const { return events_processed_; }

  // Checkpoints (docs/checkpoints.md): the engine's whole dynamic state, its node event
  // source's included. Save between decision points (after the policy decided, before the
  // next advance()). restore() needs an engine built from the same cluster, jobs and config
  // (checked), with its node event source, speed model and observers set as before, that has
  // not run; observers are not told of the past (each restores its own state) and the
  // policy is not reset (it restores its state too).
  void save(StateWriter& w) const;
  void restore(StateReader& r);
  int64_t decision_points() const { return decision_points_; }

 private:
  friend class Decisions;
  // Decisions (validated; throw DecisionError).
  // `trusted`: the placement comes from the cluster's own find_placement on the current state.
  void start(JobId job, std::span<const Slot> placement, bool trusted = false);
  // Refuses (decision `what`) a number of tasks outside the job's [fewest, most].
  void check_size(const char* what, JobId job, int64_t tasks) const;
  void start_with(JobId job, PlacementStrategy strategy);
  bool try_start_with(JobId job, PlacementStrategy strategy);
  void preempt(JobId job);
  void migrate(JobId job, std::span<const Slot> placement);
  void wake_at(Time t);
  AllocationChanges apply(const Allocation& allocation);
  void power_on(NodeId node);
  void power_off(NodeId node);

  void begin();
  Time next_time() const;
  void process_instant(Time t);
  void submit(JobId job);
  void complete(JobId job);
  void apply_node_event(const NodeEvent& e);
  void pull_node_event();
  void kill(JobId job);
  void stop(JobId job);
  void requeue(JobId job);
  void plan_finish(JobId job);
  // The speed model's rate, checked: 0 refuses the decision `what`; negative or not finite is a bug.
  double rate_on(const char* what, JobId job, std::span<const Slot> placement) const;
  void accrue(JobRecord& r) const;
  void move_out(JobId job);                                             // migrate, first half
  void move_in(JobId job, std::span<const Slot> placement, double rate);  // second half
  void count_by_type(const JobSpec& s, std::span<const Slot> placement, int sign);  // GPUs (and cores) per node type
  // With a co-location-aware speed model: the running jobs other than `changed` that hold a
  // share of a GPU named in `slots` get their rate again (their finish re-planned if it
  // changed). Call after `changed` started on, left or moved off those GPUs.
  void replan_sharers(JobId changed, std::span<const Slot> slots);
  // The share slots (those naming a GPU) of a placement, copied into `out`; false if none.
  bool share_slots(std::span<const Slot> placement, std::vector<Slot>& out) const;
  void finish_boot(NodeId node);
  // Brings the billed-node integrals up to now (within the billing window); call before a
  // billed count changes.
  void settle_power();
  void set_power(NodeId node, PowerState state);  // counts, integrals and the cluster's pool
  // The node's state in words for errors: "on", "off", "booting", with ", failed".
  std::string describe_node(NodeId node) const;
  [[noreturn]] void refuse_node(const char* what, NodeId node, const std::string& why) const;
  void insert_running(JobId job);
  void erase_running(JobId job);
  void erase_queued(JobId job);
  void insert_queued(JobId job);
  uint32_t store_placement(std::span<const Slot> placement);
  void drop_placement(JobRecord& r);
  bool work_remains() const;
  // Whether anything is left that can change the state: a decision at this instant, a
  // running job, an arrival, a node event, a wakeup or a round.
  bool can_change() const;
  void check_invariants() const;
  [[noreturn]] void refuse(const char* what, JobId job, const std::string& why) const;
  std::string describe(JobId job) const;

  EngineConfig config_;
  HeapEventQueue events_;
  std::vector<Observer*> observers_;
  NodeEventSource* node_source_ = nullptr;
  std::optional<NodeEvent> next_node_event_;
  Decisions decisions_;
  std::vector<uint32_t> free_placements_;
  std::vector<Slot> scratch_, scratch2_, shared_before_;
  bool colocation_ = false;  // the speed model is co-location-aware
  std::vector<uint32_t> apply_mark_;  // apply(): jobs in the allocation carry apply_stamp_
  uint32_t apply_stamp_ = 0;
  uint64_t seq_ = 0;
  Time last_instant_;
  bool started_ = false, finished_ = false;
  int64_t events_processed_ = 0, decision_points_ = 0;
  int64_t changes_ = 0, changes_at_last_decision_ = -1, idle_decision_points_ = 0;
  int64_t starts_ = 0, starts_at_last_round_ = -1;
  int64_t n_running_ = 0;
  int64_t pending_wakeups_ = 0;
  bool round_pending_ = false;
};

}  // namespace clustersim
