// examples/bugs/no_timeout_test.cpp - the client without timeouts: a scripted stall makes it wait
// as long as the stall lasts and a half-open peer makes it wait for ever (a Deadlock in the sim);
// socksim::explore with the "timeouts" profile finds it on its own, and the fix (a budget for the
// whole exchange) survives 10,000 seeds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "bug_test_support.hpp"
#include "no_timeout.hpp"
#include "socksim/errors.hpp"
#include "socksim/explore.hpp"
#include "socksim/sim.hpp"
#include "socksim/testing.hpp"

namespace {

using namespace std::chrono_literals;
using bugs::no_timeout::greet;
using bugs::no_timeout::greet_buggy;
using bugs::no_timeout::serve_greetings;
using bugs::testing::listen_on_loopback;
using socksim::FaultRule;
namespace fault = socksim::fault;

// What the caller can wait for a greeting.
constexpr auto kBudget = 2s;

using Greet = std::function<std::optional<std::string>(socksim::Network&, const socksim::Address&)>;

std::optional<std::string> buggy_client(socksim::Network& net, const socksim::Address& server) {
  return greet_buggy(net, server);
}

std::optional<std::string> fixed_client(socksim::Network& net, const socksim::Address& server) {
  return greet(net, server, kBudget);
}

// One greeting; throws when it took longer than kBudget (a Deadlock when it would never end) or
// the reply is wrong. No reply at all (nullopt) is an answer the caller can handle.
socksim::ExploreBody greeting_checked(Greet client) {
  return [client](socksim::SimNetwork& net) {
    auto listener = listen_on_loopback(net);
    auto server = net.spawn("server", [&] { serve_greetings(listener, 1); });
    const auto start = net.now();
    const auto reply = client(net, listener.getsockname());
    const std::chrono::duration<double> took = net.now() - start;
    if (took > kBudget) throw std::runtime_error("the greeting took " + std::to_string(took.count()) + " s");
    if (reply && *reply != "hi") throw std::runtime_error("the reply was \"" + *reply + "\"");
    // The server is not joined: when the client gave up, it may still wait for the request.
  };
}

// --- scripted faults -------------------------------------------------------------------------

class NoTimeoutTest : public socksim::testing::SimTest {};

TEST_F(NoTimeoutTest, AStallHoldsTheClientAsLongAsItLasts) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { serve_greetings(listener, 1); });
  net().add_fault(fault::stall{30s});  // the request's bytes are held for 30 s
  EXPECT_EQ(greet_buggy(net(), listener.getsockname()), "hi");
  EXPECT_EQ(net().now(), 30s);  // the caller waited all of it
  server.join();
}

TEST_F(NoTimeoutTest, AHalfOpenPeerHoldsTheClientForEver) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { serve_greetings(listener, 1); });
  auto s = net().create_connection(listener.getsockname());
  net().add_fault(fault::half_open{});  // from now on nothing gets through
  s.sendall("HELLO\n");
  // On Linux this recv waits while TCP retransmits the request (some 15 minutes) and then fails
  // with ETIMEDOUT; the sim, which models no retransmissions, sees that no task can ever
  // run again.
  EXPECT_THROW(s.recv(1024), socksim::Deadlock);
}

TEST_F(NoTimeoutTest, FixedClientGivesUpWithinItsBudget) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { serve_greetings(listener, 1); });
  net().add_fault(fault::stall{30s});
  EXPECT_EQ(greet(net(), listener.getsockname(), kBudget), std::nullopt);
  EXPECT_EQ(net().now(), kBudget);
}

// --- a partition, and the path healing ----------------------------------------------------------

// Two hosts; the test runs on "client", the server on "server".
class PartitionTest : public socksim::testing::SimTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    auto config = SimTest::MakeConfig(seed);
    config.hosts = {{"client", {"10.0.0.1"}, {}}, {"server", {"10.0.0.2"}, {}}};
    config.root_host = "client";
    return config;
  }

  // Starts the greeting server on host "server"; returns its address.
  socksim::Address start_server() {
    int port = 0;
    server_ = net().spawn_on("server", "server", [this, &port] {
      auto listener = listen_on_any(net());
      port = listener.getsockname().port();
      serve_greetings(listener, 1);
    });
    return socksim::Address::inet("10.0.0.2", port);  // the task ran up to its accept()
  }

  socksim::Task server_;

 private:
  static socksim::Socket listen_on_any(socksim::Network& net) {
    auto listener = net.socket();
    listener.bind(socksim::Address::inet("0.0.0.0", 0));
    listener.listen(4);
    return listener;
  }
};

TEST_F(PartitionTest, HeldPacketsGoOnWhenThePathHeals) {
  const auto address = start_server();
  // Cut the path both ways; packets wait (hold) instead of being lost.
  const auto cut = net().add_fault(FaultRule(socksim::Path{"client", "server", true}, fault::partition{true}));
  auto healer = net().spawn("healer", [&] {
    net().sleep(5s);
    net().remove_fault(cut);  // heal: what waited goes on, in order
  });
  EXPECT_EQ(greet(net(), address, 10s), "hi");
  EXPECT_EQ(net().now(), 5s);
  healer.join();
  server_.join();
}

TEST_F(PartitionTest, FixedClientGivesUpDuringAPartition) {
  const auto address = start_server();
  net().add_fault(FaultRule(socksim::Path{"client", "server", true}, fault::partition{}));
  EXPECT_EQ(greet(net(), address, kBudget), std::nullopt);
  EXPECT_EQ(net().now(), kBudget);
}

// --- exploration -----------------------------------------------------------------------------

TEST(NoTimeoutExplore, TimeoutsProfileFindsTheBug) {
  const auto body = greeting_checked(buggy_client);
  socksim::ExploreOptions options;
  options.profile = "timeouts";
  options.seeds = 50;
  const auto result = socksim::explore(body, options);
  ASSERT_TRUE(result.failed) << "50 seeds of stalls and silent peers did not hold the client up";
  EXPECT_FALSE(result.faults.empty());
  EXPECT_THAT(result.report(), ::testing::HasSubstr(std::to_string(result.seed)));
  EXPECT_THAT(result.report(), ::testing::HasSubstr(socksim::to_string(result.faults)));
  std::cout << result.report() << "found after " << result.runs << " runs\n";

  const auto again = socksim::replay(body, result.seed, result.faults);
  EXPECT_TRUE(again.failed);
  EXPECT_EQ(again.error, result.error);
  EXPECT_EQ(again.trace_hash, result.trace_hash);
}

TEST(NoTimeoutExplore, FixSurvivesTheSweep) {
  socksim::ExploreOptions options;
  options.profile = "timeouts";
  options.seeds = bugs::testing::sweep_seeds();
  // On failure: the report, with a command that reruns just the failing seed and its faults.
  EXPECT_TRUE(socksim::testing::ExploreSucceeds(greeting_checked(fixed_client), options));
}

}  // namespace
