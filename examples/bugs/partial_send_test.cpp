// examples/bugs/partial_send_test.cpp - the client that ignores send()'s count: a scripted short
// send shows the truncated upload, socksim::explore with the "chunking" profile finds it on its
// own, and the fix survives 10,000 seeds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "bug_test_support.hpp"
#include "partial_send.hpp"
#include "socksim/explore.hpp"
#include "socksim/sim.hpp"
#include "socksim/testing.hpp"

namespace {

using bugs::partial_send::receive_upload;
using bugs::partial_send::upload;
using bugs::partial_send::upload_buggy;
using bugs::testing::listen_on_loopback;
namespace fault = socksim::fault;

using Upload = std::function<void(socksim::Network&, const socksim::Address&, std::string_view)>;

// 300 bytes: "0000 0001 0002 ..." (each number and its space).
std::string blob() {
  std::string data;
  for (int i = 0; data.size() < 300; ++i) data += std::to_string(10000 + i).substr(1) + " ";
  return data.substr(0, 300);
}

// One upload through `client`; throws when the server did not get exactly what was sent.
socksim::ExploreBody upload_checked(Upload client) {
  return [client](socksim::SimNetwork& net) {
    auto listener = listen_on_loopback(net);
    std::string received;
    auto server = net.spawn("server", [&] { received = receive_upload(listener); });
    const std::string data = blob();
    client(net, listener.getsockname(), data);
    server.join();
    if (received != data) {
      throw std::runtime_error("the server got " + std::to_string(received.size()) + " of " +
                               std::to_string(data.size()) + " bytes");
    }
  };
}

// --- a scripted fault ------------------------------------------------------------------------

class PartialSendTest : public socksim::testing::SimTest {};

TEST_F(PartialSendTest, ShortSendTruncatesTheUpload) {
  net().add_fault(fault::send_cap{100});  // every send takes at most 100 bytes
  auto listener = listen_on_loopback(net());
  std::string received;
  auto server = net().spawn("server", [&] { received = receive_upload(listener); });
  upload_buggy(net(), listener.getsockname(), blob());
  server.join();
  EXPECT_EQ(received, blob().substr(0, 100));  // the other 200 bytes were never sent
}

TEST_F(PartialSendTest, FixedClientSendsEverything) {
  net().add_fault(fault::send_cap{100});
  auto listener = listen_on_loopback(net());
  std::string received;
  auto server = net().spawn("server", [&] { received = receive_upload(listener); });
  upload(net(), listener.getsockname(), blob());
  server.join();
  EXPECT_EQ(received, blob());
}

// --- stream faults: what the sender cannot see ------------------------------------------------

// The connection is reset after 100 bytes: the server reads them, then ECONNRESET. The client's
// send() had already taken all 300 bytes, so it finished without an error: only an answer from
// the server could tell it whether the upload arrived.
TEST_F(PartialSendTest, ResetAfterSomeBytes) {
  net().add_fault(fault::reset_after{100});
  auto listener = listen_on_loopback(net());
  std::string received;
  std::error_code error;
  auto server = net().spawn("server", [&] {
    auto [conn, peer] = listener.accept();
    for (;;) {
      const std::string chunk = conn.recv(4096, 0, error);
      if (error || chunk.empty()) break;
      received += chunk;
    }
  });
  upload(net(), listener.getsockname(), blob());  // no error here
  server.join();
  EXPECT_EQ(received, blob().substr(0, 100));
  EXPECT_THAT(error, socksim::testing::HasErrno(ECONNRESET));
}

// The stream ends (a FIN) after 100 bytes: the server sees an upload that looks complete.
TEST_F(PartialSendTest, EndOfStreamAfterSomeBytes) {
  net().add_fault(fault::fin_after{100});
  auto listener = listen_on_loopback(net());
  std::string received;
  auto server = net().spawn("server", [&] { received = receive_upload(listener); });
  upload(net(), listener.getsockname(), blob());
  server.join();
  EXPECT_EQ(received, blob().substr(0, 100));
}

// --- exploration -----------------------------------------------------------------------------

TEST(PartialSendExplore, ChunkingFindsTheBug) {
  const auto body = upload_checked(upload_buggy);
  socksim::ExploreOptions options;
  options.profile = "chunking";
  options.seeds = 50;
  const auto result = socksim::explore(body, options);
  ASSERT_TRUE(result.failed) << "50 seeds of short sends did not truncate one upload";
  EXPECT_THAT(result.error, ::testing::HasSubstr("of 300 bytes"));
  EXPECT_FALSE(result.faults.empty());
  EXPECT_THAT(result.report(), ::testing::HasSubstr(std::to_string(result.seed)));
  EXPECT_THAT(result.report(), ::testing::HasSubstr(socksim::to_string(result.faults)));
  std::cout << result.report() << "found after " << result.runs << " runs\n";

  const auto again = socksim::replay(body, result.seed, result.faults);
  EXPECT_TRUE(again.failed);
  EXPECT_EQ(again.error, result.error);
  EXPECT_EQ(again.trace_hash, result.trace_hash);
}

// The sweep in four slices, one test each. GoogleTest gives every test to one shard
// (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX), so slices that are tests of their own spread a long
// sweep over the shards of a CI matrix; together they run every seed once.
class PartialSendSweep : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(PartialSendSweep, FixSurvivesTheSweep) {
  socksim::ExploreOptions options;
  options.profile = "chunking";
  options.seeds = bugs::testing::sweep_seeds();
  options.shard = socksim::Shard{GetParam(), 4};  // the seeds at positions slice, slice + 4, ...
  EXPECT_TRUE(socksim::testing::ExploreSucceeds(upload_checked(upload), options));
}

INSTANTIATE_TEST_SUITE_P(Slices, PartialSendSweep, ::testing::Range<std::uint64_t>(0, 4));

// --- replaying a failure from a log --------------------------------------------------------------

// explore's report (in a CI log, say) ends with a line that replays the failure:
//   replay: socksim::replay(body, 7, socksim::parse_fault_rules("send_cap 1..16"))
// With the body at hand, that line runs the same failure again, as often as needed.
TEST(PartialSendReplay, TheFailureFromTheLog) {
  const auto body = upload_checked(upload_buggy);
  const auto run = socksim::replay(body, 7, socksim::parse_fault_rules("send_cap 1..16"));
  EXPECT_TRUE(run.failed);
  EXPECT_THAT(run.error, ::testing::HasSubstr("of 300 bytes"));
  EXPECT_THAT(run.fired, ::testing::ElementsAre(::testing::HasSubstr("send_cap 1..16")));

  const auto again = socksim::replay(body, 7, socksim::parse_fault_rules("send_cap 1..16"));
  EXPECT_EQ(again.trace_hash, run.trace_hash);  // the same run, event for event
}

}  // namespace
