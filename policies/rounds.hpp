#pragma once
// Round-based scheduling (docs/rounds.md). At every round (EngineConfig::round_interval) a
// RoundPolicy decides the whole allocation until the next round and hands it to the engine
// as leases (Decisions::apply): jobs keep, change or lose their GPUs only at round
// boundaries; the engine preempts, migrates and starts accordingly and charges the restore
// delay. A job that finishes mid-round leaves its resources idle until the next round, as
// in round-based schedulers (Gavel, time-slicing schedulers).
//
// RoundPlanner places whole jobs on a scratch copy of the cluster (every running job
// released, then the jobs that keep their placement reserved), consolidating each job on as
// few nodes, then racks, as it can.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/policy.hpp"

namespace clustersim {

class PolicyRegistry;

class RoundPlanner {
 public:
  static constexpr uint32_t kAnyType = UINT32_MAX;

  // A copy of the cluster as it is now.
  void begin(const EngineView& view);
  Resources free(NodeId n) const { return cluster_.free(n); }
  // Marks a running job as keeping its placement this round.
  void keep(JobId j);
  // Releases, on the copy, every running job not kept. The engine releases the same jobs
  // when it applies the allocation, and whole GPUs are interchangeable (the cluster records
  // no owner), so the copy then matches the engine's state before it places the new leases,
  // GPU for GPU.
  void release_running(const EngineView& view);
  // A consolidated placement of the job on nodes of `type` (kAnyType: any node), reserved on
  // the scratch state: the fullest single node that holds it (lowest id on ties); else the
  // fewest racks, racks with the most room first and in each the nodes with the most room
  // first. Room is exact (Cluster::copies_on: per-GPU rules included), and so is the
  // reservation: the placement written to `out` names the GPUs of share tasks as the scratch
  // cluster chose them, so the engine gets exactly what was planned. False when the free
  // nodes cannot hold it.
  bool place(const JobSpec& s, uint32_t type, std::vector<Slot>& out);

 private:
  bool reserve(const JobSpec& s, std::vector<Slot>& placement);
  Cluster cluster_;
  std::vector<bool> kept_;       // by JobId; only kept jobs are set, and cleared after use
  std::vector<JobId> kept_list_;
  std::vector<std::pair<int64_t, uint32_t>> scratch_;
};

// How a round's chosen jobs become an allocation: jobs that run now on their chosen type (or
// anywhere, for kAnyType) keep their placement; every other running job is released on the
// scratch copy, and the others chosen are placed in the order given, larger demands first.
// The allocation lists them in the order they were reserved, the order the engine takes them. Returns how many chosen jobs found no
// placement (fragmentation), which then wait for the next round.
// A node of each node type (the lowest id), -1 for a type without nodes: where policies probe
// a job's speed on the type (EngineView::rate_if_placed).
std::vector<int64_t> node_of_each_type(const Cluster& cluster);

struct RoundChoice {
  JobId job;
  uint32_t type = RoundPlanner::kAnyType;
};
int64_t place_round(const EngineView& view, std::span<const RoundChoice> chosen, RoundPlanner& planner, Allocation& out);

class RoundPolicy : public Policy {
 public:
  explicit RoundPolicy(Time round) : round_(round) {}
  Time round_interval() const override { return round_; }
  void reset(const EngineView& view) override;
  // At a round: account the time each running job got since the last round, then plan() and
  // apply. Between rounds nothing changes. In an engine without rounds the policy schedules
  // its own with wakeups every round_interval().
  void schedule(Decisions& decisions) final;

  // Seconds of rounds in which job j held GPUs of node type t, and seconds of rounds since
  // the job was first seen at a round.
  double received_s(JobId j, uint32_t type) const { return received_s_[j.value() * types_ + type]; }
  double elapsed_s(const EngineView& view, JobId j) const;
  int64_t rounds() const { return rounds_; }
  int64_t unplaced() const { return unplaced_; }  // chosen jobs that found no placement, in all
  // Checkpoints: the round accounting here; a subclass that keeps nothing else between rounds
  // says it is checkpointable (one with more state overrides both and calls these first).
  void save_state(StateWriter& w) const override;
  void restore_state(const EngineView& view, StateReader& r) override;

 protected:
  // The jobs queued or running (runnable, in JobId order); fill `out` with the allocation.
  virtual void plan(const EngineView& view, std::span<const JobId> runnable, Allocation& out) = 0;
  void count_unplaced(int64_t n) { unplaced_ += n; }
  // The round in which the job last ran (-1: never).
  int64_t last_ran(JobId j) const { return last_ran_[j.value()]; }

 private:
  void account(const EngineView& view);

  Time round_;
  size_t types_ = 1;
  std::vector<double> received_s_;  // job x node type
  std::vector<Time> first_seen_;
  std::vector<int64_t> last_ran_;
  std::vector<JobId> runnable_;
  Allocation allocation_;
  Time last_round_;
  int64_t rounds_ = 0, unplaced_ = 0;
  bool engine_rounds_ = false, first_call_ = true;
  Time next_own_round_;
};

// Adds rr-timeshare, the round-robin time-sharing baseline.
void register_round_policies(PolicyRegistry& registry);

}  // namespace clustersim
