#pragma once
// What the RL benches share: 256-job windows of lublin_256 (the trace RLScheduler trains on)
// on its 256-processor machine, K = 128 slots.
#include <memory>
#include <string>

#include "policies/rl/env.hpp"
#include "traces/swf.hpp"

namespace clustersim::rl::bench {

inline std::shared_ptr<const EpisodeSource> lublin_source() {
  static const std::shared_ptr<const EpisodeSource> src = [] {
    auto s = std::make_shared<EpisodeSource>();
    s->workload = read_swf(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf");
    s->cluster = Cluster::homogeneous(1, Resources{s->workload.machine.processors(), 0, 0});
    return s;
  }();
  return src;
}

inline EnvConfig k128() {
  EnvConfig c;
  c.window = 128;
  c.episode_jobs = 256;
  return c;
}

}  // namespace clustersim::rl::bench
