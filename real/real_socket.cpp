// RealSocket: the seed's socket methods on a Linux socket (see real_socket.hpp).
#include "real_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "sockaddr.hpp"
#include "socksim/errors.hpp"
#include "wait.hpp"

namespace socksim::realnet {

namespace {
bool would_block(int err) noexcept { return err == EAGAIN || err == EWOULDBLOCK; }
}  // namespace

RealSocket::RealSocket(std::shared_ptr<NetState> state, UniqueFd fd, int family, int type, int proto) noexcept
    : state_(std::move(state)), fd_(std::move(fd)), family_(family), type_(type), proto_(proto) {}

bool RealSocket::may_wait(int flags) const noexcept {
  if ((flags & MSG_DONTWAIT) != 0) return false;
  return timeout_.load(std::memory_order_relaxed) != 0.0;
}

template <class Call>
ssize_t RealSocket::io(short events, int flags, bool poll_first, Call&& call, std::error_code& ec) {
  ec.clear();
  if (state_->cancelled()) {
    ec = errno_code(ECANCELED);
    return -1;
  }
  const Seconds timeout = gettimeout();
  const bool wait = may_wait(flags);
  Deadline deadline;
  bool deadline_set = false;  // set at the first wait, as CPython does
  std::atomic<int>& credit = events == POLLIN ? poll_first_in_ : poll_first_out_;
  bool poll_now = false;
  if (wait && poll_first && credit.load(std::memory_order_relaxed) > 0) {
    credit.fetch_sub(1, std::memory_order_relaxed);
    poll_now = true;
  }
  for (;;) {
    if (poll_now) {
      poll_now = false;
      if (!deadline_set) {
        deadline = deadline_after(timeout);
        deadline_set = true;
      }
      ec = wait_fd(*state_, fd_.get(), events, deadline);
      if (ec) return -1;
    }
    const ssize_t n = call();
    if (n >= 0) return n;
    const int err = errno;
    if (err == EINTR) continue;
    if (wait && would_block(err)) {
      if (!deadline_set) credit.store(kPollFirstCalls, std::memory_order_relaxed);  // the first attempt
      poll_now = true;
      continue;
    }
    ec = errno_code(err);
    return -1;
  }
}

std::shared_ptr<SocketImpl> RealSocket::accept(Address& peer, std::error_code& ec) {
  SockAddr from;
  const ssize_t fd = io(
      POLLIN, 0, true,
      [&] {
        from.len = sizeof from.storage;
        return static_cast<ssize_t>(::accept4(fd_.get(), from.get(), &from.len, SOCK_CLOEXEC | SOCK_NONBLOCK));
      },
      ec);
  if (ec) return nullptr;
  UniqueFd conn(static_cast<int>(fd));
  peer = from_sockaddr(from);
  // The new socket takes the default timeout, not the listener's (as the seed's accept does).
  auto sock = std::make_shared<RealSocket>(state_, std::move(conn), family_, type_, proto_);
  sock->settimeout(state_->default_timeout());
  return sock;
}

void RealSocket::bind(const Address& address, std::error_code& ec) {
  SockAddr sa;
  if (!to_sockaddr(address, family_, sa, ec)) return;
  if (::bind(fd_.get(), sa.get(), sa.len) != 0) ec = errno_code(errno);
}

void RealSocket::connect(const Address& address, std::error_code& ec) {
  SockAddr sa;
  if (!to_sockaddr(address, family_, sa, ec)) return;
  if (state_->cancelled()) {
    ec = errno_code(ECANCELED);
    return;
  }
  const Seconds timeout = gettimeout();
  const bool nonblocking = timeout && *timeout == 0.0;
  const Deadline deadline = deadline_after(timeout);
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    if (::connect(fd_.get(), sa.get(), sa.len) == 0) return;
    const int err = errno;
    if (err == EINPROGRESS || err == EINTR) {
      // Non-blocking mode reports it (as the seed does); otherwise wait for the outcome.
      if (nonblocking) {
        ec = errno_code(err);
        return;
      }
      ec = wait_fd(*state_, fd_.get(), POLLOUT, deadline);
      if (ec) return;
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) so_error = errno;
      if (so_error != 0) {
        ec = errno_code(so_error);
        return;
      }
      // Connected. Linux leaves a socket whose non-blocking connect completed half-way in its
      // bookkeeping until connect is called once more (which then returns 0; only the call after
      // that says EISCONN). A blocking connect does that step itself, so do it here: a later
      // connect on this socket reports EISCONN, as after a blocking connect.
      while (::connect(fd_.get(), sa.get(), sa.len) != 0 && errno == EINTR) {
      }
      return;
    }
    if (err == EAGAIN && family_ == AF_UNIX && !timeout) {
      // An AF_UNIX listener whose backlog is full: a blocking connect waits for room. Linux
      // offers nothing to poll for here, so retry with a growing pause (cancellation-aware).
      // Timeout mode reports EAGAIN at once, as CPython's connect does there.
      ec = wait_fd(*state_, -1, 0, SteadyClock::now() + backoff);
      if (ec != make_error_code(errc::timeout)) return;
      ec.clear();
      backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
      continue;
    }
    ec = errno_code(err);
    return;
  }
}

