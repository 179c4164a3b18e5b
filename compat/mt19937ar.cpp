#include "compat/mt19937ar.hpp"

#include <stdexcept>
#include <string>

namespace clustersim::compat {

namespace {

constexpr size_t kN = 624;

// A seed sequence whose generate() writes a given state: std::mt19937::seed(q) then takes the
// words as X[-n..-1] ([rand.eng.mers]), i.e. exactly that state, with the next output
// regenerating it as mt19937ar.c does after initialisation (mti = N).
struct FixedStateSeq {
  using result_type = uint32_t;
  std::span<const uint32_t> words;
  template <class It>
  void generate(It first, It last) const {
    size_t i = 0;
    for (; first != last; ++first) *first = words[i++ % words.size()];
  }
  size_t size() const { return words.size(); }
  template <class It>
  void param(It out) const {
    for (uint32_t w : words) *out++ = w;
  }
};

}  // namespace

std::vector<uint32_t> init_by_array_state(std::span<const uint32_t> key) {
  if (key.empty()) throw std::invalid_argument("init_by_array: the key must not be empty");
  std::vector<uint32_t> mt(kN);
  // init_genrand(19650218)
  mt[0] = 19650218u;
  for (size_t i = 1; i < kN; ++i) {
    mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + static_cast<uint32_t>(i);
  }
  size_t i = 1, j = 0;
  for (size_t k = std::max(kN, key.size()); k > 0; --k) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] +
            static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= kN) {
      mt[0] = mt[kN - 1];
      i = 1;
    }
    if (j >= key.size()) j = 0;
  }
  for (size_t k = kN - 1; k > 0; --k) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - static_cast<uint32_t>(i);
    ++i;
    if (i >= kN) {
      mt[0] = mt[kN - 1];
      i = 1;
    }
  }
  mt[0] = 0x80000000u;  // MSB is 1, assuring a non-zero initial array
  return mt;
}

std::mt19937 mt19937_init_by_array(std::span<const uint32_t> key) {
  const std::vector<uint32_t> state = init_by_array_state(key);
  FixedStateSeq seq{state};
  std::mt19937 rng;
  rng.seed(seq);
  return rng;
}

int64_t numpy_legacy_randint(std::mt19937& rng, int64_t low, int64_t high) {
  if (high <= low) {
    throw std::invalid_argument("randint: high (" + std::to_string(high) +
                                ") must be greater than low (" + std::to_string(low) + ")");
  }
  const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low) - 1;
  if (range >= 0xFFFFFFFFull) {
    throw std::invalid_argument("randint: the range [" + std::to_string(low) + ", " +
                                std::to_string(high) + ") does not fit 32 bits");
  }
  if (range == 0) return low;
  uint32_t mask = static_cast<uint32_t>(range);
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t v = 0;
  do {
    v = static_cast<uint32_t>(rng()) & mask;
  } while (v > range);
  return low + static_cast<int64_t>(v);
}

}  // namespace clustersim::compat
