// socksim/explore.hpp - run a test body under many seeds and faults, find the first failure,
// shrink it, and say how to replay it.
//
//   auto result = socksim::explore([](socksim::SimNetwork& net) {
//     ...  // start a server task, run the client against it; throw (or fail an assertion that
//          // throws) when the client's result is wrong
//   }, {.profile = "chunking", .seeds = 1000});
//   if (!result) std::cerr << result.report();   // the seed, the faults, a replay line
//
// A run fails when the body throws (any exception: a socksim::Error the program did not handle,
// a Deadlock because every task waits for ever, a std::runtime_error of the test's own). Each
// run gets a fresh SimNetwork made from `options.config` with the run's seed and the faults drawn
// for it. The faults are a pure function of (profile, seed): a failure replays exactly with
// replay(body, seed, faults), and the trace hash is the same.
//
// Fault-point enumeration (enumerate_fault_points) is the systematic twin: one run counts the
// body's I/O calls, then one run per call and error makes that call fail.
#pragma once

#include <cerrno>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socksim/faults.hpp"
#include "socksim/sim.hpp"

namespace socksim {

// Shard `index` of `count` (from 0): the seeds whose position in the sweep is index modulo count.
// Inside a GoogleTest program, GoogleTest gives each test to one shard only: a test that sweeps
// with from_environment() would run one share of the seeds and the others never. Split a sweep
// over a value-parameterized test instead (one instance per slice of seeds), which GoogleTest's
// sharding then spreads; from_environment() is for programs that are not GoogleTest's.
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
  // "i/n"; nullopt when `text` is not one with i < n.
  static std::optional<Shard> parse(std::string_view text) noexcept;
  // From GoogleTest's GTEST_SHARD_INDEX and GTEST_TOTAL_SHARDS; nullopt when they are not set;
  // throws std::invalid_argument when they are set but not valid.
  static std::optional<Shard> from_environment();
};

// The names of the fault profiles explore() draws from: chunking (short sends and recvs),
// interrupts (EINTR on single calls), timeouts (stalls, half-open peers, slow links,
// calls that time out), resets (resets and ends of stream after some bytes, refused connects,
// ECONNRESET on calls), dns (failing and slow lookups), all (any of them).
const std::vector<std::string>& fault_profiles();

// The faults of one run of `profile` with `seed`: what explore() runs that seed with. Throws
// std::invalid_argument for an unknown profile.
std::vector<FaultRule> draw_faults(std::string_view profile, std::uint64_t seed);

struct ExploreProgress {
  std::uint64_t runs = 0;    // runs done so far in this sweep (this shard's)
  std::uint64_t total = 0;   // runs this sweep will make at most
  std::uint64_t seed = 0;    // the seed just run
};

struct ExploreOptions {
  std::string profile = "all";
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 1000;        // seeds first_seed, first_seed + 1, ...
  std::optional<Shard> shard{};      // run only this shard's seeds
  bool shrink = true;                // drop faults the failure does not need
  SimNetwork::Config config{};       // hosts, DNS, links...; the seed is the run's
  // The command that replays a seed, printed in reports with the seed and faults appended as
  // --socksim_seed=S --socksim_faults='...' (e.g. "./client_test --gtest_filter=Client.Robust").
  std::string replay_command{};
  // Called after each run (e.g. to draw a progress line); may be empty.
  std::function<void(const ExploreProgress&)> on_progress{};
};

struct ExploreResult {
  bool failed = false;
  std::uint64_t runs = 0;              // runs made, shrinking included
  std::uint64_t seed = 0;              // the failing seed
  std::vector<FaultRule> faults;       // its faults after shrinking (all of them without)
  std::vector<FaultRule> drawn;        // its faults as drawn
  std::vector<std::string> fired;      // what the remaining faults did in the failing run
  std::string error;                   // the failure: the exception's type and what()
  std::uint64_t trace_hash = 0;        // of the failing run (shrunk)
  std::string replay;                  // one line that replays it (command or C++ call)

  explicit operator bool() const noexcept { return !failed; }
  // Several lines: the seed, the faults, the error, the replay line.
  std::string report() const;
};

using ExploreBody = std::function<void(SimNetwork&)>;

ExploreResult explore(const ExploreBody& body, const ExploreOptions& options = {});

// One run with `seed` and `faults`, as explore() makes it. The result says whether it failed,
// its error, the faults that fired and the trace hash.
ExploreResult replay(const ExploreBody& body, std::uint64_t seed, const std::vector<FaultRule>& faults,
                     const SimNetwork::Config& config = {});

struct FaultPointOptions {
  std::uint64_t seed = 1;
  // The errors each I/O call is made to fail with, in turn (fault::kTimeout: a timeout). Per
  // call, fault::fail_point's substitutions apply.
  std::vector<int> errors = {EINTR, ECONNRESET, fault::kTimeout};
  std::optional<Shard> shard{};  // over the (call, error) pairs
  bool shrink = false;         // fail_point runs have one fault: nothing to shrink
  SimNetwork::Config config{};
  std::string replay_command{};
  std::function<void(const ExploreProgress&)> on_progress{};
};

// Runs `body` once fault-free to count its I/O calls (that run must pass), then once for every
// call and error with that call failing. Stops at the first failing run.
ExploreResult enumerate_fault_points(const ExploreBody& body, const FaultPointOptions& options = {});

}  // namespace socksim
