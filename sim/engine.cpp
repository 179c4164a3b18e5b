#include "sim/engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/error.hpp"

namespace clustersim {

void EngineConfig::validate() const {
  if (round_interval < Time::zero())
    throw InputError("engine.round_interval: must be >= 0, got " + std::to_string(round_interval.seconds()));
  if (sample_interval < Time::zero())
    throw InputError("engine.sample_interval: must be >= 0, got " + std::to_string(sample_interval.seconds()));
  if (restore_delay < Time::zero())
    throw InputError("engine.restore_delay: must be >= 0, got " + std::to_string(restore_delay.seconds()));
  if (max_idle_decision_points < 1)
    throw InputError("engine.max_idle_decision_points: must be >= 1");
  if (checkpoint_interval < Time::zero())
    throw InputError("engine.checkpoint_interval: must be >= 0, got " + std::to_string(checkpoint_interval.seconds()));
  if (initial_nodes_on < -1)
    throw InputError("engine.initial_nodes_on: must be >= 0 (or -1: all on), got " + std::to_string(initial_nodes_on));
}

NodeEventList::NodeEventList(std::vector<NodeEvent> events) : events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const NodeEvent& a, const NodeEvent& b) { return a.time < b.time; });
}

std::optional<NodeEvent> NodeEventList::next() {
  if (next_ >= events_.size()) return std::nullopt;
  return events_[next_++];
}

std::string_view to_string(OnNodeFailure f) {
  return f == OnNodeFailure::Requeue ? "requeue" : "fail";
}

Engine::Engine(Cluster cluster, std::vector<JobSpec> jobs, EngineConfig config)
    : config_(config), decisions_(*this) {
  config_.validate();
  cluster_ = std::move(cluster);
  specs_ = std::move(jobs);
  if (specs_.size() >= UINT32_MAX) throw InputError("workload: more than 4,294,967,294 jobs");
  for (size_t i = 0; i < specs_.size(); ++i) {
    const JobSpec& s = specs_[i];
    if (i > 0 && (s.submit < specs_[i - 1].submit ||
                  (s.submit == specs_[i - 1].submit && s.trace_id < specs_[i - 1].trace_id)))
      throw InputError("workload: jobs are not sorted by arrival (job " + std::to_string(s.trace_id) +
                       " comes after job " + std::to_string(specs_[i - 1].trace_id) + ")");
    if (s.runtime < Time::zero())
      throw InputError("workload: job " + std::to_string(s.trace_id) + " has a negative runtime");
    if (s.walltime <= Time::zero())
      throw InputError("workload: job " + std::to_string(s.trace_id) + " has no positive walltime (estimate)");
    if (s.submit < Time::zero())
      throw InputError("workload: job " + std::to_string(s.trace_id) + " is submitted before time 0");
    if (s.min_tasks < 0 || s.max_tasks < 0 || s.fewest_tasks() > s.tasks || s.most_tasks() < s.tasks)
      throw InputError("workload: job " + std::to_string(s.trace_id) + " is elastic with min_tasks " +
                       std::to_string(s.min_tasks) + ", tasks " + std::to_string(s.tasks) + ", max_tasks " +
                       std::to_string(s.max_tasks) + " (need 1 <= min_tasks <= tasks <= max_tasks, or 0: rigid)");
  }
  records_.resize(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i)
    records_[i].remaining_us = static_cast<double>(specs_[i].runtime.us());
  now_ = specs_.empty() ? Time::zero() : specs_.front().submit;
  last_instant_ = now_;
  const size_t types = cluster_.node_types().size();
  used_gpu_by_type_.assign(types, 0);
  used_gpu_by_type_us_.assign(types, 0.0);
  cores_by_type_ = types > 1;
  if (cores_by_type_) {
    used_cores_by_type_.assign(types, 0);
    used_cores_by_type_us_.assign(types, 0.0);
  }
  const size_t nodes = cluster_.num_nodes();
  power_.assign(nodes, PowerState::On);
  failed_.assign(nodes, 0);
  billed_by_type_.assign(types, 0);
  for (uint32_t k = 0; k < types; ++k) billed_by_type_[k] = cluster_.nodes_of_type(k);
  billed_us_by_type_.assign(types, 0.0);
  power_mark_ = now_;
  if (config_.initial_nodes_on > static_cast<int64_t>(nodes))
    throw InputError("engine.initial_nodes_on: " + std::to_string(config_.initial_nodes_on) + " nodes, but the cluster has " +
                     std::to_string(nodes));
  if (config_.initial_nodes_on >= 0)
    for (size_t n = static_cast<size_t>(config_.initial_nodes_on); n < nodes; ++n)
      set_power(NodeId(static_cast<uint32_t>(n)), PowerState::Off);
}

