// The fault kinds beyond the call faults: streams (reset, end of stream), links (stall,
// half-open, partition, loss, duplication, reordering, slow links), names (DNS), scopes, the text
// form, and for each kind that the same seed and rules give the same trace hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "socksim/errors.hpp"

namespace socksim::simtest {
namespace {

using namespace std::chrono_literals;

SimNetwork::Config seeded(std::uint64_t seed) {
  SimNetwork::Config c;
  c.seed = seed;
  return c;
}

SimNetwork::Config two_hosts(std::uint64_t seed = 1) {
  SimNetwork::Config c;
  c.seed = seed;
  c.hosts = {{"a", {"10.0.0.1"}, {}}, {"b", {"10.0.0.2"}, {}}};
  c.root_host = "a";
  c.dns.records.push_back(DnsRecord{"db.example", {"10.0.0.2"}, {}, {}});
  return c;
}

// A UDP socket on host b, bound to 10.0.0.2:port, made by a task on b; returns it to the root.
Socket udp_on_b(SimNetwork& net, int port) {
  Socket out;
  net.spawn_on("b", "bind", [&] {
       Socket s = net.socket(AF_INET, SOCK_DGRAM);
       s.bind(Address::inet("10.0.0.2", port));
       out = std::move(s);
     }).join();
  return out;
}

// ---- streams ----

TEST(SimFaultKinds, ResetAfterBytesDeliversThemThenResetsBothEnds) {
  SimNetwork net;
  Pair p = established_pair(net);
  const FaultId id = net.add_fault(fault::reset_after{5});
  p.client.sendall("0123456789");
  EXPECT_EQ(p.server.recv(100), "01234");
  std::error_code ec;
  EXPECT_EQ(p.server.recv(100, 0, ec), "");
  EXPECT_EQ(ec, errno_code(ECONNRESET));
  p.client.send("more", 0, ec);
  EXPECT_EQ(ec, errno_code(ECONNRESET));
  EXPECT_EQ(net.fault_hits(id), 1u);
}

TEST(SimFaultKinds, FinAfterBytesEndsTheStreamForTheReaderOnly) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(FaultRule(p.server.fileno(), fault::fin_after{4}));
  p.client.sendall("abcdefgh");
  EXPECT_EQ(p.server.recv(100), "abcd");
  EXPECT_EQ(p.server.recv(100), "");
  // The writer goes on; its bytes are acknowledged and lost.
  EXPECT_EQ(p.client.send("ijkl"), 4u);
  EXPECT_EQ(p.server.recv(100), "");
  // A descriptor's rule covers what it sends too; other connections are untouched.
  p.server.sendall("reply");
  EXPECT_EQ(p.client.recv(100), "repl");
  EXPECT_EQ(p.client.recv(100), "");
  Pair other = established_pair(net);
  other.client.sendall("abcdefgh");
  EXPECT_EQ(other.server.recv(100), "abcdefgh");
}

TEST(SimFaultKinds, ResetAtZeroBytesOnlyOnAPath) {
  SimNetwork net(two_hosts());
  Socket l;
  Address addr;
  Task server = net.spawn_on("b", "server", [&] {
    l = net.socket();
    l.bind(Address::inet("10.0.0.2", 80));
    l.listen(1);
    Socket s = l.accept().first;
    std::error_code ec;
    EXPECT_EQ(s.recv(10, 0, ec), "");
    EXPECT_EQ(ec, errno_code(ECONNRESET));
  });
  net.add_fault(FaultRule(Path{"a", "b"}, fault::reset_after{0}));
  Socket c = net.socket();
  c.connect(Address::inet("10.0.0.2", 80));
  c.send("x");
  server.join();
}

// ---- links ----

TEST(SimFaultKinds, TimedStallHoldsTheDataThenDeliversIt) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(FaultRule(p.client.fileno(), fault::stall{5s, 0}));
  const auto t0 = net.now();
  p.client.send("late");
  p.server.settimeout(1.0);
  EXPECT_THROW(p.server.recv(10), Timeout);
  p.server.settimeout(std::nullopt);
  EXPECT_EQ(p.server.recv(10), "late");
  EXPECT_EQ(net.now() - t0, std::chrono::nanoseconds(5s));
  // The stall is over: the next bytes flow at once.
  const auto t1 = net.now();
  p.client.send("now");
  EXPECT_EQ(p.server.recv(10), "now");
  EXPECT_EQ(net.now(), t1);
}

