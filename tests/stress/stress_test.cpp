// The real backend under stress, on loopback only:
//   - 1,000 connections open at once through RealNetwork, each carrying its own message both ways;
//   - SIGPIPE is never delivered: writing to connections the peer closed or reset (send, sendall,
//     sendto, a makefile's write) reports EPIPE/ECONNRESET and the process sees no signal;
//   - a storm of SIGUSR1 (a handler installed without SA_RESTART) aimed at the thread blocked in a
//     call never surfaces as EINTR: accept, connect, recv, recv_into, sendall, select, poll, sleep
//     and a makefile's read complete, and a timeout still ends with `timeout`.
// Each test also checks the process holds as many descriptors afterwards as before.
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "socksim/errors.hpp"
#include "socksim/network.hpp"
#include "socksim/real.hpp"
#include "socksim/socket.hpp"

namespace socksim::stress {
namespace {

int open_fds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return -1;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n - 1;  // the directory's own descriptor
}

// Raises the soft descriptor limit to `want` if the hard one allows; false otherwise.
bool allow_fds(rlim_t want) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return false;
  if (lim.rlim_cur >= want) return true;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < want) return false;
  lim.rlim_cur = want;
  return ::setrlimit(RLIMIT_NOFILE, &lim) == 0;
}

class Stress : public ::testing::Test {
 protected:
  void SetUp() override { fds_before_ = open_fds(); }
  void TearDown() override { EXPECT_EQ(open_fds(), fds_before_) << "descriptors leaked"; }
  int fds_before_ = 0;
};

TEST_F(Stress, AThousandConcurrentLoopbackConnections) {
  constexpr int kConnections = 1000;
  if (!allow_fds(2 * kConnections + 200)) GTEST_SKIP() << "the descriptor limit is below " << 2 * kConnections + 200;
  RealNetwork net;
  Socket listener = net.socket();
  listener.bind(Address::inet("127.0.0.1", 0));
  listener.listen(kConnections);
  const Address addr = listener.getsockname();

  std::vector<Socket> served(kConnections);
  std::atomic<int> echoed{0};
  Task server = net.spawn("server", [&] {
    for (int i = 0; i < kConnections; ++i) served[i] = listener.accept().first;
    // Every connection is open now, on both sides; answer each with what it sent, reversed.
    for (auto& s : served) {
      std::string got;
      while (got.empty() || got.back() != '\n') {
        std::string part = s.recv(64);
        if (part.empty()) break;
        got += part;
      }
      s.sendall(std::string(got.rbegin(), got.rend()));
      ++echoed;
    }
  });
  std::vector<Socket> clients;
  clients.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(net.socket());
    clients.back().settimeout(30.0);
    clients.back().connect(addr);
  }
  for (int i = 0; i < kConnections; ++i) clients[i].sendall("message " + std::to_string(i) + "\n");
  for (int i = 0; i < kConnections; ++i) {
    const std::string sent = "message " + std::to_string(i) + "\n";
    const std::string want(sent.rbegin(), sent.rend());
    std::string got;
    while (got.size() < want.size()) {
      std::string part = clients[i].recv(64);
      ASSERT_FALSE(part.empty()) << "connection " << i << " closed early";
      got += part;
    }
    ASSERT_EQ(got, want) << "connection " << i;
  }
  server.join();
  EXPECT_EQ(echoed.load(), kConnections);
  // All 2,000 ends were open at once.
  EXPECT_GE(open_fds(), fds_before_ + 2 * kConnections);
  clients.clear();
  served.clear();
  listener.close();
}

std::atomic<int> sigpipes{0};
void on_sigpipe(int) { ++sigpipes; }

TEST_F(Stress, SigpipeIsNeverDelivered) {
  struct sigaction sa{}, old{};
  sa.sa_handler = on_sigpipe;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(::sigaction(SIGPIPE, &sa, &old), 0);
  sigpipes = 0;
  RealNetwork net;
  for (int round = 0; round < 50; ++round) {
    // A TCP pair whose receiving end goes away (closed with unread data: an RST).
    Socket l = net.socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(1);
    Socket c = net.socket();
    c.connect(l.getsockname());
    Socket s = l.accept().first;
    c.sendall("unread");
    s.close();
    std::error_code ec;
    const std::string big(256 * 1024, 'x');
    for (int i = 0; i < 20 && !ec; ++i) c.send(big, 0, ec);
    EXPECT_TRUE(ec == errno_code(EPIPE) || ec == errno_code(ECONNRESET)) << error_name(ec);
    c.sendall(big, 0, ec);
    EXPECT_TRUE(ec == errno_code(EPIPE) || ec == errno_code(ECONNRESET)) << error_name(ec);
    auto f = c.makefile("wb", 0);
    f->write(big, ec);
    EXPECT_TRUE(ec);
    // An AF_UNIX stream pair whose peer is closed.
    auto [a, b] = net.socketpair();
    b.close();
    a.send("x", 0, ec);
    EXPECT_EQ(ec, errno_code(EPIPE));
    a.sendall(big, 0, ec);
    EXPECT_EQ(ec, errno_code(EPIPE));
  }
  EXPECT_EQ(sigpipes.load(), 0);
  ::sigaction(SIGPIPE, &old, nullptr);
}