Address RealSocket::getpeername(std::error_code& ec) {
  ec.clear();
  SockAddr sa;
  sa.len = sizeof sa.storage;
  if (::getpeername(fd_.get(), sa.get(), &sa.len) != 0) {
    ec = errno_code(errno);
    return {};
  }
  return from_sockaddr(sa);
}

Address RealSocket::getsockname(std::error_code& ec) {
  ec.clear();
  SockAddr sa;
  sa.len = sizeof sa.storage;
  if (::getsockname(fd_.get(), sa.get(), &sa.len) != 0) {
    ec = errno_code(errno);
    return {};
  }
  return from_sockaddr(sa);
}

int RealSocket::getsockopt(int level, int optname, std::error_code& ec) {
  ec.clear();
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(fd_.get(), level, optname, &value, &len) != 0) {
    ec = errno_code(errno);
    return 0;
  }
  return value;
}

std::string RealSocket::getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) {
  ec.clear();
  if (buflen == 0 || buflen > 1024) {  // CPython: "getsockopt buflen out of range"
    ec = errno_code(EINVAL);
    return {};
  }
  std::string buf(buflen, '\0');
  auto len = static_cast<socklen_t>(buflen);
  if (::getsockopt(fd_.get(), level, optname, buf.data(), &len) != 0) {
    ec = errno_code(errno);
    return {};
  }
  buf.resize(std::min<std::size_t>(len, buflen));
  return buf;
}

void RealSocket::listen(int backlog, std::error_code& ec) {
  ec.clear();
  // The seed: "the minimum value is forced to 0".
  if (::listen(fd_.get(), std::max(backlog, 0)) != 0) ec = errno_code(errno);
}

std::size_t RealSocket::recv_into(std::span<char> buffer, int flags, Address* from, std::error_code& ec) {
  SockAddr sa;
  const ssize_t n = io(
      POLLIN, flags, !buffer.empty(),
      [&] {
        sa.len = sizeof sa.storage;
        return ::recvfrom(fd_.get(), buffer.data(), buffer.size(), flags, from ? sa.get() : nullptr,
                          from ? &sa.len : nullptr);
      },
      ec);
  if (ec) return 0;
  if (from) *from = from_sockaddr(sa);
  return static_cast<std::size_t>(n);
}

std::size_t RealSocket::send(std::string_view data, int flags, const Address* to, std::error_code& ec) {
  SockAddr sa;
  if (to && !to_sockaddr(*to, family_, sa, ec)) return 0;
  const ssize_t n = io(
      POLLOUT, flags, !data.empty(),
      [&] {
        return ::sendto(fd_.get(), data.data(), data.size(), flags | MSG_NOSIGNAL, to ? sa.get() : nullptr,
                        to ? sa.len : 0);
      },
      ec);
  return ec ? 0 : static_cast<std::size_t>(n);
}

std::size_t RealSocket::sendall(std::string_view data, int flags, std::error_code& ec) {
  ec.clear();
  if (state_->cancelled()) {
    ec = errno_code(ECANCELED);
    return 0;
  }
  const Seconds timeout = gettimeout();
  const bool wait = may_wait(flags);
  const Deadline deadline = deadline_after(timeout);  // one deadline bounds the whole call
  std::size_t sent = 0;
  // At least one send, as CPython's do/while: sendall("") on a datagram socket sends an empty
  // datagram.
  for (;;) {
    const ssize_t n = ::send(fd_.get(), data.data() + sent, data.size() - sent, flags | MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      if (sent >= data.size()) return sent;
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (wait && would_block(err)) {
      ec = wait_fd(*state_, fd_.get(), POLLOUT, deadline);
      if (ec) return sent;
      continue;
    }
    ec = errno_code(err);
    return sent;
  }
}

void RealSocket::settimeout(Seconds timeout) {
  timeout_.store(timeout ? *timeout : -1.0, std::memory_order_relaxed);
}

Seconds RealSocket::gettimeout() const noexcept {
  const double t = timeout_.load(std::memory_order_relaxed);
  return t < 0 ? Seconds() : Seconds(t);
}

void RealSocket::setsockopt(int level, int optname, int value, std::error_code& ec) {
  ec.clear();
  if (::setsockopt(fd_.get(), level, optname, &value, sizeof value) != 0) ec = errno_code(errno);
}

void RealSocket::setsockopt(int level, int optname, std::string_view value, std::error_code& ec) {
  ec.clear();
  if (::setsockopt(fd_.get(), level, optname, value.data(), static_cast<socklen_t>(value.size())) != 0)
    ec = errno_code(errno);
}

void RealSocket::shutdown(int how, std::error_code& ec) {
  ec.clear();
  if (::shutdown(fd_.get(), how) != 0) ec = errno_code(errno);
}

}  // namespace socksim::realnet
