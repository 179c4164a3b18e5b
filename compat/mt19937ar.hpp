#pragma once
// Random numbers exactly as the Python tools of other simulators draw them, so that their
// choices (which trace windows to replay) can be regenerated on any trace.
//
// - The generator is the standard MT19937 (std::mt19937). Its outputs equal genrand_int32 of
//   Matsumoto and Nishimura's reference mt19937ar.c for the same state.
// - What differs is the seeding: numpy's RandomState and Python's `random` seed with the
//   reference init_by_array(key), not with std::seed_seq (a different algorithm). init_by_array
//   below computes the reference state, which std::mt19937 then takes through its standard
//   seed-sequence interface.
// - numpy_legacy_randint draws like numpy's legacy RandomState.randint(low, high).
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace clustersim::compat {

// The 624-word MT19937 state that mt19937ar.c's init_by_array(key, key_length) leaves.
std::vector<uint32_t> init_by_array_state(std::span<const uint32_t> key);

// std::mt19937 seeded as mt19937ar.c's init_by_array(key): its first output is the reference
// genrand_int32()'s first output (tested against mt19937ar.out).
std::mt19937 mt19937_init_by_array(std::span<const uint32_t> key);

// numpy's legacy RandomState.randint(low, high) for one integer: high is exclusive and
// high - low - 1 must be below 2^32 - 1. The draw is r = high - 1 - low; mask = the smallest
// 2^k - 1 >= r; 32-bit outputs v & mask are drawn until one is <= r; low + v is returned.
// Throws std::invalid_argument when high <= low or the range does not fit 32 bits.
int64_t numpy_legacy_randint(std::mt19937& rng, int64_t low, int64_t high);

}  // namespace clustersim::compat
