// The socksim command: arguments, exit statuses, output formats, sharding and filtering.
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::EndsWith;
using ::testing::HasSubstr;

using socksim::runner::testing::CliRun;
using socksim::runner::testing::slurp;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("socksim_cli_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "suite" / "more");
    write("suite/a.json", R"({"name": "alpha", "steps": [{"op": "htons", "args": {"x": 1}, "expect": {"value": 256}}]})");
    write("suite/more/b.json", R"({"name": "beta", "steps": [{"op": "inet_aton", "args": {"ip_string": "1.2.3.4"}, "expect": {"len": 4}}]})");
    write("suite/c.json", R"({"name": "gamma", "backends": ["sim"], "steps": [{"op": "has_ipv6"}]})");
    write("failing.json", R"({"name": "delta", "steps": [{"op": "htons", "args": {"x": 1}, "expect": {"value": 1}}]})");
    write("dup.json", R"({"name": "alpha", "steps": [{"op": "has_ipv6"}]})");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  CliRun run(const std::string& args, const std::string& env = "") {
    return socksim::runner::testing::run_socksim(dir_, args, env);
  }

  std::vector<std::string> names(const CliRun& r) {
    std::vector<std::string> out;
    auto j = nlohmann::json::parse(r.out);
    for (const auto& s : j["scenarios"]) out.push_back(s["name"]);
    return out;
  }

  fs::path dir_;
};

TEST_F(Cli, ArgumentErrorsAreOneLinePlusUsageAndExitTwo) {
  for (const char* args : {"run", "run --bogus suite", "run --shard 2/2 suite", "run --shard x suite",
                           "run --backend nope suite", "run --format xml suite", "run --seed -1 suite", "", "walk suite"}) {
    const CliRun r = run(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_THAT(r.err, ::testing::StartsWith("socksim: error: ")) << args;
    EXPECT_THAT(r.err, HasSubstr("\nusage: socksim run ")) << args;
    EXPECT_EQ(r.out, "") << args;
  }
  EXPECT_THAT(run("run").err, HasSubstr("no PATH given"));
  EXPECT_THAT(run("run --shard 2/2 suite").err, HasSubstr("the index must be below the count"));
  EXPECT_THAT(run("run --backend real --trace t.jsonl suite").err, HasSubstr("--trace needs the sim backend"));
  EXPECT_EQ(run("run --help").status, 0);
}

TEST_F(Cli, PassingSuiteExitsZeroWithTheClosingLine) {
  const CliRun r = run("run --backend real suite");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("PASS real alpha"));
  EXPECT_THAT(r.out, HasSubstr("PASS real beta"));
  EXPECT_THAT(r.out, HasSubstr("SKIP real gamma  (the scenario does not list the real backend)"));
  EXPECT_THAT(r.out, EndsWith("\n2 passed, 0 failed, 1 skipped\n"));
  EXPECT_EQ(r.out.find('\033'), std::string::npos) << "no colour when stdout is not a terminal";
}

TEST_F(Cli, AFailureExitsOneAndNamesTheStep) {
  const CliRun r = run("run --backend real suite failing.json");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("FAIL real delta\n     failing.json:step 0 (htons): expected 1, got 256\n"));
  EXPECT_THAT(r.out, HasSubstr("       expected: {\"value\":1}\n       got:      {\"value\":256}\n"));
  EXPECT_THAT(r.out, EndsWith("\n2 passed, 1 failed, 1 skipped\n"));
}

TEST_F(Cli, UnreadableOrDuplicateFilesExitTwoAndRunNothing) {
  CliRun r = run("run --backend real suite dup.json");
  EXPECT_EQ(r.status, 2);
  // Files load in sorted order: dup.json first, so suite/a.json holds the second "alpha".
  EXPECT_EQ(r.err, "suite/a.json:1:10: duplicate scenario name \"alpha\" (also in dup.json); names must be unique across the suite\n");
  EXPECT_EQ(r.out, "");
  r = run("run --backend real nowhere.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "nowhere.json: no such file or directory\n");
  fs::create_directories(dir_ / "empty");
  r = run("run --backend real empty");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "empty: no scenario files (*.json) in this folder\n");
}

TEST_F(Cli, JsonOutput) {
  const CliRun r = run("run --backend real --format json suite failing.json");
  EXPECT_EQ(r.status, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["scenarios"].size(), 4u);
  EXPECT_EQ(j["scenarios"][0]["name"], "delta");
  EXPECT_EQ(j["scenarios"][0]["file"], "failing.json");
  EXPECT_EQ(j["scenarios"][0]["results"]["real"]["status"], "fail");
  EXPECT_EQ(j["scenarios"][0]["results"]["real"]["step"], 0);
  EXPECT_EQ(j["scenarios"][0]["results"]["real"]["expected"], (nlohmann::json{{"value", 1}}));
  EXPECT_EQ(j["scenarios"][0]["results"]["real"]["got"], (nlohmann::json{{"value", 256}}));
  EXPECT_EQ(j["summary"]["real"], (nlohmann::json{{"pass", 2}, {"fail", 1}, {"skip", 1}}));
}

TEST_F(Cli, BothBackendsReportDivergedAt) {
  const CliRun r = run("run --format json suite");
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& s : j["scenarios"]) {
    EXPECT_TRUE(s.contains("diverged_at")) << s.dump();
    EXPECT_TRUE(s["results"].contains("sim"));
    EXPECT_TRUE(s["results"].contains("real"));
  }
#ifndef SOCKSIM_RUNNER_HAS_SIM
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.err, HasSubstr("the sim backend is not available in this build"));
  EXPECT_EQ(j["summary"]["sim"]["skip"], 3);
#endif
}

TEST_F(Cli, ShardsAndFilter) {
  // Sorted files: failing.json is not given; suite/a.json, suite/c.json, suite/more/b.json.
  EXPECT_EQ(names(run("run --backend real --format json --shard 0/2 suite")), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(names(run("run --backend real --format json --shard 1/2 suite")), (std::vector<std::string>{"gamma"}));
  EXPECT_EQ(names(run("run --backend real --format json suite", "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1")),
            (std::vector<std::string>{"gamma"}));
  // --shard wins over the environment.
  EXPECT_EQ(names(run("run --backend real --format json --shard 0/1 suite", "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1")),
            (std::vector<std::string>{"alpha", "gamma", "beta"}));
  const CliRun bad = run("run --backend real suite", "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=5");
  EXPECT_EQ(bad.status, 2);
  EXPECT_THAT(bad.err, HasSubstr("GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS"));
  EXPECT_EQ(names(run("run --backend real --format json --filter '?e*' suite")), (std::vector<std::string>{"beta"}));
}

TEST_F(Cli, VerboseAndJunit) {
  CliRun r = run("run --backend real -v suite/a.json");
  EXPECT_THAT(r.out, HasSubstr("[real] alpha\n  [real] step 0 htons -> 256  ("));
  r = run("run --backend real --format junit suite failing.json");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("<testsuites name=\"socksim\""));
  EXPECT_THAT(r.out, HasSubstr("<failure message=\"expected 1, got 256\""));
}

}  // namespace
