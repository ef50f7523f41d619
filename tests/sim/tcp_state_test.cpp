// The TCP state machine, each test from a built state: the state, the event, the outcome, and
// the virtual time of each step. The loopback has 1 ms of one-way latency so that packets are
// seen in flight.
#include <gtest/gtest.h>

#include <cerrno>
#include <sstream>

#include "helpers.hpp"
#include "socksim/errors.hpp"

namespace socksim::simtest {
namespace {

using sim::TcpState;
using namespace std::chrono_literals;

constexpr double kMs = 1e-3;

class TcpStateTest : public ::testing::Test {
 protected:
  SimNetwork net{with_loopback_latency(1ms)};
};

TEST_F(TcpStateTest, closed_nonblocking_connect_goes_syn_sent_then_established) {
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  Socket c = net.socket();
  c.setblocking(false);
  EXPECT_EQ(c.connect_ex(l.getsockname()), EINPROGRESS);  // t = 0
  EXPECT_EQ(tcp_of(c).state(), TcpState::SYN_SENT);
  net.sleep(1.5 * kMs);  // t = 1.5 ms: the SYN arrived, the SYN+ACK is on its way
  EXPECT_EQ(tcp_of(c).state(), TcpState::SYN_SENT);
  net.sleep(1 * kMs);  // t = 2.5 ms: the SYN+ACK arrived
  EXPECT_EQ(tcp_of(c).state(), TcpState::ESTABLISHED);
  EXPECT_EQ(c.connect_ex(l.getsockname()), 0);  // told once
  EXPECT_EQ(c.connect_ex(l.getsockname()), EISCONN);
}

TEST_F(TcpStateTest, syn_sent_rst_refuses_connect) {
  Socket probe = net.socket();
  probe.bind(Address::inet("127.0.0.1", 0));
  const Address dead = probe.getsockname();
  probe.close();
  Socket c = net.socket();
  std::error_code ec;
  c.connect(dead, ec);  // SYN at 0, RST back at 2 ms
  EXPECT_EQ(ec, errno_code(ECONNREFUSED));
  EXPECT_DOUBLE_EQ(vsec(net), 2 * kMs);
  EXPECT_EQ(tcp_of(c).state(), TcpState::CLOSED);
}

TEST_F(TcpStateTest, syn_sent_to_an_address_nobody_has_times_out_after_127_seconds) {
  SimNetwork::Config config = with_loopback_latency(1ms);
  config.hosts.push_back({"far", {"10.0.0.9"}, {}});
  SimNetwork far_net(config);
  Socket c = far_net.socket();
  std::error_code ec;
  c.connect(Address::inet("10.0.0.77", 80), ec);  // SYN retried after 1, 2, 4, ..., 64 s
  EXPECT_EQ(ec, errno_code(ETIMEDOUT));
  EXPECT_DOUBLE_EQ(vsec(far_net), 127.0);
}

TEST_F(TcpStateTest, listen_full_backlog_drops_the_syn_and_the_retry_gets_in) {
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(0);  // room for one connection
  const Address addr = l.getsockname();
  Socket first = net.socket();
  first.connect(addr);  // t = 2 ms
  Socket second = net.socket();
  second.setblocking(false);
  EXPECT_EQ(second.connect_ex(addr), EINPROGRESS);
  net.sleep(10 * kMs);
  EXPECT_EQ(tcp_of(second).state(), TcpState::SYN_SENT);  // its SYN was dropped
  l.accept();  // room again; the SYN is retried 1 s after it was sent
  net.sleep(1.0);
  EXPECT_EQ(tcp_of(second).state(), TcpState::ESTABLISHED);
  EXPECT_NEAR(vsec(net), 1.012, 1e-9);
}

TEST_F(TcpStateTest, established_close_goes_fin_wait_then_time_wait_for_60_seconds) {
  Pair p = established_pair(net);  // t = 3 ms
  const double t0 = vsec(net);
  auto watched_client = watch(p.client);
  sim::TcpSocket& client = *watched_client;
  p.client.close();
  EXPECT_EQ(client.state(), TcpState::FIN_WAIT_1);
  net.sleep(2.5 * kMs);  // FIN arrived (t0 + 1 ms), its ACK too (t0 + 2 ms)
  EXPECT_EQ(client.state(), TcpState::FIN_WAIT_2);
  EXPECT_EQ(tcp_of(p.server).state(), TcpState::CLOSE_WAIT);
  EXPECT_EQ(p.server.recv(10), "");  // end of stream
  auto watched_server = watch(p.server);
  sim::TcpSocket& server = *watched_server;
  p.server.close();
  EXPECT_EQ(server.state(), TcpState::LAST_ACK);
  net.sleep(2.5 * kMs);
  EXPECT_EQ(server.state(), TcpState::CLOSED);
  EXPECT_EQ(client.state(), TcpState::TIME_WAIT);
  const double tw = vsec(net) - 1.5 * kMs;  // the server's FIN arrived 1.5 ms ago
  net.sleep(60.0 - 2 * kMs);
  EXPECT_EQ(client.state(), TcpState::TIME_WAIT);
  net.sleep(1 * kMs);  // t = tw + 60 s - 0.5 ms ... tw + 60 s + 0.5 ms
  EXPECT_EQ(client.state(), TcpState::CLOSED);
  EXPECT_GT(vsec(net), tw + 60.0);
  EXPECT_GT(tw, t0);
}

TEST_F(TcpStateTest, time_wait_holds_the_port_until_it_expires) {
  SimNetwork fast;  // no latency
  Socket l = fast.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  Socket c = fast.socket();
  c.bind(Address::inet("127.0.0.1", 0));
  const Address port = c.getsockname();
  c.connect(l.getsockname());
  Socket s = l.accept().first;
  c.close();  // the active closer
  s.close();
  std::error_code ec;
  Socket again = fast.socket();
  again.bind(port, ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));  // t = 0: TIME_WAIT
  fast.sleep(59.999);
  again.bind(port, ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  fast.sleep(0.001);  // t = 60 s: gone
  again.bind(port, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_DOUBLE_EQ(vsec(fast), 60.0);
}

TEST_F(TcpStateTest, many_closed_connections_hold_their_ports_in_time_wait_and_end_together) {
  // 2,000 connections on one listener, each closed by the server first, each closed end in
  // TIME_WAIT on the listener's port: each ends exactly 60 s after it began, with its trace line.
  SimNetwork fast;
  std::ostringstream trace;
  fast.set_trace_output(&trace);
  Socket l = fast.socket();
  l.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(16);
  const Address where = l.getsockname();
  constexpr int kConns = 2000;
  for (int i = 0; i < kConns; ++i) {
    if (i == kConns / 2) fast.sleep(10.0);  // the second half enters TIME_WAIT 10 s later
    Socket c = fast.socket();
    c.connect(where);
    Socket s = l.accept().first;
    s.close();  // the active closer: its end goes to TIME_WAIT
    EXPECT_EQ(c.recv(1), "");
    c.close();
  }
  auto expiries = [&trace] {
    std::size_t n = 0;
    const std::string t = trace.str();
    for (std::size_t at = t.find("\"from\":\"TIME_WAIT\""); at != std::string::npos;
         at = t.find("\"from\":\"TIME_WAIT\"", at + 1))
      ++n;
    return n;
  };
  // The listener's port is held by the listener itself and the TIME_WAIT ends: a socket without
  // SO_REUSEADDR cannot bind it even once the listener is gone.
  l.close();
  std::error_code ec;
  Socket again = fast.socket();
  again.bind(where, ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  fast.sleep(49.999);  // t = 59.999 s: the first half is still there
  EXPECT_EQ(expiries(), 0u);
  fast.sleep(0.002);  // t = 60.001 s: the first half ended
  EXPECT_EQ(expiries(), static_cast<std::size_t>(kConns / 2));
  again.bind(where, ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));  // the second half still holds the port
  fast.sleep(10.0);
  EXPECT_EQ(expiries(), static_cast<std::size_t>(kConns));
  again.bind(where, ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(TcpStateTest, time_wait_port_is_reusable_when_both_sockets_set_so_reuseaddr) {
  SimNetwork fast;
  for (bool old_reuse : {false, true}) {
    Socket l = fast.socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(1);
    Socket c = fast.socket();
    c.setsockopt(SOL_SOCKET, SO_REUSEADDR, old_reuse ? 1 : 0);
    c.bind(Address::inet("127.0.0.1", 0));
    const Address port = c.getsockname();
    c.connect(l.getsockname());
    Socket s = l.accept().first;
    c.close();
    s.close();  // c's side is in TIME_WAIT
    Socket again = fast.socket();
    again.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    std::error_code ec;
    again.bind(port, ec);
    if (old_reuse)
      EXPECT_FALSE(ec) << ec.message();
    else
      EXPECT_EQ(ec, errno_code(EADDRINUSE));
  }
}

TEST_F(TcpStateTest, established_close_with_unread_data_resets_the_peer) {
  Pair p = established_pair(net);
  p.client.sendall("unread");
  net.sleep(1 * kMs);  // arrived
  EXPECT_EQ(tcp_of(p.server).unread(), 6u);
  auto server = watch(p.server);
  p.server.close();  // RST instead of FIN
  EXPECT_EQ(server->state(), TcpState::CLOSED);
  net.sleep(1 * kMs);
  EXPECT_EQ(tcp_of(p.client).state(), TcpState::CLOSED);
  std::error_code ec;
  p.client.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(ECONNRESET));
  p.client.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));  // the error was told: now the pipe is broken
}

TEST_F(TcpStateTest, established_linger_zero_close_resets_the_peer) {
  Pair p = established_pair(net);
  const char linger[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  p.client.setsockopt(SOL_SOCKET, SO_LINGER, std::string_view(linger, 8));
  p.client.close();
  net.sleep(1 * kMs);
  EXPECT_EQ(tcp_of(p.server).state(), TcpState::CLOSED);
  EXPECT_EQ(p.server.getsockopt(SOL_SOCKET, SO_ERROR), ECONNRESET);
}

TEST_F(TcpStateTest, close_wait_send_to_a_closed_peer_is_reset_then_epipe) {
  Pair p = established_pair(net);
  p.server.close();  // FIN
  net.sleep(2.5 * kMs);
  EXPECT_EQ(tcp_of(p.client).state(), TcpState::CLOSE_WAIT);
  EXPECT_EQ(p.client.send("x"), 1u);  // accepted; the closed end answers RST
  net.sleep(2.5 * kMs);
  EXPECT_EQ(tcp_of(p.client).state(), TcpState::CLOSED);
  std::error_code ec;
  p.client.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
}

TEST_F(TcpStateTest, established_shutdown_wr_sends_fin_and_keeps_reading) {
  Pair p = established_pair(net);
  p.client.shutdown(SHUT_WR);
  EXPECT_EQ(tcp_of(p.client).state(), TcpState::FIN_WAIT_1);
  EXPECT_EQ(p.server.recv(10), "");  // waits 1 ms for the FIN
  EXPECT_EQ(tcp_of(p.server).state(), TcpState::CLOSE_WAIT);
  p.server.sendall("late");
  EXPECT_EQ(p.client.recv(10), "late");
  std::error_code ec;
  p.client.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
}

TEST_F(TcpStateTest, flow_control_parks_a_blocking_sender_until_the_reader_reads) {
  Pair p = established_pair(net);
  p.client.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
  p.server.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);
  const std::string big(100000, 'x');
  Task writer = net.spawn("writer", [&] { p.client.sendall(big); });
  std::string got;
  while (got.size() < big.size()) got += p.server.recv(65536);
  writer.join();
  EXPECT_EQ(got, big);
}

TEST_F(TcpStateTest, nonblocking_send_fills_both_buffers_then_eagain) {
  SimNetwork fast;
  Socket l = fast.socket();
  l.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);  // 8192: a 4096-byte window, inherited
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  Pair p;
  p.client = fast.socket();
  p.client.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);  // 8192: 6144 bytes of payload
  p.client.connect(l.getsockname());
  p.server = l.accept().first;
  p.client.setblocking(false);
  const std::string big(1000000, 'x');
  EXPECT_EQ(p.client.send(big), 6144u);
  EXPECT_EQ(p.client.send(big), 4096u);
  std::error_code ec;
  p.client.send(big, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
  EXPECT_EQ(p.server.recv(1000000).size(), 4096u);
}

}  // namespace
}  // namespace socksim::simtest