// ---------------------------------------------------------------------------------------------
// The run loop

void Engine::run(Policy& policy) {
  policy.reset(*this);
  while (advance()) policy.schedule(decisions_);
  finish();
}

void Engine::begin() {
  started_ = true;
  for (Observer* o : observers_) o->on_run_start(*this);
  if (specs_.empty()) return;
  Time t0 = specs_.front().submit;
  // Node events before the first arrival set the nodes' state at the start.
  pull_node_event();
  while (next_node_event_ && next_node_event_->time < t0) {
    apply_node_event(*next_node_event_);
    pull_node_event();
  }
  if (config_.round_interval > Time::zero())
    events_.push(Event::make(t0, EventKind::Round, seq_++));
  round_pending_ = config_.round_interval > Time::zero();
  if (config_.sample_interval > Time::zero())
    events_.push(Event::make(t0, EventKind::Sample, seq_++));
}

Time Engine::next_time() const {
  Time t = events_.empty() ? Time::max() : events_.top().time;
  if (arrived_ < specs_.size()) t = std::min(t, specs_[arrived_].submit);
  // Node events matter only while job work remains (an endless failure model ends there).
  if (next_node_event_ && work_remains()) t = std::min(t, next_node_event_->time);
  return t;
}

bool Engine::advance() {
  if (finished_) return false;
  if (!started_) begin();
  else if (config_.check_invariants) check_invariants();  // after the policy's decisions
  for (;;) {
    Time t = next_time();
    if (t == Time::max()) return false;
    process_instant(t);
    const DecisionReasons& r = reasons_;
    if (r.round || r.wakeup || (n_queued_ > 0 && (r.arrivals || r.finishes || r.nodes))) {
      ++decision_points_;
      if (changes_ == changes_at_last_decision_) {
        if (++idle_decision_points_ >= config_.max_idle_decision_points)
          throw DecisionError("the policy is stuck: " + std::to_string(idle_decision_points_) +
                              " decision points in a row without any job starting, finishing or arriving (t=" +
                              std::to_string(now_.seconds()) + " s, " + std::to_string(n_queued_) + " queued)");
      } else {
        idle_decision_points_ = 0;
      }
      changes_at_last_decision_ = changes_;
      return true;
    }
  }
}

void Engine::process_instant(Time t) {
  if (t < now_)
    throw InvariantError("time went backwards: next event at " + std::to_string(t.us()) +
                         " us, now " + std::to_string(now_.us()) + " us");
  // Utilisation integral over (last instant, t].
  Time dt = t - last_instant_;
  if (dt > Time::zero()) {
    Resources used = cluster_.total_used();
    used_core_us_ += static_cast<double>(used.cores) * static_cast<double>(dt.us());
    used_gpu_milli_us_ += static_cast<double>(used.gpu_milli) * static_cast<double>(dt.us());
    for (size_t k = 0; k < used_gpu_by_type_.size(); ++k)
      used_gpu_by_type_us_[k] += static_cast<double>(used_gpu_by_type_[k]) * static_cast<double>(dt.us());
    if (cores_by_type_)
      for (size_t k = 0; k < used_cores_by_type_.size(); ++k)
        used_cores_by_type_us_[k] += static_cast<double>(used_cores_by_type_[k]) * static_cast<double>(dt.us());
    active_job_us_ += static_cast<double>(n_queued_ + n_running_) * static_cast<double>(dt.us());
  }
  now_ = t;
  last_instant_ = t;
  reasons_ = DecisionReasons{};

  // 1. Finishes (and anything else ordered before arrivals).
  while (!events_.empty() && events_.top().time == t && events_.top().kind() < EventKind::Submit) {
    Event e = events_.top();
    events_.pop();
    ++events_processed_;
    JobId j(e.subject);
    if (e.version != records_[e.subject].version || records_[e.subject].state != JobState::Running)
      continue;  // re-planned or no longer running
    complete(j);
    reasons_.finishes = true;
  }
  // 2. Node failures and repairs.
  while (next_node_event_ && next_node_event_->time == t) {
    apply_node_event(*next_node_event_);
    ++events_processed_;
    pull_node_event();
  }
  // 3. Arrivals, in arrival order.
  while (arrived_ < specs_.size() && specs_[arrived_].submit == t) {
    submit(JobId(arrived_++));
    ++events_processed_;
    reasons_.arrivals = true;
  }
  // 4. Boots, wakeups, rounds, samples.
  while (!events_.empty() && events_.top().time == t) {
    Event e = events_.top();
    events_.pop();
    ++events_processed_;
    switch (e.kind()) {
      case EventKind::Boot:
        finish_boot(NodeId(e.subject));
        break;
      case EventKind::Wakeup:
        reasons_.wakeup = true;
        --pending_wakeups_;
        break;
      case EventKind::Round: {
        round_pending_ = false;
        if (!work_remains()) break;  // nothing left to schedule: the rounds end
        reasons_.round = true;
        // Rounds go on while work remains and the previous round was not a stall.
        bool stalled = running_.empty() && arrived_ == specs_.size() && starts_ == starts_at_last_round_;
        starts_at_last_round_ = starts_;
        round_pending_ = work_remains() && !stalled;
        if (round_pending_) events_.push(Event::make(t + config_.round_interval, EventKind::Round, seq_++));
        break;
      }
      case EventKind::Sample:
        for (Observer* o : observers_) o->on_sample(*this);
        // Samples go on while work remains and something can still change it (queued jobs
        // that can never start on the nodes that are up would otherwise be sampled forever).
        if (work_remains() && can_change())
          events_.push(Event::make(t + config_.sample_interval, EventKind::Sample, seq_++));
        break;
      case EventKind::Finish:
      case EventKind::Submit: break;  // ordered before; cannot appear here
    }
  }
  // The billing window closes when the last job has left the system.
  if (power_end_ == Time::max() && !work_remains()) power_end_ = now_;
}

