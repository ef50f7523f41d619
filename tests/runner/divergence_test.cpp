// Comparison keys and divergence between backends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "runner/divergence.hpp"
#include "runner/ops.hpp"
#include "socksim/mock.hpp"

namespace socksim::runner {
namespace {

using testing::parse_ok;
using testing::with_steps;

Step step_of(const char* op, Target target = Target::Socket) {
  Step s;
  s.op = op;
  s.spec = find_op(op, target);
  return s;
}

TEST(ComparisonKey, PortsNobodyAskedForAreIgnored) {
  const std::set<long long> asked = {8080};
  const Step accept = step_of("accept");
  EXPECT_EQ(comparison_key(accept, Outcome::of_value(json::array({"127.0.0.1", 41234})), asked, ""),
            (json{{"value", json::array({"127.0.0.1", "*"})}}));
  EXPECT_EQ(comparison_key(accept, Outcome::of_value(json::array({"127.0.0.1", 8080})), asked, ""),
            (json{{"value", json::array({"127.0.0.1", 8080})}}));
  EXPECT_EQ(comparison_key(accept, Outcome::of_value(json::array({"::1", 41234, 0, 0})), asked, ""),
            (json{{"value", json::array({"::1", "*", 0, 0})}}));
  // Port 0 is never picked by the system.
  EXPECT_EQ(comparison_key(step_of("getsockname"), Outcome::of_value(json::array({"0.0.0.0", 0})), asked, ""),
            (json{{"value", json::array({"0.0.0.0", 0})}}));
  // recvfrom: the address is the second element; the data is compared.
  EXPECT_EQ(comparison_key(step_of("recvfrom"), Outcome::of_value(json::array({make_bytes("hi"), json::array({"127.0.0.1", 5555})})), asked, ""),
            (json{{"value", json::array({make_bytes("hi"), json::array({"127.0.0.1", "*"})})}}));
  // getaddrinfo: every entry's sockaddr.
  const json entries = json::array({json::array({2, 1, 6, "", json::array({"127.0.0.1", 5555})}),
                                    json::array({10, 1, 6, "", json::array({"::1", 8080, 0, 0})})});
  const json key = comparison_key(step_of("getaddrinfo", Target::None), Outcome::of_value(entries), asked, "");
  EXPECT_EQ(key["value"][0][4], json::array({"127.0.0.1", "*"}));
  EXPECT_EQ(key["value"][1][4], json::array({"::1", 8080, 0, 0}));
  // getnameinfo: a numeric service is a port.
  EXPECT_EQ(comparison_key(step_of("getnameinfo", Target::None), Outcome::of_value(json::array({"localhost", "5555"})), asked, ""),
            (json{{"value", json::array({"localhost", "*"})}}));
  EXPECT_EQ(comparison_key(step_of("getnameinfo", Target::None), Outcome::of_value(json::array({"localhost", "http"})), asked, ""),
            (json{{"value", json::array({"localhost", "http"})}}));
  // Numbers that are not in addresses are compared.
  EXPECT_EQ(comparison_key(step_of("send"), Outcome::of_value(41234), asked, ""), (json{{"value", 41234}}));
}

TEST(ComparisonKey, TmpdirAutobindFdsAndVary) {
  const Step gsn = step_of("getsockname");
  EXPECT_EQ(comparison_key(gsn, Outcome::of_value("/tmp/socksim-abc/s.sock"), {}, "/tmp/socksim-abc"),
            (json{{"value", "$tmpdir/s.sock"}}));
  EXPECT_EQ(comparison_key(gsn, Outcome::of_value(std::string("\0" "1f2e3", 6)), {}, ""),
            (json{{"value", std::string("\0*", 2)}}));
  EXPECT_EQ(comparison_key(gsn, Outcome::of_value(std::string("\0" "named", 6)), {}, ""),
            (json{{"value", std::string("\0named", 6)}}));
  EXPECT_TRUE(comparison_key(step_of("fileno"), Outcome::of_value(7), {}, "").is_null());
  Step varying = step_of("recv");
  varying.vary = true;
  EXPECT_TRUE(comparison_key(varying, Outcome::of_value(make_bytes("x")), {}, "").is_null());
  // Errors compare by name only; the message may differ.
  Outcome e = Outcome::of_error(errno_code(111), "connect");
  EXPECT_EQ(comparison_key(gsn, e, {}, ""), (json{{"error", "ECONNREFUSED"}}));
}

BackendResult result_of(const std::string& backend, std::vector<std::pair<const char*, Outcome>> steps) {
  BackendResult r;
  r.backend = backend;
  r.status = Status::Pass;
  std::size_t i = 0;
  for (auto& [op, o] : steps) {
    StepRecord rec;
    rec.step = i++;
    rec.op = op;
    rec.outcome = o;
    Step st = step_of(op);
    rec.key = comparison_key(st, o, {}, "");
    r.records.push_back(rec);
  }
  return r;
}

TEST(FirstDivergence, RaisedVersusReturnedDifferentErrorsDifferentValues) {
  const Outcome ok = Outcome::of_value(nullptr);
  const Outcome refused = Outcome::of_error(errno_code(111), "connect");
  const Outcome reset = Outcome::of_error(errno_code(104), "recv");
  auto d = first_divergence(result_of("sim", {{"bind", ok}, {"connect", refused}}),
                            result_of("real", {{"bind", ok}, {"connect", ok}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->step, 1u);
  EXPECT_EQ(d->op, "connect");
  EXPECT_EQ(d->message, "sim raised ECONNREFUSED, real returned null");
  d = first_divergence(result_of("sim", {{"recv", reset}}), result_of("real", {{"recv", refused}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->message, "sim raised ECONNRESET, real raised ECONNREFUSED");
  d = first_divergence(result_of("sim", {{"recv", Outcome::of_value(make_bytes("ab"))}}),
                       result_of("real", {{"recv", Outcome::of_value(make_bytes("abc"))}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->message, "sim returned \"ab\", real returned \"abc\"");
  EXPECT_EQ(d->first, (json{{"value", "ab"}}));
}

TEST(FirstDivergence, AgreementAndTolerance) {
  EXPECT_FALSE(first_divergence(result_of("sim", {{"gettimeout", Outcome::of_value(0.1 + 0.2)}}),
                                result_of("real", {{"gettimeout", Outcome::of_value(0.3)}})));
  EXPECT_FALSE(first_divergence(result_of("sim", {{"accept", Outcome::of_value(json::array({"127.0.0.1", 40000}))}}),
                                result_of("real", {{"accept", Outcome::of_value(json::array({"127.0.0.1", 50000}))}})));
  EXPECT_FALSE(first_divergence(result_of("sim", {{"fileno", Outcome::of_value(3)}}),
                                result_of("real", {{"fileno", Outcome::of_value(9)}})));
  // Only the steps both ran are compared.
  EXPECT_FALSE(first_divergence(result_of("sim", {{"close", Outcome::of_value(nullptr)}}),
                                result_of("real", {{"close", Outcome::of_value(nullptr)}, {"send", Outcome::of_value(1)}})));
  // The first differing step is reported, not a later one.
  auto d = first_divergence(result_of("sim", {{"send", Outcome::of_value(1)}, {"send", Outcome::of_value(2)}, {"send", Outcome::of_value(3)}}),
                            result_of("real", {{"send", Outcome::of_value(1)}, {"send", Outcome::of_value(5)}, {"send", Outcome::of_value(6)}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->step, 1u);
}

constexpr const char* kEcho = R"({"op": "socket", "as": "srv"},
    {"op": "bind", "sock": "srv", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "listen", "sock": "srv"},
    {"op": "getsockname", "sock": "srv", "save": "addr"},
    {"op": "socket", "as": "c"},
    {"op": "connect", "sock": "c", "args": {"address": "$addr"}},
    {"op": "accept", "sock": "srv", "as": "conn"},
    {"op": "getpeername", "sock": "c"},
    {"op": "fileno", "sock": "c"},
    {"op": "gethostname"},
    {"op": "socket", "as": "u", "args": {"family": "AF_UNIX"}},
    {"op": "bind", "sock": "u", "args": {"address": "$tmpdir/u.sock"}},
    {"op": "getsockname", "sock": "u"},
    {"op": "sendall", "sock": "c", "args": {"string": "ping"}},
    {"op": "recv", "sock": "conn", "args": {"bufsize": 4}, "expect": {"value": "ping"}})";

TEST(FirstDivergence, TwoRealRunsAgreeDespiteEphemeralPortsFdsAndTmpdirs) {
  const Scenario sc = parse_ok(with_steps(kEcho));
  RealNetwork one, two;
  RunOptions o;
  o.unique = make_unique_token();
  const auto a = run_scenario(sc, one, o);
  const auto b = run_scenario(sc, two, o);
  EXPECT_PASS(a);
  EXPECT_PASS(b);
  // The ports and tmpdirs really differ...
  EXPECT_NE(a.records[7].outcome.value, b.records[7].outcome.value);
  EXPECT_NE(a.records[12].outcome.value, b.records[12].outcome.value);
  // ...and are not a divergence.
  const auto d = first_divergence(a, b);
  EXPECT_FALSE(d) << d->message;
}

TEST(FirstDivergence, ABackendThatAnswersDifferentlyIsCaughtEvenWhenBothPass) {
  const Scenario sc = parse_ok(with_steps(kEcho));
  RealNetwork real, inner;
  ::testing::NiceMock<MockNetwork> mock;
  mock.DelegateTo(inner);
  ON_CALL(mock, do_gethostname(::testing::_)).WillByDefault([](std::error_code& ec) {
    ec.clear();
    return std::string("not-this-machine");
  });
  const auto a = run_scenario(sc, real, {});
  const auto b = run_scenario(sc, mock, {});
  EXPECT_PASS(a);
  EXPECT_PASS(b);
  const auto d = first_divergence(a, b);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->step, 9u);
  EXPECT_EQ(d->op, "gethostname");
  // Marking the step "vary" takes it out of the comparison.
  std::string varied = kEcho;
  varied.replace(varied.find(R"({"op": "gethostname"})"), 21, R"({"op": "gethostname", "vary": true})");
  const Scenario sc2 = parse_ok(with_steps(varied));
  EXPECT_FALSE(first_divergence(run_scenario(sc2, real, {}), run_scenario(sc2, mock, {})));
}

}  // namespace
}  // namespace socksim::runner
