// The socket methods on TCP: bind, listen, accept, connect, connect_ex, getsockname,
// getpeername, send, recv, sendall, shutdown, close, fileno, and their errors.
#include <cerrno>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(TcpTest, BindToPortZeroPicksAPort) {
  Socket s = net().socket();
  s.bind(Address::inet("127.0.0.1", 0));
  const Address a = s.getsockname();
  EXPECT_EQ(a.family(), AF_INET);
  EXPECT_EQ(a.host(), "127.0.0.1");
  EXPECT_GT(a.port(), 0);
  EXPECT_LE(a.port(), 65535);
}

TEST_P(TcpTest, GetsocknameOfAnUnboundSocket) {
  EXPECT_EQ(net().socket().getsockname(), Address::inet("0.0.0.0", 0));
}

TEST_P(TcpTest, BindEmptyHostIsTheWildcard) {
  Socket s = net().socket();
  s.bind(Address::inet("", 0));
  EXPECT_EQ(s.getsockname().host(), "0.0.0.0");
}

TEST_P(TcpTest, ConnectAcceptAndTheAddressesOfBothEnds) {
  Socket l = listener();
  const Address server_addr = l.getsockname();
  Socket c = net().socket();
  c.connect(server_addr);
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, c.getsockname());
  EXPECT_EQ(conn.getpeername(), c.getsockname());
  EXPECT_EQ(conn.getsockname(), server_addr);
  EXPECT_EQ(c.getpeername(), server_addr);
  EXPECT_EQ(c.getsockname().host(), "127.0.0.1");
  EXPECT_EQ(conn.family(), AF_INET);
  EXPECT_EQ(conn.type(), SOCK_STREAM);
  EXPECT_NE(conn.fileno(), l.fileno());
}

TEST_P(TcpTest, AcceptTakesConnectionsInArrivalOrder) {
  Socket l = listener(AF_INET, 3);
  Socket c1 = net().socket();
  c1.connect(l.getsockname());
  Socket c2 = net().socket();
  c2.connect(l.getsockname());
  EXPECT_EQ(l.accept().second, c1.getsockname());
  EXPECT_EQ(l.accept().second, c2.getsockname());
}

TEST_P(TcpTest, ConnectByHostName) {
  Socket l = listener();
  Socket c = net().socket();
  c.connect(Address::inet("localhost", l.getsockname().port()));
  EXPECT_EQ(c.getpeername(), l.getsockname());
}

