#pragma once
// EngineView: the read-only state a policy or an observer sees (cluster, queue, running jobs,
// now). The Engine is-a EngineView; policies receive it as const and decide through Decisions.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/cluster.hpp"
#include "sim/ids.hpp"
#include "sim/job.hpp"

namespace clustersim {

// The dynamic part of a job, kept by the engine. Times are meaningful once the job got there.
struct JobRecord {
  Time first_start = Time::max();  // first time it started (wait = first_start - submit)
  Time last_start = Time::max();   // start of the current (or last) run segment
  Time end = Time::max();          // finish (or failure) time
  Time expected_end = Time::max(); // while running: last_start + remaining estimate
  Time progress_from;              // progress accrues at `rate` from here (later = stalled)
  double remaining_us = 0;         // work left, in microseconds at rate 1.0
  double rate = 1.0;               // current speed relative to nominal
  double busy_core_us = 0;         // cores x time held so far
  uint32_t version = 0;            // bumped whenever the finish event is re-planned
  uint32_t placement = UINT32_MAX; // index of its placement while running
  uint32_t preemptions = 0;
  uint32_t migrations = 0;
  uint32_t kills = 0;              // times a node failure killed it
  double saved_us = 0;             // work done at its last checkpoint (preemption, migration, periodic)
  double lost_us = 0;              // work lost to node failures (redone or never done)
  // While the job is in the system: the engine's integral of active jobs (queued or running)
  // at its submission. Once it finished: the mean number of active jobs over its lifetime
  // (itself included), what finish-time fairness divides the cluster by.
  double contention = 0;
  JobState state = JobState::Pending;
};

// Why the policy is being called (several can hold at once).
struct DecisionReasons {
  bool arrivals = false;
  bool finishes = false;
  bool wakeup = false;
  bool round = false;
  bool nodes = false;  // a node failed, was repaired or finished booting
};

// The queued jobs in arrival order. The engine removes jobs from its queue lazily (a started
// job leaves a hole that is compacted later), so this range skips entries whose job is no
// longer queued; size() is exact.
class QueueRange {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = JobId;
    using difference_type = std::ptrdiff_t;
    using pointer = const JobId*;
    using reference = const JobId&;
    iterator() = default;
    iterator(const JobId* p, const JobId* end, const JobRecord* records) : p_(p), end_(end), records_(records) { skip(); }
    reference operator*() const { return *p_; }
    iterator& operator++() { ++p_; skip(); return *this; }
    iterator operator++(int) { iterator t = *this; ++*this; return t; }
    bool operator==(const iterator& o) const { return p_ == o.p_; }

