// The conformance fixture's helpers.
#include "conformance.hpp"

namespace socksim::conformance {

void ConformanceTest::SetUp() {
  net_ = GetParam().make();
  ASSERT_NE(net_, nullptr);
}

void ConformanceTest::TearDown() {
  if (!tmpdir_.empty()) net_->remove_tree(tmpdir_);
  net_.reset();
}

Address ConformanceTest::loopback(int family) {
  return family == AF_INET6 ? Address::inet6("::1", 0) : Address::inet("127.0.0.1", 0);
}

Socket ConformanceTest::listener(int family, int backlog) {
  Socket s = net().socket(family, SOCK_STREAM);
  s.bind(loopback(family));
  s.listen(backlog);
  return s;
}

TcpPair ConformanceTest::tcp_pair(int family) {
  Socket l = listener(family);
  Socket client = net().socket(family, SOCK_STREAM);
  client.connect(l.getsockname());  // completes into the backlog; accept needs no other task
  auto [server, peer] = l.accept();
  EXPECT_EQ(peer, client.getsockname());
  return {std::move(client), std::move(server)};
}

Socket ConformanceTest::udp_socket(int family) {
  Socket s = net().socket(family, SOCK_DGRAM);
  s.bind(loopback(family));
  return s;
}

Address ConformanceTest::closed_port(int family) {
  Socket probe = net().socket(family, SOCK_STREAM);
  probe.bind(loopback(family));
  Address a = probe.getsockname();
  probe.close();
  return a;
}

const std::string& ConformanceTest::tmpdir() {
  if (tmpdir_.empty()) tmpdir_ = net().mkdtemp();
  return tmpdir_;
}

bool ConformanceTest::skip_without_ipv6() { return !net().has_ipv6(); }

}  // namespace socksim::conformance
