// The engine on the real backend (and on a mock delegating to it where the OS cannot be made to
// fail on cue): each expectation kind passing and failing, substitution, value forms, clean-up,
// the watchdog and the guards for untrusted input.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "socksim/errors.hpp"
#include "socksim/mock.hpp"

namespace socksim::runner {
namespace {

using testing::describe;
using testing::parse_ok;
using testing::run_real;
using testing::with_steps;

// ---- value, ok, len -----------------------------------------------------------------------------

TEST(Expect, ValuePassesAndFails) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"value": 256}})")));
  const auto r = run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"value": 1}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_EQ(r.op, "htons");
  EXPECT_EQ(r.message, "expected 1, got 256");
  EXPECT_EQ(r.expected, (json{{"value", 1}}));
  EXPECT_EQ(r.got, (json{{"value", 256}}));
}

TEST(Expect, AbsentMeansSucceedsAndOkIsAnyValue) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "gethostname"}, {"op": "gethostname", "expect": {"ok": true}})")));
  const auto r = run_real(with_steps(R"({"op": "inet_aton", "args": {"ip_string": "300.1.1.1"}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_EQ(r.expected, (json{{"ok", true}}));
  EXPECT_EQ(r.got["error"], "EINVAL");
  EXPECT_THAT(r.message, ::testing::StartsWith("unexpected error EINVAL (inet_aton"));
}

TEST(Expect, LengthBounds) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "inet_aton", "args": {"ip_string": "127.0.0.1"}, "expect": {"len": 4}},
    {"op": "inet_pton", "args": {"address_family": "AF_INET6", "ip_string": "::1"}, "expect": {"min_len": 16, "max_len": 16}},
    {"op": "getaddrinfo", "args": {"host": "127.0.0.1", "port": 80, "socktype": "SOCK_STREAM"}, "expect": {"len": 1}})")));
  auto r = run_real(with_steps(R"({"op": "inet_aton", "args": {"ip_string": "127.0.0.1"}, "expect": {"len": 5}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_EQ(r.message, "expected length 5, got length 4");
  r = run_real(with_steps(R"({"op": "inet_aton", "args": {"ip_string": "1.2.3.4"}, "expect": {"max_len": 3}})"));
  EXPECT_EQ(r.message, "expected length at most 3, got length 4");
  r = run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"min_len": 1}})"));
  EXPECT_EQ(r.message, "expected a result with a length (bytes, a string or an array), got an integer");
}

// ---- errors -------------------------------------------------------------------------------------

constexpr const char* kClosedPort = R"({"op": "socket", "as": "probe"},
    {"op": "bind", "sock": "probe", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "getsockname", "sock": "probe", "save": "addr"},
    {"op": "close", "sock": "probe"},
    {"op": "socket", "as": "c"})";

TEST(Expect, ErrnoName) {
  EXPECT_PASS(run_real(with_steps(std::string(kClosedPort) +
                                  R"(, {"op": "connect", "sock": "c", "args": {"address": "$addr"}, "expect": {"error": "ECONNREFUSED"}})")));
  auto r = run_real(with_steps(std::string(kClosedPort) +
                               R"(, {"op": "connect", "sock": "c", "args": {"address": "$addr"}, "expect": {"error": "EADDRINUSE"}})"));
  EXPECT_FAIL_AT(r, 5);
  EXPECT_EQ(r.got["error"], "ECONNREFUSED");
  EXPECT_THAT(r.message, ::testing::StartsWith("expected EADDRINUSE, got ECONNREFUSED ("));
  r = run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"error": "EINVAL"}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_EQ(r.message, "expected EINVAL, but htons returned 256");
  EXPECT_EQ(r.got, (json{{"value", 256}}));
}

