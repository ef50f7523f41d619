// SimTest: each test's seed and its overrides, MakeConfig, the trace tail, and the failure report.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "env_guard.hpp"
#include "socksim/testing.hpp"

namespace {

using socksim::Address;
using socksim::testing::SeedFromName;
using socksim::testing::SeedSource;
using socksim::testing::SimRun;
using socksim::testing::SimTest;
using socksim::testing::TraceRing;

// FNV-1a (64 bits) over the lines and their '\n': SimNetwork::trace_hash's definition.
std::uint64_t hash_lines(const std::vector<std::string>& lines) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const auto& line : lines) {
    for (char c : line + "\n") {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  }
  return h;
}

// Traffic that writes trace lines: a TCP connection on loopback and `rounds` pings over it.
void exchange(socksim::Network& net, int rounds) {
  auto listener = net.socket();
  listener.bind(Address::inet("127.0.0.1", 0));
  listener.listen(1);
  auto client = net.socket();
  client.connect(listener.getsockname());
  auto [server, peer] = listener.accept();
  for (int i = 0; i < rounds; ++i) {
    client.sendall("ping");
    EXPECT_EQ(server.recv(16), "ping");
  }
}

bool seed_forced() { return socksim::testing::SeedFlag() || std::getenv("SOCKSIM_SEED") != nullptr; }

// --- the seed --------------------------------------------------------------------------------

class SimTestSeed : public SimTest {};

TEST_F(SimTestSeed, IsTheHashOfTheFullName) {
  if (seed_forced()) GTEST_SKIP() << "a seed is forced by --socksim_seed or SOCKSIM_SEED";
  EXPECT_EQ(seed(), SeedFromName("SimTestSeed.IsTheHashOfTheFullName"));
  EXPECT_EQ(seed_source(), SeedSource::test_name);
  EXPECT_EQ(net().config().seed, seed());
}

TEST_F(SimTestSeed, DiffersFromTestToTest) {
  if (seed_forced()) GTEST_SKIP() << "a seed is forced by --socksim_seed or SOCKSIM_SEED";
  EXPECT_EQ(seed(), SeedFromName("SimTestSeed.DiffersFromTestToTest"));
  EXPECT_NE(seed(), SeedFromName("SimTestSeed.IsTheHashOfTheFullName"));
}

// A parameterized test's full name has the instantiation's prefix and the parameter.
class ParamSeed : public SimTest, public ::testing::WithParamInterface<int> {};

TEST_P(ParamSeed, HashesPrefixSuiteTestAndParam) {
  if (seed_forced()) GTEST_SKIP() << "a seed is forced by --socksim_seed or SOCKSIM_SEED";
  const std::string name = "Sizes/ParamSeed.HashesPrefixSuiteTestAndParam/" + std::to_string(GetParam());
  EXPECT_EQ(socksim::testing::CurrentTestFullName(), name);
  EXPECT_EQ(seed(), SeedFromName(name));
}

INSTANTIATE_TEST_SUITE_P(Sizes, ParamSeed, ::testing::Values(0, 1));

// SOCKSIM_SEED replaces the derived seed.
class SeedFromEnvironment : public SimTest {
 protected:
  void SetUp() override {
    env_.set("0x2a");
    SimTest::SetUp();
  }
  socksim::testing::test::SeedGuard flag_;  // no --socksim_seed
  socksim::testing::test::EnvGuard env_{"SOCKSIM_SEED"};
};

TEST_F(SeedFromEnvironment, IsUsed) {
  EXPECT_EQ(seed(), 42u);
  EXPECT_EQ(seed_source(), SeedSource::environment);
  EXPECT_EQ(net().config().seed, 42u);
}

// --socksim_seed wins over SOCKSIM_SEED.
class SeedFromFlag : public SimTest {
 protected:
  void SetUp() override {
    env_.set("5");
    socksim::testing::SetSeedFlag(9);
    SimTest::SetUp();
  }
  socksim::testing::test::SeedGuard flag_;
  socksim::testing::test::EnvGuard env_{"SOCKSIM_SEED"};
};