TEST(SimFaultKinds, StallAfterBytesLetsThemThroughFirst) {
  SimNetwork net;
  Pair p = established_pair(net);
  const FaultId id = net.add_fault(fault::stall{0ns, 3});
  p.client.send("ab");
  EXPECT_EQ(p.server.recv(10), "ab");
  p.client.send("cd");  // passes 3 bytes in all: held
  p.server.settimeout(30.0);
  EXPECT_THROW(p.server.recv(10), Timeout);
  EXPECT_TRUE(net.remove_fault(id));  // released in order
  EXPECT_EQ(p.server.recv(10), "cd");
}

TEST(SimFaultKinds, HalfOpenPeerMakesConnectTimeOutAfterTheSynRetries) {
  SimNetwork net;
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(5);
  Socket c = net.socket();
  net.add_fault(FaultRule(c.fileno(), fault::half_open{}));
  std::error_code ec;
  const auto t0 = net.now();
  c.connect(l.getsockname(), ec);
  EXPECT_EQ(ec, errno_code(ETIMEDOUT));
  EXPECT_EQ(net.now() - t0, std::chrono::nanoseconds(127s));  // 1 + 2 + ... + 64 s
}

TEST(SimFaultKinds, HalfOpenEstablishedPeerNeverAnswers) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(FaultRule(p.server.fileno(), fault::half_open{}));
  EXPECT_EQ(p.client.send("request"), 7u);  // buffered, as with a dead peer
  p.client.settimeout(30.0);
  EXPECT_THROW(p.client.recv(10), Timeout);
  p.server.settimeout(0.0);
  std::error_code ec;
  p.server.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
}

