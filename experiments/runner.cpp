#include "experiments/runner.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include "experiments/progress.hpp"
#include "policies/registry.hpp"
#include "sim/error.hpp"

namespace clustersim {

std::optional<std::string> every_job_rejected(size_t jobs, const RunOutcome& o) {
  if (jobs == 0 || o.rejections.size() < jobs) return std::nullopt;
  const auto& [id, why] = o.rejections.front();
  return "all " + std::to_string(jobs) + " jobs were rejected: none can ever run on this cluster (first: job " +
         std::to_string(id) + ": " + why + ")";
}

std::string format_params(const std::map<std::string, std::string>& params) {
  std::string s;
  for (const auto& [k, v] : params) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

std::string describe_cluster(const Cluster& c) {
  std::string s;
  for (uint32_t t = 0; t < c.node_types().size(); ++t) {
    const NodeType& nt = c.node_types()[t];
    if (!s.empty()) s += "; ";
    s += std::to_string(c.nodes_of_type(t)) + " x " + nt.name + " " + nt.capacity.to_string();
    if (!nt.gpu_model.empty()) s += " " + nt.gpu_model;
  }
  return s;
}

std::string file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open for checksum");
  uint64_t h = 1469598103934665603ull;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h ^= static_cast<unsigned char>(buf[i]);
      h *= 1099511628211ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

namespace {

// The first section of a checkpoint: how to make the run again, and what it was.
void write_run_header(StateWriter& w, const RunSetup& s, double wall_seconds, int64_t checkpoints) {
  write_command_header(w, s.command_line);
  w.section("clustersim run");
  w.put(s.policy);
  w.put(s.meta.policy_params);
  w.put(s.out_path);
  w.put(wall_seconds);
  w.put(checkpoints);
}

struct RunHeader {
  std::vector<std::string> command_line;
  std::string policy, params, out_path;
  double wall_seconds = 0;
  int64_t checkpoints = 0;
};

RunHeader read_run_header(StateReader& r) {
  RunHeader h;
  h.command_line = read_command_header(r);
  r.section("clustersim run");
  r.get(h.policy);
  r.get(h.params);
  r.get(h.out_path);
  r.get(h.wall_seconds);
  r.get(h.checkpoints);
  return h;
}

}  // namespace

void write_command_header(StateWriter& w, const std::vector<std::string>& command_line) {
  w.section("clustersim command");
  w.put(command_line);
}

std::vector<std::string> read_command_header(StateReader& r) {
  r.section("clustersim command");
  return r.get<std::vector<std::string>>();
}

std::vector<std::string> checkpoint_command_line(const std::string& path) {
  const std::string payload = read_checkpoint_file(path);
  StateReader r(payload, path);
  return read_command_header(r);
}

static Time auto_sample_interval(const Workload& w) {
  double span = w.span().seconds();
  return Time::from_seconds(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(span / 1000.0))));
}

