// socksim/socket.hpp - the socket object of the seed.
//
// `Socket` is a move-only handle over a backend's `SocketImpl`. It has every method and attribute
// of the seed's socket object, each in two forms: a non-throwing one taking `std::error_code&`
// and a throwing one over it (see errors.hpp). The backends implement `SocketImpl`, which has the
// non-throwing forms only, so that sim and real results compare as plain values.
//
// Lifetime follows the seed: `close()` (or destruction) releases this handle's reference; the
// backend socket itself is closed when the last reference goes, so a file from `makefile()`
// keeps working after the socket object is closed. Every operation on a closed handle fails
// with EBADF.
#pragma once

#include <cstddef>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "socksim/address.hpp"
#include "socksim/constants.hpp"

namespace socksim {

// Timeouts are seconds; nullopt is "no timeout" (blocking mode), 0.0 is non-blocking mode.
using Seconds = std::optional<double>;

// What a backend implements for one socket. Every method reports failure through `ec` (cleared
// on success). The destructor closes the backend socket.
class SocketImpl {
 public:
  virtual ~SocketImpl() = default;

  // The accepted socket takes the network's default timeout (as in the seed, not the listener's).
  virtual std::shared_ptr<SocketImpl> accept(Address& peer, std::error_code& ec) = 0;
  virtual void bind(const Address& address, std::error_code& ec) = 0;
  virtual void connect(const Address& address, std::error_code& ec) = 0;
  virtual int fileno() const noexcept = 0;
  virtual Address getpeername(std::error_code& ec) = 0;
  virtual Address getsockname(std::error_code& ec) = 0;
  virtual int getsockopt(int level, int optname, std::error_code& ec) = 0;
  virtual std::string getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) = 0;
  virtual void listen(int backlog, std::error_code& ec) = 0;
  // Receives into `buffer`; returns the byte count the system reports, which may exceed
  // buffer.size() for a truncated datagram with MSG_TRUNC. `from` is set when non-null.
  virtual std::size_t recv_into(std::span<char> buffer, int flags, Address* from, std::error_code& ec) = 0;
  // Sends to the connected peer, or to `*to` when non-null (sendto); returns bytes accepted.
  virtual std::size_t send(std::string_view data, int flags, const Address* to, std::error_code& ec) = 0;
  // Sends all of `data`, waiting for room as the mode allows; returns the bytes sent (all of
  // them unless ec is set). A timeout bounds the whole call.
  virtual std::size_t sendall(std::string_view data, int flags, std::error_code& ec) = 0;
  // nullopt: blocking; 0: non-blocking; > 0: timeout in seconds (validated by Socket).
  virtual void settimeout(Seconds timeout) = 0;
  virtual Seconds gettimeout() const noexcept = 0;
  virtual void setsockopt(int level, int optname, int value, std::error_code& ec) = 0;
  virtual void setsockopt(int level, int optname, std::string_view value, std::error_code& ec) = 0;
  virtual void shutdown(int how, std::error_code& ec) = 0;
  virtual int family() const noexcept = 0;
  virtual int type() const noexcept = 0;
  virtual int proto() const noexcept = 0;
};

class SocketFile;

class Socket {
 public:
  Socket() = default;  // a closed socket
  explicit Socket(std::shared_ptr<SocketImpl> impl) : impl_(std::move(impl)) {}
  Socket(Socket&&) noexcept = default;
  Socket& operator=(Socket&&) noexcept = default;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() = default;

  bool is_open() const noexcept { return impl_ != nullptr; }
  explicit operator bool() const noexcept { return is_open(); }