TEST(SimFaultKinds, PartitionDropsDatagramsAndSynsAndHealsTcp) {
  SimNetwork net(two_hosts());
  Socket r = udp_on_b(net, 9000);
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  const FaultId cut = net.add_fault(FaultRule(Path{"a", "b", true}, fault::partition{}));
  u.sendto("lost", Address::inet("10.0.0.2", 9000));
  // A connect during the partition: its SYN is lost and retried after 1 s, then 2 s more.
  Socket l;
  net.spawn_on("b", "listen", [&] {
       l = net.socket();
       l.bind(Address::inet("10.0.0.2", 80));
       l.listen(1);
     }).join();
  Task healer = net.spawn("healer", [&] {
    net.sleep(2500ms);
    net.remove_fault(cut);
  });
  const auto t0 = net.now();
  Socket c = net.socket();
  c.connect(Address::inet("10.0.0.2", 80));
  EXPECT_EQ(net.now() - t0, std::chrono::nanoseconds(3s));  // the retry at 1 + 2 s gets through
  healer.join();
  u.sendto("after", Address::inet("10.0.0.2", 9000));
  r.settimeout(0.0);
  EXPECT_EQ(r.recvfrom(100).first, "after");  // "lost" never arrives
  std::error_code ec;
  r.recvfrom(100, 0, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
}

TEST(SimFaultKinds, PartitionHoldsTcpDataUntilHealed) {
  SimNetwork net;
  Pair p = established_pair(net);
  const FaultId cut = net.add_fault(fault::partition{});
  p.client.sendall("held");
  p.server.settimeout(10.0);
  EXPECT_THROW(p.server.recv(10), Timeout);
  net.remove_fault(cut);
  EXPECT_EQ(p.server.recv(10), "held");
}

std::vector<std::string> udp_burst(SimNetwork& net, FaultRule rule, int count) {
  Socket r = net.socket(AF_INET, SOCK_DGRAM);
  r.bind(Address::inet("127.0.0.1", 0));
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  net.add_fault(std::move(rule));
  for (int i = 0; i < count; ++i) u.sendto("d" + std::to_string(i), r.getsockname());
  net.sleep(1s);  // every delayed datagram has arrived
  std::vector<std::string> got;
  r.settimeout(0.0);
  for (;;) {
    std::error_code ec;
    auto [data, from] = r.recvfrom(100, 0, ec);
    if (ec) break;
    got.push_back(data);
  }
  return got;
}

TEST(SimFaultKinds, LossDropsSomeDatagramsTheSameWayForASeed) {
  SimNetwork a(seeded(11));
  const auto got = udp_burst(a, fault::loss{0.5}, 100);
  EXPECT_GT(got.size(), 0u);
  EXPECT_LT(got.size(), 100u);
  SimNetwork b(seeded(11));
  EXPECT_EQ(udp_burst(b, fault::loss{0.5}, 100), got);
  EXPECT_EQ(a.trace_hash(), b.trace_hash());
}

TEST(SimFaultKinds, DuplicationDeliversADatagramTwice) {
  SimNetwork net;
  const auto got = udp_burst(net, fault::duplicate{1.0}, 3);
  EXPECT_EQ(got, (std::vector<std::string>{"d0", "d0", "d1", "d1", "d2", "d2"}));
}

TEST(SimFaultKinds, ReorderingLetsLaterDatagramsOvertakeNeverMergingThem) {
  SimNetwork net(seeded(3));
  std::vector<std::string> sent;
  for (int i = 0; i < 20; ++i) sent.push_back("d" + std::to_string(i));
  auto got = udp_burst(net, fault::reorder{0.5, 10ms}, 20);
  EXPECT_NE(got, sent);
  std::sort(got.begin(), got.end());
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ(got, sent);
}

TEST(SimFaultKinds, SlowLinkAddsLatencyWhileItIsSet) {
  SimNetwork net(two_hosts());
  Socket r = udp_on_b(net, 9000);
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  const FaultId slow = net.add_fault(FaultRule(Path{"a", "b"}, fault::slow_link{100ms, 0ns, 0}));
  auto t0 = net.now();
  u.sendto("x", Address::inet("10.0.0.2", 9000));
  EXPECT_EQ(r.recvfrom(10).first, "x");
  EXPECT_EQ(net.now() - t0, std::chrono::nanoseconds(100ms));
  net.remove_fault(slow);
  t0 = net.now();
  u.sendto("y", Address::inet("10.0.0.2", 9000));
  EXPECT_EQ(r.recvfrom(10).first, "y");
  EXPECT_EQ(net.now(), t0);
}

// ---- names ----

TEST(SimFaultKinds, DnsFailuresHitNamesNotNumbersNorLocalhost) {
  SimNetwork net(two_hosts());
  EXPECT_FALSE(net.getaddrinfo("db.example", 80).empty());
  net.add_fault(fault::dns_fail{"*", EAI_AGAIN});
  try {
    net.getaddrinfo("db.example", 80);
    ADD_FAILURE() << "the lookup should fail";
  } catch (const GaiError& e) {
    EXPECT_EQ(e.code(), gai_code(EAI_AGAIN));
  }
  EXPECT_FALSE(net.getaddrinfo("10.0.0.2", 80).empty());
  EXPECT_FALSE(net.getaddrinfo("localhost", 80).empty());
  Socket c = net.socket();
  std::error_code ec;
  c.connect(Address::inet("DB.example", 80), ec);
  EXPECT_EQ(ec, gai_code(EAI_AGAIN));
  EXPECT_THROW(net.gethostbyname("db.example"), GaiError);
}

TEST(SimFaultKinds, DnsDelayTakesVirtualTime) {
  SimNetwork net(two_hosts());
  net.add_fault(fault::dns_delay{"db.example", 2s});
  const auto t0 = net.now();
  EXPECT_FALSE(net.getaddrinfo("db.example", 80).empty());
  EXPECT_EQ(net.now() - t0, std::chrono::nanoseconds(2s));
  EXPECT_FALSE(net.getaddrinfo("10.0.0.2", 80).empty());
  EXPECT_EQ(net.now() - t0, std::chrono::nanoseconds(2s));
}

TEST(SimFaultKinds, RecordsChangeWhileTheSimulationRuns) {
  SimNetwork net(two_hosts());
  net.remove_record("db.example");
  EXPECT_THROW(net.getaddrinfo("db.example", 80), GaiError);
  net.add_record(DnsRecord{"db.example", {"10.0.0.1"}, {}, {}});
  EXPECT_EQ(net.getaddrinfo("db.example", 80, AF_INET).at(0).sockaddr.host(), "10.0.0.1");
}

// ---- calls ----

TEST(SimFaultKinds, ACallCanBeMadeToTimeOut) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(fault::fail_call{"recv", 1, fault::kTimeout, 1});
  p.client.sendall("x");
  EXPECT_THROW(p.server.recv(10), Timeout);
  EXPECT_EQ(p.server.recv(10), "x");
}

