// The replay line a failing SimTest prints really replays: this program runs itself with a test
// that fails on request, takes the printed line, runs it, and finds the same seed and the same
// trace (hash and tail).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <string>

#include "socksim/testing.hpp"

namespace {

using socksim::Address;

// --- the test that fails when asked ----------------------------------------------------------

// Fails only when SOCKSIM_TESTING_DEMO_FAIL=1 (the tests below set it for the program they
// start); otherwise passes quietly.
class ReplayDemo : public socksim::testing::SimTest {
 protected:
  socksim::SimNetwork::Config MakeConfig(std::uint64_t seed) override {
    auto config = SimTest::MakeConfig(seed);
    config.random_schedule = true;  // the order of tasks is drawn from the seed as well
    return config;
  }
};

TEST_F(ReplayDemo, FailsWhenAsked) {
  auto listener = net().socket();
  listener.bind(Address::inet("127.0.0.1", 0));
  listener.listen(4);
  const Address at = listener.getsockname();
  auto server = net().spawn("server", [&] {
    for (int i = 0; i < 3; ++i) {
      auto [conn, peer] = listener.accept();
      conn.sendall(conn.recv(16));
    }
  });
  for (int i = 0; i < 3; ++i) {
    auto client = net().spawn("client" + std::to_string(i), [&, i] {
      auto s = net().socket();
      s.connect(at);  // from an ephemeral port drawn from the seed
      s.sendall("hi" + std::to_string(i));
      EXPECT_EQ(s.recv(16), "hi" + std::to_string(i));
    });
    client.join();
  }
  server.join();
  const char* fail = std::getenv("SOCKSIM_TESTING_DEMO_FAIL");
  if (fail != nullptr && std::string(fail) == "1") ADD_FAILURE() << "failing on request";
}

// An explore() sweep from a test: the client ignores send()'s count when asked to fail, so the
// chunking profile finds a seed where the request is cut short.
TEST(ExploreDemo, ShortSends) {
  const char* fail = std::getenv("SOCKSIM_TESTING_DEMO_FAIL");
  const bool buggy = fail != nullptr && std::string(fail) == "1";
  auto body = [buggy](socksim::SimNetwork& net) {
    auto l = net.socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(1);
    auto server = net.spawn("server", [&] {
      auto conn = l.accept().first;
      std::string got;
      while (got.size() < 12) got += conn.recv(12 - got.size());
      conn.sendall("ok");
    });
    auto c = net.socket();
    c.connect(l.getsockname());
    if (buggy)
      c.send("hello world!");
    else
      c.sendall("hello world!");
    std::string answer;
    while (answer.size() < 2) {
      std::string part = c.recv(2 - answer.size());
      if (part.empty()) break;
      answer += part;
    }
    if (answer != "ok") throw std::runtime_error("no answer");
    server.join();
  };
  socksim::ExploreOptions options;
  options.profile = "chunking";
  options.seeds = 100;
  EXPECT_TRUE(socksim::testing::ExploreSucceeds(body, options));
}

// --- running this program --------------------------------------------------------------------

struct Outcome {
  int status = -1;  // exit status
  std::string out;  // stdout and stderr
};

// Runs `command` with sh; the variables that would change what a GoogleTest program runs or
// where it writes are cleared first.
Outcome run(const std::string& command) {
  const std::string full =
      "unset GTEST_FILTER GTEST_OUTPUT GTEST_SHARD_INDEX GTEST_TOTAL_SHARDS GTEST_SHARD_STATUS_FILE "
      "GTEST_REPEAT SOCKSIM_SEED SOCKSIM_FAULTS SOCKSIM_TESTING_DEMO_FAIL; " +
      command + " 2>&1";
  Outcome r;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
  const int wait_status = ::pclose(pipe);
  r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  return r;
}

std::string self() { return socksim::testing::ShellQuote(socksim::testing::ExecutablePath()); }

// The first match of `pattern`'s group 1 in `text` ("" when none).
std::string find(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string();
}

// The report's lines from "socksim: seed" on, with the line naming the seed's source dropped
// (it differs between the first run and the replay) - the trace count, hash and tail.
std::string trace_part(const std::string& out) {
  const auto at = out.find("socksim: trace: ");
  if (at == std::string::npos) return {};
  std::string part;
  std::size_t pos = at;
  while (pos < out.size()) {
    const auto end = out.find('\n', pos);
    const std::string line = out.substr(pos, end - pos);
    if (!(line.starts_with("socksim: trace: ") || line.starts_with("  {"))) break;
    part += line + "\n";
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return part;
}

constexpr const char* kDemo = "ReplayDemo.FailsWhenAsked";

TEST(Replay, PrintedLineReplaysTheSameRun) {
  const Outcome first = run("SOCKSIM_TESTING_DEMO_FAIL=1 " + self() + " --gtest_filter=" + kDemo + " --socksim_seed=987654321");
  ASSERT_NE(first.status, 0) << first.out;
  EXPECT_NE(first.out.find("failing on request"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("socksim: seed 987654321 (from --socksim_seed)\n"), std::string::npos) << first.out;
  const std::string replay = find(first.out, "socksim: replay: ([^\n]*)\n");
  EXPECT_EQ(replay, "SOCKSIM_SEED=987654321 " + self() + " --gtest_filter=" + kDemo);
  const std::string trace = trace_part(first.out);
  ASSERT_NE(find(trace, "hash (0x[0-9a-f]{16})"), "") << first.out;
  ASSERT_NE(trace.find("\n  {\"t\":"), std::string::npos) << first.out;

  // The printed line, as a person would paste it (with the variable that makes the demo fail).
  const Outcome again = run("SOCKSIM_TESTING_DEMO_FAIL=1 " + replay);
  ASSERT_NE(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("socksim: seed 987654321 (from SOCKSIM_SEED)\n"), std::string::npos) << again.out;
  EXPECT_EQ(find(again.out, "socksim: replay: ([^\n]*)\n"), replay);
  EXPECT_EQ(trace_part(again.out), trace);

  // Another seed gives another run: the equality above is not one every seed would pass.
  const Outcome other = run("SOCKSIM_TESTING_DEMO_FAIL=1 SOCKSIM_SEED=987654322 " + self() + " --gtest_filter=" + kDemo);
  ASSERT_NE(other.status, 0) << other.out;
  EXPECT_NE(find(trace_part(other.out), "hash (0x[0-9a-f]{16})"), find(trace, "hash (0x[0-9a-f]{16})"))
      << other.out;
}

TEST(Replay, DefaultSeedIsTheNamesHashAndReplays) {
  const Outcome first = run("SOCKSIM_TESTING_DEMO_FAIL=1 " + self() + " --gtest_filter=" + kDemo);
  ASSERT_NE(first.status, 0) << first.out;
  const std::string seed = std::to_string(socksim::testing::SeedFromName(kDemo));
  EXPECT_NE(first.out.find("socksim: seed " + seed + " (derived from the test's name)\n"), std::string::npos)
      << first.out;
  const std::string replay = find(first.out, "socksim: replay: ([^\n]*)\n");
  ASSERT_EQ(replay, "SOCKSIM_SEED=" + seed + " " + self() + " --gtest_filter=" + kDemo);
  const Outcome again = run("SOCKSIM_TESTING_DEMO_FAIL=1 " + replay);
  EXPECT_EQ(trace_part(again.out), trace_part(first.out)) << again.out;
}

TEST(Replay, NothingIsPrintedWhenTheTestPasses) {
  const Outcome quiet = run(self() + " --gtest_filter=" + kDemo);
  EXPECT_EQ(quiet.status, 0) << quiet.out;
  EXPECT_NE(quiet.out.find("[  PASSED  ] 1 test"), std::string::npos) << quiet.out;
  EXPECT_EQ(quiet.out.find("socksim:"), std::string::npos) << quiet.out;
}

TEST(Replay, MalformedSeedsAreRefused) {
  const Outcome bad_env = run("SOCKSIM_SEED=abc " + self() + " --gtest_filter=" + kDemo);
  EXPECT_NE(bad_env.status, 0) << bad_env.out;
  EXPECT_NE(bad_env.out.find("SOCKSIM_SEED=abc: not a seed"), std::string::npos) << bad_env.out;
  const Outcome bad_flag = run(self() + " --gtest_filter=" + kDemo + " --socksim_seed=-3");
  EXPECT_EQ(bad_flag.status, 1) << bad_flag.out;
  EXPECT_NE(bad_flag.out.find("--socksim_seed=-3: not a seed"), std::string::npos) << bad_flag.out;
}

TEST(Replay, ExploreReplayLineRerunsTheFailingSeedAndFaults) {
  constexpr const char* kExplore = "ExploreDemo.ShortSends";
  const Outcome first = run("SOCKSIM_TESTING_DEMO_FAIL=1 " + self() + " --gtest_filter=" + kExplore);
  ASSERT_NE(first.status, 0) << first.out;
  const std::string seed = find(first.out, "socksim explore: seed ([0-9]+) failed");
  ASSERT_NE(seed, "") << first.out;
  const std::string faults = find(first.out, "  faults: ([^\n]*)\n");
  ASSERT_NE(faults, "") << first.out;
  const std::string hash = find(first.out, "  trace hash: ([0-9a-f]{16})");
  ASSERT_NE(hash, "") << first.out;
  const std::string replay = find(first.out, "  replay: ([^\n]*)\n");
  EXPECT_EQ(replay, self() + " --gtest_filter=" + kExplore + " --socksim_seed=" + seed + " --socksim_faults=" +
                        socksim::testing::ShellQuote(faults));
  const Outcome again = run("SOCKSIM_TESTING_DEMO_FAIL=1 " + replay);
  ASSERT_NE(again.status, 0) << again.out;
  EXPECT_EQ(find(again.out, "socksim explore: seed ([0-9]+) failed"), seed) << again.out;
  EXPECT_EQ(find(again.out, "  trace hash: ([0-9a-f]{16})"), hash) << again.out;
  // The fixed program passes the replay, and the sweep.
  EXPECT_EQ(run(replay).status, 0);
  EXPECT_EQ(run(self() + " --gtest_filter=" + kExplore).status, 0);
}

TEST(Replay, HelpNamesTheFlag) {
  const Outcome help = run(self() + " --help");
  EXPECT_EQ(help.status, 0) << help.out;
  EXPECT_NE(help.out.find("--gtest_filter"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--socksim_seed=N"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--socksim_faults=RULES"), std::string::npos) << help.out;
}

}  // namespace
