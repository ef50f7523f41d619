// Value forms, constants, substitution and comparison.
#include <gtest/gtest.h>

#include "runner/values.hpp"

namespace socksim::runner {
namespace {

TEST(Bytes, Forms) {
  EXPECT_EQ(bytes_of(json("ab")), "ab");
  EXPECT_EQ(bytes_of(json{{"hex", "00ff10"}}), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(bytes_of(json{{"hex", "de ad"}}), "\xde\xad");
  EXPECT_EQ(bytes_of(json{{"repeat", "ab"}, {"count", 3}}), "ababab");
  EXPECT_EQ(bytes_of(json{{"repeat", {{"hex", "00"}}}, {"count", 2}}), std::string(2, '\0'));
  EXPECT_EQ(bytes_of(json{{"repeat", "x"}, {"count", 0}}), "");
  EXPECT_EQ(bytes_of(make_bytes(std::string("z\0", 2))), std::string("z\0", 2));
  EXPECT_FALSE(bytes_of(json(5)));
  EXPECT_FALSE(bytes_of(json::array()));
}

TEST(Bytes, MalformedFormsSayWhy) {
  EXPECT_EQ(check_bytes_form(json{{"hex", "0"}}), "hex: odd number of digits");
  EXPECT_EQ(check_bytes_form(json{{"hex", "zz"}}), "hex: 'z' at offset 0 is not a hex digit");
  EXPECT_EQ(check_bytes_form(json{{"hex", 12}}), "hex: expected a string of hex digits, got an integer");
  EXPECT_EQ(check_bytes_form(json{{"hex", "00"}, {"x", 1}}), "{\"hex\": ...} takes no other key");
  EXPECT_EQ(check_bytes_form(json{{"repeat", "x"}}), "repeat: missing \"count\"");
  EXPECT_EQ(check_bytes_form(json{{"repeat", "x"}, {"count", 1.5}}),
            "repeat: \"count\" must be a non-negative integer, got 1.5");
  EXPECT_EQ(check_bytes_form(json{{"repeat", ""}, {"count", 1}}), "repeat: the unit to repeat is empty");
  EXPECT_EQ(check_bytes_form(json{{"repeat", 5}, {"count", 1}}),
            "repeat: expected a string or {\"hex\": ...} to repeat, got an integer");
  EXPECT_EQ(check_bytes_form(json{{"repeat", "x"}, {"count", 1}, {"extra", 1}}),
            "unknown key \"extra\" in {\"repeat\", \"count\"}");
  EXPECT_EQ(check_bytes_form(json{{"repeat", "x"}, {"count", 1000000000}}),
            "repeat: 1000000000 x 1 bytes exceeds the limit of 67108864 bytes");
  EXPECT_EQ(check_bytes_form(json{{"repeat", "x"}, {"count", 1000000}}), "");
}

TEST(Constants, NamesArraysAndPlainIntegers) {
  EXPECT_EQ(int_value(json("AF_INET")), 2);
  EXPECT_EQ(int_value(json("ECONNREFUSED")), 111);
  EXPECT_EQ(int_value(json(7)), 7);
  EXPECT_EQ(int_value(json(true)), 1);
  EXPECT_EQ(int_value(json::array({"MSG_PEEK", "MSG_DONTWAIT"})), 0x2 | 0x40);
  EXPECT_EQ(int_value(json::array({"MSG_PEEK", 0x100})), 0x102);
  std::string unknown;
  EXPECT_FALSE(int_value(json("AF_NOPE"), &unknown));
  EXPECT_EQ(unknown, "AF_NOPE");
  EXPECT_FALSE(int_value(json(1.5)));
  EXPECT_FALSE(int_value(json(nullptr)));
  EXPECT_FALSE(int_value(json(18446744073709551615ull)));
}

TEST(Variables, References) {
  auto r = parse_var_ref("$addr[1]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "addr");
  EXPECT_EQ(r->indexes, std::vector<long long>{1});
  r = parse_var_ref("$x[2][0]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->indexes, (std::vector<long long>{2, 0}));
  EXPECT_EQ(parse_var_ref("$x[-1]")->indexes, std::vector<long long>{-1});
  EXPECT_FALSE(parse_var_ref("$"));
  EXPECT_FALSE(parse_var_ref("$1"));
  EXPECT_FALSE(parse_var_ref("$x["));
  EXPECT_FALSE(parse_var_ref("$x[]"));
  EXPECT_FALSE(parse_var_ref("$x/y"));
  EXPECT_FALSE(parse_var_ref("x$y"));
}

TEST(Variables, SubstitutionKeepsTypesAndReachesEverywhere) {
  Vars vars;
  vars.tmpdir = "/tmp/d";
  vars.unique = "u1";
  vars.set("addr", json::array({"127.0.0.1", 4242}));
  vars.set("data", make_bytes(std::string("\x00\x01", 2)));
  vars.set("entries", json::array({json::array({2, 1, 6, "", json::array({"127.0.0.1", 80})})}));
  std::string error;
  auto v = vars.substitute(json{{"address", "$addr"},
                                {"port", "$addr[1]"},
                                {"deep", json::array({"$entries[0][4][0]", "$entries[-1][0]"})},
                                {"bytes", "$data"},
                                {"path", "$tmpdir/s.sock"},
                                {"abstract", std::string("\0app-$unique", 12)},
                                {"money", "$$5 and $5 and $"},
                                {"n", 3}},
                           error);
  ASSERT_TRUE(v) << error;
  EXPECT_EQ((*v)["address"], json::array({"127.0.0.1", 4242}));
  EXPECT_EQ((*v)["port"], 4242);
  EXPECT_EQ((*v)["deep"], json::array({"127.0.0.1", 2}));
  EXPECT_TRUE((*v)["bytes"].is_binary());
  EXPECT_EQ((*v)["path"], "/tmp/d/s.sock");
  EXPECT_EQ((*v)["abstract"], std::string("\0app-u1", 7));
  EXPECT_EQ((*v)["money"], "$5 and $5 and $");
  EXPECT_EQ((*v)["n"], 3);
}

TEST(Variables, UndefinedAndBadIndexesAreErrors) {
  Vars vars;
  vars.set("addr", json::array({"127.0.0.1", 1}));
  vars.set("n", 5);
  std::string error;
  EXPECT_FALSE(vars.substitute(json("$nope"), error));
  EXPECT_EQ(error, "undefined variable $nope (no earlier step saved it)");
  EXPECT_FALSE(vars.substitute(json::array({json{{"a", "$addr[2]"}}}), error));
  EXPECT_EQ(error, "$addr[2]: index out of range ($addr has 2 elements)");
  EXPECT_FALSE(vars.substitute(json("$n[0]"), error));
  EXPECT_EQ(error, "$n is an integer, not an array: cannot take [0]");
}

TEST(Compare, BytesTextConstantsNumbers) {
  EXPECT_TRUE(values_equal(make_bytes("abc"), json("abc")));
  EXPECT_TRUE(values_equal(json("abc"), json{{"hex", "616263"}}));
  EXPECT_TRUE(values_equal(make_bytes("xxxx"), json{{"repeat", "x"}, {"count", 4}}));
  EXPECT_FALSE(values_equal(make_bytes("abc"), json("abd")));
  EXPECT_TRUE(values_equal(json(111), json("ECONNREFUSED")));
  EXPECT_TRUE(values_equal(json(2), json("AF_INET")));
  EXPECT_FALSE(values_equal(json(2), json("AF_INET6")));
  EXPECT_FALSE(values_equal(json(2), json("NOT_A_CONSTANT")));
  EXPECT_TRUE(values_equal(json(0.1 + 0.2), json(0.3)));
  EXPECT_FALSE(values_equal(json(0.3001), json(0.3)));
  EXPECT_TRUE(values_equal(json(2), json(2.0)));
  EXPECT_FALSE(values_equal(json(-1), json(18446744073709551615ull)));
  EXPECT_TRUE(values_equal(json(true), json(true)));
  EXPECT_TRUE(values_equal(json(true), json(1)));
  EXPECT_FALSE(values_equal(json(nullptr), json(0)));
  EXPECT_TRUE(values_equal(json::array({"::1", 80, 0, 0}), json::array({"::1", 80, 0, 0})));
  EXPECT_FALSE(values_equal(json::array({"::1", 80, 0, 0}), json::array({"::1", 80})));
  // results_equal does not read constant names or bytes forms.
  EXPECT_FALSE(results_equal(json(2), json("AF_INET")));
  EXPECT_TRUE(results_equal(make_bytes("ab"), json("ab")));
}

TEST(Render, BytesForReports) {
  EXPECT_EQ(render(make_bytes("hello")), json("hello"));
  EXPECT_EQ(render(make_bytes(std::string("\x00\xff", 2))), (json{{"hex", "00ff"}}));
  EXPECT_EQ(render(make_bytes(std::string(100, 'x'))), (json{{"repeat", "x"}, {"count", 100}}));
  const json big = render(make_bytes(std::string(5000, '\x01') + "x"));
  EXPECT_EQ(big["len"], 5001);
  EXPECT_EQ(big["truncated"], true);
  EXPECT_EQ(render_text(json::array({make_bytes("a"), 1})), "[\"a\",1]");
  EXPECT_EQ(text_value(std::string("\xff", 1)).is_binary(), true);
  EXPECT_EQ(text_value("ok"), json("ok"));
}

TEST(Hints, Closest) {
  EXPECT_EQ(closest("expct", {"expect", "op", "sock"}), "expect");
  EXPECT_EQ(closest("sokcet", {"socket", "bind"}), "socket");
  EXPECT_EQ(closest("zzz", {"socket", "bind"}), "");
  EXPECT_EQ(closest("as", {"op"}), "");
}

TEST(Hints, ClosestIsTheFirstCandidateAtTheLeastDistanceWithinTheLimit) {
  // Ties go to the earlier candidate; a word of up to 4 characters allows one edit, a longer one two.
  EXPECT_EQ(closest("sned", {"recv", "send", "sent"}), "send");
  EXPECT_EQ(closest("sendd", {"sendto", "sends", "send"}), "sends");  // sendto is two edits away
  EXPECT_EQ(closest("snde", {"send"}), "");          // two edits: too many for four characters
  EXPECT_EQ(closest("connetc_x", {"connect_ex"}), "connect_ex");  // a transposition and an insertion
  EXPECT_EQ(closest("bindxyz", {"bind"}), "");        // three insertions
  EXPECT_EQ(closest("SOCK_STREAMM", {"SOCK_DGRAM", "SOCK_STREAM"}), "SOCK_STREAM");
}

TEST(Hints, ClosestToAVeryLongWordIsNothingAndQuick) {
  // A word far longer than every candidate is not measured against them (the distance is at least
  // the difference of the lengths); a near candidate of the same length still is.
  const std::string long_word(100000, 'x');
  EXPECT_EQ(closest(long_word, {"socket", "bind"}), "");
  const std::string word(2000, 'x');
  std::string near = word;
  near[5] = 'y';
  EXPECT_EQ(closest(near, {"socket", long_word, word}), word);
}

TEST(Hints, QuoteWordEscapesAndCutsALongWordAtACharacterBoundary) {
  EXPECT_EQ(quote_word("expct"), "\"expct\"");
  EXPECT_EQ(quote_word("a\nb\"c"), "\"a\\nb\\\"c\"");  // one line, JSON escapes
  EXPECT_EQ(quote_word(std::string(60, 'x')), "\"" + std::string(60, 'x') + "\"");
  EXPECT_EQ(quote_word(std::string(20000, 'x')), "\"" + std::string(60, 'x') + "\"... (20000 bytes)");
  // "\u00e9" is two bytes; the 60th and 61st would split one, so the cut comes a byte earlier.
  const std::string accented = std::string(59, 'x') + "\xc3\xa9" + std::string(10, 'y');
  EXPECT_EQ(quote_word(accented), "\"" + std::string(59, 'x') + "\"... (71 bytes)");
  EXPECT_EQ(quote_word("a\xff"), "\"a\xef\xbf\xbd\"");  // not UTF-8: U+FFFD, as JSON text must be
}

TEST(Hints, BriefTextCutsALongValue) {
  EXPECT_EQ(brief_text(json::array({1, 2})), "[1,2]");
  const std::string shown = brief_text(json(std::string(1000, 'z')));
  EXPECT_EQ(shown, "\"" + std::string(199, 'z') + "... (1002 bytes in all)");
}

}  // namespace
}  // namespace socksim::runner
