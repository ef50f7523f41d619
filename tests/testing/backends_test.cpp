// BackendTest and SOCKSIM_INSTANTIATE_BACKENDS: one suite, run on the sim and on the real backend.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "socksim/testing.hpp"

namespace {

using socksim::Address;
using socksim::testing::BackendTest;
using socksim::testing::IsTimeout;
using socksim::testing::ThrowsSocketError;

class BothBackends : public BackendTest {};

TEST_P(BothBackends, NetIsTheNamedBackend) {
  EXPECT_EQ(net().backend_name(), backend());
  EXPECT_EQ(is_sim(), backend() == "sim");
  EXPECT_EQ(sim() != nullptr, backend() == "sim");
  EXPECT_EQ(socksim::testing::CurrentTestFullName(), "Backends/BothBackends.NetIsTheNamedBackend/" + backend());
}

TEST_P(BothBackends, SimIsSeededFromTheFullName) {
  if (!is_sim()) return;  // the real backend has no seed
  if (socksim::testing::SeedFlag() || std::getenv("SOCKSIM_SEED") != nullptr) GTEST_SKIP() << "a seed is forced";
  EXPECT_EQ(seed(), socksim::testing::SeedFromName("Backends/BothBackends.SimIsSeededFromTheFullName/sim"));
  EXPECT_EQ(sim()->config().seed, seed());
}

TEST_P(BothBackends, EchoOverLoopback) {
  auto listener = net().socket();
  listener.bind(Address::inet("127.0.0.1", 0));
  listener.listen(1);
  auto client = net().socket();
  client.connect(listener.getsockname());
  auto [server, peer] = listener.accept();
  EXPECT_EQ(peer, client.getsockname());
  client.sendall("hello");
  std::string got;
  while (got.size() < 5) got += server.recv(16);
  EXPECT_EQ(got, "hello");
}

TEST_P(BothBackends, RefusedAndTimedOutAlike) {
  auto probe = net().socket();
  probe.bind(Address::inet("127.0.0.1", 0));
  const Address closed = probe.getsockname();
  probe.close();
  auto client = net().socket();
  EXPECT_THAT([&] { client.connect(closed); }, ThrowsSocketError(ECONNREFUSED));

  auto udp = net().socket(socksim::AF_INET, socksim::SOCK_DGRAM);
  udp.bind(Address::inet("127.0.0.1", 0));
  udp.settimeout(0.1);
  const auto start = net().now();
  EXPECT_THAT([&] { udp.recv(16); }, IsTimeout());
  EXPECT_GE(net().now() - start, std::chrono::milliseconds(100));
}

SOCKSIM_INSTANTIATE_BACKENDS(BothBackends);

// A suite with its own sim configuration: the real backend ignores it.
class WithHosts : public BackendTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    auto config = BackendTest::MakeConfig(seed);
    config.dns.records.push_back({"svc.test", {"127.0.0.1"}, {}, {}});
    return config;
  }
};

TEST_P(WithHosts, SimKnowsTheConfiguredName) {
  if (!is_sim()) {
    EXPECT_EQ(sim(), nullptr);
    return;
  }
  EXPECT_EQ(net().gethostbyname("svc.test"), "127.0.0.1");
}

SOCKSIM_INSTANTIATE_BACKENDS(WithHosts);

}  // namespace
