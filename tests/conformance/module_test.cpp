// The module's socket-making functions: socket, socketpair, fromfd, create_connection, has_ipv6,
// getdefaulttimeout / setdefaulttimeout.
#include <cerrno>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(ModuleTest, SocketDefaultsToInetStreamInBlockingMode) {
  Socket s = net().socket();
  ASSERT_TRUE(s.is_open());
  EXPECT_EQ(s.family(), AF_INET);
  EXPECT_EQ(s.type(), SOCK_STREAM);
  EXPECT_EQ(s.proto(), 0);
  EXPECT_GE(s.fileno(), 0);
  EXPECT_EQ(s.gettimeout(), std::nullopt);
}

TEST_P(ModuleTest, SocketAttributesAreThoseGiven) {
  Socket udp = net().socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  EXPECT_EQ(udp.family(), AF_INET);
  EXPECT_EQ(udp.type(), SOCK_DGRAM);
  EXPECT_EQ(udp.proto(), IPPROTO_UDP);
  Socket unix_dgram = net().socket(AF_UNIX, SOCK_DGRAM);
  EXPECT_EQ(unix_dgram.family(), AF_UNIX);
  EXPECT_EQ(unix_dgram.type(), SOCK_DGRAM);
  EXPECT_NE(udp.fileno(), unix_dgram.fileno());
}

TEST_P(ModuleTest, SocketWithBadArgumentsFails) {
  std::error_code ec;
  Socket s = net().socket(12345, SOCK_STREAM, 0, ec);
  EXPECT_EQ(ec, errno_code(EAFNOSUPPORT));
  EXPECT_FALSE(s.is_open());
  net().socket(AF_INET, 999, 0, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
  net().socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP, ec);
  EXPECT_EQ(ec, errno_code(EPROTONOSUPPORT));
  EXPECT_EQ(thrown_code<Error>([&] { net().socket(12345, SOCK_STREAM); }), errno_code(EAFNOSUPPORT));
}

TEST_P(ModuleTest, SocketpairDefaultsToConnectedUnixStreams) {
  auto [a, b] = net().socketpair();
  EXPECT_EQ(a.family(), AF_UNIX);
  EXPECT_EQ(a.type(), SOCK_STREAM);
  EXPECT_EQ(b.family(), AF_UNIX);
  EXPECT_EQ(a.send("ping"), 4u);
  EXPECT_EQ(b.recv(10), "ping");
  EXPECT_EQ(b.send("pong"), 4u);
  EXPECT_EQ(a.recv(10), "pong");
  a.close();
  EXPECT_EQ(b.recv(10), "");  // EOF
}

TEST_P(ModuleTest, SocketpairOfDatagramsKeepsBoundaries) {
  auto [a, b] = net().socketpair(AF_UNIX, SOCK_DGRAM);
  a.send("one");
  a.send("two");
  EXPECT_EQ(b.recv(100), "one");
  EXPECT_EQ(b.recv(100), "two");
}

TEST_P(ModuleTest, SocketpairOfInetIsNotSupported) {
  std::error_code ec;
  net().socketpair(AF_INET, SOCK_STREAM, 0, ec);
  EXPECT_EQ(ec, errno_code(EOPNOTSUPP));
  EXPECT_EQ(thrown_code<Error>([&] { net().socketpair(AF_INET); }), errno_code(EOPNOTSUPP));
}

TEST_P(ModuleTest, FromfdDuplicatesTheDescriptor) {
  auto [a, b] = net().socketpair();
  Socket c = net().fromfd(a.fileno(), AF_UNIX, SOCK_STREAM);
  ASSERT_TRUE(c.is_open());
  EXPECT_NE(c.fileno(), a.fileno());
  EXPECT_EQ(c.family(), AF_UNIX);
  EXPECT_EQ(c.type(), SOCK_STREAM);
  EXPECT_EQ(c.proto(), 0);
  EXPECT_EQ(c.gettimeout(), std::nullopt);
  a.close();  // the duplicate keeps the endpoint open
  c.sendall("via dup");
  EXPECT_EQ(b.recv(100), "via dup");
}

