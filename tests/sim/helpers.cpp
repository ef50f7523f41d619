#include "helpers.hpp"

#include <gtest/gtest.h>

namespace socksim::simtest {

sim::TcpSocket& tcp_of(const Socket& s) {
  auto* impl = dynamic_cast<sim::SimSocketImpl*>(s.impl().get());
  if (!impl) throw std::logic_error("not a sim socket");
  auto* t = dynamic_cast<sim::TcpSocket*>(impl->socket().get());
  if (!t) throw std::logic_error("not a TCP socket");
  return *t;
}

std::shared_ptr<sim::TcpSocket> watch(const Socket& s) {
  auto* impl = dynamic_cast<sim::SimSocketImpl*>(s.impl().get());
  if (!impl) throw std::logic_error("not a sim socket");
  return std::dynamic_pointer_cast<sim::TcpSocket>(impl->socket());
}

SimNetwork::Config with_loopback_latency(std::chrono::nanoseconds latency, std::uint64_t seed) {
  SimNetwork::Config c;
  c.seed = seed;
  SimNetwork::LinkConfig link;
  link.from = "localhost";
  link.to = "localhost";
  link.latency = latency;
  c.links.push_back(link);
  return c;
}

Pair established_pair(SimNetwork& net, int family) {
  Socket l = net.socket(family, SOCK_STREAM);
  l.bind(family == AF_INET ? Address::inet("127.0.0.1", 0) : Address::inet6("::1", 0));
  l.listen(5);
  Pair p;
  p.server_addr = l.getsockname();
  p.client = net.socket(family, SOCK_STREAM);
  p.client.connect(p.server_addr);
  p.server = l.accept().first;
  return p;
}

}  // namespace socksim::simtest
