// Reading and validating scenarios (the bad-file corpus covers each message; these cover the
// rules around them).
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "runner/scenario.hpp"

namespace socksim::runner {
namespace {

using testing::parse_error;
using testing::parse_ok;
using testing::with_steps;

TEST(Scenario, ContractExampleParsesWithItsFields) {
  const Scenario sc = parse_ok(R"({
  "name": "tcp-refused-without-listener",
  "description": "connect to a closed port fails with ECONNREFUSED",
  "tags": ["tcp", "errors"],
  "backends": ["sim", "real"],
  "timeout": 10,
  "sim": { "seed": 1 },
  "steps": [
    {"op": "socket", "as": "probe", "args": {"family": "AF_INET", "type": "SOCK_STREAM"}},
    {"op": "bind", "sock": "probe", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "getsockname", "sock": "probe", "save": "addr"},
    {"op": "close", "sock": "probe"},
    {"op": "socket", "as": "c"},
    {"op": "connect", "sock": "c", "args": {"address": "$addr"},
     "expect": {"error": "ECONNREFUSED"}}
  ]
})");
  EXPECT_EQ(sc.name, "tcp-refused-without-listener");
  EXPECT_EQ(sc.description, "connect to a closed port fails with ECONNREFUSED");
  EXPECT_EQ(sc.tags, (std::vector<std::string>{"tcp", "errors"}));
  EXPECT_EQ(sc.timeout, 10);
  EXPECT_EQ(sc.seed, 1u);
  ASSERT_EQ(sc.steps.size(), 6u);
  EXPECT_EQ(sc.steps[0].as, std::vector<std::string>{"probe"});
  EXPECT_EQ(sc.steps[1].sock, "probe");
  EXPECT_EQ(sc.steps[2].save, "addr");
  EXPECT_TRUE(sc.steps[5].expects_error());
  EXPECT_EQ(sc.where("/steps/5/op"), "inline.json:14:12");
  EXPECT_FALSE(sc.uses_tmpdir);
}

TEST(Scenario, Defaults) {
  const Scenario sc = parse_ok(with_steps(R"({"op": "has_ipv6"})"));
  EXPECT_EQ(sc.backends, (std::vector<std::string>{"sim", "real"}));
  EXPECT_EQ(sc.timeout, 10.0);
  EXPECT_FALSE(sc.sim);
  EXPECT_FALSE(sc.seed);
  EXPECT_FALSE(sc.steps[0].expect);
}

TEST(Scenario, BackendsAndSimSection) {
  const Scenario sc = parse_ok(with_steps(R"({"op": "has_ipv6"})", R"("backends": ["sim"], "sim": {"hosts": []})"));
  EXPECT_TRUE(sc.lists("sim"));
  EXPECT_FALSE(sc.lists("real"));
  ASSERT_TRUE(sc.sim);
  EXPECT_TRUE((*sc.sim).contains("hosts"));  // the sim's own keys are the sim factory's to check
}

TEST(Scenario, EveryErrorIsReportedInFileOrder) {
  const std::string e = parse_error(R"({"name": "x", "steps": [
    {"op": "nope"},
    {"op": "socket", "as": "c", "expct": {}},
    {"op": "recv", "sock": "d", "args": {"bufsize": "X"}}
  ], "extra": 1})");
  EXPECT_EQ(e,
            "inline.json:2:12: step 0: unknown op \"nope\"\n"
            "inline.json:3:33: step 1 (socket): unknown key \"expct\" in a step (did you mean \"expect\"?)\n"
            "inline.json:4:28: step 2 (recv): socket \"d\" is not created by any earlier step\n"
            "inline.json:4:53: step 2 (recv): args.bufsize: unknown constant \"X\"\n"
            "inline.json:5:6: unknown key \"extra\" in the scenario");
}