bool Engine::can_change() const {
  const DecisionReasons& r = reasons_;  // this instant's: the policy is still to be called
  const bool deciding_now = r.round || r.wakeup || (n_queued_ > 0 && (r.arrivals || r.finishes || r.nodes));
  return deciding_now || !running_.empty() || arrived_ < specs_.size() || next_node_event_.has_value() ||
         pending_wakeups_ > 0 || round_pending_ || n_nodes_booting_ > 0;
}

bool Engine::work_remains() const { return arrived_ < specs_.size() || n_queued_ > 0 || !running_.empty(); }

void Engine::finish() {
  if (finished_) return;
  if (!started_) begin();
  finished_ = true;
  for (Observer* o : observers_) o->on_run_end(*this);
}

int64_t Engine::unfinished_count() const {
  return static_cast<int64_t>(specs_.size()) - n_finished_ - n_rejected_ - n_failed_;
}

// ---------------------------------------------------------------------------------------------
// Job transitions

void Engine::submit(JobId j) {
  const JobSpec& s = specs_[j.value()];
  JobRecord& r = records_[j.value()];
  ++changes_;
  if (auto why = cluster_.why_never_fits(s.fewest_tasks(), s.per_task)) {
    r.state = JobState::Rejected;
    r.end = now_;
    ++n_rejected_;
    rejections_.emplace_back(j, *why);
    for (Observer* o : observers_) o->on_job_reject(*this, j, *why);
    return;
  }
  r.state = JobState::Queued;
  ++n_queued_;
  r.contention = active_job_us_;
  queue_.push_back(j);  // arrivals come in JobId order, so the queue stays sorted
  for (Observer* o : observers_) o->on_job_submit(*this, j);
}

void Engine::accrue(JobRecord& r) const {
  if (now_ > r.progress_from) {
    r.remaining_us = std::max(0.0, r.remaining_us - r.rate * static_cast<double>((now_ - r.progress_from).us()));
    r.progress_from = now_;
  }
}

double EngineView::rate_if_placed(JobId j, std::span<const Slot> placement) const {
  const double rate = speed_ ? speed_->rate(*this, j, placement) : 1.0;
  const JobSpec& s = specs_[j.value()];
  if (!s.elastic()) return rate;
  // An elastic job on w tasks: its speed in proportion to w (runtime is at `tasks`).
  const int64_t w = tasks_in(placement);
  return w == s.tasks ? rate : rate * static_cast<double>(w) / static_cast<double>(s.tasks);
}

int64_t tasks_in(std::span<const Slot> placement) {
  int64_t n = 0;
  for (const Slot& sl : placement) n += sl.tasks;
  return n;
}

