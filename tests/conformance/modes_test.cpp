// The seed's three modes: blocking (timeout None), non-blocking (0.0) and timeout (> 0), set by
// setblocking and settimeout, read by gettimeout; MSG_DONTWAIT; timeouts of every waiting call.
#include <cerrno>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

namespace {
// Makes `s`'s buffers small so that a peer that does not read fills them quickly.
void small_buffers(Socket& s) {
  s.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
  s.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);
}
}  // namespace

TEST_P(ModesTest, SetblockingAndSettimeoutAreOneSetting) {
  Socket s = net().socket();
  EXPECT_EQ(s.gettimeout(), std::nullopt);  // sockets start blocking
  s.setblocking(false);
  EXPECT_EQ(s.gettimeout(), 0.0);
  s.setblocking(true);
  EXPECT_EQ(s.gettimeout(), std::nullopt);
  s.settimeout(2.5);
  EXPECT_EQ(s.gettimeout(), 2.5);
  s.settimeout(0.0);
  EXPECT_EQ(s.gettimeout(), 0.0);
  s.settimeout(std::nullopt);
  EXPECT_EQ(s.gettimeout(), std::nullopt);
  std::error_code ec;
  s.settimeout(-1.0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
  EXPECT_THROW(s.settimeout(-0.001), ValueError);
  EXPECT_EQ(s.gettimeout(), std::nullopt);
  s.setblocking(false, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(s.gettimeout(ec), 0.0);
}

TEST_P(ModesTest, NonBlockingRecvAndAcceptFailWithEagain) {
  auto [c, s] = tcp_pair();
  s.setblocking(false);
  std::error_code ec;
  s.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
  EXPECT_EQ(thrown_code<Error>([&] { s.recv(10); }), errno_code(EAGAIN));
  c.sendall("now");
  EXPECT_EQ(s.recv(10), "now");  // a non-blocking call that can complete does
  Socket l = listener();
  l.setblocking(false);
  l.accept(ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
}

TEST_P(ModesTest, NonBlockingConnectIsInProgressThenCompletes) {
  Socket l = listener();
  Socket c = net().socket();
  c.setblocking(false);
  std::error_code ec;
  c.connect(l.getsockname(), ec);
  EXPECT_EQ(ec, errno_code(EINPROGRESS));
  // Wait for it to be writable, then ask SO_ERROR.
  auto ready = net().select({}, {&c}, {}, 5.0);
  ASSERT_EQ(ready.writable.size(), 1u);
  EXPECT_EQ(c.getsockopt(SOL_SOCKET, SO_ERROR), 0);
  EXPECT_EQ(c.getpeername(), l.getsockname());
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, c.getsockname());
}

TEST_P(ModesTest, NonBlockingConnectExReportsEinprogressAndRefusal) {
  const Address closed = closed_port();
  Socket c = net().socket();
  c.setblocking(false);
  EXPECT_EQ(c.connect_ex(closed), EINPROGRESS);
  auto ready = net().select({}, {&c}, {}, 5.0);
  ASSERT_EQ(ready.writable.size(), 1u);
  EXPECT_EQ(c.getsockopt(SOL_SOCKET, SO_ERROR), ECONNREFUSED);
  EXPECT_EQ(c.getsockopt(SOL_SOCKET, SO_ERROR), 0);  // reading SO_ERROR clears it
}

TEST_P(ModesTest, NonBlockingSendStopsWhenTheBuffersAreFull) {
  auto [c, s] = tcp_pair();
  small_buffers(c);
  small_buffers(s);
  c.setblocking(false);
  const std::string chunk(16384, 'x');
  std::size_t total = 0;
  std::error_code ec;
  for (int i = 0; i < 100000 && !ec; ++i) total += c.send(chunk, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
  EXPECT_GT(total, 0u);
  // sendall in non-blocking mode fails the same way, after sending what fits.
  c.sendall(chunk, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
}

TEST_P(ModesTest, MsgDontwaitNeverWaitsEvenInBlockingMode) {
  auto [c, s] = tcp_pair();
  ASSERT_EQ(s.gettimeout(), std::nullopt);
  std::error_code ec;
  s.recv(10, MSG_DONTWAIT, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
  c.sendall("here");
  EXPECT_EQ(s.recv(10, MSG_DONTWAIT), "here");
  EXPECT_EQ(s.gettimeout(), std::nullopt);
}

TEST_P(ModesTest, RecvTimesOut) {
  auto [c, s] = tcp_pair();
  s.settimeout(0.1);
  const auto start = net().now();
  std::error_code ec;
  s.recv(10, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_GE(since(start), 0.1);
  EXPECT_LT(since(start), 5.0);
  try {
    s.recv(10);
    ADD_FAILURE() << "no timeout";
  } catch (const Timeout& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), make_error_code(errc::timeout));
  }
  // The connection is still usable.
  c.sendall("late");
  EXPECT_EQ(s.recv(10), "late");
}

TEST_P(ModesTest, TimeoutModeReturnsAsSoonAsDataIsThere) {
  auto [c, s] = tcp_pair();
  s.settimeout(5.0);
  // Before the spawn: a writer thread may start its sleep before the spawn returns.
  const auto start = net().now();
  Task writer = net().spawn("writer", [&, conn = std::make_shared<Socket>(std::move(c))] {
    net().sleep(0.05);
    conn->sendall("in time");
  });
  EXPECT_EQ(s.recv(100), "in time");
  EXPECT_GE(since(start), 0.05);
  EXPECT_LT(since(start), 5.0);
  writer.join();
}

TEST_P(ModesTest, AcceptTimesOut) {
  Socket l = listener();
  l.settimeout(0.1);
  const auto start = net().now();
  std::error_code ec;
  l.accept(ec);
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_GE(since(start), 0.1);
  EXPECT_THROW(l.accept(), Timeout);
}

TEST_P(ModesTest, ConnectTimesOutOnAFullBacklog) {
  Socket l = listener(AF_INET, 0);
  Socket first = net().socket();
  first.connect(l.getsockname());  // fills the queue of a backlog of 0
  Socket c = net().socket();
  c.settimeout(0.2);
  const auto start = net().now();
  std::error_code ec;
  c.connect(l.getsockname(), ec);
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_GE(since(start), 0.2);
  EXPECT_LT(since(start), 5.0);
  Socket d = net().socket();
  d.settimeout(0.1);
  EXPECT_EQ(d.connect_ex(l.getsockname()), EAGAIN);  // connect_ex reports a timeout as EAGAIN
}

TEST_P(ModesTest, SendallTimeoutBoundsTheWholeCall) {
  auto [c, s] = tcp_pair();
  small_buffers(c);
  small_buffers(s);
  c.settimeout(0.2);
  const std::string big(8 << 20, 'x');  // far more than the buffers hold; nobody reads
  const auto start = net().now();
  std::error_code ec;
  c.sendall(big, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_GE(since(start), 0.2);
  EXPECT_LT(since(start), 5.0);
}

TEST_P(ModesTest, BlockingRecvWaitsForAWriterTask) {
  auto [c, s] = tcp_pair();
  const auto start = net().now();  // before the spawn, as above
  Task writer = net().spawn("writer", [&, conn = std::make_shared<Socket>(std::move(c))] {
    net().sleep(0.05);
    conn->sendall("worth the wait");
  });
  EXPECT_EQ(s.recv(100), "worth the wait");
  EXPECT_GE(since(start), 0.05);
  writer.join();
}

TEST_P(ModesTest, BlockingAcceptWaitsForAClientTask) {
  Socket l = listener();
  const Address addr = l.getsockname();
  Address client_addr;
  Task client = net().spawn("client", [&] {
    Socket c = net().socket();
    c.connect(addr);
    client_addr = c.getsockname();
    c.sendall("knock");
  });
  auto [conn, peer] = l.accept();
  EXPECT_EQ(conn.recv(100), "knock");
  client.join();
  EXPECT_EQ(peer, client_addr);
}

TEST_P(ModesTest, BlockingSendallWaitsForTheReaderToMakeRoom) {
  auto [c, s] = tcp_pair();
  c.setsockopt(SOL_SOCKET, SO_SNDBUF, 65536);
  s.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536);
  const std::string payload(4 << 20, 'z');  // many times what the buffers hold
  std::size_t received = 0;
  Task reader = net().spawn("reader", [&, conn = std::make_shared<Socket>(std::move(s))] {
    for (;;) {
      const std::string chunk = conn->recv(65536);
      if (chunk.empty()) break;
      received += chunk.size();
    }
  });
  c.sendall(payload);
  c.close();
  reader.join();
  EXPECT_EQ(received, payload.size());
}

TEST_P(ModesTest, EachSocketHasItsOwnMode) {
  auto [c, s] = tcp_pair();
  c.setblocking(false);
  EXPECT_EQ(c.gettimeout(), 0.0);
  EXPECT_EQ(s.gettimeout(), std::nullopt);
  s.settimeout(0.1);
  EXPECT_EQ(c.gettimeout(), 0.0);
}

}  // namespace socksim::conformance
