// The shapes of the text, JSON and JUnit reports, and the suite helpers (glob, shards, files).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "runner/report.hpp"
#include "runner/suite.hpp"

namespace socksim::runner {
namespace {

BackendResult pass(const char* backend) {
  BackendResult r;
  r.backend = backend;
  r.status = Status::Pass;
  r.seconds = 0.25;
  return r;
}

BackendResult fail(const char* backend) {
  BackendResult r;
  r.backend = backend;
  r.status = Status::Fail;
  r.step = 5;
  r.op = "connect";
  r.expected = {{"error", "ECONNREFUSED"}};
  r.got = {{"value", nullptr}};
  r.message = "expected ECONNREFUSED, but connect returned null";
  return r;
}

BackendResult skip(const char* backend) {
  BackendResult r;
  r.backend = backend;
  r.status = Status::Skip;
  r.message = "the scenario does not list the sim backend";
  return r;
}

std::vector<ScenarioReport> sample() {
  ScenarioReport a;
  a.name = "tcp-refused-without-listener";
  a.file = "scenarios/tcp/refused.json";
  a.results["sim"] = pass("sim");
  a.results["sim"].seed = 1;
  a.results["real"] = fail("real");
  a.compared = true;
  ScenarioReport b;
  b.name = "real-only <&>";
  b.file = "scenarios/x.json";
  b.results["sim"] = skip("sim");
  b.results["real"] = pass("real");
  ScenarioReport c;
  c.name = "diverging";
  c.file = "scenarios/d.json";
  c.results["sim"] = pass("sim");
  c.results["real"] = pass("real");
  c.compared = true;
  c.divergence = Divergence{3, "recv", {{"value", "ab"}}, {{"value", "abc"}}, "sim returned \"ab\", real returned \"abc\""};
  return {a, b, c};
}

TEST(JsonReport, HasTheContractsShape) {
  const json j = json_report(sample(), {"sim", "real"});
  ASSERT_TRUE(j["scenarios"].is_array());
  ASSERT_EQ(j["scenarios"].size(), 3u);
  const json& a = j["scenarios"][0];
  EXPECT_EQ(a["name"], "tcp-refused-without-listener");
  EXPECT_EQ(a["file"], "scenarios/tcp/refused.json");
  EXPECT_EQ(a["results"]["sim"]["status"], "pass");
  EXPECT_EQ(a["results"]["sim"]["seed"], 1);
  const json& real = a["results"]["real"];
  EXPECT_EQ(real["status"], "fail");
  EXPECT_EQ(real["step"], 5);
  EXPECT_EQ(real["op"], "connect");
  EXPECT_EQ(real["expected"], (json{{"error", "ECONNREFUSED"}}));
  EXPECT_EQ(real["got"], (json{{"value", nullptr}}));
  EXPECT_EQ(real["message"], "expected ECONNREFUSED, but connect returned null");
  EXPECT_TRUE(a.contains("diverged_at"));
  EXPECT_TRUE(a["diverged_at"].is_null());
  EXPECT_EQ(j["scenarios"][1]["results"]["sim"]["status"], "skip");
  EXPECT_EQ(j["scenarios"][2]["diverged_at"], 3);
  EXPECT_EQ(j["scenarios"][2]["divergence"]["op"], "recv");
  EXPECT_EQ(j["summary"]["sim"], (json{{"pass", 2}, {"fail", 0}, {"skip", 1}}));
  EXPECT_EQ(j["summary"]["real"], (json{{"pass", 2}, {"fail", 1}, {"skip", 0}}));
}

TEST(JsonReport, OneBackendHasNoDivergedAt) {
  auto reports = sample();
  for (auto& r : reports) r.results.erase("sim");
  const json j = json_report(reports, {"real"});
  EXPECT_FALSE(j["scenarios"][0].contains("diverged_at"));
  EXPECT_FALSE(j["summary"].contains("sim"));
  EXPECT_EQ(j["summary"]["real"]["fail"], 1);
}

TEST(TextReport, LinesAndTheClosingSummary) {
  std::ostringstream out;
  TextReport text(out, false);
  const auto reports = sample();
  for (const auto& r : reports) text.scenario(r);
  text.summary(summarize(reports, {"sim", "real"}));
  const std::string s = out.str();
  EXPECT_THAT(s, ::testing::HasSubstr("PASS sim  tcp-refused-without-listener  (0.250 s)\n"));
  EXPECT_THAT(s, ::testing::HasSubstr("FAIL real tcp-refused-without-listener\n"
                                      "     scenarios/tcp/refused.json:step 5 (connect): expected ECONNREFUSED, but connect returned null\n"
                                      "       expected: {\"error\":\"ECONNREFUSED\"}\n"
                                      "       got:      {\"value\":null}\n"));
  EXPECT_THAT(s, ::testing::HasSubstr("SKIP sim  real-only <&>  (the scenario does not list the sim backend)\n"));
  EXPECT_THAT(s, ::testing::HasSubstr("DIVERGED diverging\n     scenarios/d.json:step 3 (recv): sim returned \"ab\", real returned \"abc\"\n"));
  EXPECT_THAT(s, ::testing::EndsWith("1 scenario diverged between the backends (counted as failed)\n4 passed, 2 failed, 1 skipped\n"));
  EXPECT_EQ(s.find('\033'), std::string::npos) << "no colour unless asked";
  std::ostringstream coloured;
  TextReport(coloured, true).scenario(reports[0]);
  EXPECT_NE(coloured.str().find("\033[32mPASS\033[0m"), std::string::npos);
}

TEST(JunitReport, RootSuitesAndEscaping) {
  const std::string x = junit_report(sample(), {"sim", "real"});
  EXPECT_THAT(x, ::testing::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"socksim\" tests=\"8\" failures=\"2\""));
  EXPECT_THAT(x, ::testing::HasSubstr("<testsuite name=\"sim\" tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"1\""));
  EXPECT_THAT(x, ::testing::HasSubstr("<testsuite name=\"real\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\""));
  EXPECT_THAT(x, ::testing::HasSubstr("<testsuite name=\"divergence\" tests=\"2\" failures=\"1\""));
  EXPECT_THAT(x, ::testing::HasSubstr("name=\"real-only &lt;&amp;&gt;\""));
  EXPECT_THAT(x, ::testing::HasSubstr("<failure message=\"expected ECONNREFUSED, but connect returned null\" type=\"fail\">"));
  EXPECT_THAT(x, ::testing::EndsWith("</testsuites>\n"));
}

TEST(Suite, Glob) {
  EXPECT_TRUE(glob_match("tcp-*", "tcp-refused"));
  EXPECT_FALSE(glob_match("tcp-*", "udp-refused"));
  EXPECT_TRUE(glob_match("*refused*", "tcp-refused-without-listener"));
  EXPECT_TRUE(glob_match("t?p-[a-r]*", "tcp-refused"));
  EXPECT_FALSE(glob_match("t?p-[!a-r]*", "tcp-refused"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("?", ""));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
}

TEST(Suite, FilesShardsAndFilter) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "socksim_suite_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  auto write = [&](const fs::path& p, const std::string& name) {
    std::ofstream(p) << testing::with_steps(R"({"op": "has_ipv6"})").replace(10, 1, name);
  };
  write(dir / "b.json", "b");
  write(dir / "a.json", "a");
  write(dir / "sub" / "c.json", "c");
  std::ofstream(dir / "notes.txt") << "ignored";
  std::vector<std::string> errors;
  const auto files = collect_files({dir.string(), (dir / "a.json").string()}, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(fs::path(files[0]).filename(), "a.json");
  EXPECT_EQ(fs::path(files[2]).filename(), "c.json");
  const auto scenarios = load_suite(files, errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  SuiteOptions o;
  o.shard_count = 2;
  o.shard_index = 0;
  auto picked = select_scenarios(scenarios, o);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0]->name, "a");
  EXPECT_EQ(picked[1]->name, "c");
  o.shard_index = 1;
  picked = select_scenarios(scenarios, o);
  ASSERT_EQ(picked.size(), 1u);
  EXPECT_EQ(picked[0]->name, "b");
  o = {};
  o.filter = "[bc]";
  EXPECT_EQ(select_scenarios(scenarios, o).size(), 2u);

  collect_files({(dir / "missing").string()}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (dir / "missing").string() + ": no such file or directory");
  errors.clear();
  write(dir / "sub" / "dup.json", "a");
  load_suite(collect_files({dir.string()}, errors), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (dir / "sub" / "dup.json").string() +
                           ":1:10: duplicate scenario name \"a\" (also in " + (dir / "a.json").string() +
                           "); names must be unique across the suite");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace socksim::runner