TEST(SimFaultKinds, SeededSendCapDrawsEachSendsSize) {
  auto sizes = [](std::uint64_t seed) {
    SimNetwork net(seeded(seed));
    Pair p = established_pair(net);
    net.add_fault(fault::send_cap{8, true});
    std::vector<std::size_t> out;
    for (int i = 0; i < 30; ++i) out.push_back(p.client.send("0123456789"));
    return out;
  };
  const auto a = sizes(5);
  EXPECT_EQ(a, sizes(5));
  for (std::size_t n : a) {
    EXPECT_GE(n, 1u);
    EXPECT_LE(n, 8u);
  }
  EXPECT_NE(std::count(a.begin(), a.end(), a.front()), static_cast<long>(a.size()));
}

TEST(SimFaultKinds, FailPointCountsIoCallsOverAllDescriptors) {
  SimNetwork net;
  Pair p = established_pair(net);
  net.add_fault(fault::fail_point{3, ECONNRESET});
  p.client.send("a");                      // 1
  EXPECT_EQ(p.server.recv(10), "a");       // 2
  (void)p.server.getsockname();            // not an I/O call
  std::error_code ec;
  p.client.send("b", 0, ec);               // 3
  EXPECT_EQ(ec, errno_code(ECONNRESET));
  EXPECT_EQ(net.fault_io_calls(), 3u);
}

TEST(SimFaultKinds, CallFaultsOnAPathApplyToSocketsOnItsHost) {
  SimNetwork net(two_hosts());
  net.add_fault(FaultRule(Path{"b", "*"}, fault::fail_call{"send", 1, EPIPE, 100}));
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  EXPECT_EQ(u.sendto("x", Address::inet("10.0.0.1", 9)), 1u);  // on host a
  net.spawn_on("b", "sender", [&] {
       Socket v = net.socket(AF_INET, SOCK_DGRAM);
       std::error_code ec;
       v.sendto("x", 0, Address::inet("10.0.0.1", 9), ec);
       EXPECT_EQ(ec, errno_code(EPIPE));
     }).join();
}

TEST(SimFaultKinds, RulesThatCannotFireAreRejected) {
  SimNetwork net;
  EXPECT_THROW(net.add_fault(fault::loss{0}), std::invalid_argument);
  EXPECT_THROW(net.add_fault(fault::duplicate{1.5}), std::invalid_argument);
  EXPECT_THROW(net.add_fault(fault::dns_fail{"x", ECONNRESET}), std::invalid_argument);
  EXPECT_THROW(net.add_fault(fault::send_cap{0}), std::invalid_argument);
  EXPECT_THROW(net.add_fault(fault::fail_point{0, EINTR}), std::invalid_argument);
  EXPECT_THROW(net.add_fault(FaultRule(-1, fault::half_open{})), std::invalid_argument);
}

// ---- the text form ----

TEST(SimFaultText, EveryKindRoundTrips) {
  const std::vector<std::string> texts = {
      "send_cap 7",          "send_cap 1..64",           "recv_cap 1..3 @fd 4",
      "fail_call recv 2 EINTR 1", "fail_call connect 1 timeout 3", "fail_point 12 ECONNRESET",
      "reset_after 100 @a>b", "fin_after 0 @a<>b",       "stall 30s after 5",
      "stall 0ns",           "half_open @fd 3",          "partition hold @*<>b",
      "partition drop",      "loss 0.25",                "duplicate 1",
      "reorder 0.5 10ms",    "slow_link 100ms 5ms 1000000", "dns_fail db.example EAI_AGAIN",
      "dns_delay * 1500us"};
  for (const auto& t : texts) EXPECT_EQ(to_string(parse_fault_rule(t)), t);
  const auto rules = parse_fault_rules(" send_cap 7 ;fin_after 3; ");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(to_string(rules), "send_cap 7; fin_after 3");
}