TEST(Expect, ConstantNamesInExpectedValues) {
  EXPECT_PASS(run_real(with_steps(std::string(kClosedPort) + R"(,
    {"op": "connect_ex", "sock": "c", "args": {"address": "$addr"}, "expect": {"value": "ECONNREFUSED"}},
    {"op": "family", "sock": "c", "expect": {"value": "AF_INET"}},
    {"op": "type", "sock": "c", "expect": {"value": "SOCK_STREAM"}},
    {"op": "proto", "sock": "c", "expect": {"value": 0}})")));
  const auto r = run_real(with_steps(R"({"op": "socket", "as": "c"}, {"op": "family", "sock": "c", "expect": {"value": "AF_INET6"}})"));
  EXPECT_EQ(r.message, "expected \"AF_INET6\", got 2");
}

TEST(Expect, Timeout) {
  const std::string steps = R"({"op": "socket", "as": "u", "args": {"type": "SOCK_DGRAM"}},
    {"op": "bind", "sock": "u", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "settimeout", "sock": "u", "args": {"value": 0.1}},
    {"op": "recv", "sock": "u", "args": {"bufsize": 10}, "expect": {"error": "timeout"}, "elapsed": {"min": 0.09, "max": 2}})";
  EXPECT_PASS(run_real(with_steps(steps)));
  const auto r = run_real(with_steps(R"({"op": "socket", "as": "u", "args": {"type": "SOCK_DGRAM"}},
    {"op": "settimeout", "sock": "u", "args": {"value": 0.05}},
    {"op": "recv", "sock": "u", "args": {"bufsize": 10}, "expect": {"error": "EAGAIN"}})"));
  EXPECT_FAIL_AT(r, 2);
  EXPECT_EQ(r.got["error"], "timeout");
}

TEST(Expect, Gaierror) {
  const char* numeric_only = R"({"op": "getaddrinfo", "args": {"host": "not-a-number", "port": null, "flags": "AI_NUMERICHOST"}, "expect": {"error": "%s"}})";
  char buf[512];
  for (const char* ok : {"gaierror:EAI_NONAME", "gaierror"}) {
    std::snprintf(buf, sizeof buf, numeric_only, ok);
    EXPECT_PASS(run_real(with_steps(buf)));
  }
  for (const char* bad : {"gaierror:EAI_AGAIN", "herror", "error", "ENOENT"}) {
    std::snprintf(buf, sizeof buf, numeric_only, bad);
    const auto r = run_real(with_steps(buf));
    EXPECT_FAIL_AT(r, 0);
    EXPECT_EQ(r.got["error"], "gaierror:EAI_NONAME") << bad;
  }
}

TEST(Expect, PlainSocketError) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "inet_aton", "args": {"ip_string": "1.2.3.x"}, "expect": {"error": "error"}},
    {"op": "inet_pton", "args": {"address_family": "AF_INET", "ip_string": "1.2.3"}, "expect": {"error": "error"}})")));
  const auto timeout_is_not_plain = run_real(with_steps(R"({"op": "socket", "as": "u", "args": {"type": "SOCK_DGRAM"}},
    {"op": "settimeout", "sock": "u", "args": {"value": 0.01}},
    {"op": "recv", "sock": "u", "args": {"bufsize": 1}, "expect": {"error": "error"}})"));
  EXPECT_FAIL_AT(timeout_is_not_plain, 2);
}

TEST(Expect, PythonBuiltinErrors) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "htons", "args": {"x": 65536}, "expect": {"error": "overflow_error"}},
    {"op": "htonl", "args": {"x": -1}, "expect": {"error": "overflow_error"}},
    {"op": "htons", "args": {"x": 18446744073709551615}, "expect": {"error": "overflow_error"}},
    {"op": "htons", "args": {"x": "abc"}, "expect": {"error": "type_error"}},
    {"op": "htons", "args": {"x": 1.5}, "expect": {"error": "type_error"}},
    {"op": "inet_ntop", "args": {"address_family": "AF_INET", "packed_ip": "abc"}, "expect": {"error": "value_error"}},
    {"op": "socket", "as": "c"},
    {"op": "settimeout", "sock": "c", "args": {"value": -1}, "expect": {"error": "value_error"}},
    {"op": "bind", "sock": "c", "args": {"address": ["127.0.0.1", 70000]}, "expect": {"error": "overflow_error"}},
    {"op": "bind", "sock": "c", "args": {"address": ["127.0.0.1", 4294967296]}, "expect": {"error": "overflow_error"}},
    {"op": "bind", "sock": "c", "args": {"address": [1, 0]}, "expect": {"error": "type_error"}},
    {"op": "bind", "sock": "c", "args": {"address": "/not/for/inet"}, "expect": {"error": "type_error"}},
    {"op": "recv", "sock": "c", "args": {"bufsize": -1}, "expect": {"error": "value_error"}})")));
  const auto r = run_real(with_steps(R"({"op": "htons", "args": {"x": 65536}, "expect": {"error": "value_error"}})"));
  EXPECT_EQ(r.got["error"], "overflow_error");
}