TEST_P(TcpTest, SendAndRecv) {
  auto [c, s] = tcp_pair();
  EXPECT_EQ(c.send("hello"), 5u);
  EXPECT_EQ(s.recv(1024), "hello");
  EXPECT_EQ(s.send("world!"), 6u);
  EXPECT_EQ(c.recv(3), "wor");  // at most bufsize
  EXPECT_EQ(c.recv(1024), "ld!");
  std::error_code ec;
  EXPECT_EQ(c.send("ec form", 0, ec), 7u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(s.recv(1024, 0, ec), "ec form");
  EXPECT_FALSE(ec);
  s.recv(-1, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
}

TEST_P(TcpTest, RecvWithMsgPeekLeavesTheData) {
  auto [c, s] = tcp_pair();
  c.sendall("peek");
  EXPECT_EQ(s.recv(10, MSG_PEEK), "peek");
  EXPECT_EQ(s.recv(10), "peek");
}

TEST_P(TcpTest, RecvReturnsEmptyAtEof) {
  auto [c, s] = tcp_pair();
  c.sendall("last");
  c.close();
  EXPECT_EQ(s.recv(10), "last");
  EXPECT_EQ(s.recv(10), "");
  EXPECT_EQ(s.recv(10), "");
}

TEST_P(TcpTest, RecvIntoAndRecvfromOnAStream) {
  auto [c, s] = tcp_pair();
  c.sendall("0123456789");
  char buf[16] = {};
  EXPECT_EQ(s.recv_into(std::span<char>(buf, sizeof buf), 4), 4u);
  EXPECT_EQ(std::string(buf, 4), "0123");
  auto [n, from] = s.recvfrom_into(std::span<char>(buf, sizeof buf));
  EXPECT_EQ(n, 6u);
  EXPECT_EQ(std::string(buf, 6), "456789");
  EXPECT_EQ(from, Address());  // a connected stream reports no sender (the seed's None)
  c.sendall("xy");
  auto [data, from2] = s.recvfrom(10);
  EXPECT_EQ(data, "xy");
  EXPECT_EQ(from2, Address());
}

TEST_P(TcpTest, SendallDeliversEverythingToAReaderTask) {
  auto [c, s] = tcp_pair();
  std::string payload(1 << 20, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  std::string received;
  Task reader = net().spawn("reader", [&, conn = std::make_shared<Socket>(std::move(s))] {
    for (;;) {
      std::string chunk = conn->recv(65536);
      if (chunk.empty()) break;
      received += chunk;
    }
  });
  c.sendall(payload);
  c.shutdown(SHUT_WR);
  reader.join();
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(received == payload);
}

TEST_P(TcpTest, SendallOfNothingSucceeds) {
  auto [c, s] = tcp_pair();
  std::error_code ec;
  c.sendall("", 0, ec);
  EXPECT_FALSE(ec);
}

TEST_P(TcpTest, ShutdownWrSendsEofAndLeavesTheOtherDirectionOpen) {
  auto [c, s] = tcp_pair();
  c.sendall("req");
  c.shutdown(SHUT_WR);
  EXPECT_EQ(s.recv(10), "req");
  EXPECT_EQ(s.recv(10), "");
  s.sendall("resp");
  EXPECT_EQ(c.recv(10), "resp");
  std::error_code ec;
  c.send("more", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
}

TEST_P(TcpTest, ShutdownRdMakesRecvReturnEmpty) {
  auto [c, s] = tcp_pair();
  c.shutdown(SHUT_RD);
  EXPECT_EQ(c.recv(10), "");
  c.sendall("still sends");
  EXPECT_EQ(s.recv(100), "still sends");
}

TEST_P(TcpTest, ShutdownRdwr) {
  auto [c, s] = tcp_pair();
  c.shutdown(SHUT_RDWR);
  EXPECT_EQ(s.recv(10), "");
  EXPECT_EQ(c.recv(10), "");
  std::error_code ec;
  c.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
}

TEST_P(TcpTest, ShutdownWithABadHowIsEinval) {
  auto [c, s] = tcp_pair();
  std::error_code ec;
  c.shutdown(7, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
}

TEST_P(TcpTest, CloseWithUnreadDataResetsThePeer) {
  auto [c, s] = tcp_pair();
  c.sendall("unread");
  EXPECT_EQ(s.recv(1, MSG_PEEK), "u");  // the data has arrived and stays unread
  s.close();
  std::error_code ec;
  c.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(ECONNRESET));
  c.send("x", 0, ec);  // after the reset
  EXPECT_EQ(ec, errno_code(EPIPE));
  EXPECT_EQ(thrown_code<Error>([&] { c.send("y"); }), errno_code(EPIPE));
}

TEST_P(TcpTest, ConnectToAClosedPortIsRefused) {
  const Address closed = closed_port();
  Socket c = net().socket();
  std::error_code ec;
  c.connect(closed, ec);
  EXPECT_EQ(ec, errno_code(ECONNREFUSED));
  Socket d = net().socket();
  EXPECT_EQ(d.connect_ex(closed), ECONNREFUSED);
  Socket e = net().socket();
  EXPECT_EQ(thrown_code<Error>([&] { e.connect(closed); }), errno_code(ECONNREFUSED));
}

TEST_P(TcpTest, ConnectExReturnsZeroOnSuccessAndErrnoOtherwise) {
  Socket l = listener();
  Socket c = net().socket();
  EXPECT_EQ(c.connect_ex(l.getsockname()), 0);
  EXPECT_EQ(c.connect_ex(l.getsockname()), EISCONN);
  std::error_code ec;
  EXPECT_EQ(c.connect_ex(l.getsockname(), ec), EISCONN);
  EXPECT_FALSE(ec);
}

TEST_P(TcpTest, ConnectExStillReportsAddressErrors) {
  Socket c = net().socket();
  std::error_code ec;
  c.connect_ex(Address::inet("::1", 80), ec);  // no IPv4 address for this host: gaierror
  EXPECT_EQ(ec, gai_code(EAI_ADDRFAMILY));
  c.connect_ex(Address::inet("127.0.0.1", 65536), ec);
  EXPECT_EQ(ec, make_error_code(errc::overflow_error));
  EXPECT_THROW(c.connect_ex(Address::inet("::1", 80)), GaiError);
  EXPECT_THROW(c.connect_ex(Address::inet("127.0.0.1", -5)), OverflowError);
}

TEST_P(TcpTest, ConnectTwiceIsEisconn) {
  auto [c, s] = tcp_pair();
  std::error_code ec;
  c.connect(s.getsockname(), ec);
  EXPECT_EQ(ec, errno_code(EISCONN));
}

TEST_P(TcpTest, AddressesOfTheWrongKind) {
  Socket s = net().socket();
  std::error_code ec;
  s.connect(Address::unix_path("/tmp/x"), ec);
  EXPECT_EQ(ec, make_error_code(errc::type_error));
  s.bind(Address::inet6("::1", 0), ec);
  EXPECT_EQ(ec, make_error_code(errc::type_error));
  s.bind(Address::inet("127.0.0.1", 65536), ec);
  EXPECT_EQ(ec, make_error_code(errc::overflow_error));
  EXPECT_THROW(s.connect(Address::unix_path("/tmp/x")), TypeError);
}

TEST_P(TcpTest, OperationsThatNeedAConnection) {
  Socket s = net().socket();
  std::error_code ec;
  s.getpeername(ec);
  EXPECT_EQ(ec, errno_code(ENOTCONN));
  s.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(ENOTCONN));
  s.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
  s.shutdown(SHUT_RDWR, ec);
  EXPECT_EQ(ec, errno_code(ENOTCONN));
  EXPECT_EQ(thrown_code<Error>([&] { s.getpeername(); }), errno_code(ENOTCONN));
}

TEST_P(TcpTest, AcceptWithoutListenIsEinval) {
  Socket s = net().socket();
  s.bind(loopback());
  std::error_code ec;
  s.accept(ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
  EXPECT_EQ(thrown_code<Error>([&] { s.accept(); }), errno_code(EINVAL));
}

TEST_P(TcpTest, BindTwiceIsEinval) {
  Socket s = net().socket();
  s.bind(loopback());
  std::error_code ec;
  s.bind(loopback(), ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
}

TEST_P(TcpTest, BindToAPortInUseIsEaddrinuse) {
  Socket l = listener();
  Socket s = net().socket();
  std::error_code ec;
  s.bind(l.getsockname(), ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  EXPECT_EQ(thrown_code<Error>([&] { s.bind(l.getsockname()); }), errno_code(EADDRINUSE));
  // SO_REUSEADDR does not share a port with a listener.
  Socket r = net().socket();
  r.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  r.bind(l.getsockname(), ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
}

TEST_P(TcpTest, SoReuseaddrRebindsAPortInTimeWait) {
  // The seed's closing note: the side that closes first leaves the port in TIME_WAIT.
  Socket l = net().socket();
  l.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  l.bind(loopback());
  l.listen(1);
  const Address addr = l.getsockname();
  Socket c = net().socket();
  c.connect(addr);
  auto [conn, peer] = l.accept();
  conn.close();                   // the server closes first ...
  EXPECT_EQ(c.recv(10), "");      // ... the client sees the FIN ...
  c.close();                      // ... and closes too
  l.close();
  Socket plain = net().socket();
  std::error_code ec;
  plain.bind(addr, ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  Socket reuse = net().socket();
  reuse.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  reuse.bind(addr, ec);
  EXPECT_FALSE(ec) << ec.message();
  reuse.listen(1);
}

TEST_P(TcpTest, ListenForcesANegativeBacklogToZero) {
  Socket s = net().socket();
  s.bind(loopback());
  s.listen(-5);
  Socket c = net().socket();
  c.connect(s.getsockname());  // one connection fits a backlog of 0
  EXPECT_EQ(s.accept().second, c.getsockname());
}

TEST_P(TcpTest, CloseReleasesTheSocket) {
  auto [c, s] = tcp_pair();
  EXPECT_GE(c.fileno(), 0);
  c.close();
  EXPECT_FALSE(c.is_open());
  EXPECT_EQ(c.fileno(), -1);
  EXPECT_EQ(c.family(), 0);
  c.close();  // twice is fine
  std::error_code ec;
  c.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  c.getsockname(ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  EXPECT_EQ(thrown_code<Error>([&] { c.recv(1); }), errno_code(EBADF));
  EXPECT_EQ(s.recv(10), "");  // the peer sees EOF
}

TEST_P(TcpTest, Ipv6ConnectAndAddresses) {
  if (skip_without_ipv6()) GTEST_SKIP() << "no IPv6";
  Socket l = listener(AF_INET6);
  const Address addr = l.getsockname();
  EXPECT_EQ(addr.family(), AF_INET6);
  EXPECT_EQ(addr.host(), "::1");
  EXPECT_EQ(addr.flowinfo(), 0u);
  EXPECT_EQ(addr.scope_id(), 0u);
  Socket c = net().socket(AF_INET6);
  EXPECT_EQ(c.getsockname(), Address::inet6("::", 0, 0, 0));
  c.connect(Address::inet("::1", addr.port()));  // (host, port) is taken as (host, port, 0, 0)
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, c.getsockname());
  EXPECT_EQ(c.getpeername(), addr);
  c.sendall("six");
  EXPECT_EQ(conn.recv(10), "six");
}

}  // namespace socksim::conformance
