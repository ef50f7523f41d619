// Datagrams: sendto, recvfrom, recv_into, recvfrom_into, boundaries, truncation, connected UDP.
#include <cerrno>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(UdpTest, SendtoAndRecvfrom) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  EXPECT_EQ(a.sendto("hello", b.getsockname()), 5u);
  auto [data, from] = b.recvfrom(100);
  EXPECT_EQ(data, "hello");
  EXPECT_EQ(from, a.getsockname());
  EXPECT_EQ(b.sendto("back", 0, from), 4u);
  EXPECT_EQ(a.recvfrom(100), std::make_pair(std::string("back"), b.getsockname()));
}

TEST_P(UdpTest, DatagramsKeepTheirBoundaries) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.sendto("one", b.getsockname());
  a.sendto("two", b.getsockname());
  a.sendto("three", b.getsockname());
  EXPECT_EQ(b.recv(100), "one");
  EXPECT_EQ(b.recv(100), "two");
  EXPECT_EQ(b.recv(100), "three");
}

TEST_P(UdpTest, AShortReadDropsTheRestOfTheDatagram) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.sendto("hello world", b.getsockname());
  a.sendto("next", b.getsockname());
  EXPECT_EQ(b.recv(5), "hello");
  EXPECT_EQ(b.recv(100), "next");
}

TEST_P(UdpTest, RecvIntoWithMsgTruncGivesTheWholeLength) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.sendto("hello world", b.getsockname());
  char buf[4] = {};
  EXPECT_EQ(b.recv_into(std::span<char>(buf, sizeof buf), 0, MSG_TRUNC), 11u);
  EXPECT_EQ(std::string(buf, 4), "hell");
}

TEST_P(UdpTest, RecvIntoNbytes) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.sendto("abcdef", b.getsockname());
  char buf[8] = {'-', '-', '-', '-', '-', '-', '-', '-'};
  EXPECT_EQ(b.recv_into(std::span<char>(buf, sizeof buf), 3), 3u);
  EXPECT_EQ(std::string(buf, 8), "abc-----");
  std::error_code ec;
  b.recv_into(std::span<char>(buf, sizeof buf), 9, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
  b.recv_into(std::span<char>(buf, sizeof buf), -1, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
  EXPECT_THROW(b.recv_into(std::span<char>(buf, sizeof buf), 100), ValueError);
}

TEST_P(UdpTest, RecvfromInto) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.sendto("payload", b.getsockname());
  char buf[32] = {};
  auto [n, from] = b.recvfrom_into(std::span<char>(buf, sizeof buf));
  EXPECT_EQ(n, 7u);
  EXPECT_EQ(std::string(buf, n), "payload");
  EXPECT_EQ(from, a.getsockname());
  std::error_code ec;
  b.recvfrom_into(std::span<char>(buf, sizeof buf), 33, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
}

TEST_P(UdpTest, EmptyDatagram) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  EXPECT_EQ(a.sendto("", b.getsockname()), 0u);
  a.sendto("after", b.getsockname());
  auto [data, from] = b.recvfrom(10);
  EXPECT_EQ(data, "");
  EXPECT_EQ(from, a.getsockname());
  EXPECT_EQ(b.recv(10), "after");
}

TEST_P(UdpTest, SendtoBindsAnUnboundSocket) {
  Socket a = net().socket(AF_INET, SOCK_DGRAM);
  Socket b = udp_socket();
  EXPECT_EQ(a.getsockname().port(), 0);
  a.sendto("x", b.getsockname());
  EXPECT_NE(a.getsockname().port(), 0);
  EXPECT_EQ(b.recvfrom(10).second.port(), a.getsockname().port());
}

TEST_P(UdpTest, ConnectedUdp) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.connect(b.getsockname());
  EXPECT_EQ(a.getpeername(), b.getsockname());
  EXPECT_EQ(a.send("via send"), 8u);
  EXPECT_EQ(b.recvfrom(100), std::make_pair(std::string("via send"), a.getsockname()));
  std::error_code ec;
  a.sendall("via sendall", 0, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(b.recv(100), "via sendall");
  // A connected socket takes datagrams from its peer only.
  Socket other = udp_socket();
  other.sendto("stranger", a.getsockname());
  b.sendto("peer", a.getsockname());
  EXPECT_EQ(a.recv(100), "peer");
}

TEST_P(UdpTest, ConnectedUdpReportsAnUnreachablePortAsRefused) {
  Socket a = udp_socket();
  Socket b = udp_socket();
  a.connect(b.getsockname());
  b.close();
  a.send("anyone?");
  std::error_code ec;
  a.recv(10, 0, ec);  // waits for the port-unreachable report
  EXPECT_EQ(ec, errno_code(ECONNREFUSED));
}

TEST_P(UdpTest, SendWithoutADestinationIsEdestaddrreq) {
  Socket a = udp_socket();
  std::error_code ec;
  a.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EDESTADDRREQ));
}

TEST_P(UdpTest, BroadcastNeedsSoBroadcast) {
  Socket a = udp_socket();
  std::error_code ec;
  a.sendto("x", 0, Address::inet("<broadcast>", 9), ec);
  EXPECT_EQ(ec, errno_code(EACCES));
  EXPECT_EQ(a.getsockopt(SOL_SOCKET, SO_BROADCAST), 0);
}

TEST_P(UdpTest, RecvOnAnEmptyNonBlockingSocketIsEagain) {
  Socket a = udp_socket();
  a.setblocking(false);
  std::error_code ec;
  a.recvfrom(10, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
}

TEST_P(UdpTest, Ipv6Datagrams) {
  if (skip_without_ipv6()) GTEST_SKIP() << "no IPv6";
  Socket a = udp_socket(AF_INET6);
  Socket b = udp_socket(AF_INET6);
  a.sendto("six", b.getsockname());
  auto [data, from] = b.recvfrom(10);
  EXPECT_EQ(data, "six");
  EXPECT_EQ(from, a.getsockname());
  EXPECT_EQ(from.family(), AF_INET6);
  EXPECT_EQ(from.host(), "::1");
}

}  // namespace socksim::conformance
