// Facts of the real backend that the interface cannot show: descriptor flags, no descriptor
// leaks, no SIGPIPE, EINTR retried, fromfd of an OS socket, and tasks ended by the network's
// destruction.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "socksim/real.hpp"

namespace socksim {
namespace {

int open_fd_count() {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

bool has_flags(int fd) {
  const int fd_flags = ::fcntl(fd, F_GETFD);
  const int fl_flags = ::fcntl(fd, F_GETFL);
  return fd_flags >= 0 && (fd_flags & FD_CLOEXEC) != 0 && fl_flags >= 0 && (fl_flags & O_NONBLOCK) != 0;
}

TEST(RealBackend, EveryDescriptorIsCloseOnExecAndNonBlocking) {
  RealNetwork net;
  Socket l = net.socket();
  EXPECT_TRUE(has_flags(l.fileno()));
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(1);
  Socket c = net.socket();
  c.connect(l.getsockname());
  auto [conn, peer] = l.accept();
  EXPECT_TRUE(has_flags(conn.fileno()));
  auto [a, b] = net.socketpair();
  EXPECT_TRUE(has_flags(a.fileno()));
  EXPECT_TRUE(has_flags(b.fileno()));
  Socket dup = net.fromfd(c.fileno(), AF_INET, SOCK_STREAM);
  EXPECT_TRUE(has_flags(dup.fileno()));
  EXPECT_EQ(dup.gettimeout(), std::nullopt);  // the mode is the backend's, not the descriptor's
}

TEST(RealBackend, FilenoIsTheOsDescriptor) {
  RealNetwork net;
  Socket s = net.socket(AF_INET, SOCK_DGRAM);
  s.bind(Address::inet("127.0.0.1", 0));
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ASSERT_EQ(::getsockname(s.fileno(), reinterpret_cast<sockaddr*>(&ss), &len), 0);
  EXPECT_EQ(ss.ss_family, AF_INET);
  int type = 0;
  socklen_t tlen = sizeof type;
  ASSERT_EQ(::getsockopt(s.fileno(), SOL_SOCKET, SO_TYPE, &type, &tlen), 0);
  EXPECT_EQ(type, SOCK_DGRAM);
}

TEST(RealBackend, FromfdOfAnOsSocket) {
  RealNetwork net;
  const int raw = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(raw, 0);
  Socket s = net.fromfd(raw, AF_INET, SOCK_STREAM);
  ::close(raw);  // the duplicate lives on
  s.bind(Address::inet("127.0.0.1", 0));
  EXPECT_EQ(s.getsockname().host(), "127.0.0.1");
}

TEST(RealBackend, NoDescriptorLeaksOnAnyPath) {
  const int before = open_fd_count();
  {
    RealNetwork net;
    std::error_code ec;
    // Failures of every kind.
    net.socket(12345, SOCK_STREAM, 0, ec);
    net.socketpair(AF_INET, SOCK_STREAM, 0, ec);
    net.fromfd(-1, AF_INET, SOCK_STREAM, 0, ec);
    Socket probe = net.socket();
    probe.bind(Address::inet("127.0.0.1", 0));
    const Address closed = probe.getsockname();
    probe.close();
    net.create_connection(closed, global_default_timeout, std::nullopt, ec);
    EXPECT_EQ(ec, errno_code(ECONNREFUSED));
    net.getaddrinfo("localhost", "80", 0, 0, 0, AI_NUMERICHOST, ec);
    net.gethostbyname_ex("", ec);  // an herror, answered without a DNS server
    net.gethostbyname_ex("localhost", ec);
    net.getservbyname("no-such-service", "", ec);
    (void)net.has_ipv6();
    // Timeouts and successes.
    Socket l = net.socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(0);
    Socket first = net.create_connection(l.getsockname());
    net.create_connection(l.getsockname(), Seconds(0.05), std::nullopt, ec);
    EXPECT_EQ(ec, make_error_code(errc::timeout));
    auto [conn, peer] = l.accept();
    conn.settimeout(0.05);
    conn.recv(1, 0, ec);
    EXPECT_EQ(ec, make_error_code(errc::timeout));
    auto f = conn.makefile("r+b");
    f->close();
    const std::string dir = net.mkdtemp();
    Socket u = net.socket(AF_UNIX, SOCK_STREAM);
    u.bind(Address::unix_path(dir + "/x.sock"));
    net.remove_tree(dir);
    Task t = net.spawn("task", [&] { Socket inner = net.socket(); });
    t.join();
  }
  EXPECT_EQ(open_fd_count(), before);
}

TEST(RealBackend, SendToAResetPeerIsEpipeNotSigpipe) {
  // SIGPIPE keeps its default action (death): MSG_NOSIGNAL must keep it from being raised.
  struct sigaction old {};
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ASSERT_EQ(::sigaction(SIGPIPE, &dfl, &old), 0);
  RealNetwork net;
  auto [a, b] = net.socketpair();
  b.close();
  std::error_code ec;
  a.send("x", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
  a.sendall("yy", 0, ec);
  EXPECT_EQ(ec, errno_code(EPIPE));
  ::sigaction(SIGPIPE, &old, nullptr);
}

std::atomic<int> interruptions{0};
void count_signal(int) { interruptions.fetch_add(1, std::memory_order_relaxed); }

TEST(RealBackend, SignalsDoNotSurfaceAsEintr) {
  struct sigaction old {};
  struct sigaction sa {};
  sa.sa_handler = count_signal;
  sa.sa_flags = 0;  // no SA_RESTART: a blocked system call sees EINTR
  ASSERT_EQ(::sigaction(SIGUSR1, &sa, &old), 0);
  RealNetwork net;
  auto [a, b] = net.socketpair();
  const pthread_t self = ::pthread_self();
  std::atomic<bool> stop{false};
  std::thread storm([&] {
    for (int i = 0; i < 50 && !stop.load(); ++i) {
      ::pthread_kill(self, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    b.sendall("after the storm");
  });
  interruptions.store(0);
  std::error_code ec;
  const std::string got = a.recv(100, 0, ec);  // blocking: interrupted many times, never EINTR
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, "after the storm");
  stop.store(true);
  storm.join();
  EXPECT_GT(interruptions.load(), 0);
  // A timeout still measures from the start of the call despite the interruptions.
  std::thread storm2([&] {
    for (int i = 0; i < 20; ++i) {
      ::pthread_kill(self, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  a.settimeout(0.15);
  const auto start = net.now();
  a.recv(100, 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_GE(net.now() - start, std::chrono::milliseconds(150));
  EXPECT_LT(net.now() - start, std::chrono::seconds(2));
  storm2.join();
  ::sigaction(SIGUSR1, &old, nullptr);
}

TEST(RealBackend, CancelFromAnotherThread) {
  RealNetwork net;
  auto [a, b] = net.socketpair();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    net.cancel();
  });
  std::error_code ec;
  a.recv(10, 0, ec);  // blocks until cancelled
  EXPECT_EQ(ec, errno_code(ECANCELED));
  canceller.join();
}

TEST(RealBackend, DestroyingTheNetworkEndsTasksStillBlocked) {
  std::error_code task_ec;
  {
    auto net = std::make_unique<RealNetwork>();
    Socket l = net->socket();
    l.bind(Address::inet("127.0.0.1", 0));
    l.listen(1);
    auto listener = std::make_shared<Socket>(std::move(l));
    Task t = net->spawn("forever", [&task_ec, listener] { listener->accept(task_ec); });
    // The handle is dropped without join; the network cancels and joins on destruction.
  }
  EXPECT_EQ(task_ec, errno_code(ECANCELED));
}

TEST(RealBackend, BlockingUnixConnectWaitsForRoomInTheBacklog) {
  RealNetwork net;
  const std::string dir = net.mkdtemp();
  const Address path = Address::unix_path(dir + "/full.sock");
  Socket l = net.socket(AF_UNIX, SOCK_STREAM);
  l.bind(path);
  l.listen(0);
  // Fill the queue: non-blocking connects until one is refused with EAGAIN.
  std::vector<Socket> queued;
  for (int i = 0; i < 64; ++i) {
    Socket c = net.socket(AF_UNIX, SOCK_STREAM);
    c.setblocking(false);
    std::error_code ec;
    c.connect(path, ec);
    if (ec) {
      EXPECT_EQ(ec, errno_code(EAGAIN));
      break;
    }
    queued.push_back(std::move(c));
  }
  ASSERT_FALSE(queued.empty());
  Task acceptor = net.spawn("acceptor", [&] {
    net.sleep(0.05);
    auto [conn, peer] = l.accept();  // makes room
  });
  Socket waiter = net.socket(AF_UNIX, SOCK_STREAM);
  const auto start = net.now();
  waiter.connect(path);  // blocking: waits until the acceptor made room
  EXPECT_GE(net.now() - start, std::chrono::milliseconds(40));
  acceptor.join();
  net.remove_tree(dir);
}

}  // namespace
}  // namespace socksim
