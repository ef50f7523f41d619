// Ports: Linux's bind rules and the ephemeral range, and what happens when it runs out.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "port_table.hpp"
#include "socksim/errors.hpp"

namespace socksim::simtest {
namespace {

sim::PortBinding binding(const char* addr, int port, bool v6only = false) {
  sim::PortBinding b;
  b.addr = *sim::Ip::parse_any(addr);
  b.port = port;
  b.v6only = v6only;
  return b;
}

TEST(SimPortTable, OverlapFollowsLinux) {
  using sim::PortTable;
  EXPECT_TRUE(PortTable::overlap(binding("0.0.0.0", 1), binding("127.0.0.1", 1)));
  EXPECT_FALSE(PortTable::overlap(binding("127.0.0.1", 1), binding("127.0.0.2", 1)));
  EXPECT_TRUE(PortTable::overlap(binding("::", 1), binding("127.0.0.1", 1)));          // dual stack
  EXPECT_FALSE(PortTable::overlap(binding("::", 1, true), binding("0.0.0.0", 1)));     // IPV6_V6ONLY
  EXPECT_FALSE(PortTable::overlap(binding("::1", 1), binding("0.0.0.0", 1)));
  EXPECT_TRUE(PortTable::overlap(binding("::ffff:127.0.0.1", 1), binding("0.0.0.0", 1)));
}

TEST(SimPortTable, EphemeralPortsExhaust) {
  // Every port of 32768-60999 bound on 127.0.0.1: bind(0) is EADDRINUSE, an implicit bind by
  // connect is EADDRNOTAVAIL, by a UDP send EAGAIN on the UDP table.
  SimNetwork net;
  std::vector<Socket> held;
  constexpr int kRange = 60999 - 32768 + 1;
  for (int i = 0; i < kRange; ++i) {
    Socket s = net.socket();
    s.bind(Address::inet("0.0.0.0", 0));
    const int p = s.getsockname().port();
    ASSERT_GE(p, 32768);
    ASSERT_LE(p, 60999);
    held.push_back(std::move(s));
  }
  std::error_code ec;
  Socket one_more = net.socket();
  one_more.bind(Address::inet("0.0.0.0", 0), ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 80));
  l.listen(1);
  Socket c = net.socket();
  c.connect(Address::inet("127.0.0.1", 80), ec);
  EXPECT_EQ(ec, errno_code(EADDRNOTAVAIL));
  // Freeing one port makes it the only one to get.
  const int freed = held.back().getsockname().port();
  held.pop_back();
  Socket c2 = net.socket();
  c2.connect(Address::inet("127.0.0.1", 80));
  EXPECT_EQ(c2.getsockname().port(), freed);
}

TEST(SimPortTable, BindPrefersOddPortsAndConnectEven) {
  SimNetwork net;
  Socket s = net.socket();
  s.bind(Address::inet("127.0.0.1", 0));
  EXPECT_EQ(s.getsockname().port() % 2, 1);
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  Socket c = net.socket();
  c.connect(l.getsockname());
  EXPECT_EQ(c.getsockname().port() % 2, 0);
}

TEST(SimPortTable, ReuseaddrRules) {
  SimNetwork net;
  auto reuse = [&](bool on) {
    Socket s = net.socket();
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0);
    return s;
  };
  Socket a = reuse(true);
  a.bind(Address::inet("127.0.0.1", 0));
  const Address addr = a.getsockname();
  Socket b = reuse(true);
  b.bind(addr);  // both set it, neither listens
  std::error_code ec;
  Socket c = reuse(false);
  c.bind(addr, ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  b.listen(1);
  a.listen(1, ec);  // only one of them may listen
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  Socket d = reuse(true);
  d.bind(addr, ec);  // a listener holds it now
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
}

TEST(SimPortTable, DualStackListenerTakesIpv4Peers) {
  SimNetwork net;
  Socket l = net.socket(AF_INET6);
  l.bind(Address::inet6("::", 0));
  l.listen(1);
  const int port = l.getsockname().port();
  Socket c = net.socket(AF_INET);
  c.connect(Address::inet("127.0.0.1", port));
  auto [s, peer] = l.accept();
  EXPECT_EQ(peer.host(), "::ffff:127.0.0.1");
  EXPECT_EQ(s.getsockname().host(), "::ffff:127.0.0.1");
  std::error_code ec;
  Socket v4 = net.socket(AF_INET);
  v4.bind(Address::inet("0.0.0.0", port), ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
}

TEST(SimPortTable, ManyBindingsOnOnePortComeAndGoInOrder) {
  // A listener's port holds every connection accepted on it. Bindings removed in any order leave
  // the others, the listeners among them, as they were; the port is free once the last goes.
  sim::Rng rng(1);
  sim::PortTable t;
  std::vector<sim::PortBinding> conns(1000);
  for (int i = 0; i < 1000; ++i) conns[static_cast<std::size_t>(i)] = binding(i % 2 ? "127.0.0.2" : "127.0.0.3", 80);
  sim::PortBinding wild = binding("0.0.0.0", 80);
  sim::PortBinding exact = binding("127.0.0.1", 80);
  wild.reuseport = exact.reuseport = true;
  ASSERT_EQ(t.bind(&wild, rng), 0);
  for (auto& c : conns) t.attach(&c);
  ASSERT_EQ(t.bind(&exact, rng), 0);
  t.set_listening(&exact, true);
  t.set_listening(&wild, true);
  EXPECT_EQ(t.size(), 1002u);
  EXPECT_EQ(t.find_listener(*sim::Ip::parse_any("127.0.0.1"), 80), &exact);
  EXPECT_EQ(t.find_listener(*sim::Ip::parse_any("127.0.0.9"), 80), &wild);
  // Remove all but every 97th connection, from both ends towards the middle.
  for (std::size_t i = 0, j = conns.size() - 1; i < j; ++i, --j) {
    if (i % 97) t.unbind(&conns[i]);
    if (j % 97) t.unbind(&conns[j]);
    EXPECT_EQ(t.find_listener(*sim::Ip::parse_any("127.0.0.1"), 80), &exact);
  }
  std::size_t left = 0;
  for (const auto& c : conns) left += c.bound;
  EXPECT_EQ(left, 11u);
  EXPECT_EQ(t.size(), 13u);
  // The ones left still count: a bind to 127.0.0.2:80 without SO_REUSEADDR conflicts with them.
  sim::PortBinding again = binding("127.0.0.2", 80);
  EXPECT_EQ(t.bind(&again, rng), EADDRINUSE);
  t.set_listening(&exact, false);
  EXPECT_EQ(t.find_listener(*sim::Ip::parse_any("127.0.0.1"), 80), &wild);
  for (auto& c : conns) t.unbind(&c);
  t.unbind(&exact);
  t.unbind(&wild);
  EXPECT_EQ(t.size(), 0u);
  sim::PortBinding fresh = binding("127.0.0.2", 80);
  EXPECT_EQ(t.bind(&fresh, rng), 0);  // nothing holds the port any more
}

TEST(SimPortTable, ListenersAreFoundInTheOrderTheyWereBound) {
  // Two SO_REUSEPORT listeners on one address: the first bound gets the connections, whichever
  // started listening first.
  sim::Rng rng(1);
  sim::PortTable t;
  sim::PortBinding a = binding("127.0.0.1", 80), b = binding("127.0.0.1", 80);
  a.reuseport = b.reuseport = true;
  ASSERT_EQ(t.bind(&a, rng), 0);
  ASSERT_EQ(t.bind(&b, rng), 0);
  t.set_listening(&b, true);
  EXPECT_EQ(t.find_listener(*sim::Ip::parse_any("127.0.0.1"), 80), &b);
  t.set_listening(&a, true);
  EXPECT_EQ(t.find_listener(*sim::Ip::parse_any("127.0.0.1"), 80), &a);
  EXPECT_EQ(t.check_listen(&a), 0);
}

}  // namespace
}  // namespace socksim::simtest