TEST(Scenario, ALongUnknownWordIsShownCutOnItsLine) {
  const std::string word(20000, 'Q');
  const std::string e = parse_error(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"min": ")" + word + R"("}})"));
  EXPECT_EQ(e, "inline.json:1:77: step 0 (htons): unknown constant \"" + std::string(60, 'Q') + "\"... (20000 bytes)");
  const std::string key = parse_error(with_steps(R"({"op": "htons", "args": {"x": 1}, "a\nb": 1})"));
  EXPECT_EQ(key, "inline.json:1:59: step 0 (htons): unknown key \"a\\nb\" in a step");
}

TEST(Scenario, VariablesAreNotTypeChecked) {
  parse_ok(with_steps(R"({"op": "socket", "as": "c"},
    {"op": "connect", "sock": "c", "args": {"address": "$addr"}, "expect": {"error": "ECONNREFUSED"}},
    {"op": "connect", "sock": "c", "args": {"address": ["$host", "$addr[1]"]}},
    {"op": "recv", "sock": "c", "args": {"bufsize": "$n", "flags": ["MSG_PEEK", "$f"]}},
    {"op": "settimeout", "sock": "c", "args": {"value": "$t"}})"));
}

TEST(Scenario, WrongTypesAreAllowedWhereTypeErrorIsExpected) {
  const std::string steps = R"({"op": "htons", "args": {"x": "abc"}, "expect": {"error": "type_error"}},
    {"op": "inet_aton", "args": {"ip_string": 5}, "expect": {"error_any": ["type_error", "error"]}},
    {"op": "socket", "as": "c"},
    {"op": "bind", "sock": "c", "args": {"address": [1, 2, 3, 4, 5]}, "expect": {"error": "type_error"}},
    {"op": "settimeout", "sock": "c", "args": {"value": "soon"}, "expect": {"error": "type_error"}},
    {"op": "listen", "sock": "c", "args": {"backlog": [[1]]}, "expect": {"error": "type_error"}})";
  parse_ok(with_steps(steps));
  EXPECT_NE(parse_error(with_steps(R"({"op": "htons", "args": {"x": "abc"}})")), "");
  EXPECT_NE(parse_error(with_steps(R"({"op": "inet_aton", "args": {"ip_string": 5}})")), "");
  // Missing required arguments too.
  parse_ok(with_steps(R"({"op": "htons", "expect": {"error": "type_error"}})"));
  // A malformed bytes form never is.
  EXPECT_NE(parse_error(with_steps(R"({"op": "inet_ntoa", "args": {"packed_ip": {"hex": "1"}}, "expect": {"error": "type_error"}})")), "");
}

TEST(Scenario, AsMayBeLeftOutWhenTheCreationMustFail) {
  parse_ok(with_steps(R"({"op": "socket", "args": {"family": 12345}, "expect": {"error": "EAFNOSUPPORT"}})"));
  EXPECT_EQ(parse_error(with_steps(R"({"op": "socket", "args": {"family": 12345}})")),
            "inline.json:1:25: step 0 (socket): missing \"as\": the name of the new socket");
}

TEST(Scenario, NamesOfSocketsAndFiles) {
  // A name may be reused; a step that created it and failed still defines it for later steps.
  parse_ok(with_steps(R"({"op": "socket", "as": "c"}, {"op": "close", "sock": "c"}, {"op": "socket", "as": "c"},
    {"op": "socketpair", "as": ["a", "b"]}, {"op": "makefile", "sock": "a", "as": "f"},
    {"op": "readline", "file": "f"}, {"op": "close", "file": "f"}, {"op": "close", "sock": "b"},
    {"op": "select", "args": {"rlist": ["a"], "wlist": ["b", "c"], "xlist": []}})"));
  EXPECT_EQ(parse_error(with_steps(R"({"op": "close"})")),
            "inline.json:1:25: step 0 (close): missing \"sock\": the socket to call close on");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "socket", "as": "c"}, {"op": "close", "file": "c"})")),
            "inline.json:1:78: step 1 (close): file object \"c\" is not created by any earlier step");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "socket", "as": "c"}, {"op": "connect", "file": "c"})")),
            "inline.json:1:72: step 1 (connect): connect is not a method of a file object: it is a socket method, use \"sock\"");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "socket", "as": "c"}, {"op": "close", "sock": "c", "file": "c"})")),
            "inline.json:1:83: step 1 (close): a step takes \"sock\" or \"file\", not both");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "socket", "as": ""})")),
            "inline.json:1:48: step 0 (socket): \"as\" must be a non-empty name, got \"\"");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "socketpair", "as": "a"})")),
            "inline.json:1:52: step 0 (socketpair): \"as\" must be an array of two socket names, got \"a\"");
}

