// Determinism: the same seed and program give the same trace, byte for byte; another seed
// draws other ephemeral ports.
#include <gtest/gtest.h>

#include <sstream>

#include "helpers.hpp"

namespace socksim::simtest {
namespace {

struct Outcome {
  std::uint64_t hash = 0;
  std::string trace;
  std::vector<int> ports;
};

// A small program with tasks, TCP, UDP and timeouts.
Outcome program(std::uint64_t seed) {
  SimNetwork::Config config;
  config.seed = seed;
  config.hosts.push_back({"server", {"10.0.0.1"}, {}});
  SimNetwork::LinkConfig link;
  link.latency = std::chrono::microseconds(300);
  link.jitter = std::chrono::microseconds(200);
  config.links.push_back(link);
  SimNetwork net(config);
  std::ostringstream trace;
  net.set_trace_output(&trace);
  Outcome run;
  Task server = net.spawn_on("server", "server", [&] {
    Socket l = net.socket();
    l.bind(Address::inet("", 7000));
    l.listen(5);
    for (int i = 0; i < 3; ++i) {
      Socket s = l.accept().first;
      s.sendall(s.recv(100) + "!");
    }
  });
  for (int i = 0; i < 3; ++i) {
    Socket c = net.socket();
    c.connect(Address::inet("server", 7000));
    run.ports.push_back(c.getsockname().port());
    c.sendall("hello " + std::to_string(i));
    EXPECT_EQ(c.recv(100), "hello " + std::to_string(i) + "!");
  }
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  u.settimeout(0.5);
  u.sendto("ping", Address::inet("10.0.0.1", 9));
  std::error_code ec;
  u.recv(10, 0, ec);
  run.ports.push_back(u.getsockname().port());
  server.join();
  run.hash = net.trace_hash();
  run.trace = trace.str();
  return run;
}

TEST(SimDeterminism, SameSeedSameTraceAndHash) {
  const Outcome a = program(42);
  const Outcome b = program(42);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.ports, b.ports);
  EXPECT_GT(a.trace.size(), 1000u);
}

TEST(SimDeterminism, HashIsFnv1aOverTheLines) {
  const Outcome a = program(3);
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : a.trace) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  EXPECT_EQ(h, a.hash);
}

TEST(SimDeterminism, AnotherSeedDrawsOtherEphemeralPorts) {
  const Outcome a = program(1);
  const Outcome b = program(2);
  EXPECT_NE(a.ports, b.ports);
  EXPECT_NE(a.hash, b.hash);
  for (int p : a.ports) {
    EXPECT_GE(p, 32768);
    EXPECT_LE(p, 60999);
  }
}

}  // namespace
}  // namespace socksim::simtest