TEST(Expect, RuntimeTypeErrorFromAVariable) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "gethostname", "save": "h"},
    {"op": "socketpair", "as": ["a", "b"]},
    {"op": "recv", "sock": "a", "args": {"bufsize": "$h"}, "expect": {"error": "type_error"}})")));
}

TEST(Expect, ErrorAny) {
  const std::string base = R"({"op": "socketpair", "as": ["a", "b"]},
    {"op": "recv", "sock": "a", "args": {"bufsize": 1, "flags": "MSG_DONTWAIT"}, "expect": {"error_any": %s}})";
  char buf[512];
  std::snprintf(buf, sizeof buf, base.c_str(), R"(["EWOULDBLOCK", "timeout"])");
  EXPECT_PASS(run_real(with_steps(buf)));
  std::snprintf(buf, sizeof buf, base.c_str(), R"(["timeout", "EINTR"])");
  const auto r = run_real(with_steps(buf));
  EXPECT_FAIL_AT(r, 1);
  EXPECT_THAT(r.message, ::testing::StartsWith("expected timeout or EINTR, got EAGAIN"));
}

TEST(Expect, HerrorAndDeadlockThroughAMock) {
  RealNetwork real;
  ::testing::NiceMock<MockNetwork> net;
  net.DelegateTo(real);
  ON_CALL(net, do_gethostbyaddr(::testing::_, ::testing::_))
      .WillByDefault(FailWith<HostEntry>(herror_code(1)));  // HOST_NOT_FOUND
  ON_CALL(net, do_sleep(::testing::_, ::testing::_))
      .WillByDefault([](Network::Clock, std::error_code& ec) { ec = make_error_code(errc::deadlock); });
  Scenario sc = parse_ok(with_steps(R"({"op": "gethostbyaddr", "args": {"ip_address": "192.0.2.7"}, "expect": {"error": "herror:HOST_NOT_FOUND"}},
    {"op": "gethostbyaddr", "args": {"ip_address": "192.0.2.7"}, "expect": {"error": "herror"}},
    {"op": "sleep", "args": {"seconds": 1}, "expect": {"error": "deadlock"}})"));
  EXPECT_PASS(run_scenario(sc, net, {}));
  sc = parse_ok(with_steps(R"({"op": "gethostbyaddr", "args": {"ip_address": "192.0.2.7"}, "expect": {"error": "herror:TRY_AGAIN"}})"));
  auto r = run_scenario(sc, net, {});
  EXPECT_FAIL_AT(r, 0);
  EXPECT_EQ(r.got["error"], "herror:HOST_NOT_FOUND");
  sc = parse_ok(with_steps(R"({"op": "sleep", "args": {"seconds": 1}, "expect": {"error": "timeout"}})"));
  r = run_scenario(sc, net, {});
  EXPECT_EQ(r.got["error"], "deadlock");
}

// ---- min/max, contains, elapsed, data ------------------------------------------------------------

TEST(Expect, MinMax) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socket", "as": "c"},
    {"op": "getsockopt", "sock": "c", "args": {"level": "SOL_SOCKET", "optname": "SO_RCVBUF"}, "expect": {"min": 1}},
    {"op": "type", "sock": "c", "expect": {"min": "SOCK_STREAM", "max": "SOCK_DGRAM"}},
    {"op": "htons", "args": {"x": 1}, "expect": {"max": 256}})")));
  auto r = run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"min": 0, "max": 255}})"));
  EXPECT_EQ(r.message, "expected a number <= 255, got 256");
  r = run_real(with_steps(R"({"op": "gethostname", "expect": {"min": 0}})"));
  EXPECT_THAT(r.message, ::testing::StartsWith("expected a number, got a string"));
}