RunOutcome run_simulation(RunSetup setup) {
  std::unique_ptr<Policy> owned_policy;
  Policy* policy = setup.custom_policy;
  if (!policy) {
    owned_policy = PolicyRegistry::builtin().make(setup.policy, setup.policy_params);
    policy = owned_policy.get();
  } else if (!setup.policy_params.empty()) {
    throw InputError("policy " + setup.policy +
                     ": parameters are for registry policies; give a policy object its settings directly");
  }
  // A round-based policy brings its round length unless the engine was given one.
  if (setup.engine.round_interval == Time::zero()) setup.engine.round_interval = policy->round_interval();
  if (setup.sample_interval_s < 0) setup.engine.sample_interval = auto_sample_interval(setup.workload);
  else setup.engine.sample_interval = Time::from_seconds_ceil(setup.sample_interval_s);
  setup.meta.policy_name = setup.policy;
  setup.meta.policy_params = format_params(setup.policy_params);
  setup.meta.cluster_description = describe_cluster(setup.cluster);

  // Autoscaling wraps the policy; a bad config or cluster fails here, before any file exists.
  std::unique_ptr<Autoscaler> autoscaler;
  if (setup.autoscale.enabled) {
    setup.autoscale.validate();
    setup.autoscale.check_cluster(setup.cluster);
    autoscaler = make_autoscaler(*policy, setup.autoscale);
    if (setup.autoscale.initial_nodes >= 0) setup.engine.initial_nodes_on = setup.autoscale.initial_nodes;
    setup.meta.autoscale = setup.autoscale.describe();
    policy = autoscaler.get();
  }

  const bool checkpointing = !setup.checkpoint_path.empty(), resuming = !setup.resume_from.empty();
  if ((checkpointing || resuming) && !policy->checkpointable())
    throw InputError("policy " + setup.policy +
                     " cannot be checkpointed (docs/checkpoints.md lists the policies and estimates that can)");
  if (checkpointing && !(setup.checkpoint_every_s > 0))
    throw InputError("checkpoint interval: must be > 0 seconds, got " + std::to_string(setup.checkpoint_every_s));
  // A missing or corrupt checkpoint fails here, before the output file is touched.
  std::string payload;
  if (resuming) payload = read_checkpoint_file(setup.resume_from);

  if (setup.failures.enabled() && !setup.node_events.empty())
    throw InputError("failures: give a failure model (MTBF/MTTR) or node events from a file, not both");
  std::unique_ptr<NodeEventSource> node_source;
  if (!setup.node_events.empty()) {
    node_source = std::make_unique<NodeEventList>(std::move(setup.node_events));
  } else if (setup.failures.enabled()) {
    const Time start = setup.workload.jobs.empty() ? Time::zero() : setup.workload.jobs.front().submit;
    node_source = std::make_unique<MtbfFailureSource>(static_cast<int64_t>(setup.cluster.num_nodes()), start,
                                                      setup.failures);
  }

  std::optional<ThroughputSpeedModel> speed;
  if (setup.throughputs) speed.emplace(*setup.throughputs, setup.speed);

  Engine engine(std::move(setup.cluster), std::move(setup.workload.jobs), setup.engine);
  engine.set_node_events(node_source.get());
  if (speed) engine.set_speed_model(&*speed);

  RunOutcome out;
  double wall_before = 0;
  std::optional<StateReader> reader;
  if (resuming) {
    reader.emplace(payload, setup.resume_from);
    StateReader& r = *reader;
    const RunHeader h = read_run_header(r);
    r.expect_same(h.policy, setup.policy, "the policy ('" + h.policy + "')");
    r.expect_same(h.params, setup.meta.policy_params, "the policy parameters ('" + h.params + "')");
    r.expect_same(h.out_path.empty(), setup.out_path.empty(), "whether an output file is written");
    engine.restore(r);
    policy->restore_state(engine, r);
    wall_before = h.wall_seconds;
    out.checkpoints_written = h.checkpoints;
    out.resumed = true;
  }
  // The writer is opened before the run so that an unwritable path fails up front (and, when
  // resuming, only once the checkpoint has been read: a bad one leaves the file alone).
  std::unique_ptr<Hdf5RunWriter> writer;
  if (!setup.out_path.empty()) writer = std::make_unique<Hdf5RunWriter>(setup.out_path, setup.meta, setup.hdf5);
  if (writer) engine.add_observer(writer.get());
  if (writer && checkpointing) writer->keep_for_checkpoints();
  if (reader) {
    if (writer) writer->restore_state(engine, *reader);
    reader->section("end");
    if (!reader->at_end()) reader->corrupt("bytes after the end");
  } else {
    policy->reset(engine);
  }
  std::optional<ProgressLine> progress;
  if (setup.progress) {
    progress.emplace(setup.policy);
    engine.add_observer(&*progress);
  }
  for (Observer* o : setup.observers) engine.add_observer(o);

  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now(), last_checkpoint = t0;
  StateWriter w;  // reused: its memory is paged in once
  auto save = [&] {
    w.clear();
    const double wall = wall_before + std::chrono::duration<double>(Clock::now() - t0).count();
    write_run_header(w, setup, wall, out.checkpoints_written + 1);
    engine.save(w);
    policy->save_state(w);
    if (writer) writer->save_state(w);
    w.section("end");
    write_checkpoint_file(setup.checkpoint_path, w.bytes());
    ++out.checkpoints_written;
    last_checkpoint = Clock::now();
  };
  const auto every = std::chrono::duration<double>(setup.checkpoint_every_s);
  if (checkpointing) save();  // an unwritable checkpoint path fails before the run
  // The run loop of Engine::run, with checkpoints between decision points. On an exception
  // the writer's destructor flushes and closes the file.
  while (engine.advance()) {
    policy->schedule(engine.decisions());
    if (!checkpointing) continue;
    if (setup.check_stop) {
      try {
        setup.check_stop();
      } catch (...) {
        save();
        throw;
      }
    }
    if (Clock::now() - last_checkpoint >= every) save();
  }
  engine.finish();
  out.wall_seconds = wall_before + std::chrono::duration<double>(Clock::now() - t0).count();
  if (writer) {
    writer->set_wall_time(out.wall_seconds);
    writer->close();
  }
  out.summary = summarize(engine);
  out.events = engine.events_processed();
  out.decision_points = engine.decision_points();
  out.nodes_down_at_end = engine.nodes_down();
  for (const auto& [j, why] : engine.rejections()) out.rejections.emplace_back(engine.spec(j).trace_id, why);
  if (autoscaler) {
    out.autoscale_steps = static_cast<int64_t>(autoscaler->steps().size());
    out.nodes_powered_on = autoscaler->nodes_powered_on();
    out.nodes_powered_off = autoscaler->nodes_powered_off();
  }
  // The run is complete and its file closed: its checkpoint would only resume a finished run.
  if (checkpointing) std::remove(setup.checkpoint_path.c_str());
  return out;
}

}  // namespace clustersim
