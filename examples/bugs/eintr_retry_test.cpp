// examples/bugs/eintr_retry_test.cpp - the retry loop that starts a request over on EINTR: a
// scripted interrupted recv makes the server count one request twice, socksim::explore with the
// "interrupts" profile finds it on its own, and the fix (retry just the interrupted call)
// survives 10,000 seeds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bug_test_support.hpp"
#include "eintr_retry.hpp"
#include "socksim/explore.hpp"
#include "socksim/sim.hpp"
#include "socksim/testing.hpp"

namespace {

namespace eintr = bugs::eintr_retry;
using bugs::testing::listen_on_loopback;
using socksim::FaultRule;
namespace fault = socksim::fault;

// A client: connects, sends three INCRs, returns the three replies.
using Client = std::function<std::vector<long>(socksim::Network&, const socksim::Address&)>;

std::vector<long> buggy_client(socksim::Network& net, const socksim::Address& server) {
  auto c = eintr::connect_buggy(net, server);
  return {eintr::incr_buggy(c), eintr::incr_buggy(c), eintr::incr_buggy(c)};
}

std::vector<long> fixed_client(socksim::Network& net, const socksim::Address& server) {
  auto c = eintr::connect(net, server);
  return {eintr::incr(c), eintr::incr(c), eintr::incr(c)};
}

// Three INCRs; throws unless the replies are 1, 2, 3 and the server counted three requests.
socksim::ExploreBody counting_checked(Client client) {
  return [client](socksim::SimNetwork& net) {
    auto listener = listen_on_loopback(net);
    long counter = 0;
    auto server = net.spawn("server", [&] { eintr::serve_counter(listener, counter); });
    const auto replies = client(net, listener.getsockname());  // the client's connection is closed after this
    server.join();
    if (replies != std::vector<long>{1, 2, 3} || counter != 3) {
      throw std::runtime_error("replies " + std::to_string(replies[0]) + ", " + std::to_string(replies[1]) + ", " +
                               std::to_string(replies[2]) + "; the server counted " + std::to_string(counter) +
                               " requests of 3");
    }
  };
}

// --- a scripted fault ------------------------------------------------------------------------

class EintrRetryTest : public socksim::testing::SimTest {};

TEST_F(EintrRetryTest, InterruptedRecvSendsTheRequestTwice) {
  auto listener = listen_on_loopback(net());
  long counter = 0;
  auto server = net().spawn("server", [&] { eintr::serve_counter(listener, counter); });
  {
    auto c = eintr::connect_buggy(net(), listener.getsockname());
    // The first recv on the client's socket fails with EINTR, as when a signal arrives while it waits.
    net().add_fault(FaultRule(c.socket.fileno(), fault::fail_call{"recv", 1, EINTR}));
    EXPECT_EQ(eintr::incr_buggy(c), 1);  // the client sees nothing wrong...
  }
  server.join();
  EXPECT_EQ(counter, 2);  // ...but the server carried the request out twice
}

TEST_F(EintrRetryTest, FixedClientRetriesOnlyTheInterruptedCall) {
  auto listener = listen_on_loopback(net());
  long counter = 0;
  auto server = net().spawn("server", [&] { eintr::serve_counter(listener, counter); });
  {
    auto c = eintr::connect(net(), listener.getsockname());
    net().add_fault(FaultRule(c.socket.fileno(), fault::fail_call{"recv", 1, EINTR}));
    EXPECT_EQ(eintr::incr(c), 1);
  }
  server.join();
  EXPECT_EQ(counter, 1);
}

TEST_F(EintrRetryTest, InterruptedConnectIsFatalToTheBuggyClient) {
  auto listener = listen_on_loopback(net());
  net().add_fault(fault::fail_point{1, EINTR});  // the first I/O call fails with EINTR
  EXPECT_THAT([&] { eintr::connect_buggy(net(), listener.getsockname()); },
              socksim::testing::ThrowsSocketError(EINTR));
}

TEST_F(EintrRetryTest, FixedClientConnectsAgainOnAFreshSocket) {
  auto listener = listen_on_loopback(net());
  net().add_fault(fault::fail_point{1, EINTR});
  auto c = eintr::connect(net(), listener.getsockname());  // the second attempt connects
  EXPECT_EQ(c.socket.getpeername(), listener.getsockname());
}

// --- exploration -----------------------------------------------------------------------------

TEST(EintrRetryExplore, InterruptsProfileFindsTheBug) {
  const auto body = counting_checked(buggy_client);
  socksim::ExploreOptions options;
  options.profile = "interrupts";
  options.seeds = 50;
  const auto result = socksim::explore(body, options);
  ASSERT_TRUE(result.failed) << "50 seeds of interrupted calls did not break the client";
  EXPECT_FALSE(result.faults.empty());
  EXPECT_THAT(result.report(), ::testing::HasSubstr(std::to_string(result.seed)));
  EXPECT_THAT(result.report(), ::testing::HasSubstr(socksim::to_string(result.faults)));
  std::cout << result.report() << "found after " << result.runs << " runs\n";

  const auto again = socksim::replay(body, result.seed, result.faults);
  EXPECT_TRUE(again.failed);
  EXPECT_EQ(again.error, result.error);
  EXPECT_EQ(again.trace_hash, result.trace_hash);
}

// With connect fixed, what is left is the retry loop itself: explore finds the doubled request.
TEST(EintrRetryExplore, InterruptsProfileFindsTheDoubledRequest) {
  const auto body = counting_checked([](socksim::Network& net, const socksim::Address& server) {
    auto c = eintr::connect(net, server);
    return std::vector<long>{eintr::incr_buggy(c), eintr::incr_buggy(c), eintr::incr_buggy(c)};
  });
  socksim::ExploreOptions options;
  options.profile = "interrupts";
  options.seeds = 50;
  const auto result = socksim::explore(body, options);
  ASSERT_TRUE(result.failed) << "50 seeds of interrupted calls did not double a request";
  EXPECT_THAT(result.error, ::testing::HasSubstr("the server counted 4 requests of 3"));
  std::cout << result.report() << "found after " << result.runs << " runs\n";
}

TEST(EintrRetryExplore, FixSurvivesTheSweep) {
  socksim::ExploreOptions options;
  options.profile = "interrupts";
  options.seeds = bugs::testing::sweep_seeds();
  // On failure: the report, with a command that reruns just the failing seed and its faults.
  EXPECT_TRUE(socksim::testing::ExploreSucceeds(counting_checked(fixed_client), options));
}

// --- fault-point enumeration: every call of the run interrupted in turn --------------------------

TEST(EintrRetryFaultPoints, EveryCallInterruptedInTurn) {
  socksim::FaultPointOptions options;
  options.errors = {EINTR};  // the default also tries ECONNRESET and timeouts on every call

  const auto buggy = socksim::enumerate_fault_points(counting_checked(buggy_client), options);
  ASSERT_TRUE(buggy.failed);
  std::cout << buggy.report();

  const auto fixed = socksim::enumerate_fault_points(counting_checked(fixed_client), options);
  EXPECT_FALSE(fixed.failed) << fixed.report();
  EXPECT_GT(fixed.runs, 10u);  // the fault-free run, then one run for each of its I/O calls
  std::cout << "the fixed client survived " << fixed.runs << " runs\n";
}

}  // namespace
