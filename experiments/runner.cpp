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

  // The writer is opened before the run so that an unwritable path fails up front.
  std::unique_ptr<Hdf5RunWriter> writer;
  if (!setup.out_path.empty()) writer = std::make_unique<Hdf5RunWriter>(setup.out_path, setup.meta, setup.hdf5);

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
  if (writer) engine.add_observer(writer.get());
  std::optional<ProgressLine> progress;
  if (setup.progress) {
    progress.emplace(setup.policy);
    engine.add_observer(&*progress);
  }
  for (Observer* o : setup.observers) engine.add_observer(o);
  auto t0 = std::chrono::steady_clock::now();
  engine.run(*policy);  // on an exception the writer's destructor flushes and closes the file
  RunOutcome out;
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
  return out;
}

}  // namespace clustersim
