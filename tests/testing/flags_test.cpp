// InitFlags, seeds from text and names, shell quoting and the replay command.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "env_guard.hpp"
#include "socksim/testing.hpp"

namespace {

using socksim::testing::ChooseSeed;
using socksim::testing::InitFlags;
using socksim::testing::ParseSeed;
using socksim::testing::SeedFromName;
using socksim::testing::SeedSource;
using socksim::testing::ShellQuote;

// A mutable argv built from strings, as main() receives it (argv[argc] == nullptr).
struct Argv {
  explicit Argv(std::vector<std::string> args) : storage(std::move(args)) {
    for (auto& s : storage) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    argc = static_cast<int>(storage.size());
  }
  std::vector<std::string> left() const { return {pointers.begin(), pointers.begin() + argc}; }
  std::vector<std::string> storage;
  std::vector<char*> pointers;
  int argc = 0;
};

TEST(SeedFromName, IsFnv1a64) {
  // The published FNV-1a 64-bit test vectors.
  EXPECT_EQ(SeedFromName(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(SeedFromName("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(SeedFromName("foobar"), 0x85944171f73967e8ULL);
  EXPECT_NE(SeedFromName("Suite.Test"), SeedFromName("Suite.Test2"));
  static_assert(SeedFromName("a") == 0xaf63dc4c8601ec8cULL);
}

TEST(ParseSeed, DecimalAndHexWithin64Bits) {
  EXPECT_EQ(ParseSeed("0"), 0u);
  EXPECT_EQ(ParseSeed("12345"), 12345u);
  EXPECT_EQ(ParseSeed("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_EQ(ParseSeed("0x2a"), 42u);
  EXPECT_EQ(ParseSeed("0XFFFFFFFFFFFFFFFF"), 18446744073709551615ULL);
  EXPECT_EQ(ParseSeed("18446744073709551616"), std::nullopt);  // 2^64
  EXPECT_EQ(ParseSeed(""), std::nullopt);
  EXPECT_EQ(ParseSeed("0x"), std::nullopt);
  EXPECT_EQ(ParseSeed("-1"), std::nullopt);
  EXPECT_EQ(ParseSeed("+1"), std::nullopt);
  EXPECT_EQ(ParseSeed(" 1"), std::nullopt);
  EXPECT_EQ(ParseSeed("1 "), std::nullopt);
  EXPECT_EQ(ParseSeed("12abc"), std::nullopt);
  EXPECT_EQ(ParseSeed("0x-1"), std::nullopt);
}

TEST(InitFlags, TakesTheSeedOutAndLeavesTheRest) {
  socksim::testing::test::SeedGuard guard;
  Argv argv({"prog", "--gtest_filter=A.B", "--socksim_seed=77", "extra"});
  InitFlags(&argv.argc, argv.pointers.data());
  EXPECT_EQ(argv.left(), (std::vector<std::string>{"prog", "--gtest_filter=A.B", "extra"}));
  EXPECT_EQ(argv.pointers[static_cast<std::size_t>(argv.argc)], nullptr);
  EXPECT_EQ(socksim::testing::SeedFlag(), 77u);
}

TEST(InitFlags, TheLastSeedWins) {
  socksim::testing::test::SeedGuard guard;
  Argv argv({"prog", "--socksim_seed=1", "--socksim_seed=0x10"});
  InitFlags(&argv.argc, argv.pointers.data());
  EXPECT_EQ(argv.argc, 1);
  EXPECT_EQ(socksim::testing::SeedFlag(), 16u);
}

TEST(InitFlags, LeavesArgumentsAloneWithoutTheFlag) {
  socksim::testing::test::SeedGuard guard;
  Argv argv({"prog", "--socksim_seedling=3", "--gtest_repeat=2"});
  InitFlags(&argv.argc, argv.pointers.data());
  EXPECT_EQ(argv.left(), (std::vector<std::string>{"prog", "--socksim_seedling=3", "--gtest_repeat=2"}));
  EXPECT_EQ(socksim::testing::SeedFlag(), std::nullopt);
}

TEST(InitFlags, RefusesAMalformedSeed) {
  socksim::testing::test::SeedGuard guard;
  Argv bad({"prog", "--socksim_seed=12x"});
  try {
    InitFlags(&bad.argc, bad.pointers.data());
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--socksim_seed=12x: not a seed (a decimal number, or hexadecimal after 0x, of 64 bits)");
  }
  Argv missing({"prog", "--socksim_seed"});
  EXPECT_THROW(InitFlags(&missing.argc, missing.pointers.data()), std::invalid_argument);
  EXPECT_EQ(socksim::testing::SeedFlag(), std::nullopt);
}

TEST(InitFlags, MakesARelativeProgramPathAbsolute) {
  socksim::testing::test::SeedGuard guard;
  Argv argv({"./bin/prog"});
  InitFlags(&argv.argc, argv.pointers.data());
  const std::string expected = (std::filesystem::current_path() / "bin/prog").string();
  EXPECT_EQ(socksim::testing::ExecutablePath(), expected);
  Argv on_path({"prog"});
  InitFlags(&on_path.argc, on_path.pointers.data());
  EXPECT_EQ(socksim::testing::ExecutablePath(), "prog");
}

TEST(ChooseSeed, FlagThenEnvironmentThenName) {
  socksim::testing::test::SeedGuard guard;
  socksim::testing::test::EnvGuard env("SOCKSIM_SEED");
  socksim::testing::SetSeedFlag(std::nullopt);

  env.unset();
  auto c = ChooseSeed("S.T");
  EXPECT_EQ(c.seed, SeedFromName("S.T"));
  EXPECT_EQ(c.source, SeedSource::test_name);

  env.set("");  // empty counts as unset
  EXPECT_EQ(ChooseSeed("S.T").source, SeedSource::test_name);

  env.set("0x2a");
  c = ChooseSeed("S.T");
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.source, SeedSource::environment);

  socksim::testing::SetSeedFlag(7);
  c = ChooseSeed("S.T");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.source, SeedSource::flag);

  socksim::testing::SetSeedFlag(std::nullopt);
  env.set("seven");
  try {
    ChooseSeed("S.T");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "SOCKSIM_SEED=seven: not a seed (a decimal number, or hexadecimal after 0x, of 64 bits)");
  }
}

TEST(ShellQuote, QuotesOnlyWhatTheShellWouldChange) {
  EXPECT_EQ(ShellQuote("/usr/bin/x_tests"), "/usr/bin/x_tests");
  EXPECT_EQ(ShellQuote("--gtest_filter=Backends/Echo.Round/sim"), "--gtest_filter=Backends/Echo.Round/sim");
  EXPECT_EQ(ShellQuote("/tmp/my tests/x"), "'/tmp/my tests/x'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("a*b"), "'a*b'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ReplayCommand, SetsTheSeedAndFiltersTheTest) {
  socksim::testing::test::SeedGuard guard;
  Argv argv({"/opt/x y/tests"});
  InitFlags(&argv.argc, argv.pointers.data());
  EXPECT_EQ(socksim::testing::ReplayCommand(99, "Suite.Test"),
            "SOCKSIM_SEED=99 '/opt/x y/tests' --gtest_filter=Suite.Test");
  EXPECT_EQ(socksim::testing::ReplayCommand(1, "Suite.DISABLED_Test"),
            "SOCKSIM_SEED=1 '/opt/x y/tests' --gtest_filter=Suite.DISABLED_Test --gtest_also_run_disabled_tests");
}

TEST(CurrentTestFullName, IsSuiteDotTest) {
  EXPECT_EQ(socksim::testing::CurrentTestFullName(), "CurrentTestFullName.IsSuiteDotTest");
}

}  // namespace
