// MockNetwork delegating to a SimNetwork: ON_CALL defaults reach the sim, EXPECT_CALL overrides
// one resolver call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "socksim/mock.hpp"
#include "socksim/testing.hpp"

namespace {

using socksim::Address;
using socksim::AddrInfo;
using socksim::testing::IsGaiError;
using ::testing::_;
using ::testing::NiceMock;
using ::testing::Optional;

// Code under test: resolves `host` and connects, trying the lookup up to `attempts` times while
// it fails with EAI_AGAIN (a temporary failure).
socksim::Socket connect_with_retry(socksim::Network& net, const std::string& host, int port, int attempts) {
  for (int i = 1;; ++i) {
    std::error_code ec;
    auto infos = net.getaddrinfo(host, std::to_string(port), socksim::AF_INET, socksim::SOCK_STREAM, 0, 0, ec);
    if (ec == socksim::gai_code(socksim::EAI_AGAIN) && i < attempts) continue;
    socksim::throw_error(ec, "getaddrinfo");
    auto s = net.socket(infos.at(0).family, infos.at(0).socktype, infos.at(0).proto);
    s.connect(infos.at(0).sockaddr);
    return s;
  }
}

socksim::SimNetwork::Config two_hosts() {
  socksim::SimNetwork::Config config;
  config.seed = 7;
  config.hosts.push_back({"db", {"10.0.0.7"}, {"db.internal"}});
  return config;
}

TEST(MockNetworkOnSim, OneLookupFailsTheRestReachTheSim) {
  socksim::SimNetwork sim(two_hosts());
  auto listener_task = sim.spawn_on("db", "db", [&] {
    auto l = sim.socket();
    l.bind(Address::inet("10.0.0.7", 5432));
    l.listen(1);
    auto [conn, peer] = l.accept();
    conn.sendall("ready");
  });

  NiceMock<socksim::MockNetwork> net;
  net.DelegateToSim(sim);
  EXPECT_CALL(net, do_getaddrinfo(Optional(std::string("db.internal")), _, _, _, _, _, _))
      .WillOnce(socksim::FailWith<std::vector<AddrInfo>>(socksim::gai_code(socksim::EAI_AGAIN)))
      .WillRepeatedly(::testing::DoDefault());

  // One attempt: the scripted failure reaches the caller.
  EXPECT_THAT([&] { connect_with_retry(net, "db.internal", 5432, 1); }, IsGaiError(socksim::EAI_AGAIN));
  // The next lookup goes to the sim, which knows db.internal (no real resolver does).
  auto s = connect_with_retry(net, "db.internal", 5432, 1);
  EXPECT_EQ(s.getpeername(), Address::inet("10.0.0.7", 5432));
  EXPECT_EQ(s.recv(16), "ready");
  listener_task.join();
  EXPECT_GT(sim.trace_lines(), 0u);
}

TEST(MockNetworkOnSim, RetryLoopSurvivesOneTemporaryFailure) {
  NiceMock<socksim::MockNetwork> net;
  socksim::SimNetwork& sim = net.DelegateToSim(two_hosts());
  auto server = sim.spawn_on("db", "db", [&] {
    auto l = sim.socket();
    l.bind(Address::inet("10.0.0.7", 5432));
    l.listen(1);
    auto [conn, peer] = l.accept();
  });
  EXPECT_CALL(net, do_getaddrinfo(Optional(std::string("db.internal")), _, _, _, _, _, _))
      .Times(2)
      .WillOnce(socksim::FailWith<std::vector<AddrInfo>>(socksim::gai_code(socksim::EAI_AGAIN)))
      .WillOnce(::testing::DoDefault());
  auto s = connect_with_retry(net, "db.internal", 5432, 3);
  EXPECT_EQ(s.getpeername().host(), "10.0.0.7");
  server.join();
  EXPECT_EQ(net.fake(), &sim);
}

TEST(MockNetworkOnSim, DefaultTimeoutReachesTheSimsAccept) {
  NiceMock<socksim::MockNetwork> net;
  socksim::SimNetwork& sim = net.DelegateToSim(socksim::SimNetwork::Config{});
  net.setdefaulttimeout(0.5);
  EXPECT_EQ(sim.getdefaulttimeout(), 0.5);
  auto l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  auto c = net.socket();
  c.connect(l.getsockname());
  auto [accepted, peer] = l.accept();
  ASSERT_TRUE(accepted.gettimeout().has_value());
  EXPECT_DOUBLE_EQ(*accepted.gettimeout(), 0.5);
}

TEST(MockNetworkOnSim, CallsReachTheSimNotTheOs) {
  socksim::SimNetwork sim(two_hosts());
  NiceMock<socksim::MockNetwork> net;
  net.DelegateToSim(sim);
  EXPECT_CALL(net, do_gethostname(_)).Times(1);
  EXPECT_EQ(net.gethostname(), sim.gethostname());
  EXPECT_EQ(net.gethostbyname("db.internal"), "10.0.0.7");
  const auto before = sim.now();
  net.sleep(std::chrono::seconds(30));  // virtual: no wall time passes
  EXPECT_EQ(sim.now() - before, std::chrono::seconds(30));
}

}  // namespace
