// Tasks: fibers, deadlock reports, exceptions, foreign threads, cancellation.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "helpers.hpp"
#include "socksim/errors.hpp"

namespace socksim::simtest {
namespace {

TEST(SimScheduler, SpawnRunsTheTaskUntilItBlocks) {
  SimNetwork net;
  bool reached = false;
  auto [a, b] = net.socketpair();
  Task t = net.spawn("reader", [&] {
    reached = true;
    b.recv(1);
  });
  EXPECT_TRUE(reached);  // it ran up to its recv before spawn returned
  EXPECT_FALSE(t.done());
  a.sendall("x");
  EXPECT_FALSE(t.done());  // ready, not yet run: the root has not blocked since
  net.yield();
  EXPECT_TRUE(t.done());
  t.join();
}

TEST(SimScheduler, DeadlockInTheRootTaskNamesEveryTaskItsCallAndSocket) {
  SimNetwork net;
  auto [a, b] = net.socketpair();
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  Task server = net.spawn("server", [&] { l.accept(); });
  std::error_code ec;
  a.recv(10, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::deadlock));
  const std::string report = net.deadlock_report();
  EXPECT_NE(report.find("task 'main' (root): waits in recv on fd " + std::to_string(a.fileno())), std::string::npos)
      << report;
  EXPECT_NE(report.find("unix-stream"), std::string::npos) << report;
  EXPECT_NE(report.find("task 'server': waits in accept on fd " + std::to_string(l.fileno())), std::string::npos)
      << report;
  EXPECT_NE(report.find("LISTEN"), std::string::npos) << report;
  // The throwing form raises Deadlock, whose message is the report.
  try {
    a.recv(10);
    FAIL() << "expected Deadlock";
  } catch (const Deadlock& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("recv: deadlock at t=", 0), 0u) << what;
    EXPECT_NE(what.find("task 'server': waits in accept on fd " + std::to_string(l.fileno())), std::string::npos)
        << what;
  }
}