TEST(Expect, Contains) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "getaddrinfo", "args": {"host": "127.0.0.1", "port": 80, "family": "AF_INET", "socktype": "SOCK_STREAM"},
     "expect": {"contains": ["AF_INET", "SOCK_STREAM", "IPPROTO_TCP", "", ["127.0.0.1", 80]]}})")));
  const auto r = run_real(with_steps(R"({"op": "getaddrinfo", "args": {"host": "127.0.0.1", "port": 80, "socktype": "SOCK_STREAM"},
     "expect": {"contains": ["AF_INET", "SOCK_STREAM", "IPPROTO_TCP", "", ["127.0.0.2", 80]]}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_THAT(r.message, ::testing::StartsWith("expected an array containing"));
}

TEST(Expect, Elapsed) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "sleep", "args": {"seconds": 0.05}, "elapsed": {"min": 0.045, "max": 2}})")));
  const auto r = run_real(with_steps(R"({"op": "sleep", "args": {"seconds": 0.05}, "elapsed": {"max": 0.001}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_THAT(r.message, ::testing::MatchesRegex("took 0\\.0[5-9][0-9]* s, expected at most 0\\.001 s"));
  EXPECT_TRUE(r.got.contains("elapsed"));
  EXPECT_EQ(r.expected["elapsed"], (json{{"max", 0.001}}));
}

TEST(Expect, DataOfRecvInto) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socketpair", "as": ["a", "b"]},
    {"op": "sendall", "sock": "a", "args": {"string": "hello"}},
    {"op": "recv_into", "sock": "b", "args": {"buffer": 10}, "expect": {"value": 5}, "data": "hello"})")));
  const auto r = run_real(with_steps(R"({"op": "socketpair", "as": ["a", "b"]},
    {"op": "sendall", "sock": "a", "args": {"string": "hello"}},
    {"op": "recv_into", "sock": "b", "args": {"buffer": 10, "nbytes": 3}, "data": "hel!"})"));
  EXPECT_FAIL_AT(r, 2);
  EXPECT_EQ(r.message, "expected data \"hel!\", got \"hel\"");
}

TEST(Expect, DataOfRecvfromIntoAndTruncation) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socket", "as": "rx", "args": {"type": "SOCK_DGRAM"}},
    {"op": "bind", "sock": "rx", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "getsockname", "sock": "rx", "save": "rx_addr"},
    {"op": "socket", "as": "tx", "args": {"type": "SOCK_DGRAM"}},
    {"op": "bind", "sock": "tx", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "getsockname", "sock": "tx", "save": "tx_addr"},
    {"op": "sendto", "sock": "tx", "args": {"string": {"hex": "00010203040506070809"}, "address": "$rx_addr"}, "expect": {"value": 10}},
    {"op": "recvfrom_into", "sock": "rx", "args": {"buffer": 16}, "expect": {"value": [10, "$tx_addr"]}, "data": {"hex": "00010203040506070809"}},
    {"op": "sendto", "sock": "tx", "args": {"string": "0123456789", "address": "$rx_addr"}},
    {"op": "recv_into", "sock": "rx", "args": {"buffer": 4, "flags": "MSG_TRUNC"}, "expect": {"value": 10}, "data": "0123"})")));
}

// ---- substitution and value forms ----------------------------------------------------------------

TEST(Substitution, SavedValuesInArgsAndExpectations) {
  const auto r = run_real(with_steps(R"({"op": "socket", "as": "srv"},
    {"op": "bind", "sock": "srv", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "listen", "sock": "srv", "args": {"backlog": 1}},
    {"op": "getsockname", "sock": "srv", "save": "srv_addr"},
    {"op": "socket", "as": "c"},
    {"op": "connect", "sock": "c", "args": {"address": ["$srv_addr[0]", "$srv_addr[1]"]}},
    {"op": "accept", "sock": "srv", "as": "conn", "save": "peer"},
    {"op": "getpeername", "sock": "c", "expect": {"value": "$srv_addr"}},
    {"op": "getsockname", "sock": "c", "expect": {"value": "$peer"}},
    {"op": "getsockname", "sock": "conn", "expect": {"value": ["127.0.0.1", "$srv_addr[1]"]}},
    {"op": "getpeername", "sock": "conn", "expect": {"contains": "$peer[1]"}})"));
  EXPECT_PASS(r);
  EXPECT_EQ(r.records.size(), 11u);
}

TEST(Substitution, UndefinedVariableFailsTheStep) {
  const auto r = run_real(with_steps(R"({"op": "socket", "as": "c"},
    {"op": "connect", "sock": "c", "args": {"address": "$nowhere"}},
    {"op": "close", "sock": "c"})"));
  EXPECT_FAIL_AT(r, 1);
  EXPECT_EQ(r.message, "undefined variable $nowhere (no earlier step saved it)");
  EXPECT_EQ(r.records.size(), 2u);  // nothing after the failing step runs
  const auto e = run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"value": "$later"}})"));
  EXPECT_EQ(e.message, "undefined variable $later (no earlier step saved it)");
}