TEST_F(SeedFromFlag, WinsOverTheEnvironment) {
  EXPECT_EQ(seed(), 9u);
  EXPECT_EQ(seed_source(), SeedSource::flag);
  EXPECT_EQ(net().config().seed, 9u);
}

// --- MakeConfig ------------------------------------------------------------------------------

class CustomConfig : public SimTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    given_seed_ = seed;
    auto config = SimTest::MakeConfig(seed);
    config.hosts.push_back({"db", {"10.0.0.7"}, {"db.example"}});
    config.random_schedule = true;
    return config;
  }
  std::uint64_t given_seed_ = 0;
};

TEST_F(CustomConfig, BuildsTheNetworkFromTheOverride) {
  EXPECT_EQ(given_seed_, seed());
  EXPECT_EQ(net().config().seed, seed());
  EXPECT_TRUE(net().config().random_schedule);
  ASSERT_EQ(net().config().hosts.size(), 1u);
  EXPECT_EQ(net().gethostbyname("db.example"), "10.0.0.7");
}

// --- the same seed, the same run -------------------------------------------------------------

TEST(SimRun, SameNameSameTraceHash) {
  socksim::testing::test::SeedGuard flag;
  socksim::testing::test::EnvGuard env("SOCKSIM_SEED");
  env.unset();
  auto run_once = [](const std::string& name) {
    SimRun run;
    run.Start(name, [](std::uint64_t seed) {
      socksim::SimNetwork::Config c;
      c.seed = seed;
      return c;
    });
    exchange(run.net(), 3);
    return run.net().trace_hash();
  };
  EXPECT_EQ(run_once("Demo.One"), run_once("Demo.One"));
  // The seed reaches the run (ephemeral ports are drawn from it): another name, another trace.
  EXPECT_NE(run_once("Demo.One"), run_once("Demo.Two"));
}

TEST(SimRun, NetBeforeStartIsALogicError) {
  SimRun run;
  EXPECT_FALSE(run.started());
  EXPECT_THROW(run.net(), std::logic_error);
}

// --- TraceRing -------------------------------------------------------------------------------

TEST(TraceRing, KeepsTheNewestCompleteLines) {
  TraceRing ring(3);
  EXPECT_EQ(ring.capacity(), 3u);
  ring.stream() << "one\ntw";
  EXPECT_EQ(ring.lines(), (std::vector<std::string>{"one"}));
  EXPECT_EQ(ring.pending(), "tw");
  ring.stream() << "o\nthree\n" << 4 << '\n' << "five\n";
  EXPECT_EQ(ring.lines(), (std::vector<std::string>{"three", "4", "five"}));
  EXPECT_EQ(ring.total(), 5u);
  EXPECT_EQ(ring.pending(), "");
  ring.set_capacity(1);
  EXPECT_EQ(ring.lines(), (std::vector<std::string>{"five"}));
  ring.stream() << "\n";  // an empty line is a line
  EXPECT_EQ(ring.lines(), (std::vector<std::string>{""}));
  EXPECT_EQ(ring.total(), 6u);
  ring.clear();
  EXPECT_TRUE(ring.lines().empty());
  EXPECT_EQ(ring.total(), 0u);
}

TEST(TraceRing, ForwardsEverything) {
  TraceRing ring(1);
  std::ostringstream copy;
  ring.set_forward(&copy);
  ring.stream() << "a\nb" << 'c' << "\n";
  ring.set_forward(nullptr);
  ring.stream() << "d\n";
  EXPECT_EQ(copy.str(), "a\nbc\n");
  EXPECT_EQ(ring.lines(), (std::vector<std::string>{"d"}));
}

TEST(TraceRing, ZeroCapacityCountsButKeepsNothing) {
  TraceRing ring(0);
  ring.stream() << "a\nb\n";
  EXPECT_TRUE(ring.lines().empty());
  EXPECT_EQ(ring.total(), 2u);
}

class TraceTail : public SimTest {};

