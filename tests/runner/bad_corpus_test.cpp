// The bad-input corpus: every tests/runner/bad/NAME.json must be refused with exactly the
// message in NAME.txt (`file:line:column: message`), by the library and by the command (exit 2,
// that message alone on stderr, nothing on stdout).
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "runner/scenario.hpp"

namespace socksim::runner {
namespace {

namespace fs = std::filesystem;

using testing::CliRun;
using testing::slurp;

std::vector<std::string> corpus() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(SOCKSIM_BAD_DIR))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

CliRun run_cli(const std::string& args) { return testing::run_socksim(SOCKSIM_BAD_DIR, args); }

TEST(BadCorpus, HasACaseForEachErrorPath) { EXPECT_GE(corpus().size(), 30u); }

class BadFile : public ::testing::TestWithParam<std::string> {};

TEST_P(BadFile, LibraryGivesTheExactMessage) {
  const fs::path dir(SOCKSIM_BAD_DIR);
  const std::string name = GetParam();
  std::string expected = slurp(dir / (name + ".txt"));
  ASSERT_FALSE(expected.empty()) << "missing " << name << ".txt";
  if (expected.back() == '\n') expected.pop_back();
  try {
    parse_scenario(slurp(dir / (name + ".json")), name + ".json");
    FAIL() << name << ".json was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.what(), expected);
    EXPECT_EQ(e.diagnostics().size(), 1u) << "each corpus file holds one mistake";
  }
}

TEST_P(BadFile, CommandExitsTwoWithTheExactMessage) {
  const std::string name = GetParam();
  const CliRun r = run_cli("run --backend real " + name + ".json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, slurp(fs::path(SOCKSIM_BAD_DIR) / (name + ".txt")));
  EXPECT_EQ(r.out, "");
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadFile, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(BadCorpus, TheWholeFolderReportsEveryFileAndRunsNothing) {
  const CliRun r = run_cli("run --backend real .");
  EXPECT_EQ(r.status, 2);
  std::size_t lines = static_cast<std::size_t>(std::count(r.err.begin(), r.err.end(), '\n'));
  EXPECT_EQ(lines, corpus().size());
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace socksim::runner
