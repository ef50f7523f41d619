// Hosts: names and addresses, per-host ports and loopback, DNS records for hosts, many hosts.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "socksim/errors.hpp"

namespace socksim::simtest {
namespace {

TEST(SimHosts, EachHostAnswersItsOwnName) {
  SimNetwork::Config config;
  config.hosts.push_back({"alpha", {"10.0.0.1", "fd00::1"}, {"alpha.example"}});
  SimNetwork net(config);
  EXPECT_EQ(net.gethostname(), "localhost");
  std::string inside;
  net.spawn_on("alpha", "t", [&] { inside = net.gethostname(); }).join();
  EXPECT_EQ(inside, "alpha");
  EXPECT_EQ(net.gethostbyname("alpha"), "10.0.0.1");
  EXPECT_EQ(net.gethostbyname("alpha.example"), "10.0.0.1");
}

TEST(SimHosts, BindOnlyTheHostsOwnAddresses) {
  SimNetwork::Config config;
  config.hosts.push_back({"alpha", {"10.0.0.1"}, {}});
  SimNetwork net(config);
  std::error_code ec;
  Socket s = net.socket();
  s.bind(Address::inet("10.0.0.1", 0), ec);  // the root task is on localhost
  EXPECT_EQ(ec, errno_code(EADDRNOTAVAIL));
  net.spawn_on("alpha", "t", [&] {
    Socket t = net.socket();
    t.bind(Address::inet("10.0.0.1", 0), ec);
  }).join();
  EXPECT_FALSE(ec);
}

TEST(SimHosts, PortsAndLoopbackArePerHost) {
  SimNetwork::Config config;
  config.hosts.push_back({"alpha", {"10.0.0.1"}, {}});
  SimNetwork net(config);
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 5000));
  l.listen(1);
  std::error_code bind_ec, connect_ec;
  net.spawn_on("alpha", "t", [&] {
    Socket other = net.socket();
    other.bind(Address::inet("127.0.0.1", 5000), bind_ec);  // alpha's own port 5000
    Socket c = net.socket();
    c.connect(Address::inet("127.0.0.1", 4999), connect_ec);  // alpha's loopback, not ours
  }).join();
  EXPECT_FALSE(bind_ec);
  EXPECT_EQ(connect_ec, errno_code(ECONNREFUSED));
}

TEST(SimHosts, ConnectionsBetweenHostsSeeEachOthersAddresses) {
  SimNetwork::Config config;
  config.hosts.push_back({"server", {"10.0.0.1"}, {}});
  config.hosts.push_back({"client", {"10.0.0.2"}, {}});
  SimNetwork net(config);
  Address seen_peer;
  Socket l;
  Task server = net.spawn_on("server", "server", [&] {
    l = net.socket();
    l.bind(Address::inet("", 80));
    l.listen(1);
    auto [s, peer] = l.accept();
    seen_peer = peer;
    s.sendall(net.gethostname());
  });
  std::string reply;
  Address local;
  net.spawn_on("client", "client", [&] {
    Socket c = net.create_connection(Address::inet("server", 80));
    local = c.getsockname();
    reply = c.recv(100);
  }).join();
  server.join();
  EXPECT_EQ(reply, "server");
  EXPECT_EQ(seen_peer, local);
  EXPECT_EQ(local.host(), "10.0.0.2");
}

TEST(SimHosts, ManyHosts) {
  constexpr int kHosts = 100;
  SimNetwork::Config config;
  for (int i = 0; i < kHosts; ++i)
    config.hosts.push_back({"h" + std::to_string(i), {"10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)}, {}});
  SimNetwork net(config);
  std::vector<Task> servers;
  for (int i = 0; i < kHosts; ++i)
    servers.push_back(net.spawn_on("h" + std::to_string(i), "srv" + std::to_string(i), [&net] {
      Socket l = net.socket();
      l.bind(Address::inet("", 9000));
      l.listen(1);
      Socket s = l.accept().first;
      s.sendall(net.gethostname());
    }));
  for (int i = 0; i < kHosts; ++i) {
    Socket c = net.create_connection(Address::inet("h" + std::to_string(i), 9000));
    EXPECT_EQ(c.recv(100), "h" + std::to_string(i));
  }
  for (auto& t : servers) t.join();
}

TEST(SimHosts, UnknownHostsInTheConfigAreRefused) {
  SimNetwork::Config config;
  config.root_host = "nowhere";
  EXPECT_THROW(SimNetwork{config}, std::invalid_argument);
  SimNetwork::Config bad_addr;
  bad_addr.hosts.push_back({"x", {"not-an-address"}, {}});
  EXPECT_THROW(SimNetwork{bad_addr}, std::invalid_argument);
}

}  // namespace
}  // namespace socksim::simtest
