// examples/bugs/bug_test_support.hpp - what the tests of the buggy examples share.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "socksim/explore.hpp"
#include "socksim/network.hpp"
#include "socksim/testing.hpp"

namespace bugs::testing {

// A listening TCP socket on 127.0.0.1, on a port the network picks.
inline socksim::Socket listen_on_loopback(socksim::Network& net, int backlog = 4) {
  socksim::Socket listener = net.socket();
  listener.bind(socksim::Address::inet("127.0.0.1", 0));
  listener.listen(backlog);
  return listener;
}

// The seeds a fixed program must survive: 10,000, or SOCKSIM_EXAMPLE_SEEDS when it is set (a
// sanitizer build runs fewer).
inline std::uint64_t sweep_seeds() {
  const char* env = std::getenv("SOCKSIM_EXAMPLE_SEEDS");
  if (env == nullptr || *env == '\0') return 10'000;
  const auto seeds = socksim::testing::ParseSeed(env);
  return seeds && *seeds > 0 ? *seeds : 10'000;
}

}  // namespace bugs::testing