TEST(Substitution, SaveOnlyOnSuccess) {
  const auto r = run_real(with_steps(R"({"op": "inet_aton", "args": {"ip_string": "bad"}, "expect": {"error": "error"}, "save": "x"},
    {"op": "htons", "args": {"x": "$x"}})"));
  EXPECT_FAIL_AT(r, 1);
  EXPECT_EQ(r.message, "undefined variable $x (no earlier step saved it)");
}

TEST(ValueForms, BytesHexRepeatAndMakefile) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socketpair", "as": ["a", "b"]},
    {"op": "sendall", "sock": "a", "args": {"string": {"hex": "00ff"}}},
    {"op": "recv", "sock": "b", "args": {"bufsize": 2}, "expect": {"value": {"hex": "00ff"}}},
    {"op": "sendall", "sock": "a", "args": {"string": {"repeat": "ab", "count": 50000}}},
    {"op": "makefile", "sock": "b", "as": "f", "args": {"mode": "rb"}},
    {"op": "read", "file": "f", "args": {"size": 100000}, "expect": {"value": {"repeat": "ab", "count": 50000}, "len": 100000}},
    {"op": "sendall", "sock": "a", "args": {"string": "line one\nline two\n"}},
    {"op": "readline", "file": "f", "expect": {"value": "line one\n"}},
    {"op": "readline", "file": "f", "args": {"size": 4}, "expect": {"value": "line"}},
    {"op": "makefile", "sock": "a", "as": "w", "args": {"mode": "wb"}},
    {"op": "write", "file": "w", "args": {"string": "via file\n"}, "expect": {"value": null}},
    {"op": "flush", "file": "w"},
    {"op": "readline", "file": "f", "expect": {"value": " two\n"}},
    {"op": "readline", "file": "f", "expect": {"value": "via file\n"}},
    {"op": "close", "file": "w"},
    {"op": "close", "sock": "a"},
    {"op": "read", "file": "f", "expect": {"value": ""}})")));
}

TEST(ValueForms, FlagsArraysAndNullTimeouts) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socketpair", "as": ["a", "b"]},
    {"op": "send", "sock": "a", "args": {"string": "peek"}, "expect": {"value": 4}},
    {"op": "recv", "sock": "b", "args": {"bufsize": 10, "flags": ["MSG_PEEK", "MSG_DONTWAIT"]}, "expect": {"value": "peek"}},
    {"op": "recv", "sock": "b", "args": {"bufsize": 10}, "expect": {"value": "peek"}},
    {"op": "gettimeout", "sock": "a", "expect": {"value": null}},
    {"op": "settimeout", "sock": "a", "args": {"value": 2.5}},
    {"op": "gettimeout", "sock": "a", "expect": {"value": 2.5}},
    {"op": "settimeout", "sock": "a", "args": {"value": null}},
    {"op": "gettimeout", "sock": "a", "expect": {"value": null}},
    {"op": "setblocking", "sock": "a", "args": {"flag": 0}},
    {"op": "gettimeout", "sock": "a", "expect": {"value": 0.0}},
    {"op": "setblocking", "sock": "a", "args": {"flag": true}},
    {"op": "gettimeout", "sock": "a", "expect": {"value": null}})")));
}

TEST(ValueForms, SocketOptionsAsIntegersAndBytes) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socket", "as": "c"},
    {"op": "setsockopt", "sock": "c", "args": {"level": "SOL_SOCKET", "optname": "SO_REUSEADDR", "value": 1}},
    {"op": "getsockopt", "sock": "c", "args": {"level": "SOL_SOCKET", "optname": "SO_REUSEADDR"}, "expect": {"value": 1}},
    {"op": "setsockopt", "sock": "c", "args": {"level": "SOL_SOCKET", "optname": "SO_LINGER", "value": {"hex": "0100000000000000"}}},
    {"op": "getsockopt", "sock": "c", "args": {"level": "SOL_SOCKET", "optname": "SO_LINGER", "buflen": 8}, "expect": {"value": {"hex": "0100000000000000"}}})")));
}

