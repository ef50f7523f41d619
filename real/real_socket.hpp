// real/real_socket.hpp - one OS socket behind socksim::SocketImpl.
//
// The descriptor is always O_NONBLOCK; the seed's three modes are the backend's doing, as in
// CPython: non-blocking mode (timeout 0) reports EAGAIN/EINPROGRESS at once; blocking mode and
// timeout mode wait in poll(2) against a deadline (none in blocking mode) beside the network's
// cancellation eventfd, and retry. MSG_DONTWAIT in the flags never waits. Every send carries
// MSG_NOSIGNAL; EINTR is retried.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>

#include "fd.hpp"
#include "socksim/socket.hpp"
#include "state.hpp"

namespace socksim::realnet {

class RealSocket final : public SocketImpl {
 public:
  // Takes `fd`, which must already be O_NONBLOCK and close-on-exec. Blocking mode.
  RealSocket(std::shared_ptr<NetState> state, UniqueFd fd, int family, int type, int proto) noexcept;

  std::shared_ptr<SocketImpl> accept(Address& peer, std::error_code& ec) override;
  void bind(const Address& address, std::error_code& ec) override;
  void connect(const Address& address, std::error_code& ec) override;
  int fileno() const noexcept override { return fd_.get(); }
  Address getpeername(std::error_code& ec) override;
  Address getsockname(std::error_code& ec) override;
  int getsockopt(int level, int optname, std::error_code& ec) override;
  std::string getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) override;
  void listen(int backlog, std::error_code& ec) override;
  std::size_t recv_into(std::span<char> buffer, int flags, Address* from, std::error_code& ec) override;
  std::size_t send(std::string_view data, int flags, const Address* to, std::error_code& ec) override;
  std::size_t sendall(std::string_view data, int flags, std::error_code& ec) override;
  void settimeout(Seconds timeout) override;
  Seconds gettimeout() const noexcept override;
  void setsockopt(int level, int optname, int value, std::error_code& ec) override;
  void setsockopt(int level, int optname, std::string_view value, std::error_code& ec) override;
  void shutdown(int how, std::error_code& ec) override;
  int family() const noexcept override { return family_; }
  int type() const noexcept override { return type_; }
  int proto() const noexcept override { return proto_; }

  const NetState& state() const noexcept { return *state_; }

 private:
  // Runs `call` (a system call returning -1 with errno on failure) in this socket's mode:
  // retries EINTR, and on EAGAIN waits for `events` when the mode and `flags` allow it.
  // `poll_first` allows waiting before the first attempt (not for a zero-length call, which
  // must not wait for readiness it does not need).
  template <class Call>
  ssize_t io(short events, int flags, bool poll_first, Call&& call, std::error_code& ec);
  // Whether a call in this socket's mode with these flags may wait (not non-blocking mode,
  // not MSG_DONTWAIT).
  bool may_wait(int flags) const noexcept;

  std::shared_ptr<NetState> state_;
  UniqueFd fd_;
  int family_;
  int type_;
  int proto_;
  // Seconds; negative = no timeout (blocking mode). Atomic: settimeout may race a blocked call
  // on another thread, which keeps the mode it started with.
  std::atomic<double> timeout_{-1.0};
  // How many more calls in each direction (in: recv/accept, out: send) poll before their first
  // attempt. A call whose first attempt found nothing ready sets it to kPollFirstCalls: in a
  // request/response exchange the next call will most likely have to wait too, and polling
  // first makes that wait ppoll + call (two system calls) instead of call (EAGAIN) + ppoll +
  // call. It runs down so that a socket whose data is ready again goes back to one call.
  static constexpr int kPollFirstCalls = 8;
  std::atomic<int> poll_first_in_{0};
  std::atomic<int> poll_first_out_{0};
};

}  // namespace socksim::realnet