TEST_F(TraceTail, HoldsEveryLineOfAShortRun) {
  exchange(net(), 1);
  const auto lines = trace_tail().lines();
  ASSERT_GT(net().trace_lines(), 0u);
  ASSERT_LT(net().trace_lines(), 50u);
  EXPECT_EQ(lines.size(), net().trace_lines());
  EXPECT_EQ(trace_tail().total(), net().trace_lines());
  EXPECT_EQ(hash_lines(lines), net().trace_hash());  // the very lines the hash was taken over
  for (const auto& line : lines) {
    EXPECT_TRUE(line.starts_with("{\"t\":") && line.ends_with("}")) << line;
  }
}

TEST_F(TraceTail, KeepsTheLast50OfALongRun) {
  std::ostringstream full;
  trace_tail().set_forward(&full);
  const auto before = net().trace_lines();
  exchange(net(), 40);
  trace_tail().set_forward(nullptr);
  std::vector<std::string> all;
  std::istringstream in(full.str());
  for (std::string line; std::getline(in, line);) all.push_back(line);
  ASSERT_EQ(all.size(), net().trace_lines() - before);
  ASSERT_GT(all.size(), 50u);
  EXPECT_EQ(trace_tail().capacity(), 50u);
  EXPECT_EQ(trace_tail().lines(), std::vector<std::string>(all.end() - 50, all.end()));
  EXPECT_EQ(trace_tail().total(), net().trace_lines());
}

// --- the failure report ----------------------------------------------------------------------

class Report : public SimTest {};

TEST_F(Report, NamesSeedReplayAndTraceTail) {
  trace_tail().set_capacity(3);
  exchange(net(), 2);
  const auto tail = trace_tail().lines();
  ASSERT_EQ(tail.size(), 3u);
  char hash[32];
  std::snprintf(hash, sizeof hash, "0x%016llx", static_cast<unsigned long long>(net().trace_hash()));
  const std::string n = std::to_string(net().trace_lines());
  const std::string expected =
      "socksim: seed " + std::to_string(seed()) + " (" + to_string(seed_source()) + ")\n" +
      "socksim: replay: " + socksim::testing::ReplayCommand(seed(), "Report.NamesSeedReplayAndTraceTail") + "\n" +
      "socksim: trace: " + n + " lines, hash " + hash + "; the last 3 of " + n + ":\n" +
      "  " + tail[0] + "\n  " + tail[1] + "\n  " + tail[2] + "\n";
  EXPECT_EQ(FailureReport(), expected);
}

TEST_F(Report, ReplayLineNamesThisProgram) {
  const std::string report = FailureReport();
  const std::string replay = "socksim: replay: SOCKSIM_SEED=" + std::to_string(seed()) + " " +
                             socksim::testing::ShellQuote(socksim::testing::ExecutablePath()) +
                             " --gtest_filter=Report.ReplayLineNamesThisProgram\n";
  EXPECT_NE(report.find(replay), std::string::npos) << report;
  EXPECT_TRUE(std::filesystem::exists(socksim::testing::ExecutablePath()));
}

TEST_F(Report, IncludesTheDeadlockReport) {
  auto s = net().socket(socksim::AF_INET, socksim::SOCK_DGRAM);
  s.bind(Address::inet("127.0.0.1", 0));
  EXPECT_THROW(s.recv(16), socksim::Deadlock);  // nobody will ever send
  ASSERT_FALSE(net().deadlock_report().empty());
  EXPECT_NE(FailureReport().find("socksim: deadlock: " + net().deadlock_report()), std::string::npos)
      << FailureReport();
}

class TraceOff : public SimTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    auto config = SimTest::MakeConfig(seed);
    config.trace = false;
    return config;
  }
};

TEST_F(TraceOff, ReportSaysSo) {
  exchange(net(), 1);
  EXPECT_TRUE(trace_tail().lines().empty());
  const std::string report = FailureReport();
  EXPECT_NE(report.find("\nsocksim: trace: off (SimNetwork::Config::trace is false)\n"), std::string::npos) << report;
  EXPECT_NE(report.find("socksim: replay: "), std::string::npos) << report;
}

}  // namespace