TEST(Ops, ModuleFunctionsConversionsAndSelect) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "getdefaulttimeout", "expect": {"value": null}},
    {"op": "setdefaulttimeout", "args": {"timeout": 3}},
    {"op": "socket", "as": "c"},
    {"op": "gettimeout", "sock": "c", "expect": {"value": 3}},
    {"op": "has_ipv6", "expect": {"ok": true}},
    {"op": "inet_ntoa", "args": {"packed_ip": {"hex": "7f000001"}}, "expect": {"value": "127.0.0.1"}},
    {"op": "inet_ntop", "args": {"address_family": "AF_INET6", "packed_ip": {"hex": "00000000000000000000000000000001"}}, "expect": {"value": "::1"}},
    {"op": "ntohl", "args": {"x": 1}, "expect": {"value": 16777216}},
    {"op": "ntohs", "args": {"x": 256}, "expect": {"value": 1}},
    {"op": "getservbyname", "args": {"servicename": "http", "protocolname": "tcp"}, "expect": {"value": 80}},
    {"op": "getservbyport", "args": {"port": 80, "protocolname": "tcp"}, "expect": {"value": "http"}},
    {"op": "getprotobyname", "args": {"protocolname": "tcp"}, "expect": {"value": "IPPROTO_TCP"}},
    {"op": "getnameinfo", "args": {"sockaddr": ["127.0.0.1", 80], "flags": ["NI_NUMERICHOST", "NI_NUMERICSERV"]}, "expect": {"value": ["127.0.0.1", "80"]}},
    {"op": "gethostbyname", "args": {"hostname": "127.0.0.1"}, "expect": {"value": "127.0.0.1"}},
    {"op": "socketpair", "as": ["a", "b"]},
    {"op": "select", "args": {"rlist": ["a", "b"], "wlist": ["b", "a"], "timeout": 0}, "expect": {"value": [[], ["b", "a"], []]}},
    {"op": "send", "sock": "a", "args": {"string": "x"}},
    {"op": "select", "args": {"rlist": ["a", "b"], "timeout": 1}, "expect": {"value": [["b"], [], []]}})")));
}

TEST(Ops, CreateConnectionFromfdAndReusedNames) {
  EXPECT_PASS(run_real(with_steps(R"({"op": "socket", "as": "srv"},
    {"op": "bind", "sock": "srv", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "listen", "sock": "srv"},
    {"op": "getsockname", "sock": "srv", "save": "addr"},
    {"op": "create_connection", "as": "c", "args": {"address": ["localhost", "$addr[1]"], "timeout": 1}},
    {"op": "gettimeout", "sock": "c", "expect": {"value": 1}},
    {"op": "accept", "sock": "srv", "as": "conn"},
    {"op": "fileno", "sock": "c", "save": "fd"},
    {"op": "fromfd", "as": "dup", "args": {"fd": "$fd", "family": "AF_INET", "type": "SOCK_STREAM"}},
    {"op": "sendall", "sock": "dup", "args": {"string": "via dup"}},
    {"op": "recv", "sock": "conn", "args": {"bufsize": 100}, "expect": {"value": "via dup"}},
    {"op": "close", "sock": "conn"},
    {"op": "settimeout", "sock": "srv", "args": {"value": 0.05}},
    {"op": "accept", "sock": "srv", "as": "conn", "expect": {"error": "timeout"}},
    {"op": "create_connection", "as": "conn", "args": {"address": "$addr", "source_address": ["127.0.0.1", 0]}},
    {"op": "accept", "sock": "srv", "as": "other"},
    {"op": "getsockname", "sock": "conn", "save": "mine"},
    {"op": "getpeername", "sock": "other", "expect": {"value": "$mine"}})")));
}

// ---- lifecycle ----------------------------------------------------------------------------------

int open_fds() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (::readdir(d)) ++n;
    ::closedir(d);
  }
  return n;
}

