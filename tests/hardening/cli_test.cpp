// Bad command lines, through the built `socksim` program: each is refused with exit status 2,
// nothing on stdout, and on stderr one line "socksim: error: ..." followed by the usage; a path
// that cannot be read is refused with exit status 2 and one line naming it.
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CliOutcome {
  int status = -1;
  std::string out, err;
};

class CliArguments : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("socksim_hardening_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "suite");
    std::ofstream(dir_ / "suite" / "ok.json")
        << R"({"name": "ok", "steps": [{"op": "htons", "args": {"x": 1}, "expect": {"value": 256}}]})";
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliOutcome run(const std::string& args) {
    const fs::path err = dir_ / "stderr.txt";
    const std::string cmd = "cd '" + dir_.string() + "' && '" SOCKSIM_CLI "' " + args + " 2>'" + err.string() + "'";
    CliOutcome r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream in(err);
    std::ostringstream s;
    s << in.rdbuf();
    r.err = s.str();
    return r;
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  fs::path dir_;
};

TEST_F(CliArguments, BadArgumentsGiveOneLineAndTheUsageAndExitTwo) {
  const std::vector<std::string> bad = {
      "",                                      // no command
      "bogus suite",                           // unknown command
      "run",                                   // no path
      "run --no-such-flag suite",              // unknown flag
      "run -Z suite",                          // unknown short flag
      "run --seed suite",                      // the path taken for the seed's value
      "run --seed abc suite",                  // not a number
      "run --seed -1 suite",                   // negative
      "run --seed 1.5 suite",                  // not an integer
      "run --seed 99999999999999999999999 suite",  // beyond 64 bits
      "run --shard 0/0 suite",                 // no shards
      "run --shard 3/2 suite",                 // index beyond the count
      "run --shard 1 suite",                   // not i/n
      "run --shard -1/2 suite",                // negative
      "run --backend nope suite",              // unknown backend
      "run --backend",                         // no value
      "run --format yaml suite",               // unknown format
      "run --trace /no/such/dir/t.jsonl --backend sim suite",  // unwritable trace
      "explore",                               // no path
      "explore --seeds 0 suite",               // no seeds
      "explore --seeds abc suite",             // not a number
      "explore --seeds '' suite",              // empty
      "explore --first-seed -1 suite",         // negative
      "explore --first-seed '' suite",         // empty
      "explore --shard 3/2 suite",             // index beyond the count
      "explore --profile nope suite",          // unknown profile
      "explore --bogus suite",                 // unknown flag
  };
  for (const auto& args : bad) {
    const CliOutcome r = run(args);
    EXPECT_EQ(r.status, 2) << "socksim " << args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << "socksim " << args;
    const auto l = lines(r.err);
    ASSERT_GE(l.size(), 2u) << "socksim " << args << "\n" << r.err;
    EXPECT_THAT(l[0], StartsWith("socksim: error: ")) << "socksim " << args;
    EXPECT_GT(l[0].size(), std::string("socksim: error: ").size()) << "socksim " << args;
    EXPECT_THAT(l[1], StartsWith("usage: socksim")) << "socksim " << args << "\n" << r.err;
  }
}

// An empty seed is not a seed: refused, not taken as "no seed".
TEST_F(CliArguments, AnEmptySeedIsRefused) {
  const CliOutcome r = run("run --seed '' suite");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("socksim: error: "));
}

TEST_F(CliArguments, PathsThatCannotBeReadAreNamedOnOneLineAndExitTwo) {
  for (const std::string path : {"missing.json", "no/such/dir", "suite/missing.json"}) {
    const CliOutcome r = run("run --backend real " + path);
    EXPECT_EQ(r.status, 2) << path;
    EXPECT_EQ(r.out, "") << path;
    EXPECT_EQ(r.err, path + ": no such file or directory\n");
  }
  // Not a scenario: refused with the file's position, nothing run.
  const CliOutcome r = run("run --backend real /dev/null");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("/dev/null:1:1: "));
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
}

TEST_F(CliArguments, AGoodCommandLineStillRuns) {
  const CliOutcome r = run("run --backend real --seed 18446744073709551615 --shard 0/1 suite");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 passed, 0 failed"));
}

}  // namespace
