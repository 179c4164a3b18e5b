#pragma once
// What the RL benches share: 256-job windows of lublin_256 (the trace RLScheduler trains on)
// on its 256-processor machine, K = 128 slots.
#include <cstdint>
#include <memory>
#include <span>
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

// A cheap deterministic choice among the valid slots (xorshift).
struct Picker {
  uint64_t x = 88172645463325252ULL;
  int32_t pick(std::span<const uint8_t> mask) {
    int32_t valid[4096];
    int32_t n = 0;
    for (size_t k = 0; k < mask.size(); ++k)
      if (mask[k]) valid[n++] = static_cast<int32_t>(k);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return valid[x % static_cast<uint64_t>(n)];
  }
};

}  // namespace clustersim::rl::bench
