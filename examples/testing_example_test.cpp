// examples/testing_example_test.cpp - testing network code with socksim and GoogleTest.
//
// The code under test is a client of a small line protocol ("GET key\n" -> "value\n"), written
// against socksim::Network as production code would be. The tests use what docs/testing.md
// describes: SimTest, the error matchers, one suite on both backends, and MockNetwork /
// MockSocket delegating to the sim. Linked with socksim::gtest_main.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "socksim/mock.hpp"
#include "socksim/testing.hpp"

// --- the code under test ---------------------------------------------------------------------

namespace kv {

// Connects to host:port (a name or an address); every later call waits at most `timeout` seconds.
socksim::Socket connect(socksim::Network& net, const std::string& host, int port, double timeout) {
  return net.create_connection(socksim::Address::inet(host, port), timeout);
}

// Sends "GET <key>\n" and returns the reply line, however its bytes arrive.
std::string get(socksim::Socket& s, const std::string& key) {
  s.sendall("GET " + key + "\n");
  std::string reply;
  while (reply.empty() || reply.back() != '\n') {
    const std::string chunk = s.recv(4096);
    if (chunk.empty()) throw std::runtime_error("kv: connection closed before the reply");
    reply += chunk;
  }
  reply.pop_back();
  return reply;
}

// Serves `connections` clients one after the other: "GET <key>" is answered "<key>=1".
void serve(socksim::Socket& listener, int connections) {
  for (int i = 0; i < connections; ++i) {
    auto [conn, peer] = listener.accept();
    std::string request;
    while (request.empty() || request.back() != '\n') request += conn.recv(4096);
    conn.sendall(request.substr(4, request.size() - 5) + "=1\n");
  }
}

}  // namespace kv

namespace {

using socksim::Address;
using socksim::testing::HasErrno;
using socksim::testing::IsGaiError;
using socksim::testing::IsTimeout;
using socksim::testing::ThrowsSocketError;
using ::testing::_;

// A listening socket on loopback, port 0.
socksim::Socket listen_on_loopback(socksim::Network& net) {
  auto listener = net.socket();
  listener.bind(Address::inet("127.0.0.1", 0));
  listener.listen(4);
  return listener;
}

// --- SimTest -----------------------------------------------------------------------------------

class KvTest : public socksim::testing::SimTest {};

TEST_F(KvTest, GetsAValue) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { kv::serve(listener, 1); });
  auto s = kv::connect(net(), "127.0.0.1", listener.getsockname().port(), 5.0);
  EXPECT_EQ(kv::get(s, "color"), "color=1");
  server.join();
}

TEST_F(KvTest, SilentServerTimesOutInVirtualTime) {
  auto listener = listen_on_loopback(net());  // accepts into its backlog, never answers
  auto s = kv::connect(net(), "127.0.0.1", listener.getsockname().port(), 5.0);
  const auto start = net().now();
  EXPECT_THAT([&] { kv::get(s, "color"); }, IsTimeout());
  EXPECT_EQ(net().now() - start, std::chrono::seconds(5));  // 5 virtual seconds, no wall time
}

TEST_F(KvTest, NobodyListening) {
  EXPECT_THAT([&] { kv::connect(net(), "127.0.0.1", 7000, 5.0); }, ThrowsSocketError(ECONNREFUSED));
}

TEST_F(KvTest, NobodyListeningWithoutExceptions) {
  auto s = net().socket();
  std::error_code ec;
  s.connect(Address::inet("127.0.0.1", 7000), ec);
  EXPECT_THAT(ec, HasErrno(ECONNREFUSED));
}

// A fixture with its own network: a DNS name for the server.
class KvByNameTest : public socksim::testing::SimTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    auto config = SimTest::MakeConfig(seed);  // config.seed = seed
    config.dns.records.push_back({"kv.internal", {"127.0.0.1"}, {}, {}});
    return config;
  }
};

TEST_F(KvByNameTest, ConnectsByName) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { kv::serve(listener, 1); });
  auto s = kv::connect(net(), "kv.internal", listener.getsockname().port(), 5.0);
  EXPECT_EQ(kv::get(s, "color"), "color=1");
  server.join();
}

// --- one suite, both backends ------------------------------------------------------------------

class KvOnBothBackends : public socksim::testing::BackendTest {};

TEST_P(KvOnBothBackends, GetsAValue) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { kv::serve(listener, 2); });
  for (const char* key : {"color", "size"}) {
    auto s = kv::connect(net(), "127.0.0.1", listener.getsockname().port(), 5.0);
    EXPECT_EQ(kv::get(s, key), std::string(key) + "=1");
  }
  server.join();
}

SOCKSIM_INSTANTIATE_BACKENDS(KvOnBothBackends);

// --- MockNetwork: one lookup fails, the rest reach the sim ---------------------------------------

TEST(KvMock, TemporaryDnsFailureReachesTheCaller) {
  socksim::SimNetwork::Config config;
  config.dns.records.push_back({"kv.internal", {"127.0.0.1"}, {}, {}});
  ::testing::NiceMock<socksim::MockNetwork> net;
  socksim::SimNetwork& sim = net.DelegateToSim(config);

  auto listener = listen_on_loopback(sim);
  const int port = listener.getsockname().port();
  auto server = sim.spawn("server", [&] { kv::serve(listener, 1); });

  EXPECT_CALL(net, do_getaddrinfo(::testing::Optional(std::string("kv.internal")), _, _, _, _, _, _))
      .WillOnce(socksim::FailWith<std::vector<socksim::AddrInfo>>(socksim::gai_code(socksim::EAI_AGAIN)))
      .WillOnce(::testing::DoDefault());

  EXPECT_THAT([&] { kv::connect(net, "kv.internal", port, 5.0); }, IsGaiError(socksim::EAI_AGAIN));
  auto s = kv::connect(net, "kv.internal", port, 5.0);  // this lookup goes to the sim
  EXPECT_EQ(kv::get(s, "color"), "color=1");
  server.join();
}

// --- MockSocket: the reply arrives one byte per recv ---------------------------------------------

TEST(KvMock, ReplyOneByteAtATime) {
  socksim::SimNetwork sim;
  auto listener = listen_on_loopback(sim);
  auto server = sim.spawn("server", [&] { kv::serve(listener, 1); });
  auto connected = kv::connect(sim, "127.0.0.1", listener.getsockname().port(), 5.0);

  auto mock = std::make_shared<::testing::NiceMock<socksim::MockSocket>>(connected.impl());
  ON_CALL(*mock, recv_into)
      .WillByDefault([impl = connected.impl()](std::span<char> buffer, int flags, Address* from,
                                               std::error_code& ec) {
        return impl->recv_into(buffer.first(1), flags, from, ec);
      });
  EXPECT_CALL(*mock, recv_into).Times(8);  // "color=1\n"
  socksim::Socket one_byte(mock);

  EXPECT_EQ(kv::get(one_byte, "color"), "color=1");
  server.join();
}

}  // namespace