TEST(Lifecycle, EverySocketClosedAndTmpdirRemovedWhateverHappened) {
  const int before = open_fds();
  std::string path;
  RunOptions options;
  options.on_step = [&](const Step& st, const StepRecord& rec) {
    if (st.op == "getsockname" && rec.outcome.value.is_string()) path = rec.outcome.value.get<std::string>();
  };
  const auto r = run_real(with_steps(R"({"op": "socket", "as": "u", "args": {"family": "AF_UNIX"}},
    {"op": "bind", "sock": "u", "args": {"address": "$tmpdir/s.sock"}},
    {"op": "getsockname", "sock": "u", "expect": {"value": "$tmpdir/s.sock"}},
    {"op": "listen", "sock": "u"},
    {"op": "socketpair", "as": ["a", "b"]},
    {"op": "makefile", "sock": "a", "as": "f", "args": {"mode": "wb"}},
    {"op": "write", "file": "f", "args": {"string": "unflushed"}},
    {"op": "socket", "as": "v", "args": {"family": "AF_UNIX"}},
    {"op": "connect", "sock": "v", "args": {"address": "$tmpdir/s.sock"}},
    {"op": "htons", "args": {"x": 1}, "expect": {"value": 0}})"),
                          options);
  EXPECT_FAIL_AT(r, 9);
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.substr(path.size() - 7), "/s.sock");
  struct stat st {};
  EXPECT_NE(::stat(std::filesystem::path(path).parent_path().c_str(), &st), 0) << "$tmpdir still exists: " << path;
  EXPECT_EQ(open_fds(), before);
}

TEST(Lifecycle, DefaultTimeoutStartsNullAndIsRestored) {
  RealNetwork net;
  net.setdefaulttimeout(Seconds(7.0));
  const Scenario sc = parse_ok(with_steps(R"({"op": "getdefaulttimeout", "expect": {"value": null}},
    {"op": "setdefaulttimeout", "args": {"timeout": 2}},
    {"op": "getdefaulttimeout", "expect": {"value": 2}})"));
  EXPECT_PASS(run_scenario(sc, net, {}));
  EXPECT_EQ(net.getdefaulttimeout(), std::nullopt);
}

TEST(Lifecycle, WatchdogCutsOffABlockedCall) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_real(with_steps(R"({"op": "socket", "as": "u", "args": {"type": "SOCK_DGRAM"}},
    {"op": "bind", "sock": "u", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "recv", "sock": "u", "args": {"bufsize": 10}},
    {"op": "close", "sock": "u"})",
                                     R"("timeout": 0.2)"));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FAIL_AT(r, 2);
  EXPECT_EQ(r.message, "timed out after 0.2 s (the scenario's timeout)");
  EXPECT_EQ(r.got["error"], "ECANCELED");
  EXPECT_LT(took, 2.0);
  EXPECT_GE(took, 0.19);
}

TEST(Lifecycle, StepsAfterAFailureDoNotRun) {
  const auto r = run_real(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"value": 2}}, {"op": "sleep", "args": {"seconds": 5}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_LT(r.seconds, 1.0);
}

// ---- untrusted input ----------------------------------------------------------------------------

