// examples/bugs/dns_retry_test.cpp - DNS faults: a temporary failure (fault::dns_fail with
// EAI_AGAIN) the buggy client gives up on and the fixed one outlasts, a name that does not exist,
// a slow lookup (fault::dns_delay), a record that changes while the client runs, and a
// MockNetwork checking that every attempt looks the name up again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bug_test_support.hpp"
#include "dns_retry.hpp"
#include "socksim/mock.hpp"
#include "socksim/sim.hpp"
#include "socksim/testing.hpp"

namespace {

using namespace std::chrono_literals;
using bugs::dns_retry::connect_by_name;
using bugs::dns_retry::connect_by_name_buggy;
using bugs::testing::listen_on_loopback;
using socksim::testing::IsGaiError;
using ::testing::_;
namespace fault = socksim::fault;

// Every test's network knows db.internal: 127.0.0.1.
class DnsTest : public socksim::testing::SimTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    auto config = SimTest::MakeConfig(seed);
    config.dns.records.push_back({"db.internal", {"127.0.0.1"}, {}, {}});
    return config;
  }
};

TEST_F(DnsTest, TemporaryFailureIsFinalToTheBuggyClient) {
  auto listener = listen_on_loopback(net());
  net().add_fault(fault::dns_fail{"db.internal", socksim::EAI_AGAIN});
  EXPECT_THAT([&] { connect_by_name_buggy(net(), "db.internal", listener.getsockname().port()); },
              IsGaiError(socksim::EAI_AGAIN));
}

TEST_F(DnsTest, FixedClientOutlastsAShortOutage) {
  auto listener = listen_on_loopback(net());
  const auto outage = net().add_fault(fault::dns_fail{"db.internal", socksim::EAI_AGAIN});
  auto resolver = net().spawn("resolver", [&] {
    net().sleep(1.5);             // the resolver answers again after 1.5 s
    net().remove_fault(outage);
  });
  auto s = connect_by_name(net(), "db.internal", listener.getsockname().port());
  EXPECT_EQ(net().now(), 2s);  // attempts at 0 s and 1 s failed; the one at 2 s connected
  resolver.join();
}

TEST_F(DnsTest, FixedClientGivesUpAfterThreeAttempts) {
  net().add_fault(fault::dns_fail{"*", socksim::EAI_AGAIN});  // every name, for good
  EXPECT_THAT([&] { connect_by_name(net(), "db.internal", 5432); }, IsGaiError(socksim::EAI_AGAIN));
  EXPECT_EQ(net().now(), 2s);
}

TEST_F(DnsTest, UnknownNameIsFinal) {
  net().add_fault(fault::dns_fail{"db.internal", socksim::EAI_NONAME});
  EXPECT_THAT([&] { connect_by_name(net(), "db.internal", 5432); }, IsGaiError(socksim::EAI_NONAME));
  EXPECT_EQ(net().now(), 0s);  // no second attempt
}

TEST_F(DnsTest, SlowLookupTakesVirtualTime) {
  auto listener = listen_on_loopback(net());
  net().add_fault(fault::dns_delay{"db.internal", 3s});
  auto s = connect_by_name(net(), "db.internal", listener.getsockname().port());
  EXPECT_EQ(net().now(), 3s);
}

TEST_F(DnsTest, TheRecordChangesWhileTheClientRuns) {
  // The service moves from 127.0.0.1 to 127.0.0.2, on the same port.
  auto old_server = listen_on_loopback(net());
  const int port = old_server.getsockname().port();
  auto new_server = net().socket();
  new_server.bind(socksim::Address::inet("127.0.0.2", port));
  new_server.listen(4);

  EXPECT_EQ(connect_by_name(net(), "db.internal", port).getpeername().host(), "127.0.0.1");
  net().remove_record("db.internal");
  net().add_record({"db.internal", {"127.0.0.2"}, {}, {}});
  EXPECT_EQ(connect_by_name(net(), "db.internal", port).getpeername().host(), "127.0.0.2");
}

// The mock: lookups go to a sim, but the test scripts their results and counts them.
TEST(DnsMock, EveryAttemptLooksTheNameUpAgain) {
  socksim::SimNetwork::Config config;
  config.dns.records.push_back({"db.internal", {"127.0.0.1"}, {}, {}});
  ::testing::NiceMock<socksim::MockNetwork> net;
  socksim::SimNetwork& sim = net.DelegateToSim(config);
  auto listener = listen_on_loopback(sim);

  EXPECT_CALL(net, do_getaddrinfo(::testing::Optional(std::string("db.internal")), _, _, _, _, _, _))
      .WillOnce(socksim::FailWith<std::vector<socksim::AddrInfo>>(socksim::gai_code(socksim::EAI_AGAIN)))
      .WillOnce(socksim::FailWith<std::vector<socksim::AddrInfo>>(socksim::gai_code(socksim::EAI_AGAIN)))
      .WillOnce(::testing::DoDefault());  // the third lookup reaches the sim

  auto s = connect_by_name(net, "db.internal", listener.getsockname().port());
  EXPECT_EQ(s.getpeername().host(), "127.0.0.1");
  EXPECT_EQ(sim.now(), 2s);  // the sleeps between the attempts went to the sim's clock
}

}  // namespace
