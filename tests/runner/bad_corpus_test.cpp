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

#include "runner/scenario.hpp"

namespace socksim::runner {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> corpus() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(SOCKSIM_BAD_DIR))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct CliRun {
  int status = -1;
  std::string out, err;
};

CliRun run_cli(const std::string& args) {
  // One file per process: ctest runs the cases of this suite in parallel processes.
  const fs::path err_file =
      fs::path(::testing::TempDir()) / ("socksim_bad_corpus_stderr." + std::to_string(::getpid()));
  const std::string cmd = std::string("cd '") + SOCKSIM_BAD_DIR + "' && '" + SOCKSIM_CLI + "' " + args + " 2>'" +
                          err_file.string() + "'";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = slurp(err_file);
  std::error_code ignored;
  fs::remove(err_file, ignored);
  return r;
}

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