TEST(Guards, UnlinkAndUnixPathsStayInsideTmpdir) {
  const std::string victim = ::testing::TempDir() + "socksim_runner_victim";
  { FILE* f = std::fopen(victim.c_str(), "w"); ASSERT_TRUE(f); std::fclose(f); }
  const auto r = run_real(with_steps(R"({"op": "unlink", "args": {"path": ")" + victim + R"("}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_THAT(r.message, ::testing::HasSubstr("lies outside $tmpdir"));
  EXPECT_EQ(r.got, (json{{"failure", r.message}}));
  struct stat st {};
  EXPECT_EQ(::stat(victim.c_str(), &st), 0) << "the file outside $tmpdir was touched";
  std::remove(victim.c_str());

  for (const char* bad : {"$tmpdir/../escape.sock", "relative.sock", "/tmp/x.sock", "$tmpdir"}) {
    const auto b = run_real(with_steps(std::string(R"({"op": "socket", "as": "u", "args": {"family": "AF_UNIX"}},
      {"op": "bind", "sock": "u", "args": {"address": ")") + bad + R"("}})"));
    EXPECT_FAIL_AT(b, 1);
    EXPECT_THAT(b.message, ::testing::HasSubstr("lies outside $tmpdir")) << bad;
  }
  // Inside $tmpdir, abstract names and autobind are fine.
  EXPECT_PASS(run_real(with_steps(R"({"op": "socket", "as": "u", "args": {"family": "AF_UNIX"}},
    {"op": "bind", "sock": "u", "args": {"address": "$tmpdir/./ok.sock"}},
    {"op": "unlink", "args": {"path": "$tmpdir/ok.sock"}},
    {"op": "unlink", "args": {"path": "$tmpdir/ok.sock"}, "expect": {"error": "ENOENT"}},
    {"op": "socket", "as": "a", "args": {"family": "AF_UNIX"}},
    {"op": "bind", "sock": "a", "args": {"address": "\u0000socksim-test-$unique"}},
    {"op": "getsockname", "sock": "a", "expect": {"value": "\u0000socksim-test-$unique"}},
    {"op": "socket", "as": "b", "args": {"family": "AF_UNIX", "type": "SOCK_DGRAM"}},
    {"op": "bind", "sock": "b", "args": {"address": ""}},
    {"op": "getsockname", "sock": "b", "expect": {"len": 6}})")));
}

TEST(Guards, DestinationsStayOnLoopback) {
  const std::pair<const char*, const char*> cases[] = {
      {"AF_INET", R"(["192.0.2.1", 9])"}, {"AF_INET", R"(["203.0.113.5", 80])"}, {"AF_INET6", R"(["2001:db8::1", 9, 0, 0])"}};
  for (const auto& [family, addr] : cases) {
    const auto r = run_real(with_steps(std::string(R"({"op": "socket", "as": "u", "args": {"family": ")") + family +
                                       R"(", "type": "SOCK_DGRAM"}},
      {"op": "sendto", "sock": "u", "args": {"string": "x", "address": )" + addr + R"(}},
      {"op": "connect", "sock": "u", "args": {"address": )" + addr + R"(}})"));
    EXPECT_FAIL_AT(r, 1);
    EXPECT_THAT(r.message, ::testing::HasSubstr("is not a loopback address")) << addr;
  }
  auto r = run_real(with_steps(R"({"op": "create_connection", "as": "c", "args": {"address": ["192.0.2.1", 80]}})"));
  EXPECT_FAIL_AT(r, 0);
  // Loopback names and addresses, and a broadcast the system refuses by itself.
  EXPECT_PASS(run_real(with_steps(std::string(kClosedPort) + R"(,
    {"op": "connect", "sock": "c", "args": {"address": ["localhost", "$addr[1]"]}, "expect": {"error": "ECONNREFUSED"}},
    {"op": "socket", "as": "u", "args": {"type": "SOCK_DGRAM"}},
    {"op": "sendto", "sock": "u", "args": {"string": "x", "address": ["127.1.2.3", "$addr[1]"]}},
    {"op": "sendto", "sock": "u", "args": {"string": "x", "address": ["<broadcast>", "$addr[1]"]}, "expect": {"error": "EACCES"}})")));
  r = run_real(with_steps(R"({"op": "socket", "as": "u", "args": {"type": "SOCK_DGRAM"}},
    {"op": "setsockopt", "sock": "u", "args": {"level": "SOL_SOCKET", "optname": "SO_BROADCAST", "value": 1}},
    {"op": "sendto", "sock": "u", "args": {"string": "x", "address": ["255.255.255.255", 9]}})"));
  EXPECT_FAIL_AT(r, 2);
  EXPECT_THAT(r.message, ::testing::HasSubstr("broadcast"));
}

TEST(Guards, FromfdOnlyDuplicatesTheScenariosSockets) {
  const auto r = run_real(with_steps(R"({"op": "fromfd", "as": "s", "args": {"fd": 0, "family": "AF_INET", "type": "SOCK_STREAM"}})"));
  EXPECT_FAIL_AT(r, 0);
  EXPECT_THAT(r.message, ::testing::HasSubstr("fd 0 is not an open socket of this scenario"));
  EXPECT_PASS(run_real(with_steps(R"({"op": "fromfd", "as": "s", "args": {"fd": -1, "family": "AF_INET", "type": "SOCK_STREAM"}, "expect": {"error": "EBADF"}})")));
}

TEST(Guards, SimLikeBackendsAreNotConfined) {
  RunOptions options;
  options.confine = false;
  options.loopback_only = false;
  // Without confinement the engine hands the path to the backend, which reports what the OS says.
  const auto r = run_real(with_steps(R"({"op": "unlink", "args": {"path": "/nonexistent-socksim-dir/x"}, "expect": {"error": "ENOENT"}})"),
                          options);
  EXPECT_PASS(r);
}

}  // namespace
}  // namespace socksim::runner