void Engine::check_size(const char* what, JobId j, int64_t tasks) const {
  const JobSpec& s = specs_[j.value()];
  if (tasks >= s.fewest_tasks() && tasks <= s.most_tasks()) return;
  refuse(what, j, "the placement has " + std::to_string(tasks) + " tasks, the job " +
                      (s.elastic() ? "takes " + std::to_string(s.fewest_tasks()) + " to " + std::to_string(s.most_tasks()) +
                                         " (elastic)"
                                   : std::to_string(s.tasks)));
}

double Engine::rate_on(const char* what, JobId j, std::span<const Slot> placement) const {
  const double rate = rate_if_placed(j, placement);
  if (rate == 0) refuse(what, j, "it cannot run on this placement (the speed model gives it rate 0)");
  if (!(rate > 0) || !std::isfinite(rate))
    throw InvariantError("speed model gave job " + describe(j) + " rate " + std::to_string(rate));
  return rate;
}

void Engine::plan_finish(JobId j) {
  JobRecord& r = records_[j.value()];
  ++r.version;
  Time t = r.progress_from + Time::from_us(static_cast<int64_t>(std::ceil(r.remaining_us / r.rate)));
  events_.push(Event::make(t, EventKind::Finish, seq_++, j.value(), r.version));
}

void Engine::start(JobId j, std::span<const Slot> placement, bool trusted) {
  if (j.value() >= specs_.size()) refuse("start", j, "no such job");
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  if (r.state != JobState::Queued) refuse("start", j, "it is " + std::string(to_string(r.state)) + ", not queued");
  if (!trusted) {
    const int64_t tasks = tasks_in(placement);
    check_size("start", j, tasks);
    std::string bad = cluster_.check_placement(tasks, s.per_task, placement);
    if (!bad.empty()) refuse("start", j, bad);
  }
  double rate = rate_on("start", j, placement);  // before any change: it may refuse
  placement = cluster_.allocate(s.per_task, placement);  // with the GPUs the cluster chose
  if (colocation_ && share_slots(placement, shared_before_)) {
    // Its rate next to the jobs already on the GPUs the cluster chose.
    try {
      rate = rate_on("start", j, placement);
    } catch (...) {
      cluster_.release(s.per_task, placement);
      throw;
    }
  }
  count_by_type(s, placement, +1);
  r.state = JobState::Running;
  erase_queued(j);
  r.placement = store_placement(placement);
  bool resumed = r.first_start != Time::max();
  if (!resumed) r.first_start = now_;
  r.last_start = now_;
  ++n_running_;
  r.progress_from = now_ + (resumed ? config_.restore_delay : Time::zero());
  r.rate = rate;
  double done = static_cast<double>(s.runtime.us()) - r.remaining_us;
  int64_t est_left = std::max<int64_t>(0, s.walltime.us() - static_cast<int64_t>(done));
  r.expected_end = now_ + Time::from_us(est_left);
  insert_running(j);
  plan_finish(j);
  replan_sharers(j, EngineView::placement(j));
  ++changes_;
  ++starts_;
  for (Observer* o : observers_) o->on_job_start(*this, j);
}

void Engine::start_with(JobId j, PlacementStrategy strategy) {
  if (!try_start_with(j, strategy)) {
    const JobSpec& s = specs_[j.value()];
    refuse("start", j, "it needs " + std::to_string(s.tasks) + " x " + s.per_task.to_string() +
                           " and does not fit now (free " + cluster_.total_free().to_string() + ")");
  }
}

bool Engine::try_start_with(JobId j, PlacementStrategy strategy) {
  if (j.value() >= specs_.size()) refuse("start", j, "no such job");
  const JobRecord& r = records_[j.value()];
  if (r.state != JobState::Queued) refuse("start", j, "it is " + std::string(to_string(r.state)) + ", not queued");
  const JobSpec& s = specs_[j.value()];
  if (!cluster_.find_placement(s.tasks, s.per_task, strategy, scratch_)) return false;
  start(j, scratch_, /*trusted=*/true);
  return true;
}

