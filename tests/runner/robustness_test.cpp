// Malformed input never crashes the reader: seeded mutations of valid and invalid scenario files
// either parse or are refused with a ScenarioError that has a position — no other exception, no
// crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "runner/scenario.hpp"

namespace socksim::runner {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(SOCKSIM_BAD_DIR)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    out.push_back(s.str());
  }
  std::sort(out.begin(), out.end());
  out.push_back(R"({"name": "ok", "sim": {"seed": 1}, "steps": [
    {"op": "socket", "as": "c", "args": {"family": "AF_INET", "type": ["SOCK_STREAM"]}},
    {"op": "bind", "sock": "c", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "getsockname", "sock": "c", "save": "a"},
    {"op": "socketpair", "as": ["x", "y"]},
    {"op": "makefile", "sock": "x", "as": "f", "args": {"mode": "rb", "bufsize": 0}},
    {"op": "recv_into", "sock": "y", "args": {"buffer": 4, "flags": "MSG_DONTWAIT"}, "expect": {"error_any": ["EAGAIN"]}, "data": {"hex": "00"}},
    {"op": "send", "sock": "x", "args": {"string": {"repeat": {"hex": "ab"}, "count": 3}}, "expect": {"value": 3}, "elapsed": {"max": 1}},
    {"op": "select", "args": {"rlist": ["y"], "timeout": null}, "expect": {"contains": ["y"]}},
    {"op": "connect", "sock": "c", "args": {"address": "$a"}, "expect": {"error": "gaierror:EAI_NONAME"}, "vary": true}]})");
  return out;
}

const char* const kTokens[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\"op\"", "\"as\"", "\"sock\"", "\"args\"",
                               "\"expect\"", "null", "true", "-1", "1e400", "\"$a[9]\"", "\"AF_INET\"", "{\"hex\":",
                               "\"\\u0000\"", "\xff", "\n", "0.5", "[[[[[[[["};

TEST(ParserRobustness, MutatedFilesParseOrAreRefusedWithAPosition) {
  std::mt19937 rng(20261125);
  const auto corpus = seeds();
  ASSERT_FALSE(corpus.empty());
  int parsed = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = corpus[rng() % corpus.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % (text.size() + 1);
      switch (rng() % 4) {
        case 0: text.erase(std::min(at, text.size() - 1), 1 + rng() % 8); break;
        case 1: text.insert(at, kTokens[rng() % std::size(kTokens)]); break;
        case 2:
          if (at < text.size()) text[at] = static_cast<char>(rng() % 256);
          break;
        case 3: {  // duplicate a slice
          const std::size_t from = rng() % text.size();
          const std::size_t len = std::min<std::size_t>(rng() % 40, text.size() - from);
          text.insert(at, text.substr(from, len));
          break;
        }
      }
    }
    try {
      parse_scenario(text, "m.json");
      ++parsed;
    } catch (const ScenarioError& err) {
      ++refused;
      ASSERT_FALSE(err.diagnostics().empty());
      for (const auto& d : err.diagnostics()) {
        ASSERT_GE(d.pos.line, 1u) << text;
        ASSERT_GE(d.pos.column, 1u) << text;
        ASSERT_FALSE(d.message.empty()) << text;
      }
    } catch (const std::exception& other) {
      FAIL() << "unexpected exception: " << other.what() << "\ninput:\n" << text;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace socksim::runner