TEST_P(ModuleTest, FromfdOfABadDescriptorFails) {
  std::error_code ec;
  Socket s = net().fromfd(-1, AF_INET, SOCK_STREAM, 0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  EXPECT_FALSE(s.is_open());
  EXPECT_EQ(thrown_code<Error>([&] { net().fromfd(-1, AF_INET, SOCK_STREAM); }), errno_code(EBADF));
}

TEST_P(ModuleTest, DefaultTimeoutStartsAsNoneAndAppliesToNewSockets) {
  EXPECT_EQ(net().getdefaulttimeout(), std::nullopt);
  Socket before = net().socket();
  net().setdefaulttimeout(0.25);
  EXPECT_EQ(net().getdefaulttimeout(), 0.25);
  EXPECT_EQ(before.gettimeout(), std::nullopt);  // only sockets made afterwards
  EXPECT_EQ(net().socket().gettimeout(), 0.25);
  auto [a, b] = net().socketpair();
  EXPECT_EQ(a.gettimeout(), 0.25);
  EXPECT_EQ(b.gettimeout(), 0.25);
  EXPECT_EQ(net().fromfd(a.fileno(), AF_UNIX, SOCK_STREAM).gettimeout(), 0.25);
  net().setdefaulttimeout(0.0);
  EXPECT_EQ(net().socket().gettimeout(), 0.0);
  net().setdefaulttimeout(std::nullopt);
  EXPECT_EQ(net().getdefaulttimeout(), std::nullopt);
  EXPECT_EQ(net().socket().gettimeout(), std::nullopt);
}

TEST_P(ModuleTest, NegativeDefaultTimeoutIsAValueError) {
  std::error_code ec;
  net().setdefaulttimeout(-1.0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
  EXPECT_THROW(net().setdefaulttimeout(-0.5), ValueError);
  EXPECT_EQ(net().getdefaulttimeout(), std::nullopt);
}

TEST_P(ModuleTest, AcceptedSocketTakesTheDefaultTimeoutNotTheListeners) {
  Socket l = listener();
  l.settimeout(5.0);
  net().setdefaulttimeout(1.5);
  Socket c1 = net().socket();
  c1.connect(l.getsockname());
  auto [conn1, peer1] = l.accept();
  EXPECT_EQ(conn1.gettimeout(), 1.5);
  EXPECT_EQ(l.gettimeout(), 5.0);
  net().setdefaulttimeout(std::nullopt);
  Socket c2 = net().socket();
  c2.connect(l.getsockname());
  auto [conn2, peer2] = l.accept();
  EXPECT_EQ(conn2.gettimeout(), std::nullopt);
  EXPECT_EQ(conn2.family(), AF_INET);
  EXPECT_EQ(conn2.type(), SOCK_STREAM);
}

TEST_P(ModuleTest, CreateConnectionConnectsToANumericAddress) {
  Socket l = listener();
  Socket c = net().create_connection(l.getsockname());
  EXPECT_EQ(c.family(), AF_INET);
  EXPECT_EQ(c.type(), SOCK_STREAM);
  EXPECT_EQ(c.getpeername(), l.getsockname());
  EXPECT_EQ(c.gettimeout(), std::nullopt);
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, c.getsockname());
}

TEST_P(ModuleTest, CreateConnectionResolvesANameAndTriesEachAddress) {
  // "localhost" may give ::1 before 127.0.0.1: the attempt on ::1 is refused, the next connects.
  Socket l = listener();
  Socket c = net().create_connection(Address::inet("localhost", l.getsockname().port()));
  EXPECT_EQ(c.getpeername(), l.getsockname());
}

TEST_P(ModuleTest, CreateConnectionTimeoutArgument) {
  Socket l = listener();
  EXPECT_EQ(net().create_connection(l.getsockname(), Seconds(0.5)).gettimeout(), 0.5);
  net().setdefaulttimeout(0.3);
  EXPECT_EQ(net().create_connection(l.getsockname()).gettimeout(), 0.3);  // the global default
  EXPECT_EQ(net().create_connection(l.getsockname(), Seconds()).gettimeout(), std::nullopt);
  std::error_code ec;
  net().create_connection(l.getsockname(), Seconds(-1.0), std::nullopt, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
}

TEST_P(ModuleTest, CreateConnectionBindsTheSourceAddress) {
  Socket l = listener();
  const Address source = closed_port();
  Socket c = net().create_connection(l.getsockname(), global_default_timeout, source);
  EXPECT_EQ(c.getsockname(), source);
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, source);
  // '' and 0 leave the choice to the system.
  Socket d = net().create_connection(l.getsockname(), global_default_timeout, Address::inet("", 0));
  EXPECT_EQ(d.getsockname().host(), "127.0.0.1");
  EXPECT_NE(d.getsockname().port(), 0);
}

TEST_P(ModuleTest, CreateConnectionToAClosedPortIsRefused) {
  const Address closed = closed_port();
  std::error_code ec;
  Socket c = net().create_connection(closed, global_default_timeout, std::nullopt, ec);
  EXPECT_EQ(ec, errno_code(ECONNREFUSED));
  EXPECT_FALSE(c.is_open());
  EXPECT_EQ(thrown_code<Error>([&] { net().create_connection(closed); }), errno_code(ECONNREFUSED));
}

TEST_P(ModuleTest, CreateConnectionTimesOutOnAFullBacklog) {
  // listen(0) holds one connection in its queue; the next handshake gets no answer.
  Socket l = listener(AF_INET, 0);
  Socket first = net().create_connection(l.getsockname());
  const auto start = net().now();
  std::error_code ec;
  Socket second = net().create_connection(l.getsockname(), Seconds(0.2), std::nullopt, ec);
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_GE(since(start), 0.2);
  EXPECT_LT(since(start), 5.0);
  EXPECT_THROW(net().create_connection(l.getsockname(), Seconds(0.1)), Timeout);
}

TEST_P(ModuleTest, CreateConnectionChecksItsAddress) {
  std::error_code ec;
  net().create_connection(Address::unix_path("/nonexistent"), global_default_timeout, std::nullopt, ec);
  EXPECT_EQ(ec, make_error_code(errc::type_error));
  net().create_connection(Address::inet("127.0.0.1", 70000), global_default_timeout, std::nullopt, ec);
  EXPECT_EQ(ec, make_error_code(errc::overflow_error));
  EXPECT_THROW(net().create_connection(Address::inet("127.0.0.1", -1)), OverflowError);
}

TEST_P(ModuleTest, HasIpv6TellsWhetherAnInet6SocketCanBeMade) {
  std::error_code ec;
  Socket s = net().socket(AF_INET6, SOCK_STREAM, 0, ec);
  EXPECT_EQ(net().has_ipv6(), !ec);
}

}  // namespace socksim::conformance
