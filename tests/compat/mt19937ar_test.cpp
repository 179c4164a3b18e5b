// The generator and the draws against independent references: mt19937ar.out (Matsumoto and
// Nishimura's published outputs of their reference code) and numpy 1.24's RandomState.
#include "compat/mt19937ar.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace clustersim::compat {
namespace {

const std::vector<uint32_t> kReferenceKey = {0x123, 0x234, 0x345, 0x456};

TEST(Mt19937ar, InitByArrayMatchesTheReferenceOutputs) {
  // The first line of mt19937ar.out: init_by_array({0x123, 0x234, 0x345, 0x456}, 4).
  std::mt19937 rng = mt19937_init_by_array(kReferenceKey);
  const uint32_t expected[] = {1067595299u, 955945823u, 477289528u, 4107218783u, 4228976476u};
  for (uint32_t e : expected) EXPECT_EQ(rng(), e);
}

TEST(Mt19937ar, InitByArrayIsNotSeedSeq) {
  std::seed_seq seq(kReferenceKey.begin(), kReferenceKey.end());
  std::mt19937 std_seeded(seq);
  EXPECT_NE(std_seeded(), 1067595299u);
}

TEST(Mt19937ar, StateEndsWithTheReferenceMsb) {
  const auto state = init_by_array_state(kReferenceKey);
  ASSERT_EQ(state.size(), 624u);
  EXPECT_EQ(state[0], 0x80000000u);
  EXPECT_THROW(init_by_array_state({}), std::invalid_argument);
}

TEST(NumpyLegacyRandint, MatchesNumpyRandomState) {
  // numpy: rs = RandomState(); rs.seed([0x123, 0x234, 0x345, 0x456]); rs.randint(0, 10) x 8
  std::mt19937 rng = mt19937_init_by_array(kReferenceKey);
  const int64_t expected[] = {3, 8, 1, 7, 3, 0, 1, 2};
  for (int64_t e : expected) EXPECT_EQ(numpy_legacy_randint(rng, 0, 10), e);

  // rs.seed([7]); rs.randint(-50, 1000) x 5
  const std::vector<uint32_t> key7 = {7};
  rng = mt19937_init_by_array(key7);
  const int64_t expected7[] = {-14, -7, -33, 454, 43};
  for (int64_t e : expected7) EXPECT_EQ(numpy_legacy_randint(rng, -50, 1000), e);
}

TEST(NumpyLegacyRandint, ASingleValueRangeDrawsNothing) {
  // numpy returns low without consuming an output: the next raw output is still the first.
  std::mt19937 rng = mt19937_init_by_array(kReferenceKey);
  EXPECT_EQ(numpy_legacy_randint(rng, 5, 6), 5);
  EXPECT_EQ(numpy_legacy_randint(rng, 5, 6), 5);
  EXPECT_EQ(rng(), 1067595299u);
}

TEST(NumpyLegacyRandint, RejectsEmptyAndHugeRanges) {
  std::mt19937 rng = mt19937_init_by_array(kReferenceKey);
  EXPECT_THROW(numpy_legacy_randint(rng, 10, 10), std::invalid_argument);
  EXPECT_THROW(numpy_legacy_randint(rng, 0, int64_t{1} << 40), std::invalid_argument);
}

}  // namespace
}  // namespace clustersim::compat
