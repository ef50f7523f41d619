// sim/socket.hpp - what every simulated socket shares: the open socket (SimSocket, one per
// socket() call, shared by the descriptors fromfd() makes), its options, how a call waits, and
// the descriptor handle (SimSocketImpl) that the public Socket holds.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "clock.hpp"
#include "ip.hpp"
#include "scheduler.hpp"
#include "socksim/network.hpp"
#include "socksim/socket.hpp"

namespace socksim::sim {

class Core;
class Host;

// How one call may wait: not at all, until a deadline, or for ever.
struct Io {
  bool nonblocking = false;
  std::optional<Nanos> deadline;
  const char* op = "";
  int fd = -1;
};

// Options as Linux keeps them; the values are what getsockopt shows.
struct SockOptions {
  int sndbuf = 0;  // as getsockopt shows it (set values doubled, clamped)
  int rcvbuf = 0;
  bool sndbuf_set = false;  // set by the program (Linux then stops autotuning)
  bool rcvbuf_set = false;
  bool reuseaddr = false;
  bool reuseport = false;
  bool keepalive = false;
  bool broadcast = false;
  bool linger_on = false;
  int linger_secs = 0;
  bool v6only = false;
  bool nodelay = false;
  // Every other known option, as the bytes getsockopt returns.
  std::map<std::pair<int, int>, std::string> other;
};

class SimSocket : public std::enable_shared_from_this<SimSocket> {
 public:
  SimSocket(Core& core, Host& host, int family, int type, int proto);
  virtual ~SimSocket();
  SimSocket(const SimSocket&) = delete;
  SimSocket& operator=(const SimSocket&) = delete;

  Core& core;
  Host* host;
  const int family;
  const int type;
  const int proto;  // as given to socket() (SO_PROTOCOL shows the protocol in use)
  int descriptors = 0;  // descriptors open on it; close() runs when the last goes
  WaitQueue waiters;    // tasks waiting for any change of this socket's state
  int so_error = 0;     // the pending error SO_ERROR reports (and clears)
  SockOptions opt;

  // ---- the protocol's operations (defaults: what Linux says to a socket that lacks them) ----
  virtual std::shared_ptr<SimSocket> accept(Address& peer, Io& io, std::error_code& ec);
  virtual void bind(const Address& address, std::error_code& ec) = 0;
  virtual void connect(const Address& address, Io& io, std::error_code& ec) = 0;
  virtual Address getpeername(std::error_code& ec) = 0;
  virtual Address getsockname(std::error_code& ec) = 0;
  virtual void listen(int backlog, std::error_code& ec);
  virtual std::size_t recv(std::span<char> buffer, int flags, Address* from, Io& io, std::error_code& ec) = 0;
  virtual std::size_t send(std::string_view data, int flags, const Address* to, Io& io, std::error_code& ec) = 0;
  virtual void shutdown(int how, std::error_code& ec) = 0;
  // POLL_IN / POLL_OUT / POLL_ERR / POLL_HUP as Linux's poll reports them now.
  virtual short poll() const = 0;
  // The last descriptor closed.
  virtual void close() = 0;
  // "tcp 127.0.0.1:40000 > 127.0.0.1:80 ESTABLISHED", for traces and deadlock reports.
  virtual std::string describe() const = 0;
  virtual bool listening() const { return false; }
  virtual bool bound() const { return false; }

  // ---- options (options.cpp) ----
  std::string getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec);
  void setsockopt(int level, int optname, std::string_view value, std::error_code& ec);
  // Payload bytes the buffers hold (the rest of Linux's count goes to bookkeeping).
  std::size_t send_capacity() const;
  std::size_t recv_capacity() const;

  // Parks the calling task until this socket changes, as `io` allows. False (with ec set:
  // EAGAIN, timeout, ECANCELED, deadlock) when the call must give up.
  bool wait(Io& io, std::error_code& ec);
  void notify() { waiters.notify_all(); }

 protected:
  // An inet address for this socket: checked as the core checks it, its host resolved.
  bool resolve(const Address& address, Endpoint& out, std::error_code& ec) const;
  Address to_address(const Endpoint& ep) const;
  // Protocol hooks for options with effects.
  virtual void options_changed() {}
};

// A descriptor: what the public Socket holds. Its timeout mode is its own (as a Python socket
// object's); the socket it refers to may have other descriptors (fromfd).
class SimSocketImpl final : public SocketImpl {
 public:
  SimSocketImpl(std::shared_ptr<Core> core, std::shared_ptr<SimSocket> sock, Seconds timeout);
  ~SimSocketImpl() override;

  std::shared_ptr<SocketImpl> accept(Address& peer, std::error_code& ec) override;
  void bind(const Address& address, std::error_code& ec) override;
  void connect(const Address& address, std::error_code& ec) override;
  int fileno() const noexcept override { return fd_; }
  Address getpeername(std::error_code& ec) override;
  Address getsockname(std::error_code& ec) override;
  int getsockopt(int level, int optname, std::error_code& ec) override;
  std::string getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) override;
  void listen(int backlog, std::error_code& ec) override;
  std::size_t recv_into(std::span<char> buffer, int flags, Address* from, std::error_code& ec) override;
  std::size_t send(std::string_view data, int flags, const Address* to, std::error_code& ec) override;
  std::size_t sendall(std::string_view data, int flags, std::error_code& ec) override;
  void settimeout(Seconds timeout) override;
  Seconds gettimeout() const noexcept override { return timeout_; }
  void setsockopt(int level, int optname, int value, std::error_code& ec) override;
  void setsockopt(int level, int optname, std::string_view value, std::error_code& ec) override;
  void shutdown(int how, std::error_code& ec) override;
  int family() const noexcept override;
  int type() const noexcept override;
  int proto() const noexcept override;

  const std::shared_ptr<SimSocket>& socket() const noexcept { return sock_; }
  Io io(const char* op, int flags) const;
  // The attributes fromfd() was told (they need not match the socket, as in the seed).
  void set_attributes(int family, int type, int proto) noexcept {
    family_ = family;
    type_ = type;
    proto_ = proto;
  }

 private:
  std::shared_ptr<Core> core_;
  std::shared_ptr<SimSocket> sock_;
  int fd_ = -1;
  Seconds timeout_;
  int family_ = 0;
  int type_ = 0;
  int proto_ = 0;
};

// The memory Linux charges for a packet of `payload` bytes (SKB_TRUESIZE: the data area with
// skb_shared_info rounded up to a kmalloc size, plus struct sk_buff). Datagram and AF_UNIX buffers
// count it against SO_RCVBUF / SO_SNDBUF, so 92 datagrams of 1000 bytes fill a default UDP
// receive buffer, as on Linux.
std::size_t packet_truesize(std::size_t payload);

// Seconds to virtual nanoseconds (rounded to the nearest).
Nanos to_nanos(double seconds);

}  // namespace socksim::sim
