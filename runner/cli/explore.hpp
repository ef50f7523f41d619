// runner/cli/explore.hpp - the `socksim explore` command (built when the sim is).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "runner/scenario.hpp"
#include "socksim/explore.hpp"

namespace socksim::runner {

struct ExploreArgs {
  std::string profile = "all";
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 1000;
  Shard shard;
  bool shrink = true;
  bool progress = true;      // a progress line on stderr when it is a terminal
  std::string emit_path;     // --emit-scenario: write the minimal failing run here
};

// Explores each scenario that lists the sim; prints one line per scenario (and the failure's
// seed, faults and replay line) to `out`. Returns 0 when no scenario failed, 1 otherwise, 2 when
// the emitted scenario cannot be written.
int explore_command(const ExploreArgs& args, const std::vector<Scenario>& scenarios, std::ostream& out);

}  // namespace socksim::runner
