// explore(), replay(), enumerate_fault_points() and the profiles: a sweep finds a planted bug,
// shrinks its faults, replays it to the same trace hash, passes a correct program, and shards.
#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <stdexcept>
#include <string>

#include "socksim/errors.hpp"
#include "socksim/explore.hpp"

namespace socksim {
namespace {

// A server that reads one 16-byte request and answers "ok"; the client sends it with send() or
// sendall(). With send(), a short send truncates the request and the server never answers: the
// sim reports the deadlock.
ExploreBody request_reply(bool use_sendall) {
  return [use_sendall](SimNetwork& net) {
    Socket l = net.socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(1);
    Task server = net.spawn("server", [&] {
      Socket s = l.accept().first;
      std::string got;
      while (got.size() < 16) {
        std::string part = s.recv(16 - got.size());
        if (part.empty()) throw std::runtime_error("request cut short");
        got += part;
      }
      s.sendall("ok");
    });
    Socket c = net.socket();
    c.connect(l.getsockname());
    const std::string request = "GET /index.html\n";
    if (use_sendall)
      c.sendall(request);
    else
      c.send(request);  // the bug: the count is ignored
    std::string reply;
    while (reply.size() < 2) {
      std::string part = c.recv(2 - reply.size());
      if (part.empty()) break;
      reply += part;
    }
    if (reply != "ok") throw std::runtime_error("no reply");
    server.join();
  };
}

TEST(Explore, FindsAnIgnoredSendCountAndShrinksToOneFault) {
  ExploreOptions options;
  options.profile = "chunking";
  options.seeds = 200;
  const ExploreResult r = explore(request_reply(false), options);
  ASSERT_TRUE(r.failed);
  EXPECT_FALSE(static_cast<bool>(r));
  ASSERT_EQ(r.faults.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<fault::send_cap>(r.faults[0].action)) << to_string(r.faults);
  EXPECT_FALSE(r.fired.empty());
  EXPECT_NE(r.error.find("Deadlock"), std::string::npos) << r.error;
  EXPECT_EQ(r.replay, "socksim::replay(body, " + std::to_string(r.seed) + ", socksim::parse_fault_rules(\"" +
                          to_string(r.faults) + "\"))");
  EXPECT_NE(r.report().find("seed " + std::to_string(r.seed) + " failed"), std::string::npos);
  // The replay is exact.
  const ExploreResult again = replay(request_reply(false), r.seed, r.faults);
  EXPECT_TRUE(again.failed);
  EXPECT_EQ(again.trace_hash, r.trace_hash);
  EXPECT_EQ(again.error, r.error);
  // From the text form too.
  EXPECT_EQ(replay(request_reply(false), r.seed, parse_fault_rules(to_string(r.faults))).trace_hash, r.trace_hash);
  // Without the fault the same seed passes.
  EXPECT_FALSE(replay(request_reply(false), r.seed, {}).failed);
}

TEST(Explore, TheFixedClientSurvivesEveryProfile) {
  for (const auto& profile : {"chunking", "interrupts"}) {
    ExploreOptions options;
    options.profile = profile;
    options.seeds = 300;
    // sendall and the loops are robust to short sends; EINTR is not retried by this client, so
    // only chunking is expected to pass.
    const ExploreResult r = explore(request_reply(true), options);
    if (std::string(profile) == "chunking") {
      EXPECT_FALSE(r.failed) << r.report();
      EXPECT_EQ(r.runs, 300u);
    } else {
      EXPECT_TRUE(r.failed);
      EXPECT_NE(r.error.find("Interrupted system call"), std::string::npos) << r.error;
    }
  }
}

TEST(Explore, ReplayCommandGetsTheSeedAndFaults) {
  ExploreOptions options;
  options.profile = "chunking";
  options.replay_command = "./client_test --gtest_filter=Client.Robust";
  const ExploreResult r = explore(request_reply(false), options);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.replay, "./client_test --gtest_filter=Client.Robust --socksim_seed=" + std::to_string(r.seed) +
                          " --socksim_faults='" + to_string(r.faults) + "'");
}

TEST(Explore, ShardsSplitTheSeedsWithoutOverlap) {
  std::set<std::uint64_t> all;
  std::uint64_t runs = 0;
  for (std::uint64_t i = 0; i < 3; ++i) {
    ExploreOptions options;
    options.profile = "chunking";
    options.seeds = 20;
    options.first_seed = 100;
    options.shard = Shard{i, 3};
    options.on_progress = [&](const ExploreProgress& p) {
      EXPECT_TRUE(all.insert(p.seed).second) << "seed " << p.seed << " ran twice";
      EXPECT_EQ((p.seed - 100) % 3, i);
    };
    const ExploreResult r = explore(request_reply(true), options);
    EXPECT_FALSE(r.failed);
    runs += r.runs;
  }
  EXPECT_EQ(runs, 20u);
  EXPECT_EQ(all.size(), 20u);
  EXPECT_EQ(*all.begin(), 100u);
  EXPECT_EQ(*all.rbegin(), 119u);
}

TEST(Explore, ShardTextAndEnvironment) {
  EXPECT_EQ(Shard::parse("2/5")->index, 2u);
  EXPECT_EQ(Shard::parse("2/5")->count, 5u);
  EXPECT_FALSE(Shard::parse("5/5"));
  EXPECT_FALSE(Shard::parse("1/0"));
  EXPECT_FALSE(Shard::parse("x/2"));
  EXPECT_FALSE(Shard::parse("1"));
}

TEST(Explore, DrawnFaultsAreAFunctionOfProfileAndSeed) {
  for (const auto& profile : fault_profiles()) {
    for (std::uint64_t seed = 1; seed < 50; ++seed) {
      const auto a = draw_faults(profile, seed);
      ASSERT_FALSE(a.empty());
      EXPECT_EQ(to_string(a), to_string(draw_faults(profile, seed)));
    }
  }
  EXPECT_NE(to_string(draw_faults("all", 1)) + to_string(draw_faults("all", 2)) + to_string(draw_faults("all", 3)),
            to_string(draw_faults("all", 1)) + to_string(draw_faults("all", 1)) + to_string(draw_faults("all", 1)));
  EXPECT_THROW(draw_faults("chaos", 1), std::invalid_argument);
  ExploreOptions chaos;
  chaos.profile = "chaos";
  EXPECT_THROW(explore(request_reply(true), chaos), std::invalid_argument);
}

TEST(Explore, EveryProfileFindsSomethingInAFragileProgram) {
  // A client that resolves a name, connects, sends with send() and reads one recv() as the whole
  // reply, with no timeout and no retries: every profile has a fault that breaks it.
  SimNetwork::Config config;
  config.dns.records.push_back(DnsRecord{"svc.example", {"127.0.0.1"}, {}, {}});
  ExploreBody fragile = [](SimNetwork& net) {
    Socket l = net.socket();
    l.bind(Address::inet("127.0.0.1", 8080));
    l.listen(1);
    Task server = net.spawn("server", [&] {
      Socket s = l.accept().first;
      std::string got = s.recv(100);
      s.sendall("reply:" + got);
    });
    Socket c = net.socket();
    c.connect(Address::inet("svc.example", 8080));
    c.send("hello world");
    if (c.recv(100) != "reply:hello world") throw std::runtime_error("wrong reply");
    server.join();
  };
  for (const auto& profile : fault_profiles()) {
    ExploreOptions options;
    options.profile = profile;
    options.seeds = 200;
    options.config = config;
    const ExploreResult r = explore(fragile, options);
    EXPECT_TRUE(r.failed) << profile;
    if (r.failed) {
      EXPECT_TRUE(replay(fragile, r.seed, r.faults, config).failed) << profile;
    }
  }
}

TEST(FaultPoints, EnumerationFailsEachIoCallInTurn) {
  // Counts I/O calls: connect, accept, send, recv, then the reply's send and recv.
  std::uint64_t runs_seen = 0;
  FaultPointOptions options;
  options.errors = {EINTR};
  options.on_progress = [&](const ExploreProgress& p) { runs_seen = p.runs; };
  const ExploreResult r = enumerate_fault_points(request_reply(true), options);
  ASSERT_TRUE(r.failed);  // the client does not retry EINTR
  ASSERT_EQ(r.faults.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<fault::fail_point>(r.faults[0].action));
  EXPECT_EQ(runs_seen, std::get<fault::fail_point>(r.faults[0].action).index);
  EXPECT_TRUE(replay(request_reply(true), r.seed, r.faults).failed);
}

TEST(FaultPoints, ARobustBodyPassesEveryPoint) {
  // A body that treats every failure of the exchange as an expected outcome.
  std::uint64_t total = 0;
  std::uint64_t runs_seen = 0;
  ExploreBody tolerant = [](SimNetwork& net) {
    Socket l = net.socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(1);
    l.settimeout(5.0);
    Task server = net.spawn("server", [&] {
      std::error_code ec;
      auto [s, peer] = l.accept(ec);
      if (ec) return;
      s.settimeout(5.0);
      std::string got = s.recv(100, 0, ec);
      if (!ec) s.send(got, 0, ec);
    });
    Socket c = net.socket();
    c.settimeout(5.0);
    std::error_code ec;
    c.connect(l.getsockname(), ec);
    if (!ec) c.send("x", 0, ec);
    if (!ec) c.recv(10, 0, ec);
    c.close();
    server.join();
  };
  FaultPointOptions options;
  options.on_progress = [&](const ExploreProgress& p) {
    total = p.total;
    runs_seen = p.runs;
  };
  const ExploreResult r = enumerate_fault_points(tolerant, options);
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_EQ(total, 6u * 3u);  // six I/O calls, three errors each
  EXPECT_EQ(runs_seen, total);
  EXPECT_EQ(r.runs, total + 1);
}

TEST(FaultPoints, AFailingFaultFreeRunIsReported) {
  const ExploreResult r = enumerate_fault_points([](SimNetwork&) { throw std::runtime_error("broken"); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.error, "the run without faults failed: std::runtime_error: broken");
}

}  // namespace
}  // namespace socksim
