// bench/floors.cpp - see floors.hpp.
#include "floors.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#ifdef SOCKSIM_BENCH_HAVE_BOOST_CONTEXT
#include <boost/context/fiber.hpp>
#endif

namespace socksim::bench {

namespace {

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {
    if (fd_ < 0) fail("socket");
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  int get() const noexcept { return fd_; }
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Exactly `len` bytes; false on EOF before the first byte.
bool read_exact(int fd, char* buf, std::size_t len) {
  std::size_t got = 0;
  while (got < len) {
    const ssize_t n = ::recv(fd, buf + got, len - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("recv");
    }
    if (n == 0) {
      if (got == 0) return false;
      throw std::runtime_error("raw: connection closed in the middle of a message");
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

void write_all(int fd, const char* buf, std::size_t len) {
  std::size_t sent = 0;
  while (sent < len) {
    const ssize_t n = ::send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("send");
    }
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

void raw_posix_pingpong(benchmark::State& state) {
  Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = 0;
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) fail("bind");
  if (::listen(listener.get(), 1) != 0) fail("listen");
  socklen_t len = sizeof sa;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) fail("getsockname");

  std::exception_ptr escaped;
  std::thread server([&] {
    try {
      Fd conn(::accept(listener.get(), nullptr, nullptr));
      std::array<char, 64> buf{};
      while (read_exact(conn.get(), buf.data(), buf.size())) write_all(conn.get(), buf.data(), buf.size());
    } catch (...) {
      escaped = std::current_exception();
    }
  });
  Fd c(::socket(AF_INET, SOCK_STREAM, 0));
  if (::connect(c.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    const int err = errno;
    ::shutdown(listener.get(), SHUT_RDWR);  // wakes the server's accept
    server.join();
    errno = err;
    fail("connect");
  }
  std::array<char, 64> msg{};
  msg.fill('r');
  std::array<char, 64> buf{};
  bool ok = true;
  for (auto _ : state) {
    write_all(c.get(), msg.data(), msg.size());
    if (!read_exact(c.get(), buf.data(), buf.size())) {
      ok = false;
      break;
    }
  }
  c.close();
  server.join();
  if (escaped) std::rethrow_exception(escaped);
  if (!ok) throw std::runtime_error("raw: echo server closed");
  state.counters["round_trips/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void memcpy_volume(benchmark::State& state, std::size_t volume) {
  std::vector<char> src(volume), dst(volume);
  for (std::size_t i = 0; i < volume; ++i) src[i] = static_cast<char>(i * 131 + (i >> 12));
  std::fill(dst.begin(), dst.end(), '\0');
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), volume);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.counters["bytes/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(volume),
                                                 benchmark::Counter::kIsRate);
}

#ifdef SOCKSIM_BENCH_HAVE_BOOST_CONTEXT
void fiber_switch(benchmark::State& state) {
  namespace ctx = boost::context;
  bool stop = false;
  ctx::fiber other([&stop](ctx::fiber&& back) {
    while (!stop) back = std::move(back).resume();
    return std::move(back);
  });
  for (auto _ : state) other = std::move(other).resume();
  stop = true;
  other = std::move(other).resume();  // lets the fiber return
  state.counters["switches/s"] =
      benchmark::Counter(2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
#endif

}  // namespace socksim::bench
