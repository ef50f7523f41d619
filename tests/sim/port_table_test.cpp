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

}  // namespace
}  // namespace socksim::simtest