   private:
    void skip() { while (p_ != end_ && records_[p_->value()].state != JobState::Queued) ++p_; }
    const JobId* p_ = nullptr;
    const JobId* end_ = nullptr;
    const JobRecord* records_ = nullptr;
  };
  QueueRange(std::span<const JobId> entries, const JobRecord* records, size_t size)
      : entries_(entries), records_(records), size_(size) {}
  iterator begin() const { return {entries_.data(), entries_.data() + entries_.size(), records_}; }
  iterator end() const { return {entries_.data() + entries_.size(), entries_.data() + entries_.size(), records_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  JobId front() const { return *begin(); }

 private:
  std::span<const JobId> entries_;
  const JobRecord* records_;
  size_t size_;
};

class SpeedModel;

// The number of tasks a placement holds (the sum over its slots).
int64_t tasks_in(std::span<const Slot> placement);

class EngineView {
 public:
  Time now() const { return now_; }
  const Cluster& cluster() const { return cluster_; }

  size_t num_jobs() const { return specs_.size(); }
  const JobSpec& spec(JobId j) const { return specs_[j.value()]; }
  const JobRecord& record(JobId j) const { return records_[j.value()]; }
  JobState state(JobId j) const { return records_[j.value()].state; }
  std::span<const JobSpec> specs() const { return specs_; }
  std::span<const JobRecord> records() const { return records_; }
  // Where a running job is; empty when it is not running.
  std::span<const Slot> placement(JobId j) const {
    uint32_t p = records_[j.value()].placement;
    return p == UINT32_MAX ? std::span<const Slot>{} : std::span<const Slot>(placements_[p]);
  }

  // Queued jobs in arrival order (submit time, then trace job number).
  QueueRange queue() const {
    return QueueRange(std::span<const JobId>(queue_).subspan(queue_first_), records_.data(),
                      static_cast<size_t>(n_queued_));
  }
  // Running jobs ordered by expected end (start + estimate), then by JobId: what reservation
  // (backfilling) policies walk.
  std::span<const JobId> running_by_expected_end() const { return running_; }
  // Jobs 0 .. arrived()-1 have been submitted (JobIds follow arrival order).
  uint32_t arrived() const { return arrived_; }
  // Every job that went back to the queue after running (preemption), in order; a policy
  // that keeps its own ordered queue reads the entries it has not seen yet.
  std::span<const JobId> requeued_log() const { return requeued_log_; }
  // Every job that finished, in the order it finished: what online learners (runtime
  // predictors) read, each entry once, to learn only from jobs whose runtime is known.
  std::span<const JobId> finished_log() const { return finished_log_; }

  // The speed (relative to nominal) the job would run at on a placement: the speed model's
  // rate (1 without one), times w / tasks for an elastic job on w tasks; 0 means it cannot run
  // there. For heterogeneity-aware policies.
  double rate_if_placed(JobId j, std::span<const Slot> placement) const;
  // Whether the job could be placed right now (exact, with the engine's placement rules).
  bool fits_now(JobId j) const { return cluster_.fits_now(spec(j).tasks, spec(j).per_task); }
  const DecisionReasons& reasons() const { return reasons_; }

  int64_t finished_count() const { return n_finished_; }
  int64_t rejected_count() const { return n_rejected_; }
  int64_t failed_count() const { return n_failed_; }
  int64_t nodes_down() const { return n_nodes_down_; }  // failed, not yet repaired (whatever their power)

  // Power (autoscaling, docs/autoscaling.md). A node is usable (cluster().is_up) when it is on
  // and has not failed; power and failure are independent.
  PowerState power_state(NodeId n) const { return power_[n.value()]; }
  bool failed(NodeId n) const { return failed_[n.value()] != 0; }
  int64_t nodes_off() const { return n_nodes_off_; }
  int64_t nodes_booting() const { return n_nodes_booting_; }
  int64_t nodes_on() const { return static_cast<int64_t>(cluster_.num_nodes()) - n_nodes_off_ - n_nodes_booting_; }
  // Node time billed (on or booting) of a node type, in node-microseconds, over the billing
  // window: from the first arrival to the instant no job work remained (or to now, before).
  double billed_node_us(uint32_t type) const {
    const Time t = now_ < power_end_ ? now_ : power_end_;
    return billed_us_by_type_[type] + static_cast<double>(billed_by_type_[type]) * static_cast<double>((t - power_mark_).us());
  }
  // The busy share of a type's nodes integrated over time, in node-microseconds: the share of
  // a node in use is that of its GPUs for a type with GPUs, else that of its cores (what the
  // linear power model of sim/metrics.hpp scales with).
  double busy_node_us(uint32_t type) const;
  // Rejected jobs with the reason, in the order they were rejected.
  const std::vector<std::pair<JobId, std::string>>& rejections() const { return rejections_; }
  // Integral over time of the cores in use, in core-microseconds (for utilisation).
  double used_core_us() const { return used_core_us_; }
  double used_gpu_milli_us() const { return used_gpu_milli_us_; }
  // Integral over time of the jobs in the system (queued or running), in job-microseconds:
  // the sum of their response times so far.
  double active_job_us() const { return active_job_us_; }
  // The same per node type (index as Cluster::node_types()), in milli-GPU-microseconds.
  std::span<const double> used_gpu_milli_us_by_type() const { return used_gpu_by_type_us_; }

 protected:
  EngineView() = default;

  Time now_;
  Cluster cluster_;
  std::vector<JobSpec> specs_;
  std::vector<JobRecord> records_;
  std::vector<std::vector<Slot>> placements_;
  std::vector<JobId> queue_;        // sorted by JobId; entries not Queued are holes
  size_t queue_first_ = 0;          // entries before this are all holes
  int64_t queue_holes_ = 0;         // holes at or after queue_first_
  int64_t n_queued_ = 0;
  std::vector<JobId> running_;
  std::vector<JobId> requeued_log_;
  std::vector<JobId> finished_log_;
  uint32_t arrived_ = 0;
  DecisionReasons reasons_;
  int64_t n_finished_ = 0, n_rejected_ = 0, n_failed_ = 0;
  int64_t n_nodes_down_ = 0;
  std::vector<PowerState> power_;  // per node
  std::vector<uint8_t> failed_;    // per node: 1 while failed
  int64_t n_nodes_off_ = 0, n_nodes_booting_ = 0;
  // Billed nodes (on or booting) per type, and their integral up to power_mark_, which moves
  // only when a count changes (no cost per event); power_end_ closes the billing window.
  std::vector<int64_t> billed_by_type_;
  std::vector<double> billed_us_by_type_;
  Time power_mark_, power_end_ = Time::max();
  // Cores in use per node type and their integral: kept only with several node types (with
  // one, used_core_us_ is the same number).
  bool cores_by_type_ = false;
  std::vector<int64_t> used_cores_by_type_;
  std::vector<double> used_cores_by_type_us_;
  std::vector<std::pair<JobId, std::string>> rejections_;
  double used_core_us_ = 0, used_gpu_milli_us_ = 0;
  std::vector<int64_t> used_gpu_by_type_;    // milli-GPUs in use now, per node type
  std::vector<double> used_gpu_by_type_us_;  // their integral over time
  double active_job_us_ = 0;                 // integral of (queued + running) jobs over time
  const SpeedModel* speed_ = nullptr;
};

}  // namespace clustersim
