#pragma once
// What the LP benches share: n + 1 DL jobs queued at t=0 on a V100/P100/K80 cluster of 4-GPU
// servers sized to the jobs (rates from the Gavel throughput table), built once per size.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policies/lp/lp_policy.hpp"
#include "sim/engine.hpp"
#include "workloads/dl.hpp"

namespace clustersim::bench {

struct Round {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<ThroughputSpeedModel> speed;
  std::vector<JobId> queued;
};

inline const Round& round_with(int64_t n) {
  static std::map<int64_t, Round> cache;
  static const ThroughputTable table =
      read_throughputs(std::string(CLUSTERSIM_SOURCE_DIR) + "/data/gavel-throughputs/simulation_throughputs.json");
  auto [it, fresh] = cache.try_emplace(n);
  if (!fresh) return it->second;
  DlWorkloadConfig cfg;
  cfg.jobs = n + 1;
  cfg.jobs_per_hour = 0;
  Workload w = generate_dl(table, cfg);
  Cluster cluster;
  int32_t rack = 0;
  const int64_t servers = std::max<int64_t>(9, n / 12);
  for (const char* model : {"v100", "p100", "k80"})
    cluster.add_nodes(cluster.add_node_type(NodeType{std::string(model) + "-server", Resources{32, 4000, 0}, model}),
                      servers, rack++);
  Round& r = it->second;
  r.speed = std::make_unique<ThroughputSpeedModel>(table);
  r.engine = std::make_unique<Engine>(std::move(cluster), std::move(w.jobs));
  r.engine->set_speed_model(r.speed.get());
  r.engine->advance();  // every job queued
  r.queued.assign(r.engine->queue().begin(), r.engine->queue().end());
  return r;
}

}  // namespace clustersim::bench