TEST(SimFaultText, BadTextSaysWhatIsWrong) {
  auto message = [](const char* text) {
    try {
      parse_fault_rule(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("send_cap x"), "fault rule 'send_cap x': a cap is N or 1..N with N >= 1");
  EXPECT_EQ(message("fail_call recv 1 EWHAT"), "fault rule 'fail_call recv 1 EWHAT': 'EWHAT' is not an errno name or timeout");
  EXPECT_EQ(message("stall 5 parsecs"), "fault rule 'stall 5 parsecs': '5' is not a duration (a number with ns, us, ms or s)");
  EXPECT_EQ(message("loss 2"), "fault rule 'loss 2': '2' is not a probability in (0, 1]");
  EXPECT_EQ(message("half_open @fd"), "fault rule 'half_open @fd': '@fd N' needs a descriptor number");
  EXPECT_EQ(message("jam"), "fault rule 'jam': unknown fault 'jam' (send_cap, recv_cap, fail_call, fail_point, "
                            "reset_after, fin_after, stall, half_open, partition, loss, duplicate, reorder, slow_link, "
                            "dns_fail, dns_delay)");
}

// ---- determinism, kind by kind ----

// A small workload over two hosts touching every choke point: a name lookup, a TCP exchange and
// some datagrams. Returns the trace hash; `hits` gets how often the rule fired.
std::uint64_t workload(const std::string& rule_text, std::uint64_t seed, std::uint64_t* hits) {
  SimNetwork net(two_hosts(seed));
  Socket r = udp_on_b(net, 9000);
  Task server = net.spawn_on("b", "server", [&] {
    Socket l = net.socket();
    l.bind(Address::inet("10.0.0.2", 80));
    l.listen(1);
    l.settimeout(300.0);
    std::error_code ec;
    auto [s, peer] = l.accept(ec);
    if (ec) return;
    s.settimeout(60.0);
    for (;;) {
      std::string got = s.recv(64, 0, ec);
      if (ec || got.empty()) break;
      s.sendall(got, 0, ec);
      if (ec) break;
    }
  });
  FaultId id = 0;
  if (!rule_text.empty()) id = net.add_fault(parse_fault_rule(rule_text));
  std::error_code ec;
  net.getaddrinfo(std::string("db.example"), std::string("80"), 0, 0, 0, 0, ec);
  Socket c = net.socket();
  c.settimeout(60.0);
  c.connect(Address::inet("10.0.0.2", 80), ec);
  if (!ec) {
    for (int i = 0; i < 5 && !ec; ++i) {
      c.sendall("message " + std::to_string(i), 0, ec);
      if (!ec) c.recv(64, 0, ec);
    }
    c.close();
  }
  Socket u = net.socket(AF_INET, SOCK_DGRAM);
  for (int i = 0; i < 10; ++i) u.sendto("datagram", 0, Address::inet("10.0.0.2", 9000), ec);
  server.join();
  if (hits) *hits = id ? net.fault_hits(id) : 0;
  return net.trace_hash();
}

class SimFaultDeterminism : public ::testing::TestWithParam<const char*> {};

TEST_P(SimFaultDeterminism, SameSeedSameTraceAndTheRuleShows) {
  std::uint64_t hits = 0;
  const std::uint64_t with = workload(GetParam(), 99, &hits);
  EXPECT_GT(hits, 0u) << "the rule never fired";
  EXPECT_EQ(workload(GetParam(), 99, nullptr), with);
  EXPECT_NE(workload("", 99, nullptr), with);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, SimFaultDeterminism,
    ::testing::Values("send_cap 1..5", "recv_cap 3", "fail_call recv 2 EINTR 1", "fail_point 4 timeout",
                      "reset_after 20 @a>b", "fin_after 12", "stall 2s after 8", "half_open @a<>b",
                      "partition drop @a<>b", "loss 0.5", "duplicate 0.5", "reorder 0.5 5ms",
                      "slow_link 10ms 3ms 100000", "dns_fail db.example EAI_FAIL", "dns_delay * 1s"));

}  // namespace
}  // namespace socksim::simtest
