// API misuse gives a documented error, never undefined behaviour (these tests run under ASan and
// UBSan in CI): a closed socket, a socket of another network, a sim call from a foreign thread,
// negative and oversized sizes, nbytes larger than the buffer, out-of-range timeouts and lengths.
#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <thread>

#include "socksim/convert.hpp"
#include "socksim/errors.hpp"
#include "socksim/network.hpp"
#include "socksim/real.hpp"
#include "socksim/sim.hpp"
#include "socksim/socket.hpp"

namespace socksim::hardening {
namespace {

std::error_code code(errc e) { return make_error_code(e); }

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Network>()> make;
};
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class Misuse : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { net_ = GetParam().make(); }
  Network& net() { return *net_; }
  std::unique_ptr<Network> net_;
};

// Runs `call` (which sets `ec`) and expects EBADF.
#define EXPECT_EBADF(call)                          \
  do {                                              \
    call;                                           \
    EXPECT_EQ(ec, ebadf) << #call;                  \
  } while (0)

// Every method of a closed socket fails with EBADF, in both forms.
TEST_P(Misuse, EveryMethodOfAClosedSocketFailsWithEbadf) {
  Socket opened = net().socket();
  opened.close();
  Socket moved_from = net().socket();
  Socket taker = std::move(moved_from);
  taker.close();
  Socket never;
  for (Socket* s : {&opened, &moved_from, &never}) {
    std::error_code ec;
    const std::error_code ebadf = errno_code(EBADF);
    char buf[8];
    const Address a = Address::inet("127.0.0.1", 0);
    EXPECT_EBADF(s->accept(ec));
    EXPECT_EBADF(s->bind(a, ec));
    EXPECT_EBADF(s->connect(a, ec));
    EXPECT_EQ(s->connect_ex(a, ec), EBADF);
    EXPECT_EBADF(s->getpeername(ec));
    EXPECT_EBADF(s->getsockname(ec));
    EXPECT_EBADF(s->getsockopt(SOL_SOCKET, SO_TYPE, ec));
    EXPECT_EBADF(s->getsockopt(SOL_SOCKET, SO_LINGER, 8, ec));
    EXPECT_EBADF(s->listen(1, ec));
    EXPECT_EBADF(EXPECT_EQ(s->makefile("r", -1, ec), nullptr));
    EXPECT_EBADF(s->recv(10, 0, ec));
    EXPECT_EBADF(s->recvfrom(10, 0, ec));
    EXPECT_EBADF(s->recv_into(buf, 0, 0, ec));
    EXPECT_EBADF(s->recvfrom_into(buf, 0, 0, ec));
    EXPECT_EBADF(s->send("x", 0, ec));
    EXPECT_EBADF(s->sendall("x", 0, ec));
    EXPECT_EBADF(s->sendto("x", 0, a, ec));
    EXPECT_EBADF(s->setblocking(false, ec));
    EXPECT_EBADF(s->settimeout(1.0, ec));
    EXPECT_EBADF(s->gettimeout(ec));
    EXPECT_EBADF(s->setsockopt(SOL_SOCKET, SO_REUSEADDR, 1, ec));
    EXPECT_EBADF(s->setsockopt(SOL_SOCKET, SO_LINGER, std::string(8, '\0'), ec));
    EXPECT_EBADF(s->shutdown(SHUT_RDWR, ec));
    EXPECT_EQ(s->fileno(), -1);
    EXPECT_EQ(s->family(), 0);
    EXPECT_FALSE(s->is_open());
    // The throwing forms raise Error(EBADF).
    try {
      s->recv(1);
      ADD_FAILURE() << "recv on a closed socket did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ebadf);
    }
    s->close();  // closing again is harmless
  }
  // A closed socket in select is EBADF, as Linux's select reports a closed descriptor.
  std::error_code ec;
  net().select({&opened}, {}, {}, 0.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
}

// A socket's file outlives the socket object; after the file is closed too, it fails with EBADF.
TEST_P(Misuse, AClosedFileFailsWithEbadf) {
  auto [a, b] = net().socketpair();
  auto f = a.makefile("rwb", 0);
  a.close();
  b.sendall("x\n");
  EXPECT_EQ(f->readline(), "x\n");  // the file still holds the socket
  f->close();
  std::error_code ec;
  f->write("y", ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  f->read(1, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
}

TEST_P(Misuse, NegativeAndOversizedSizesAreValueOrOverflowErrors) {
  auto [a, b] = net().socketpair();
  b.sendall("0123456789");
  std::error_code ec;
  a.recv(-1, 0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  a.recvfrom(-5, 0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  // More than an int: OverflowError, as CPython's "i" argument format gives; nothing allocated.
  a.recv(static_cast<long long>(INT_MAX) + 1, 0, ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  a.recv(LLONG_MAX, 0, ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  a.recvfrom(LLONG_MAX, 0, ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  EXPECT_THROW(a.recv(LLONG_MAX), OverflowError);

  // recv_into: nbytes negative or beyond the buffer is a value error, and the buffer is untouched.
  char guard[24];
  std::fill(std::begin(guard), std::end(guard), '#');
  std::span<char> buffer(guard + 8, 8);
  a.recv_into(buffer, -1, 0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  a.recv_into(buffer, 9, 0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  a.recv_into(buffer, LLONG_MAX, 0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  a.recvfrom_into(buffer, 16, 0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  EXPECT_THROW(a.recv_into(buffer, 9), ValueError);
  EXPECT_EQ(std::string(guard, 24), std::string(24, '#'));
  // The data is all still there.
  EXPECT_EQ(a.recv_into(buffer, 8), 8u);
  EXPECT_EQ(std::string(guard, 24), "########01234567########");

  // getsockopt's buflen outside 1..1024: EINVAL ("getsockopt buflen out of range").
  a.getsockopt(SOL_SOCKET, SO_LINGER, 0, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
  a.getsockopt(SOL_SOCKET, SO_LINGER, 1025, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));

  // Byte order and conversions.
  EXPECT_THROW((socksim::htons)(-1), OverflowError);
  EXPECT_THROW((socksim::htonl)(1LL << 32), OverflowError);
  EXPECT_THROW(inet_ntop(AF_INET, "abc"), ValueError);
  EXPECT_THROW(inet_ntoa("abcde"), Error);
  net().getservbyport(-1, "tcp", ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  net().getservbyport(65536, "tcp", ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
}

TEST_P(Misuse, OutOfRangeTimeoutsAndPortsAreReported) {
  Socket s = net().socket();
  std::error_code ec;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  s.settimeout(-1.0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  s.settimeout(nan, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  net().setdefaulttimeout(-0.5, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  net().setdefaulttimeout(nan, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  net().select({&s}, {}, {}, -1.0, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  std::vector<PollEntry> entries{{s.impl().get(), POLL_IN, 0}};
  net().poll(entries, nan, ec);
  EXPECT_EQ(ec, code(errc::value_error));
  EXPECT_THROW(net().sleep(-1.0), ValueError);
  EXPECT_THROW(net().sleep(nan), ValueError);
  // Beyond what a clock can hold: OverflowError (as CPython's "sleep length is too large").
  EXPECT_THROW(net().sleep(inf), OverflowError);
  EXPECT_THROW(net().sleep(1e300), OverflowError);
  // A huge but finite timeout is accepted and behaves as a long one.
  s.settimeout(1e300, ec);
  EXPECT_FALSE(ec);
  s.settimeout(inf, ec);
  EXPECT_FALSE(ec);
  auto [a, b] = net().socketpair();
  a.settimeout(1e300);
  b.sendall("x");
  EXPECT_EQ(a.recv(1), "x");
  // Ports and flowinfo out of range.
  s.bind(Address::inet("127.0.0.1", 65536), ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  s.connect(Address::inet("127.0.0.1", -1), ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  Socket s6 = net().socket(AF_INET6);
  s6.bind(Address::inet6("::1", 0, 1u << 20), ec);
  EXPECT_EQ(ec, code(errc::overflow_error));
  // An address of the wrong family.
  s.bind(Address::unix_path("/tmp/x"), ec);
  EXPECT_EQ(ec, code(errc::type_error));
  // Bad socket arguments are errno values, as the system gives them.
  net().socket(-1, SOCK_STREAM, 0, ec);
  EXPECT_EQ(ec, errno_code(EAFNOSUPPORT));
  net().socket(AF_INET, -1, 0, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
  net().fromfd(-1, AF_INET, SOCK_STREAM, 0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  s.shutdown(7, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
}

TEST_P(Misuse, TasksJoinedTwiceOrNeverStartedAreErrors) {
  Task t = net().spawn("t", [] {});
  t.join();
  EXPECT_FALSE(t.joinable());
  EXPECT_THROW(t.join(), Error);
  Task none;
  EXPECT_THROW(none.join(), Error);
  EXPECT_THROW((void)none.name(), Error);
}

TEST_P(Misuse, ASocketOutlivingItsNetworkStillReportsErrorsOnly) {
  Socket s = net().socket();
  auto [a, b] = net().socketpair();
  net_.reset();
  std::error_code ec;
  a.sendall("x", 0, ec);
  if (!ec) {
    EXPECT_EQ(b.recv(1, 0, ec), ec ? "" : "x");
  }
  s.bind(Address::inet("127.0.0.1", 0), ec);
  s.close();
  a.close();
  b.close();
}

INSTANTIATE_TEST_SUITE_P(Backends, Misuse,
                         ::testing::Values(Backend{"sim", [] { return std::make_unique<SimNetwork>(); }},
                                           Backend{"real", [] { return std::make_unique<RealNetwork>(); }}),
                         [](const auto& info) { return info.param.name; });

// ---- what only the sim has ----------------------------------------------------------------------

TEST(SimMisuse, CallsFromAForeignThreadFailWithForeignThread) {
  SimNetwork net;
  auto [a, b] = net.socketpair();
  Socket l = net.socket();
  const std::error_code foreign = code(errc::foreign_thread);
  std::thread([&] {
    std::error_code ec;
    net.socket(AF_INET, SOCK_STREAM, 0, ec);
    EXPECT_EQ(ec, foreign);
    net.socketpair(AF_UNIX, SOCK_STREAM, 0, ec);
    EXPECT_EQ(ec, foreign);
    a.send("x", 0, ec);
    EXPECT_EQ(ec, foreign);
    a.sendall("x", 0, ec);
    EXPECT_EQ(ec, foreign);
    b.recv(1, 0, ec);
    EXPECT_EQ(ec, foreign);
    l.bind(Address::inet("127.0.0.1", 0), ec);
    EXPECT_EQ(ec, foreign);
    l.listen(1, ec);
    EXPECT_EQ(ec, foreign);
    a.getsockname(ec);
    EXPECT_EQ(ec, foreign);
    a.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096, ec);
    EXPECT_EQ(ec, foreign);
    a.shutdown(SHUT_RDWR, ec);
    EXPECT_EQ(ec, foreign);
    net.getaddrinfo(std::string("localhost"), std::string("80"), 0, 0, 0, 0, ec);
    EXPECT_EQ(ec, foreign);
    std::vector<PollEntry> entries{{a.impl().get(), POLL_IN, 0}};
    net.poll(entries, 0.0, ec);
    EXPECT_EQ(ec, foreign);
    net.select({&a}, {}, {}, 0.0, ec);
    EXPECT_EQ(ec, foreign);
    try {
      net.sleep(1.0);
      ADD_FAILURE() << "sleep from a foreign thread did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), foreign);
    }
    try {
      net.yield();
      ADD_FAILURE() << "yield from a foreign thread did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), foreign);
    }
  }).join();
  // Nothing happened: the pair is intact and time did not move.
  EXPECT_EQ(net.now().count(), 0);
  a.sendall("ok");
  EXPECT_EQ(b.recv(10), "ok");
}

TEST(SimMisuse, ATaskJoinedFromAForeignThreadIsAnError) {
  SimNetwork net;
  Task t = net.spawn("t", [&] { net.sleep(1.0); });
  std::thread([&] {
    try {
      t.join();
      ADD_FAILURE() << "join from a foreign thread did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code(errc::foreign_thread));
    }
  }).join();
}

TEST(SimMisuse, ASocketClosedOnAnotherThreadWhileTheSimIsIdleIsClosed) {
  SimNetwork net;
  auto [a, b] = net.socketpair();
  std::thread([s = std::move(a)]() mutable { s.close(); }).join();
  EXPECT_EQ(b.recv(10), "");  // the peer sees the end of the stream
}

TEST(SimMisuse, ASocketOfAnotherSimNetworkIsNotPolledAsOurs) {
  SimNetwork one, other;
  auto [a, b] = other.socketpair();
  b.sendall("ready");
  // Not a socket of this network: poll gives POLLNVAL, as poll(2) does for a descriptor it does
  // not know, and select EBADF; neither looks at (or waits on) the other network's socket.
  std::vector<PollEntry> entries{{a.impl().get(), POLL_IN, 0}};
  std::error_code ec;
  EXPECT_EQ(one.poll(entries, 0.0, ec), 1);
  EXPECT_FALSE(ec) << error_name(ec);
  EXPECT_EQ(entries[0].revents, POLL_NVAL);
  one.select({&a}, {}, {}, 0.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  Socket& idle = b;  // nothing to read: a wait would block on the other network
  one.select({&idle}, {}, {}, 1.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  EXPECT_EQ(one.now().count(), 0);
}

TEST(SimMisuse, SocketsOfTheOtherBackendAreNotPolled) {
  SimNetwork sim;
  RealNetwork real;
  auto [a, b] = real.socketpair();
  std::error_code ec;
  std::vector<PollEntry> entries{{a.impl().get(), POLL_IN, 0}};
  EXPECT_EQ(sim.poll(entries, 0.0, ec), 1);
  EXPECT_EQ(entries[0].revents, POLL_NVAL);
  sim.select({&a}, {}, {}, 0.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  auto [x, y] = sim.socketpair();
  entries = {{x.impl().get(), POLL_IN, 0}};
  real.poll(entries, 0.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  real.select({&x}, {}, {}, 0.0, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
}

}  // namespace
}  // namespace socksim::hardening
