// sim/rng.hpp - the simulation's one random generator (SplitMix64), seeded by Config::seed.
// Written out here rather than taken from <random> so that the sequence is the same with every
// standard library.
#pragma once

#include <cstdint>

namespace socksim::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); 0 when n == 0.
  std::uint64_t below(std::uint64_t n) noexcept {
    if (n == 0) return 0;
    return next() % n;  // the bias is below 2^-40 for the ranges the sim draws from
  }

 private:
  std::uint64_t state_;
};

}  // namespace socksim::sim
