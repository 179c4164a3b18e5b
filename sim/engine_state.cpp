// Checkpoints of the engine (docs/checkpoints.md): save() writes every member that a run
// changes, restore() reads them back onto an engine built from the same inputs. What the
// constructor derives from the inputs (the specs, the cluster's shape, the config) is not
// saved but fingerprinted, so that a checkpoint resumed with other inputs fails at once.
#include <cstring>
#include <string>
#include <type_traits>

#include "sim/engine.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace {

uint64_t mix(uint64_t h, const void* p, size_t n) {
  return hash_bytes(std::string_view(static_cast<const char*>(p), n), h);
}
// A value of up to 8 bytes as one word (what hash_bytes does per word, without the call).
template <class T>
uint64_t mix(uint64_t h, const T& v) {
  if constexpr (sizeof(T) <= 8 && std::is_trivially_copyable_v<T>) {
    uint64_t w = 0;
    std::memcpy(&w, &v, sizeof v);
    h = (h ^ w) * 1099511628211ull;
    return h ^ (h >> 29);
  } else {
    return mix(h, &v, sizeof v);
  }
}

uint64_t jobs_fingerprint(std::span<const JobSpec> specs) {
  uint64_t h = hash_bytes("jobs");
  for (const JobSpec& s : specs) {
    h = mix(h, s.trace_id);
    h = mix(h, s.submit);
    h = mix(h, s.runtime);
    h = mix(h, s.walltime);
    h = mix(h, s.tasks);
    h = mix(h, s.min_tasks);
    h = mix(h, s.max_tasks);
    h = mix(h, s.per_task);
    h = mix(h, s.user);
    h = mix(h, s.job_type);
    if (!s.gpu_model.empty()) h = mix(h, s.gpu_model.data(), s.gpu_model.size());
  }
  return h;
}

uint64_t cluster_fingerprint(const Cluster& c) {
  uint64_t h = hash_bytes("cluster");
  for (const NodeType& t : c.node_types()) {
    h = mix(h, t.name.data(), t.name.size());
    h = mix(h, t.capacity);
    h = mix(h, t.gpu_model.data(), t.gpu_model.size());
  }
  for (uint32_t n = 0; n < c.num_nodes(); ++n) {
    h = mix(h, c.type_index(NodeId(n)));
    h = mix(h, c.rack(NodeId(n)));
  }
  return h;
}

uint64_t config_fingerprint(const EngineConfig& c) {
  uint64_t h = hash_bytes("engine config");
  h = mix(h, c.round_interval);
  h = mix(h, c.sample_interval);
  h = mix(h, c.restore_delay);
  h = mix(h, c.placement);
  h = mix(h, c.on_node_failure);
  h = mix(h, c.checkpoint_interval);
  h = mix(h, c.initial_nodes_on);
  return h;
}

}  // namespace

void NodeEventList::save(StateWriter& w) const {
  w.section("node event list");
  w.put(static_cast<uint64_t>(events_.size()));
  w.put(static_cast<uint64_t>(next_));
}

void NodeEventList::restore(StateReader& r) {
  r.section("node event list");
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(events_.size()), "the number of node events");
  const uint64_t next = r.get<uint64_t>();
  if (next > events_.size()) r.corrupt("node event index past the end");
  next_ = static_cast<size_t>(next);
}

void Engine::save(StateWriter& w) const {
  // Most of the bytes: the job records, the queue and the logs (a policy's state follows).
  w.reserve_more(records_.size() * (sizeof(JobRecord) + 3 * sizeof(JobId)) + (1 << 20));
  w.section("engine");
  w.put(static_cast<uint64_t>(specs_.size()));
  w.put(jobs_fingerprint(specs_));
  w.put(cluster_fingerprint(cluster_));
  w.put(config_fingerprint(config_));
  w.put(node_source_ != nullptr);
  w.put(speed_ != nullptr);

  // EngineView
  w.put(now_);
  w.put(records_);
  w.put(placements_);
  w.put(queue_);
  w.put(static_cast<uint64_t>(queue_first_));
  w.put(queue_holes_);
  w.put(n_queued_);
  w.put(running_);
  w.put(requeued_log_);
  w.put(finished_log_);
  w.put(arrived_);
  w.put(reasons_);
  w.put(n_finished_);
  w.put(n_rejected_);
  w.put(n_failed_);
  w.put(n_nodes_down_);
  w.put(power_);
  w.put(failed_);
  w.put(n_nodes_off_);
  w.put(n_nodes_booting_);
  w.put(billed_by_type_);
  w.put(billed_us_by_type_);
  w.put(power_mark_);
  w.put(power_end_);
  w.put(used_cores_by_type_);
  w.put(used_cores_by_type_us_);
  w.put(rejections_);
  w.put(used_core_us_);
  w.put(used_gpu_milli_us_);
  w.put(used_gpu_by_type_);
  w.put(used_gpu_by_type_us_);
  w.put(active_job_us_);
  cluster_.save_state(w);

  // Engine
  w.put(events_.items());
  w.put(next_node_event_.has_value());
  if (next_node_event_) w.put(*next_node_event_);
  if (node_source_) node_source_->save(w);
  w.put(free_placements_);
  w.put(apply_mark_);
  w.put(apply_stamp_);
  w.put(seq_);
  w.put(last_instant_);
  w.put(started_);
  w.put(finished_);
  w.put(events_processed_);
  w.put(decision_points_);
  w.put(changes_);
  w.put(changes_at_last_decision_);
  w.put(idle_decision_points_);
  w.put(starts_);
  w.put(starts_at_last_round_);
  w.put(n_running_);
  w.put(pending_wakeups_);
  w.put(round_pending_);
  w.section("engine end");
}