void Engine::complete(JobId j) {
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  r.remaining_us = 0;
  r.progress_from = now_;
  r.end = now_;
  r.busy_core_us += static_cast<double>(s.per_task.cores * tasks_in(placement(j))) *
                    static_cast<double>((now_ - r.last_start).us());
  const double life = static_cast<double>((now_ - s.submit).us());
  r.contention = life > 0 ? (active_job_us_ - r.contention) / life : 1.0;
  const bool shared = colocation_ && share_slots(placement(j), shared_before_);
  count_by_type(s, placement(j), -1);
  cluster_.release(s.per_task, placement(j));
  drop_placement(r);
  erase_running(j);
  r.state = JobState::Finished;
  if (shared) replan_sharers(j, shared_before_);
  finished_log_.push_back(j);
  --n_running_;
  ++n_finished_;
  ++changes_;
  for (Observer* o : observers_) o->on_job_finish(*this, j);
}

void Engine::pull_node_event() {
  const std::optional<Time> previous =
      next_node_event_ ? std::optional<Time>(next_node_event_->time) : std::nullopt;
  next_node_event_.reset();
  if (node_source_ == nullptr) return;
  std::optional<NodeEvent> e = node_source_->next();
  if (!e) return;
  if (e->node.value() >= cluster_.num_nodes())
    throw InputError("node events: node " + std::to_string(e->node.value()) + " at t=" +
                     std::to_string(e->time.seconds()) + " s does not exist (the cluster has " +
                     std::to_string(cluster_.num_nodes()) + " nodes)");
  if (previous && e->time < *previous)
    throw InputError("node events: an event at t=" + std::to_string(e->time.seconds()) +
                     " s comes after one at t=" + std::to_string(previous->seconds()) + " s (not in time order)");
  next_node_event_ = e;
}

// Failure and power are independent: a node is usable when it is on and has not failed. A
// failure of a node that is off or booting kills nothing (nothing runs there) and leaves its
// power alone; a repaired node is usable again only if it is on.
void Engine::apply_node_event(const NodeEvent& e) {
  const NodeId n = e.node;
  if (e.up == !failed_[n.value()]) return;  // a repeated failure or repair changes nothing
  if (!e.up) {
    std::vector<JobId> victims;
    for (JobId j : running_) {
      for (const Slot& sl : placement(j)) {
        if (sl.node == n) {
          victims.push_back(j);
          break;
        }
      }
    }
    for (JobId j : victims) kill(j);
    failed_[n.value()] = 1;
    cluster_.set_up(n, false);
    ++n_nodes_down_;
    for (Observer* o : observers_) o->on_node_down(*this, n);
  } else {
    failed_[n.value()] = 0;
    cluster_.set_up(n, power_[n.value()] == PowerState::On);
    --n_nodes_down_;
    for (Observer* o : observers_) o->on_node_up(*this, n);
  }
  reasons_.nodes = true;
  ++changes_;
}

// A node under the job failed: the job loses the work done since its last checkpoint and
// goes back to the queue (to resume from that checkpoint) or fails.
void Engine::kill(JobId j) {
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  accrue(r);
  const double total = static_cast<double>(s.runtime.us());
  const double done = total - r.remaining_us;
  double saved = r.saved_us;
  if (config_.checkpoint_interval > Time::zero()) {
    const double c = static_cast<double>(config_.checkpoint_interval.us());
    saved = std::max(saved, std::floor(done / c) * c);
  }
  saved = std::min(saved, done);
  r.lost_us += done - saved;
  r.saved_us = saved;
  r.remaining_us = total - saved;
  ++r.kills;
  stop(j);
  if (config_.on_node_failure == OnNodeFailure::Requeue) {
    requeue(j);
  } else {
    r.state = JobState::Failed;
    r.end = now_;
    ++n_failed_;
  }
  for (Observer* o : observers_) o->on_job_kill(*this, j);
}

// Takes a running job off its placement (its progress already accrued); its planned finish is void.
void Engine::stop(JobId j) {
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  r.busy_core_us += static_cast<double>(s.per_task.cores * tasks_in(placement(j))) *
                    static_cast<double>((now_ - r.last_start).us());
  const bool shared = colocation_ && share_slots(placement(j), shared_before_);
  count_by_type(s, placement(j), -1);
  cluster_.release(s.per_task, placement(j));
  drop_placement(r);
  erase_running(j);  // before expected_end changes: the running set is ordered by it
  ++r.version;
  r.expected_end = Time::max();
  --n_running_;
  ++changes_;
  if (shared) replan_sharers(j, shared_before_);
}

// A stopped job goes back to the queue at its arrival position.
void Engine::requeue(JobId j) {
  records_[j.value()].state = JobState::Queued;
  insert_queued(j);
  requeued_log_.push_back(j);
}