std::atomic<long> sigusr1s{0};
void on_sigusr1(int) { ++sigusr1s; }

// Sends SIGUSR1 to `target` every few microseconds until stopped (at most 60 s).
class SignalStorm {
 public:
  explicit SignalStorm(pthread_t target) : target_(target) {
    struct sigaction sa{};
    sa.sa_handler = on_sigusr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: every interrupted system call returns EINTR
    ::sigaction(SIGUSR1, &sa, &old_);
    thread_ = std::thread([this] {
      const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!stop_.load() && std::chrono::steady_clock::now() < end) {
        ::pthread_kill(target_, SIGUSR1);
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    });
  }
  ~SignalStorm() {
    stop_ = true;
    thread_.join();
    ::sigaction(SIGUSR1, &old_, nullptr);
  }

 private:
  pthread_t target_;
  struct sigaction old_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(Stress, ASignalStormNeverSurfacesAsEintr) {
  RealNetwork net;
  Socket l = net.socket();
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(8);
  const Address addr = l.getsockname();
  sigusr1s = 0;
  const std::string big(4 * 1024 * 1024, 'y');
  std::string payload_seen;
  {
    SignalStorm storm(::pthread_self());
    // The peer works on its own thread, slowly, so that this thread blocks in every call below.
    Task peer = net.spawn("peer", [&] {
      net.sleep(0.05);
      Socket c = net.socket();
      c.connect(addr);  // accept below waits for this
      net.sleep(0.05);
      c.sendall("first");  // recv below waits for this
      net.sleep(0.05);
      // Read the big payload slowly: sendall below waits for room again and again.
      std::size_t total = 0;
      while (total < big.size()) {
        std::string part = c.recv(65536);
        if (part.empty()) break;
        total += part.size();
      }
      payload_seen = std::to_string(total);
      c.sendall("line one\nline two\n");
      net.sleep(0.05);
      c.sendall("last");
      c.shutdown(SHUT_WR);
      net.sleep(0.3);
    });
    Socket s = l.accept().first;  // blocking accept
    EXPECT_EQ(s.recv(5), "first");  // blocking recv
    s.sendall(big);  // blocking sendall, many waits for room
    auto f = s.makefile("rb", 0);  // unbuffered: reads nothing beyond the lines
    EXPECT_EQ(f->readline(), "line one\n");
    EXPECT_EQ(f->readline(), "line two\n");
    std::vector<Socket*> r{&s};
    auto ready = net.select(r, {}, {}, 5.0);  // select, woken by "last"
    EXPECT_EQ(ready.readable.size(), 1u);
    char buf[16];
    EXPECT_EQ(s.recv_into(std::span<char>(buf, 4), 4), 4u);
    EXPECT_EQ(std::string(buf, 4), "last");
    std::vector<PollEntry> entries{{s.impl().get(), POLL_IN, 0}};
    EXPECT_EQ(net.poll(entries, 5.0), 1);  // the end of the stream
    EXPECT_EQ(s.recv(10), "");
    // A timeout still ends as a timeout.
    Socket u = net.socket(AF_INET, SOCK_DGRAM);
    u.bind(Address::inet("127.0.0.1", 0));
    u.settimeout(0.2);
    std::error_code ec;
    u.recv(10, 0, ec);
    EXPECT_EQ(ec, make_error_code(errc::timeout)) << error_name(ec);
    // A blocking connect to a listener elsewhere, and a sleep, also through the storm.
    Socket c2 = net.socket();
    c2.connect(addr);
    Socket s2 = l.accept().first;
    const auto before = net.now();
    net.sleep(0.1);
    EXPECT_GE(net.now() - before, std::chrono::milliseconds(100));
    peer.join();
  }
  EXPECT_EQ(payload_seen, std::to_string(big.size()));
  // The storm did reach the thread while it was blocked.
  EXPECT_GT(sigusr1s.load(), 100);
}

}  // namespace
}  // namespace socksim::stress