void Engine::restore(StateReader& r) {
  if (started_) throw std::logic_error("Engine::restore: the engine has already run");
  r.section("engine");
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(specs_.size()), "the number of jobs");
  r.expect_same(r.get<uint64_t>(), jobs_fingerprint(specs_), "the workload (a job's submit time, runtime, request or user)");
  r.expect_same(r.get<uint64_t>(), cluster_fingerprint(cluster_), "the cluster (node types or counts)");
  r.expect_same(r.get<uint64_t>(), config_fingerprint(config_), "the engine settings (rounds, samples, restore delay, placement, failures)");
  r.expect_same(r.get<bool>(), node_source_ != nullptr, "whether node failures are simulated");
  r.expect_same(r.get<bool>(), speed_ != nullptr, "whether a speed model (throughput table) is used");

  r.get(now_);
  r.get(records_);
  r.get(placements_);
  r.get(queue_);
  queue_first_ = static_cast<size_t>(r.get<uint64_t>());
  r.get(queue_holes_);
  r.get(n_queued_);
  r.get(running_);
  r.get(requeued_log_);
  r.get(finished_log_);
  r.get(arrived_);
  r.get(reasons_);
  r.get(n_finished_);
  r.get(n_rejected_);
  r.get(n_failed_);
  r.get(n_nodes_down_);
  r.get(power_);
  r.get(failed_);
  r.get(n_nodes_off_);
  r.get(n_nodes_booting_);
  r.get(billed_by_type_);
  r.get(billed_us_by_type_);
  r.get(power_mark_);
  r.get(power_end_);
  r.get(used_cores_by_type_);
  r.get(used_cores_by_type_us_);
  r.get(rejections_);
  r.get(used_core_us_);
  r.get(used_gpu_milli_us_);
  r.get(used_gpu_by_type_);
  r.get(used_gpu_by_type_us_);
  r.get(active_job_us_);
  cluster_.restore_state(r);

  std::vector<Event> events;
  r.get(events);
  events_.assign(std::move(events));
  next_node_event_.reset();
  if (r.get<bool>()) next_node_event_ = r.get<NodeEvent>();
  if (node_source_) node_source_->restore(r);
  r.get(free_placements_);
  r.get(apply_mark_);
  r.get(apply_stamp_);
  r.get(seq_);
  r.get(last_instant_);
  r.get(started_);
  r.get(finished_);
  r.get(events_processed_);
  r.get(decision_points_);
  r.get(changes_);
  r.get(changes_at_last_decision_);
  r.get(idle_decision_points_);
  r.get(starts_);
  r.get(starts_at_last_round_);
  r.get(n_running_);
  r.get(pending_wakeups_);
  r.get(round_pending_);
  r.section("engine end");

  // Sizes the rest of the engine indexes by: a corrupt checkpoint must not become an
  // out-of-bounds access.
  const size_t nodes = cluster_.num_nodes(), types = cluster_.node_types().size();
  if (records_.size() != specs_.size() || arrived_ > specs_.size() || queue_first_ > queue_.size() ||
      power_.size() != nodes || failed_.size() != nodes || billed_by_type_.size() != types ||
      billed_us_by_type_.size() != types || used_gpu_by_type_.size() != types || used_gpu_by_type_us_.size() != types ||
      (cores_by_type_ && (used_cores_by_type_.size() != types || used_cores_by_type_us_.size() != types)))
    r.corrupt("the engine's tables have the wrong sizes");
  for (const JobRecord& rec : records_)
    if (rec.placement != UINT32_MAX && rec.placement >= placements_.size()) r.corrupt("a job's placement index");
  for (const Event& e : events_.items())
    if ((e.kind() == EventKind::Finish && e.subject >= specs_.size()) || (e.kind() == EventKind::Boot && e.subject >= nodes))
      r.corrupt("an event's job or node index");
  for (JobId j : queue_)
    if (j.value() >= specs_.size()) r.corrupt("a queued job index");
  for (JobId j : running_)
    if (j.value() >= specs_.size() || records_[j.value()].state != JobState::Running) r.corrupt("a running job index");
  if (config_.check_invariants) check_invariants();
}

}  // namespace clustersim