TEST(SimScheduler, DeadlockFoundInsideATaskWakesTheRoot) {
  SimNetwork net;
  auto [a, b] = net.socketpair();
  Task t = net.spawn("stuck", [&] { b.recv(1); });
  try {
    t.join();  // the root waits for `stuck`, which waits for the root
    ADD_FAILURE() << "join returned";
  } catch (const Deadlock& e) {
    EXPECT_NE(std::string(e.what()).find("task 'stuck': waits in recv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("join('stuck')"), std::string::npos) << e.what();
  }
}

TEST(SimScheduler, JoinRethrowsWhatEscapedTheTask) {
  SimNetwork net;
  Task t = net.spawn("fails", [] { throw std::runtime_error("boom"); });
  EXPECT_THROW(t.join(), std::runtime_error);
}

TEST(SimScheduler, AnExceptionNobodyWillJoinIsRethrownInTheRoot) {
  SimNetwork net;
  auto [a, b] = net.socketpair();
  net.spawn("detached", [&] {
    b.recv(1);
    throw std::runtime_error("from the detached task");
  });  // the handle is dropped at once
  a.sendall("x");
  try {
    a.recv(1);  // the root blocks; the task ends with an exception nobody joins
    ADD_FAILURE() << "recv returned";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "from the detached task");
  }
}

TEST(SimScheduler, ACallFromAnotherThreadIsAnError) {
  SimNetwork net;
  Socket s = net.socket();
  std::error_code ec;
  std::thread([&] { s.listen(1, ec); }).join();
  EXPECT_EQ(ec, make_error_code(errc::foreign_thread));
  std::error_code ec2;
  std::thread([&] { net.socket(AF_INET, SOCK_STREAM, 0, ec2); }).join();
  EXPECT_EQ(ec2, make_error_code(errc::foreign_thread));
}

TEST(SimScheduler, CancelFromAnotherThreadFailsTheWaitingCall) {
  SimNetwork net;
  // A task that sleeps for ever in small steps keeps time moving (no deadlock).
  std::atomic<bool> stop{false};
  Task ticker = net.spawn("ticker", [&] {
    while (!stop) net.sleep(std::chrono::seconds(1));
  });
  std::thread canceller([&] { net.cancel(); });
  canceller.join();
  auto [a, b] = net.socketpair();
  std::error_code ec;
  a.recv(1, 0, ec);
  EXPECT_EQ(ec, errno_code(ECANCELED));
  stop = true;
  EXPECT_THROW(ticker.join(), Error);  // its sleep failed with ECANCELED
}

TEST(SimScheduler, RandomScheduleIsDrawnFromTheSeed) {
  auto run = [](std::uint64_t seed) {
    SimNetwork::Config config;
    config.seed = seed;
    config.random_schedule = true;
    SimNetwork net(config);
    std::string order;
    std::vector<Task> tasks;
    for (char c : std::string("abcdefgh")) tasks.push_back(net.spawn(std::string(1, c), [&, c] {
      net.yield();
      order += c;
    }));
    for (auto& t : tasks) t.join();
    return order;
  };
  EXPECT_EQ(run(7), run(7));
  bool differs = false;
  for (std::uint64_t s = 1; s < 20 && !differs; ++s) differs = run(s) != run(7);
  EXPECT_TRUE(differs);
  EXPECT_EQ(run(7).size(), 8u);
}

TEST(SimScheduler, DestroyingTheNetworkUnwindsBlockedTasks) {
  bool unwound = false;
  {
    SimNetwork net;
    auto [a, b] = net.socketpair();
    struct Guard {
      bool& flag;
      ~Guard() { flag = true; }
    };
    net.spawn("blocked", [&, s = std::make_shared<Socket>(std::move(b))] {
      Guard g{unwound};
      s->recv(1);
    });
    EXPECT_EQ(net.live_tasks(), 1u);
  }
  EXPECT_TRUE(unwound);
}

TEST(SimScheduler, AFileFlushingWhileItsTaskUnwindsDoesNotEndTheProcess) {
  // Found by the sim operation fuzzer: a task blocked with a buffered file object whose flush
  // must wait (the peer reads nothing). Destroying the network unwinds the task; the file's
  // destructor flushes, the flush would wait, and the wait throws the unwinding again: out of a
  // destructor, that was std::terminate.
  bool unwound = false;
  {
    Socket reader;  // open until after the network has gone: the flush cannot fail with EPIPE
    SimNetwork net;
    auto [a, b] = net.socketpair();
    reader = std::move(b);
    struct Guard {
      bool& flag;
      ~Guard() { flag = true; }
    };
    net.spawn("writer", [&, s = std::make_shared<Socket>(std::move(a))] {
      Guard g{unwound};
      auto f = s->makefile("w", 1 << 22);
      f->write(std::string(1 << 21, 'x'));  // buffered: more than the pair's buffers hold
      s->recv(1);                            // blocks until the network goes
    });
    EXPECT_EQ(net.live_tasks(), 1u);
  }
  EXPECT_TRUE(unwound);
}

TEST(SimScheduler, ManyTasks) {
  SimNetwork net;
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(128);
  const Address addr = l.getsockname();
  std::vector<Task> clients;
  for (int i = 0; i < 200; ++i)
    clients.push_back(net.spawn("client" + std::to_string(i), [&net, addr, i] {
      Socket c = net.socket();
      c.connect(addr);
      c.sendall(std::to_string(i));
      c.shutdown(SHUT_WR);
      EXPECT_EQ(c.recv(100), "ok" + std::to_string(i));
    }));
  for (int i = 0; i < 200; ++i) {
    Socket s = l.accept().first;
    std::string got;
    for (std::string part; !(part = s.recv(100)).empty();) got += part;
    s.sendall("ok" + got);
  }
  for (auto& t : clients) t.join();
}

}  // namespace
}  // namespace socksim::simtest
