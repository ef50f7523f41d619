// examples/bugs/line_protocol_test.cpp - the client that takes one recv() for one line: a
// scripted recv cap splits a reply, socksim::explore with the "chunking" profile finds it on its
// own, and the fix (a reader that buffers until '\n') survives 10,000 seeds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bug_test_support.hpp"
#include "line_protocol.hpp"
#include "socksim/explore.hpp"
#include "socksim/sim.hpp"
#include "socksim/testing.hpp"

namespace {

using bugs::line_protocol::add;
using bugs::line_protocol::add_buggy;
using bugs::line_protocol::LineReader;
using bugs::line_protocol::serve_adder;
using bugs::testing::listen_on_loopback;
using socksim::FaultRule;
namespace fault = socksim::fault;

// A client's session: ADD 5, ADD 7, ADD 30 on one connection; the replies, in order.
using Session = std::function<std::vector<std::string>(socksim::Socket&)>;

std::vector<std::string> buggy_session(socksim::Socket& s) {
  return {add_buggy(s, 5), add_buggy(s, 7), add_buggy(s, 30)};
}

std::vector<std::string> fixed_session(socksim::Socket& s) {
  LineReader reader(s);
  return {add(s, reader, 5), add(s, reader, 7), add(s, reader, 30)};
}

const std::vector<std::string> kTotals = {"total=5", "total=12", "total=42"};

// One session against serve_adder; throws unless the replies are the running totals.
socksim::ExploreBody session_checked(Session session) {
  return [session](socksim::SimNetwork& net) {
    auto listener = listen_on_loopback(net);
    auto server = net.spawn("server", [&] { serve_adder(listener); });
    auto s = net.create_connection(listener.getsockname());
    const auto replies = session(s);
    if (replies != kTotals) {
      throw std::runtime_error("replies \"" + replies[0] + "\", \"" + replies[1] + "\", \"" + replies[2] +
                               "\"; expected total=5, total=12, total=42");
    }
    s.close();
    server.join();
  };
}

// --- a scripted fault ------------------------------------------------------------------------

class LineProtocolTest : public socksim::testing::SimTest {};

TEST_F(LineProtocolTest, OneRecvIsNotOneLine) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { serve_adder(listener); });
  auto s = net().create_connection(listener.getsockname());
  net().add_fault(FaultRule(s.fileno(), fault::recv_cap{4}));  // this socket's recvs return at most 4 bytes

  EXPECT_EQ(add_buggy(s, 5), "tota");  // the first piece of "total=5\n"
  EXPECT_EQ(add_buggy(s, 7), "l=5");   // ... and then the rest of the previous reply
  s.close();
  server.join();
}

TEST_F(LineProtocolTest, FixedClientReadsWholeLines) {
  auto listener = listen_on_loopback(net());
  auto server = net().spawn("server", [&] { serve_adder(listener); });
  auto s = net().create_connection(listener.getsockname());
  net().add_fault(FaultRule(s.fileno(), fault::recv_cap{4}));

  EXPECT_EQ(fixed_session(s), kTotals);
  s.close();
  server.join();
}

// --- exploration -----------------------------------------------------------------------------

TEST(LineProtocolExplore, ChunkingFindsTheBug) {
  const auto body = session_checked(buggy_session);
  socksim::ExploreOptions options;
  options.profile = "chunking";
  options.seeds = 50;
  const auto result = socksim::explore(body, options);
  ASSERT_TRUE(result.failed) << "50 seeds of short recvs did not split one reply";
  EXPECT_THAT(result.error, ::testing::HasSubstr("expected total=5"));
  EXPECT_FALSE(result.faults.empty());
  EXPECT_THAT(result.report(), ::testing::HasSubstr(std::to_string(result.seed)));
  EXPECT_THAT(result.report(), ::testing::HasSubstr(socksim::to_string(result.faults)));
  std::cout << result.report() << "found after " << result.runs << " runs\n";

  const auto again = socksim::replay(body, result.seed, result.faults);
  EXPECT_TRUE(again.failed);
  EXPECT_EQ(again.error, result.error);
  EXPECT_EQ(again.trace_hash, result.trace_hash);
}

TEST(LineProtocolExplore, FixSurvivesTheSweep) {
  socksim::ExploreOptions options;
  options.profile = "chunking";
  options.seeds = bugs::testing::sweep_seeds();
  // On failure: the report, with a command that reruns just the failing seed and its faults.
  EXPECT_TRUE(socksim::testing::ExploreSucceeds(session_checked(fixed_session), options));
}

}  // namespace
