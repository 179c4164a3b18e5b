#pragma once
// A resource vector: what a node offers or what one task of a job needs.
// GPUs are counted in milli-GPUs so that fractional GPU requests (GPU sharing) are exact
// integers: one whole GPU is 1000.
#include <algorithm>
#include <cstdint>
#include <string>

namespace clustersim {

// Milli-GPUs in one GPU. A task's gpu_milli is either a share of one GPU (1..999), whole GPUs
// (a multiple of this), or 0; docs/gpu-sharing.md has the rules the cluster applies.
inline constexpr int64_t kMilliPerGpu = 1000;

struct Resources {
  int64_t cores = 0;
  int64_t gpu_milli = 0;
  int64_t mem_mib = 0;

  constexpr bool operator==(const Resources&) const = default;
  constexpr Resources operator+(const Resources& o) const {
    return {cores + o.cores, gpu_milli + o.gpu_milli, mem_mib + o.mem_mib};
  }
  constexpr Resources operator-(const Resources& o) const {
    return {cores - o.cores, gpu_milli - o.gpu_milli, mem_mib - o.mem_mib};
  }
  constexpr Resources operator*(int64_t k) const { return {cores * k, gpu_milli * k, mem_mib * k}; }
  constexpr Resources& operator+=(const Resources& o) { return *this = *this + o; }
  constexpr Resources& operator-=(const Resources& o) { return *this = *this - o; }
  // True when every component of *this is at most the same component of `cap`.
  constexpr bool fits_in(const Resources& cap) const {
    return cores <= cap.cores && gpu_milli <= cap.gpu_milli && mem_mib <= cap.mem_mib;
  }
  constexpr bool is_zero() const { return cores == 0 && gpu_milli == 0 && mem_mib == 0; }
  constexpr bool any_negative() const { return cores < 0 || gpu_milli < 0 || mem_mib < 0; }
  // How many copies of `per` fit in *this (per must be non-zero in at least one component).
  constexpr int64_t copies_of(const Resources& per) const {
    int64_t n = INT64_MAX;
    if (per.cores > 0) n = std::min(n, cores / per.cores);
    if (per.gpu_milli > 0) n = std::min(n, gpu_milli / per.gpu_milli);
    if (per.mem_mib > 0) n = std::min(n, mem_mib / per.mem_mib);
    return n;
  }
  // A share of one GPU (0 < gpu_milli < 1000), or whole GPUs (a positive multiple of 1000).
  constexpr bool is_gpu_share() const { return gpu_milli > 0 && gpu_milli < kMilliPerGpu; }
  constexpr bool is_whole_gpus() const { return gpu_milli > 0 && gpu_milli % kMilliPerGpu == 0; }
  std::string to_string() const {
    return "{cores=" + std::to_string(cores) + ", gpu_milli=" + std::to_string(gpu_milli) +
           ", mem_mib=" + std::to_string(mem_mib) + "}";
  }
};

}  // namespace clustersim