  // accept() -> (conn, address)
  std::pair<Socket, Address> accept();
  std::pair<Socket, Address> accept(std::error_code& ec);
  void bind(const Address& address);
  void bind(const Address& address, std::error_code& ec);
  void close() noexcept;
  void connect(const Address& address);
  void connect(const Address& address, std::error_code& ec);
  // 0 on success, else the errno value (EAGAIN on a timeout, as CPython gives). Errors that are
  // not errno values (a gaierror resolving the host, an overflow for the port) still throw /
  // go to `ec`.
  int connect_ex(const Address& address);
  int connect_ex(const Address& address, std::error_code& ec);
  // -1 when closed.
  int fileno() const noexcept;
  Address getpeername();
  Address getpeername(std::error_code& ec);
  Address getsockname();
  Address getsockname(std::error_code& ec);
  int getsockopt(int level, int optname);
  int getsockopt(int level, int optname, std::error_code& ec);
  std::string getsockopt(int level, int optname, std::size_t buflen);
  std::string getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec);
  void listen(int backlog);
  void listen(int backlog, std::error_code& ec);
  // mode "r", "w", "rb", "wb", "r+b", ...; the stream is readable and writable whatever the mode,
  // as in the seed. bufsize: -1 default, 0 unbuffered, 1 line-buffered writes, > 1 that size.
  std::unique_ptr<SocketFile> makefile(std::string_view mode = "r", int bufsize = -1);
  std::unique_ptr<SocketFile> makefile(std::string_view mode, int bufsize, std::error_code& ec);
  // bufsize < 0: a value error; bufsize > INT_MAX: an overflow error (as recvfrom).
  std::string recv(long long bufsize, int flags = 0);
  std::string recv(long long bufsize, int flags, std::error_code& ec);
  std::pair<std::string, Address> recvfrom(long long bufsize, int flags = 0);
  std::pair<std::string, Address> recvfrom(long long bufsize, int flags, std::error_code& ec);
  // nbytes 0: the whole buffer; nbytes > buffer.size() is a value error.
  std::size_t recv_into(std::span<char> buffer, long long nbytes = 0, int flags = 0);
  std::size_t recv_into(std::span<char> buffer, long long nbytes, int flags, std::error_code& ec);
  std::pair<std::size_t, Address> recvfrom_into(std::span<char> buffer, long long nbytes = 0, int flags = 0);
  std::pair<std::size_t, Address> recvfrom_into(std::span<char> buffer, long long nbytes, int flags,
                                                std::error_code& ec);
  std::size_t send(std::string_view data, int flags = 0);
  std::size_t send(std::string_view data, int flags, std::error_code& ec);
  // Returns nothing on success, as the seed's sendall returns None.
  void sendall(std::string_view data, int flags = 0);
  void sendall(std::string_view data, int flags, std::error_code& ec);
  std::size_t sendto(std::string_view data, const Address& address);
  std::size_t sendto(std::string_view data, int flags, const Address& address);
  std::size_t sendto(std::string_view data, int flags, const Address& address, std::error_code& ec);
  void setblocking(bool flag);
  void setblocking(bool flag, std::error_code& ec);
  // A negative timeout is a value error.
  void settimeout(Seconds value);
  void settimeout(Seconds value, std::error_code& ec);
  Seconds gettimeout() const;
  Seconds gettimeout(std::error_code& ec) const;
  void setsockopt(int level, int optname, int value);
  void setsockopt(int level, int optname, int value, std::error_code& ec);
  void setsockopt(int level, int optname, std::string_view value);
  void setsockopt(int level, int optname, std::string_view value, std::error_code& ec);
  void shutdown(int how);
  void shutdown(int how, std::error_code& ec);

  // Attributes (0 when closed).
  int family() const noexcept;
  int type() const noexcept;
  int proto() const noexcept;

  // The backend socket (nullptr when closed); for backends, select/poll and test doubles.
  const std::shared_ptr<SocketImpl>& impl() const noexcept { return impl_; }

 private:
  SocketImpl* checked(std::error_code& ec) const;
  std::shared_ptr<SocketImpl> impl_;
};

// The file object of makefile(): a std::iostream over the socket. It holds its own reference to
// the backend socket. Reads and writes go through the socket's recv/sendall, so they follow its
// mode (blocking, non-blocking, timeout). After a failed read or write the stream's state has
// badbit set and `error()` tells why.
class SocketFile : public std::iostream {
 public:
  SocketFile(std::shared_ptr<SocketImpl> impl, std::string mode, int bufsize);
  ~SocketFile() override;

  // The seed's file methods, in the forms the scenario ops use.
  // read(-1): everything up to EOF; read(n): up to n bytes (fewer only at EOF).
  std::string read(long long size = -1);
  // One line including its '\n' (or up to size bytes, or what is left at EOF).
  std::string readline(long long size = -1);
  void write(std::string_view data);
  // flush(): std::ostream's (badbit on failure); flush(ec) tells why.
  using std::istream::read;
  using std::ostream::flush;
  using std::ostream::write;
  // Flushes and drops the reference to the socket; later calls fail with EBADF.
  void close();
  bool closed() const noexcept;

  std::string read(long long size, std::error_code& ec);
  std::string readline(long long size, std::error_code& ec);
  void write(std::string_view data, std::error_code& ec);
  void flush(std::error_code& ec);
  void close(std::error_code& ec);

  const std::string& mode() const noexcept { return mode_; }
  // The error behind the last failed operation (empty if none).
  std::error_code error() const noexcept;

 private:
  class Buf;
  std::unique_ptr<Buf> buf_;
  std::string mode_;
};

}  // namespace socksim