void Engine::preempt(JobId j) {
  if (j.value() >= specs_.size()) refuse("preempt", j, "no such job");
  JobRecord& r = records_[j.value()];
  const JobSpec& s = specs_[j.value()];
  if (r.state != JobState::Running) refuse("preempt", j, "it is " + std::string(to_string(r.state)) + ", not running");
  accrue(r);
  r.saved_us = static_cast<double>(s.runtime.us()) - r.remaining_us;  // checkpointed on preemption
  ++r.preemptions;
  stop(j);
  requeue(j);
  for (Observer* o : observers_) o->on_job_preempt(*this, j);
}

void Engine::count_by_type(const JobSpec& s, std::span<const Slot> placement, int sign) {
  if (s.per_task.gpu_milli == 0 && !cores_by_type_) return;
  for (const Slot& sl : placement) {
    const uint32_t k = cluster_.type_index(sl.node);
    used_gpu_by_type_[k] += sign * s.per_task.gpu_milli * sl.tasks;
    if (cores_by_type_) used_cores_by_type_[k] += sign * s.per_task.cores * sl.tasks;
  }
}

void Engine::wake_at(Time t) {
  if (t <= now_)
    throw DecisionError("wake_at: time " + std::to_string(t.seconds()) + " s is not after now (" +
                        std::to_string(now_.seconds()) + " s)");
  events_.push(Event::make(t, EventKind::Wakeup, seq_++));
  ++pending_wakeups_;
}

// ---------------------------------------------------------------------------------------------
// Ordered containers

void Engine::insert_running(JobId j) {
  auto key = [this](JobId x) { return std::pair(records_[x.value()].expected_end, x); };
  auto it = std::lower_bound(running_.begin(), running_.end(), j,
                             [&](JobId a, JobId b) { return key(a) < key(b); });
  running_.insert(it, j);
}

void Engine::erase_running(JobId j) {
  auto key = [this](JobId x) { return std::pair(records_[x.value()].expected_end, x); };
  auto it = std::lower_bound(running_.begin(), running_.end(), j,
                             [&](JobId a, JobId b) { return key(a) < key(b); });
  if (it == running_.end() || *it != j) throw InvariantError("job " + describe(j) + " missing from the running set");
  running_.erase(it);
}

// The caller has already changed the job's state: its entry becomes a hole. Holes at the
// front are skipped at once; the rest are compacted when they outnumber the live entries,
// so removal is amortised O(1) wherever the job was in the queue.
void Engine::erase_queued(JobId) {
  --n_queued_;
  ++queue_holes_;
  while (queue_first_ < queue_.size() && records_[queue_[queue_first_].value()].state != JobState::Queued) {
    ++queue_first_;
    --queue_holes_;
  }
  if (queue_first_ == queue_.size()) {
    queue_.clear();
    queue_first_ = 0;
    queue_holes_ = 0;
  } else if (queue_holes_ > 64 && queue_holes_ > n_queued_) {
    size_t w = 0;
    for (size_t r = queue_first_; r < queue_.size(); ++r)
      if (records_[queue_[r].value()].state == JobState::Queued) queue_[w++] = queue_[r];
    queue_.resize(w);
    queue_first_ = 0;
    queue_holes_ = 0;
  }
}

// A preempted job goes back at its arrival position; if its old entry is still there as a
// hole it comes back to life.
void Engine::insert_queued(JobId j) {
  ++n_queued_;
  auto first = queue_.begin() + static_cast<std::ptrdiff_t>(queue_first_);
  auto it = std::lower_bound(first, queue_.end(), j);
  if (it != queue_.end() && *it == j) {
    --queue_holes_;
    return;
  }
  if (it == first && queue_first_ > 0) {
    queue_[--queue_first_] = j;  // reuse the hole just before the live part
    return;
  }
  queue_.insert(it, j);
}

uint32_t Engine::store_placement(std::span<const Slot> placement) {
  uint32_t p;
  if (!free_placements_.empty()) {
    p = free_placements_.back();
    free_placements_.pop_back();
  } else {
    p = static_cast<uint32_t>(placements_.size());
    placements_.emplace_back();
  }
  placements_[p].assign(placement.begin(), placement.end());
  return p;
}

void Engine::drop_placement(JobRecord& r) {
  free_placements_.push_back(r.placement);
  r.placement = UINT32_MAX;
}

}  // namespace clustersim
