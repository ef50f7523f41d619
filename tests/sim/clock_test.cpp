// Virtual time: timeouts and sleeps take exactly their length of virtual time, and almost no
// wall time.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.hpp"
#include "socksim/errors.hpp"

namespace socksim::simtest {
namespace {

TEST(SimClock, StartsAtZero) {
  SimNetwork net;
  EXPECT_EQ(net.now().count(), 0);
}

TEST(SimClock, ThirtySecondTimeoutTakesExactlyThirtyVirtualSeconds) {
  SimNetwork net;
  auto [a, b] = net.socketpair();
  a.settimeout(30.0);
  const auto wall = std::chrono::steady_clock::now();
  std::error_code ec;
  a.recv(10, 0, ec);
  const auto wall_cost = std::chrono::steady_clock::now() - wall;
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_EQ(net.now(), std::chrono::seconds(30));
  EXPECT_LT(wall_cost, std::chrono::milliseconds(100));
}

TEST(SimClock, TimeoutOfAConnectingSocketIsExact) {
  SimNetwork::Config config;
  config.hosts.push_back({"other", {"10.0.0.2"}, {}});
  SimNetwork net(config);
  Socket c = net.socket();
  c.settimeout(0.25);
  std::error_code ec;
  c.connect(Address::inet("10.0.0.3", 80), ec);  // nobody has the address: the SYN is lost
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_EQ(net.now(), std::chrono::milliseconds(250));
}

TEST(SimClock, SleepMovesTimeOnlyByItsLength) {
  SimNetwork net;
  net.sleep(1.5);
  net.sleep(std::chrono::nanoseconds(7));
  EXPECT_EQ(net.now().count(), 1'500'000'007);
}

TEST(SimClock, TimeMovesOnlyWhenEveryTaskIsBlocked) {
  SimNetwork net;
  std::vector<std::pair<std::string, long long>> log;
  Task a = net.spawn("a", [&] {
    net.sleep(2.0);
    log.emplace_back("a", net.now().count());
  });
  Task b = net.spawn("b", [&] {
    net.sleep(1.0);
    log.emplace_back("b", net.now().count());
  });
  a.join();
  b.join();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], std::make_pair(std::string("b"), 1'000'000'000LL));
  EXPECT_EQ(log[1], std::make_pair(std::string("a"), 2'000'000'000LL));
}

TEST(SimClock, EqualDeadlinesFireInTheOrderTheyWereSet) {
  SimNetwork net;
  std::string order;
  std::vector<Task> tasks;
  for (char c : std::string("xyz"))
    tasks.push_back(net.spawn(std::string(1, c), [&, c] {
      net.sleep(1.0);
      order += c;
    }));
  for (auto& t : tasks) t.join();
  EXPECT_EQ(order, "xyz");
}

TEST(SimClock, LinkLatencyDelaysDelivery) {
  using namespace std::chrono_literals;
  SimNetwork net(with_loopback_latency(5ms));
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  u.bind(Address::inet("127.0.0.1", 0));
  Socket v = net.socket(AF_INET, SOCK_DGRAM);
  v.sendto("x", u.getsockname());
  EXPECT_EQ(u.recv(10), "x");
  EXPECT_EQ(net.now(), 5ms);
}

TEST(SimClock, BandwidthSerializesPackets) {
  using namespace std::chrono_literals;
  SimNetwork::Config config;
  SimNetwork::LinkConfig link;
  link.from = link.to = "localhost";
  link.bandwidth = 1000;  // bytes per second
  config.links.push_back(link);
  SimNetwork net(config);
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  u.bind(Address::inet("127.0.0.1", 0));
  Socket v = net.socket(AF_INET, SOCK_DGRAM);
  v.sendto(std::string(500, 'a'), u.getsockname());
  v.sendto(std::string(500, 'b'), u.getsockname());
  EXPECT_EQ(u.recv(1000).size(), 500u);
  EXPECT_EQ(net.now(), 500ms);
  EXPECT_EQ(u.recv(1000).size(), 500u);
  EXPECT_EQ(net.now(), 1000ms);
}

}  // namespace
}  // namespace socksim::simtest
