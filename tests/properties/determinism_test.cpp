// The same seed twice gives the same trace hash, over 1,000 seeds of the property workloads (two
// hosts, links with jitter, fault rules, random scheduling drawn from the seed). Across processes,
// where the heap's addresses differ, the same is checked by ctest (properties.hashes_repeat).
#include <gtest/gtest.h>

#include <set>

#include "workloads.hpp"

namespace socksim::properties {
namespace {

#ifndef SOCKSIM_DETERMINISM_SEEDS
#define SOCKSIM_DETERMINISM_SEEDS 1000
#endif

TEST(Determinism, SameSeedSameTraceHashOver1000Seeds) {
  constexpr std::uint64_t kSeeds = SOCKSIM_DETERMINISM_SEEDS;  // fewer in sanitizer builds
  std::set<std::uint64_t> distinct;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    const std::uint64_t first = mixed_hash(seed);
    const std::uint64_t second = mixed_hash(seed);
    ASSERT_EQ(first, second) << "seed " << seed;
    distinct.insert(first);
  }
  // The hash reflects the run: different draws give different traces.
  EXPECT_GT(distinct.size(), kSeeds * 99 / 100);
}

}  // namespace
}  // namespace socksim::properties
