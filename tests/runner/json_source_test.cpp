// The position-recording JSON reader.
#include <gtest/gtest.h>

#include "runner/json_source.hpp"

namespace socksim::runner {
namespace {

Pos at(std::size_t line, std::size_t column) { return Pos{line, column}; }

TEST(JsonSource, BuildsTheSameValueAsNlohmann) {
  const std::string text = R"({"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "d\u00e9\n"}, "e": 18446744073709551615})";
  SourceMap map;
  const auto v = parse_json(text, map);
  EXPECT_EQ(v, nlohmann::json::parse(text));
  EXPECT_TRUE(v["a"][0].is_number_integer());
  EXPECT_TRUE(v["a"][2].is_number_float());
  EXPECT_TRUE(v["e"].is_number_unsigned());
}

TEST(JsonSource, RecordsValueAndKeyPositions) {
  const std::string text = "{\n  \"steps\": [\n    {\"op\": \"socket\"},\n    {\"op\": 5}\n  ]\n}";
  SourceMap map;
  parse_json(text, map);
  EXPECT_EQ(map.value(""), at(1, 1));
  EXPECT_EQ(map.key("/steps"), at(2, 3));
  EXPECT_EQ(map.value("/steps"), at(2, 12));
  EXPECT_EQ(map.value("/steps/0"), at(3, 5));
  EXPECT_EQ(map.key("/steps/0/op"), at(3, 6));
  EXPECT_EQ(map.value("/steps/0/op"), at(3, 12));
  EXPECT_EQ(map.value("/steps/1/op"), at(4, 12));
  // An array element has no key: its value's position.
  EXPECT_EQ(map.key("/steps/1"), at(4, 5));
  // A pointer the document lacks falls back to the nearest ancestor.
  EXPECT_EQ(map.value("/steps/1/args/x"), at(4, 5));
}

TEST(JsonSource, ColumnsCountCharactersNotBytes) {
  SourceMap map;
  parse_json("{\"\xC3\xA9\xC3\xA9\": 1, \"k\": 2}", map);  // "éé"
  EXPECT_EQ(map.key("/k"), at(1, 11));
}

TEST(JsonSource, EscapesInPointers) {
  SourceMap map;
  parse_json(R"({"a/b": {"~c": 1}})", map);
  EXPECT_EQ(map.value("/a~1b/~0c"), at(1, 16));
  EXPECT_EQ(pointer_append("/x", "a/b~"), "/x/a~1b~0");
  EXPECT_EQ(pointer_append("/x", std::size_t{3}), "/x/3");
}

struct Bad {
  const char* text;
  std::size_t line, column;
  const char* message;
};

class JsonSyntax : public ::testing::TestWithParam<Bad> {};

TEST_P(JsonSyntax, ReportsWhereAndWhat) {
  const Bad& b = GetParam();
  SourceMap map;
  try {
    parse_json(b.text, map);
    FAIL() << "parsed: " << b.text;
  } catch (const JsonSyntaxError& e) {
    EXPECT_EQ(e.pos(), at(b.line, b.column)) << e.what();
    EXPECT_STREQ(e.what(), b.message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Errors, JsonSyntax,
    ::testing::Values(Bad{"", 1, 1, "empty document: expected a JSON value"},
                      Bad{"{\"a\" 1}", 1, 6, "expected ':' after the key \"a\", got '1'"},
                      Bad{"{\"a\": 1,}", 1, 9, "trailing comma before '}'"},
                      Bad{"[1 2]", 1, 4, "expected ',' or ']' after an array element, got '2'"},
                      Bad{"[1,\n", 1, 1, "unterminated array (no closing ']')"},
                      Bad{"{\"a\": 1", 1, 1, "unterminated object (no closing '}')"},
                      Bad{"{'a': 1}", 1, 2, "expected a string key in double quotes, got '''"},
                      Bad{"\"abc", 1, 1, "unterminated string"},
                      Bad{"\"a\\x\"", 1, 3, "invalid escape '\\x'"},
                      Bad{"\"\\u12g4\"", 1, 6, "invalid \\u escape: expected 4 hex digits, got 'g'"},
                      Bad{"\"\\udc00\"", 1, 2, "invalid \\u escape: lone low surrogate"},
                      Bad{"01", 1, 1, "invalid number: leading zeros are not allowed"},
                      Bad{"1.", 1, 1, "invalid number: expected a digit after '.'"},
                      Bad{"-", 1, 1, "invalid number: expected a digit"},
                      Bad{"1e", 1, 1, "invalid number: expected a digit in the exponent"},
                      Bad{"1e999", 1, 1, "number out of range"},
                      Bad{"nul", 1, 1, "invalid literal 'nul' (strings need double quotes; literals are true, false and null)"},
                      Bad{"truex", 1, 1, "invalid literal starting with 'true'"},
                      Bad{"{} x", 1, 4, "unexpected 'x' after the JSON value"},
                      Bad{"{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\""},
                      Bad{"[\"\x01\"]", 1, 3, "control character byte 0x01 in a string (escape it)"},
                      Bad{"[\"\xC3\"]", 1, 3, "invalid UTF-8 (bad continuation byte)"},
                      Bad{"\"\xE2\x82", 1, 2, "invalid UTF-8 (truncated sequence)"},
                      Bad{"[\"\xC0\x80\"]", 1, 3, "invalid UTF-8 (byte 0xc0)"},
                      Bad{"[\"\xED\xA0\x80\"]", 1, 3, "invalid UTF-8 (overlong form or surrogate)"},
                      Bad{"[\n  /* no comments */\n]", 2, 3, "unexpected '/': expected a JSON value"}));

TEST(JsonSource, SurrogatePairsAndBom) {
  SourceMap map;
  auto v = parse_json("\xEF\xBB\xBF[\"\\ud83d\\ude00\", \"\\u0000x\"]", map);
  EXPECT_EQ(v[0].get<std::string>(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(v[1].get<std::string>(), std::string("\0x", 2));
}

TEST(JsonSource, DeepNestingIsAnErrorNotACrash) {
  SourceMap map;
  const std::string deep(100000, '[');
  EXPECT_THROW(parse_json(deep, map), JsonSyntaxError);
  std::string ok(200, '[');
  ok += std::string(200, ']');
  EXPECT_NO_THROW(parse_json(ok, map));
}

}  // namespace
}  // namespace socksim::runner
