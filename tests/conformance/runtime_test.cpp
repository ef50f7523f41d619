// What the network adds to the seed's module: the clock (now, sleep), tasks (spawn, join),
// readiness (select, poll), the AF_UNIX filesystem (mkdtemp, unlink, remove_tree) and cancel.
#include <cerrno>
#include <stdexcept>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(RuntimeTest, SleepAdvancesTheClock) {
  const auto start = net().now();
  net().sleep(0.05);
  EXPECT_GE(since(start), 0.05);
  EXPECT_LT(since(start), 5.0);
  const auto t = net().now();
  net().sleep(std::chrono::milliseconds(20));
  EXPECT_GE(net().now() - t, std::chrono::milliseconds(20));
  net().sleep(0.0);
  EXPECT_GE(net().now_seconds(), 0.07);
  EXPECT_THROW(net().sleep(-1.0), ValueError);
}

TEST_P(RuntimeTest, SpawnRunsATaskAndJoinWaitsForIt) {
  int ran = 0;
  Task t = net().spawn("worker", [&] { ran = 42; });
  EXPECT_TRUE(t.joinable());
  EXPECT_EQ(t.name(), "worker");
  t.join();
  EXPECT_EQ(ran, 42);
  EXPECT_FALSE(t.joinable());
  EXPECT_THROW(t.join(), Error);  // joining twice
}

TEST_P(RuntimeTest, JoinRethrowsWhatEscapedTheTask) {
  Task t = net().spawn("failing", [] { throw std::runtime_error("task failed"); });
  try {
    t.join();
    ADD_FAILURE() << "join did not rethrow";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task failed");
  }
}

TEST_P(RuntimeTest, DoneAfterTheTaskEnds) {
  auto [a, b] = net().socketpair();
  Task t = net().spawn("echo-once", [&, s = std::make_shared<Socket>(std::move(b))] { s->sendall(s->recv(10)); });
  EXPECT_FALSE(t.done());  // it waits for data that only this task sends
  a.sendall("x");
  EXPECT_EQ(a.recv(10), "x");
  t.join();
}

TEST_P(RuntimeTest, SelectReportsReadableAndWritableInTheOrderGiven) {
  auto [a, b] = net().socketpair();
  auto [c, d] = net().socketpair();
  auto none = net().select({&a, &c}, {}, {}, 0.0);
  EXPECT_TRUE(none.readable.empty());
  d.sendall("for c");
  b.sendall("for a");
  auto ready = net().select({&a, &c}, {&b}, {&a}, 0.0);
  EXPECT_EQ(ready.readable, (std::vector<Socket*>{&a, &c}));
  EXPECT_EQ(ready.writable, (std::vector<Socket*>{&b}));
  EXPECT_TRUE(ready.exceptional.empty());
  EXPECT_EQ(a.recv(10), "for a");
  ready = net().select({&a, &c}, {}, {}, 0.0);
  EXPECT_EQ(ready.readable, (std::vector<Socket*>{&c}));
}

TEST_P(RuntimeTest, SelectTimesOutWithNothingReady) {
  auto [a, b] = net().socketpair();
  const auto start = net().now();
  auto ready = net().select({&a}, {}, {}, 0.1);
  EXPECT_TRUE(ready.readable.empty());
  EXPECT_GE(since(start), 0.1);
  EXPECT_LT(since(start), 5.0);
}

TEST_P(RuntimeTest, SelectWaitsForATask) {
  auto [a, b] = net().socketpair();
  Task t = net().spawn("writer", [&, s = std::make_shared<Socket>(std::move(b))] {
    net().sleep(0.05);
    s->sendall("!");
  });
  auto ready = net().select({&a}, {}, {}, std::nullopt);
  EXPECT_EQ(ready.readable, (std::vector<Socket*>{&a}));
  t.join();
}

TEST_P(RuntimeTest, SelectReportsEofAsReadableAndAClosedSocketAsEbadf) {
  auto [a, b] = net().socketpair();
  b.close();
  EXPECT_EQ(net().select({&a}, {}, {}, 0.0).readable, (std::vector<Socket*>{&a}));
  EXPECT_EQ(a.recv(10), "");
  std::error_code ec;
  net().select({&b}, {}, {}, 0.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  net().select({&a}, {}, {}, -1.0, ec);
  EXPECT_EQ(ec, make_error_code(errc::value_error));
}

TEST_P(RuntimeTest, PollFillsRevents) {
  auto [a, b] = net().socketpair();
  std::vector<PollEntry> entries = {{a.impl().get(), POLL_IN, 0}, {b.impl().get(), POLL_OUT, 0}};
  EXPECT_EQ(net().poll(entries, 0.0), 1);
  EXPECT_EQ(entries[0].revents, 0);
  EXPECT_EQ(entries[1].revents, POLL_OUT);
  b.sendall("data");
  EXPECT_EQ(net().poll(entries, 0.0), 2);
  EXPECT_EQ(entries[0].revents, POLL_IN);
  EXPECT_EQ(entries[1].revents, POLL_OUT);
  const auto start = net().now();
  std::vector<PollEntry> idle = {{b.impl().get(), POLL_IN, 0}};
  EXPECT_EQ(net().poll(idle, 0.1), 0);
  EXPECT_GE(since(start), 0.1);
}

TEST_P(RuntimeTest, MkdtempUnlinkAndRemoveTree) {
  const std::string dir = net().mkdtemp();
  EXPECT_FALSE(dir.empty());
  const std::string path = dir + "/s.sock";
  Socket s = net().socket(AF_UNIX, SOCK_DGRAM);
  s.bind(Address::unix_path(path));
  net().unlink(path);
  Socket t = net().socket(AF_UNIX, SOCK_DGRAM);
  t.bind(Address::unix_path(path));  // free again after unlink
  net().remove_tree(dir);
  Socket u = net().socket(AF_UNIX, SOCK_DGRAM);
  std::error_code ec;
  u.bind(Address::unix_path(path), ec);  // the directory is gone
  EXPECT_EQ(ec, errno_code(ENOENT));
}

TEST_P(RuntimeTest, TwoTemporaryDirectoriesDiffer) {
  const std::string one = net().mkdtemp();
  const std::string two = net().mkdtemp();
  EXPECT_NE(one, two);
  net().remove_tree(one);
  net().remove_tree(two);
}

TEST_P(RuntimeTest, CancelFailsBlockedAndLaterCalls) {
  Socket l = listener();
  std::error_code accept_ec;
  Task waiter = net().spawn("waiter", [&] { l.accept(accept_ec); });
  net().cancel();
  waiter.join();
  EXPECT_EQ(accept_ec, errno_code(ECANCELED));
  // Every later call that would wait fails the same way, at once.
  std::error_code ec;
  l.accept(ec);
  EXPECT_EQ(ec, errno_code(ECANCELED));
  auto [a, b] = net().socketpair();
  a.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(ECANCELED));
  net().select({&a}, {}, {}, std::nullopt, ec);
  EXPECT_EQ(ec, errno_code(ECANCELED));
  EXPECT_EQ(thrown_code<Error>([&] { net().sleep(10.0); }), errno_code(ECANCELED));
}

}  // namespace socksim::conformance