TEST(Scenario, ExpectationShapes) {
  parse_ok(with_steps(R"({"op": "gethostname", "expect": {"min_len": 1, "max_len": 255}},
    {"op": "htons", "args": {"x": 1}, "expect": {"min": 0, "max": "SOMAXCONN"}},
    {"op": "getaddrinfo", "args": {"host": null, "port": 80}, "expect": {"contains": ["AF_INET", 1, 6, "", ["0.0.0.0", 80]]}},
    {"op": "getaddrinfo", "args": {"host": "x", "port": "http", "flags": ["AI_NUMERICHOST"]}, "expect": {"error": "gaierror:EAI_NONAME"}},
    {"op": "gethostbyaddr", "args": {"ip_address": "192.0.2.1"}, "expect": {"error_any": ["herror:HOST_NOT_FOUND", "herror", "gaierror"]}},
    {"op": "sleep", "args": {"seconds": 0}, "elapsed": {"max": 1}},
    {"op": "inet_aton", "args": {"ip_string": "1.2.3.4"}, "expect": {"value": {"hex": "01020304"}, "len": 4}})"));
  EXPECT_EQ(parse_error(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"error": "timeout", "error_any": ["timeout"]}})")),
            "inline.json:1:90: step 0 (htons): \"error\" and \"error_any\" cannot be combined: list every name in \"error_any\"");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"min": "NOPE"}})")),
            "inline.json:1:77: step 0 (htons): unknown constant \"NOPE\"");
  EXPECT_EQ(parse_error(with_steps(R"({"op": "htons", "args": {"x": 1}, "expect": {"error": "herror:NOPE"}})")),
            "inline.json:1:79: step 0 (htons): unknown herror code \"NOPE\" (expected one of: NETDB_INTERNAL, NETDB_SUCCESS, "
            "HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY, NO_DATA, NO_ADDRESS)");
}

TEST(Scenario, ErrorNames) {
  for (const char* ok : {"ECONNREFUSED", "EWOULDBLOCK", "EAGAIN", "timeout", "error", "value_error", "overflow_error",
                         "type_error", "deadlock", "gaierror", "herror", "gaierror:EAI_NONAME", "herror:TRY_AGAIN"})
    EXPECT_EQ(check_error_name(ok), "") << ok;
  EXPECT_NE(check_error_name("ECONNREFUSE"), "");
  EXPECT_NE(check_error_name("gaierror:ECONNREFUSED"), "");
  EXPECT_NE(check_error_name("Timeout"), "");
}

TEST(Scenario, AskedPortsAndTmpdir) {
  const Scenario sc = parse_ok(with_steps(R"({"op": "socket", "as": "c"},
    {"op": "bind", "sock": "c", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "connect", "sock": "c", "args": {"address": ["::1", 8080, 0, 0]}, "expect": {"error": "ECONNREFUSED"}},
    {"op": "getaddrinfo", "args": {"host": "localhost", "port": "9090"}},
    {"op": "getservbyport", "args": {"port": 53}},
    {"op": "unlink", "args": {"path": "$tmpdir/x"}, "expect": {"error": "ENOENT"}})"));
  EXPECT_EQ(sc.asked_ports, (std::set<long long>{53, 8080, 9090}));
  EXPECT_TRUE(sc.uses_tmpdir);
}

TEST(Scenario, UnreadableFile) {
  try {
    load_scenario("/nonexistent/x.json");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.json: cannot open: No such file or directory");
  }
}

}  // namespace
}  // namespace socksim::runner
