// Prints "seed hash" for the property workloads of seeds [0, N) (default 200): ctest runs it in
// two processes and compares the outputs byte for byte.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "workloads.hpp"

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200;
  for (std::uint64_t seed = 0; seed < n; ++seed)
    std::printf("%" PRIu64 " %016" PRIx64 "\n", seed, socksim::properties::mixed_hash(seed));
  return 0;
}
