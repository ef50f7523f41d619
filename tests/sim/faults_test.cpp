// Fault rules: each action's effect on the calls it scopes, removal, and that a run with rules
// repeats its trace.
#include <gtest/gtest.h>

#include <cerrno>
#include <stdexcept>

#include "helpers.hpp"

namespace socksim::simtest {
namespace {

TEST(SimFaults, SendCapBreaksAClientThatAssumesSendSendsEverything) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(FaultRule(p.client.fileno(), fault::send_cap{4}));
  // One send accepts 4 bytes of 12: a client that ignores the count loses the rest.
  EXPECT_EQ(p.client.send("Hello, world"), 4u);
  EXPECT_EQ(p.server.recv(100), "Hell");
  // sendall loops over the capped sends and delivers everything.
  p.client.sendall("Hello, world");
  std::string got;
  while (got.size() < 12) got += p.server.recv(100);
  EXPECT_EQ(got, "Hello, world");
  // The other direction is not capped.
  EXPECT_EQ(p.server.send("Hello, world"), 12u);
}

TEST(SimFaults, RecvCapSplitsAMessage) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(FaultRule(fault::recv_cap{5}));
  p.client.sendall("0123456789ab");
  EXPECT_EQ(p.server.recv(100), "01234");
  EXPECT_EQ(p.server.recv(100), "56789");
  EXPECT_EQ(p.server.recv(100), "ab");
}

TEST(SimFaults, EintrOnTheSecondRecvOnce) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(FaultRule(p.server.fileno(), fault::fail_call{"recv", 2, EINTR, 1}));
  p.client.sendall("abc");
  EXPECT_EQ(p.server.recv(1), "a");
  std::error_code ec;
  EXPECT_EQ(p.server.recv(100, 0, ec), "");
  EXPECT_EQ(ec, errno_code(EINTR));
  // The data the failed call did not take is still there.
  EXPECT_EQ(p.server.recv(100), "bc");
}

TEST(SimFaults, ConnectRefusedTwiceThenSucceeds) {
  SimNetwork net;
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(5);
  Socket c = net.socket();
  net.add_fault(FaultRule(c.fileno(), fault::fail_call{"connect", 1, ECONNREFUSED, 2}));
  for (int i = 0; i < 2; ++i) {
    std::error_code ec;
    c.connect(l.getsockname(), ec);
    EXPECT_EQ(ec, errno_code(ECONNREFUSED)) << "attempt " << i + 1;
  }
  c.connect(l.getsockname());
  Socket s = l.accept().first;
  c.sendall("hi");
  EXPECT_EQ(s.recv(10), "hi");
}

TEST(SimFaults, AcceptEmfileOnce) {
  SimNetwork net;
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(5);
  net.add_fault(FaultRule(l.fileno(), fault::fail_call{"accept", 1, EMFILE, 1}));
  Socket c = net.socket();
  c.connect(l.getsockname());
  try {
    (void)l.accept();
    ADD_FAILURE() << "the first accept should fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.value(), EMFILE);
  }
  // The connection waits in the backlog for the next accept.
  auto [s, peer] = l.accept();
  EXPECT_EQ(peer, c.getsockname());
}

TEST(SimFaults, RemovedRulesNoLongerApply) {
  SimNetwork net;
  Pair p = established_pair(net);
  const FaultId cap = net.add_fault(FaultRule(fault::send_cap{2}));
  const FaultId fail = net.add_fault(FaultRule(fault::fail_call{"recv", 1, ECONNRESET, 100}));
  EXPECT_EQ(p.client.send("abcd"), 2u);
  EXPECT_TRUE(net.remove_fault(cap));
  EXPECT_FALSE(net.remove_fault(cap));
  EXPECT_EQ(p.client.send("efgh"), 4u);
  std::error_code ec;
  p.server.recv(100, 0, ec);
  EXPECT_EQ(ec, errno_code(ECONNRESET));
  EXPECT_TRUE(net.remove_fault(fail));
  EXPECT_EQ(p.server.recv(100), "abefgh");
  net.add_fault(FaultRule(fault::send_cap{1}));
  net.clear_faults();
  EXPECT_EQ(p.client.send("xyz"), 3u);
}

TEST(SimFaults, RulesThatCannotFireAreRejected) {
  SimNetwork net;
  EXPECT_THROW(net.add_fault(FaultRule(fault::fail_call{"bind", 1, EINTR, 1})), std::invalid_argument);
  EXPECT_THROW(net.add_fault(FaultRule(fault::fail_call{"recv", 1, 0, 1})), std::invalid_argument);
  EXPECT_THROW(net.add_fault(FaultRule(fault::fail_call{"recv", 0, EINTR, 1})), std::invalid_argument);
}

std::uint64_t faulty_run(std::uint64_t seed, bool with_rules) {
  SimNetwork::Config config;
  config.seed = seed;
  SimNetwork net(config);
  Pair p = established_pair(net);
  if (with_rules) {
    net.add_fault(FaultRule(fault::send_cap{3}));
    net.add_fault(FaultRule(p.server.fileno(), fault::fail_call{"recv", 2, EAGAIN, 1}));
  }
  p.client.sendall("0123456789");
  std::string got;
  while (got.size() < 10) {
    std::error_code ec;
    got += p.server.recv(100, 0, ec);
  }
  EXPECT_EQ(got, "0123456789");
  return net.trace_hash();
}

TEST(SimFaults, SameSeedAndRulesGiveTheSameTraceHash) {
  const std::uint64_t a = faulty_run(7, true);
  EXPECT_EQ(a, faulty_run(7, true));
  // The firings are in the trace.
  EXPECT_NE(a, faulty_run(7, false));
}

}  // namespace
}  // namespace socksim::simtest
