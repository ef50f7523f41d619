// examples/bugs/explore_demo.cpp - socksim::explore finding the partial-send bug, and the fix
// surviving the same seeds.
//
//   explore_demo [PROFILE [SEEDS]]    (default: chunking 10000)
//
// Runs the client that ignores send()'s count (partial_send.hpp) under SEEDS seeds of PROFILE's
// faults until one upload arrives truncated, prints explore's report (the seed, the faults, the
// error, a replay line), replays that run, then sweeps the fixed client over the same seeds.
// Exit status 0 when the bug is found and the fix survives.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

#include "partial_send.hpp"
#include "socksim/explore.hpp"
#include "socksim/sim.hpp"

namespace {

using Upload = void (*)(socksim::Network&, const socksim::Address&, std::string_view);

// One upload of 300 bytes; throws when the server did not get all of them.
socksim::ExploreBody upload_checked(Upload client) {
  return [client](socksim::SimNetwork& net) {
    auto listener = net.socket();
    listener.bind(socksim::Address::inet("127.0.0.1", 0));
    listener.listen(1);
    std::string received;
    auto server = net.spawn("server", [&] { received = bugs::partial_send::receive_upload(listener); });
    const std::string data(300, 'x');
    client(net, listener.getsockname(), data);
    server.join();
    if (received != data) throw std::runtime_error("the server got " + std::to_string(received.size()) + " of 300 bytes");
  };
}

// Milliseconds of wall time since `start`.
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  socksim::ExploreOptions options;
  options.profile = argc > 1 ? argv[1] : "chunking";
  options.seeds = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000;
  if (isatty(STDERR_FILENO)) {  // a progress line on a terminal
    options.on_progress = [](const socksim::ExploreProgress& p) {
      if (p.runs % 500 == 0 || p.runs == p.total) {
        std::fprintf(stderr, "\r%llu/%llu runs", static_cast<unsigned long long>(p.runs),
                     static_cast<unsigned long long>(p.total));
      }
    };
  }
  try {
    auto start = std::chrono::steady_clock::now();
    const auto buggy = upload_checked(bugs::partial_send::upload_buggy);
    const socksim::ExploreResult found = socksim::explore(buggy, options);
    const double find_ms = ms_since(start);
    if (!found.failed) {
      std::cout << "the buggy client survived " << found.runs << " runs of \"" << options.profile << "\"\n";
      return 1;
    }
    std::cout << found.report();
    std::cout << "found after " << found.runs << " runs (shrinking included) in " << find_ms << " ms\n";

    const socksim::ExploreResult again = socksim::replay(buggy, found.seed, found.faults);
    std::cout << "replayed: " << (again.failed && again.trace_hash == found.trace_hash ? "the same run" : "a different run")
              << "\n";

    start = std::chrono::steady_clock::now();
    const socksim::ExploreResult fixed = socksim::explore(upload_checked(bugs::partial_send::upload), options);
    std::cout << "the fixed client: " << (fixed.failed ? "failed" : "passed") << " " << fixed.runs << " runs in "
              << ms_since(start) << " ms\n";
    if (fixed.failed) std::cout << fixed.report();
    return again.failed && !fixed.failed ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "explore_demo: " << e.what() << "\n";
    return 2;
  }
}
