// `socksim explore` and `socksim run --faults`: a fragile scenario is found failing, shrunk,
// replayed from the printed line and from the emitted scenario; a robust one passes; shards
// split the seeds; bad arguments exit 2 with one line and the usage.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "helpers.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using socksim::runner::testing::CliRun;

// Exact expectation on one recv: a short recv or a cut stream breaks it.
constexpr const char* kFragile = R"({"name": "fragile-exchange", "backends": ["sim"], "steps": [
  {"op": "socket", "as": "l"},
  {"op": "bind", "sock": "l", "args": {"address": ["127.0.0.1", 0]}},
  {"op": "listen", "sock": "l"},
  {"op": "getsockname", "sock": "l", "save": "addr"},
  {"op": "socket", "as": "c"},
  {"op": "connect", "sock": "c", "args": {"address": "$addr"}},
  {"op": "accept", "sock": "l", "as": "s"},
  {"op": "sendall", "sock": "c", "args": {"string": "hello there"}},
  {"op": "recv", "sock": "s", "args": {"bufsize": 100}, "expect": {"value": "hello there"}}
]})";

// No sockets at all: nothing a fault can touch.
constexpr const char* kRobust = R"({"name": "robust-conversions", "steps": [
  {"op": "htons", "args": {"x": 1}, "expect": {"value": 256}},
  {"op": "inet_aton", "args": {"ip_string": "1.2.3.4"}, "expect": {"len": 4}}
]})";

class ExploreCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("socksim_explore_test_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "fragile.json") << kFragile;
    std::ofstream(dir_ / "robust.json") << kRobust;
  }
  void TearDown() override { fs::remove_all(dir_); }
  CliRun run(const std::string& args, const std::string& env = "") {
    return socksim::runner::testing::run_socksim(dir_, args, env);
  }
  static std::string find(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string();
  }
  fs::path dir_;
};

TEST_F(ExploreCli, FindsShrinksAndReplaysAFragileScenario) {
  const CliRun r = run("explore --profile chunking --seeds 200 --emit-scenario minimal.json fragile.json");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL fragile-exchange: seed "));
  EXPECT_THAT(r.out, HasSubstr("step 8 (recv): expected"));
  const std::string faults = find(r.out, "  faults: ([^\n]*)\n");
  ASSERT_NE(faults, "") << r.out;
  EXPECT_EQ(faults.find(';'), std::string::npos) << "shrunk to one rule: " << faults;
  const std::string replay = find(r.out, "  replay: socksim ([^\n]*)\n");
  ASSERT_NE(replay, "") << r.out;
  EXPECT_THAT(r.out, HasSubstr("1 scenarios explored"));

  // The printed line fails the same step; without --faults the same seed passes.
  const CliRun again = run(replay + " -v");
  EXPECT_EQ(again.status, 1) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("fragile-exchange"));
  const std::string seed = find(r.out, "seed ([0-9]+) fails");
  EXPECT_EQ(run("run --backend sim --seed " + seed + " fragile.json").status, 0);

  // The emitted scenario replays by itself.
  ASSERT_TRUE(fs::exists(dir_ / "minimal.json")) << r.out;
  const std::string emitted = socksim::runner::testing::slurp(dir_ / "minimal.json");
  EXPECT_THAT(emitted, HasSubstr("\"seed\": " + seed));
  EXPECT_THAT(emitted, HasSubstr("\"rule\": \"" + faults + "\""));
  EXPECT_EQ(run("run --backend sim minimal.json").status, 1);
}

TEST_F(ExploreCli, ARobustScenarioPassesEverySeed) {
  const CliRun r = run("explore --profile all --seeds 50 robust.json");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ok   robust-conversions: 50 seeds, no failure"));
}

TEST_F(ExploreCli, ShardsSplitTheSeeds) {
  const CliRun a = run("explore --profile all --seeds 10 --shard 0/3 robust.json");
  const CliRun b = run("explore --profile all --seeds 10 robust.json", "GTEST_SHARD_INDEX=2 GTEST_TOTAL_SHARDS=3");
  EXPECT_THAT(a.out, HasSubstr("4 seeds, no failure"));
  EXPECT_THAT(a.out, HasSubstr("shard 0/3"));
  EXPECT_THAT(b.out, HasSubstr("3 seeds, no failure"));
  EXPECT_THAT(b.out, HasSubstr("shard 2/3"));
}

TEST_F(ExploreCli, RunTakesFaultsForTheSim) {
  const CliRun cut = run("run --backend sim --faults 'recv_cap 4' fragile.json");
  EXPECT_EQ(cut.status, 1) << cut.out << cut.err;
  EXPECT_EQ(run("run --backend sim --faults 'send_cap 1..3' robust.json").status, 0);
  const CliRun both = run("run --backend both --faults 'recv_cap 4' fragile.json");
  EXPECT_EQ(both.status, 2);
  EXPECT_THAT(both.err, HasSubstr("socksim: error: --faults needs --backend sim"));
  const CliRun bad = run("run --backend sim --faults 'recv_cap zero' fragile.json");
  EXPECT_EQ(bad.status, 2);
  EXPECT_THAT(bad.err, HasSubstr("socksim: error: --faults: fault rule 'recv_cap zero': a cap is N or 1..N with N >= 1\nusage: socksim run"));
}

TEST_F(ExploreCli, BadArgumentsExitTwoWithOneLineAndTheUsage) {
  struct Case {
    const char* args;
    const char* message;
  } cases[] = {
      {"explore --profile chaos robust.json",
       "socksim: error: --profile chaos is not a profile (chunking, interrupts, timeouts, resets, dns, all)\n"},
      {"explore --seeds 0 robust.json", "socksim: error: --seeds takes a positive integer, got \"0\"\n"},
      {"explore --seeds=-5 robust.json", "socksim: error: --seeds takes a positive integer, got \"-5\"\n"},
      {"explore --first-seed x robust.json", "socksim: error: --first-seed takes a non-negative integer, got \"x\"\n"},
      {"explore --shard 3/3 robust.json", "socksim: error: --shard 3/3: the index must be below the count"},
      {"explore --filter nothing-matches robust.json", "socksim: error: explore: no scenario matches\n"},
  };
  for (const auto& c : cases) {
    const CliRun r = run(c.args);
    EXPECT_EQ(r.status, 2) << c.args;
    EXPECT_THAT(r.err, ::testing::StartsWith(c.message)) << c.args;
    EXPECT_THAT(r.err, HasSubstr("usage: socksim run")) << c.args;
    EXPECT_EQ(r.out, "") << c.args;
  }
  const CliRun missing = run("explore --profile chunking no-such-dir");
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr("no-such-dir"));
}

}  // namespace
