// Socket: the seed's socket object over a backend's SocketImpl. The non-throwing forms check
// the arguments the seed checks itself (sizes, timeouts) and delegate; the throwing forms wrap
// them.
#include "socksim/socket.hpp"

#include <cerrno>
#include <climits>
#include <cmath>

#include "socksim/errors.hpp"
#include "throwing.hpp"

namespace socksim {

SocketImpl* Socket::checked(std::error_code& ec) const {
  ec.clear();
  if (!impl_) ec = errno_code(EBADF);
  return impl_.get();
}

std::pair<Socket, Address> Socket::accept(std::error_code& ec) {
  auto* s = checked(ec);
  if (!s) return {};
  Address peer;
  auto conn = s->accept(peer, ec);
  if (ec) return {};
  return {Socket(std::move(conn)), std::move(peer)};
}

void Socket::bind(const Address& address, std::error_code& ec) {
  if (auto* s = checked(ec)) s->bind(address, ec);
}

void Socket::close() noexcept { impl_.reset(); }

void Socket::connect(const Address& address, std::error_code& ec) {
  if (auto* s = checked(ec)) s->connect(address, ec);
}

int Socket::connect_ex(const Address& address, std::error_code& ec) {
  std::error_code result;
  connect(address, result);
  ec.clear();
  if (!result) return 0;
  if (result.category() == std::generic_category()) return result.value();
  if (result == make_error_code(errc::timeout)) return EAGAIN;
  ec = result;  // not an errno value: a gaierror resolving the host, a bad port, ...
  return -1;
}

int Socket::fileno() const noexcept { return impl_ ? impl_->fileno() : -1; }

Address Socket::getpeername(std::error_code& ec) {
  auto* s = checked(ec);
  return s ? s->getpeername(ec) : Address();
}

Address Socket::getsockname(std::error_code& ec) {
  auto* s = checked(ec);
  return s ? s->getsockname(ec) : Address();
}

int Socket::getsockopt(int level, int optname, std::error_code& ec) {
  auto* s = checked(ec);
  return s ? s->getsockopt(level, optname, ec) : 0;
}

std::string Socket::getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) {
  auto* s = checked(ec);
  if (!s) return {};
  // CPython refuses a buflen outside 1..1024 with socket.error "getsockopt buflen out of range".
  if (buflen == 0 || buflen > 1024) {
    ec = errno_code(EINVAL);
    return {};
  }
  return s->getsockopt(level, optname, buflen, ec);
}

void Socket::listen(int backlog, std::error_code& ec) {
  if (auto* s = checked(ec)) s->listen(backlog, ec);
}

std::unique_ptr<SocketFile> Socket::makefile(std::string_view mode, int bufsize, std::error_code& ec) {
  if (!checked(ec)) return nullptr;
  return std::make_unique<SocketFile>(impl_, std::string(mode), bufsize);
}

namespace {
// recv/recvfrom's bufsize: negative is a value error; beyond an int, an overflow error (CPython
// reads it with the "i" format: "signed integer is greater than maximum"), so that no caller
// can make the socket allocate an absurd buffer.
bool valid_bufsize(long long bufsize, std::error_code& ec) {
  if (bufsize < 0) {
    ec = make_error_code(errc::value_error);  // "negative buffersize in recv"
    return false;
  }
  if (bufsize > INT_MAX) {
    ec = make_error_code(errc::overflow_error);
    return false;
  }
  return true;
}
}  // namespace

std::string Socket::recv(long long bufsize, int flags, std::error_code& ec) {
  auto* s = checked(ec);
  if (!s || !valid_bufsize(bufsize, ec)) return {};
  std::string out(static_cast<std::size_t>(bufsize), '\0');
  const std::size_t n = s->recv_into(std::span<char>(out.data(), out.size()), flags, nullptr, ec);
  if (ec) return {};
  out.resize(std::min(n, out.size()));
  return out;
}

std::pair<std::string, Address> Socket::recvfrom(long long bufsize, int flags, std::error_code& ec) {
  auto* s = checked(ec);
  if (!s || !valid_bufsize(bufsize, ec)) return {};
  std::string out(static_cast<std::size_t>(bufsize), '\0');
  Address from;
  const std::size_t n = s->recv_into(std::span<char>(out.data(), out.size()), flags, &from, ec);
  if (ec) return {};
  out.resize(std::min(n, out.size()));
  return {std::move(out), std::move(from)};
}

namespace {
// recv_into's nbytes: 0 means the whole buffer; negative or larger than the buffer is a
// value error ("negative buffersize in recv_into", "buffer too small for requested bytes").
bool into_size(std::span<char> buffer, long long nbytes, std::size_t& size, std::error_code& ec) {
  if (nbytes < 0 || static_cast<unsigned long long>(nbytes) > buffer.size()) {
    ec = make_error_code(errc::value_error);
    return false;
  }
  size = nbytes == 0 ? buffer.size() : static_cast<std::size_t>(nbytes);
  return true;
}
}  // namespace

std::size_t Socket::recv_into(std::span<char> buffer, long long nbytes, int flags, std::error_code& ec) {
  auto* s = checked(ec);
  std::size_t size = 0;
  if (!s || !into_size(buffer, nbytes, size, ec)) return 0;
  const std::size_t n = s->recv_into(buffer.first(size), flags, nullptr, ec);
  return ec ? 0 : n;
}

std::pair<std::size_t, Address> Socket::recvfrom_into(std::span<char> buffer, long long nbytes, int flags,
                                                      std::error_code& ec) {
  auto* s = checked(ec);
  std::size_t size = 0;
  if (!s || !into_size(buffer, nbytes, size, ec)) return {};
  Address from;
  const std::size_t n = s->recv_into(buffer.first(size), flags, &from, ec);
  if (ec) return {};
  return {n, std::move(from)};
}

std::size_t Socket::send(std::string_view data, int flags, std::error_code& ec) {
  auto* s = checked(ec);
  return s ? s->send(data, flags, nullptr, ec) : 0;
}

void Socket::sendall(std::string_view data, int flags, std::error_code& ec) {
  if (auto* s = checked(ec)) s->sendall(data, flags, ec);
}

std::size_t Socket::sendto(std::string_view data, int flags, const Address& address, std::error_code& ec) {
  auto* s = checked(ec);
  return s ? s->send(data, flags, &address, ec) : 0;
}

void Socket::setblocking(bool flag, std::error_code& ec) {
  if (auto* s = checked(ec)) s->settimeout(flag ? Seconds() : Seconds(0.0));
}

void Socket::settimeout(Seconds value, std::error_code& ec) {
  auto* s = checked(ec);
  if (!s) return;
  if (value && (std::isnan(*value) || *value < 0)) {
    ec = make_error_code(errc::value_error);  // "Timeout value out of range"
    return;
  }
  s->settimeout(value);
}

Seconds Socket::gettimeout(std::error_code& ec) const {
  auto* s = checked(ec);
  return s ? s->gettimeout() : Seconds();
}

void Socket::setsockopt(int level, int optname, int value, std::error_code& ec) {
  if (auto* s = checked(ec)) s->setsockopt(level, optname, value, ec);
}

void Socket::setsockopt(int level, int optname, std::string_view value, std::error_code& ec) {
  if (auto* s = checked(ec)) s->setsockopt(level, optname, value, ec);
}

void Socket::shutdown(int how, std::error_code& ec) {
  if (auto* s = checked(ec)) s->shutdown(how, ec);
}

int Socket::family() const noexcept { return impl_ ? impl_->family() : 0; }
int Socket::type() const noexcept { return impl_ ? impl_->type() : 0; }
int Socket::proto() const noexcept { return impl_ ? impl_->proto() : 0; }

// ---- throwing forms ---------------------------------------------------------------------------

std::pair<Socket, Address> Socket::accept() { SOCKSIM_THROWING("accept", accept(ec)); }
void Socket::bind(const Address& address) { SOCKSIM_THROWING_VOID("bind", bind(address, ec)); }
void Socket::connect(const Address& address) { SOCKSIM_THROWING_VOID("connect", connect(address, ec)); }
int Socket::connect_ex(const Address& address) { SOCKSIM_THROWING("connect_ex", connect_ex(address, ec)); }
Address Socket::getpeername() { SOCKSIM_THROWING("getpeername", getpeername(ec)); }
Address Socket::getsockname() { SOCKSIM_THROWING("getsockname", getsockname(ec)); }
int Socket::getsockopt(int level, int optname) { SOCKSIM_THROWING("getsockopt", getsockopt(level, optname, ec)); }
std::string Socket::getsockopt(int level, int optname, std::size_t buflen) {
  SOCKSIM_THROWING("getsockopt", getsockopt(level, optname, buflen, ec));
}
void Socket::listen(int backlog) { SOCKSIM_THROWING_VOID("listen", listen(backlog, ec)); }
std::unique_ptr<SocketFile> Socket::makefile(std::string_view mode, int bufsize) {
  SOCKSIM_THROWING("makefile", makefile(mode, bufsize, ec));
}
std::string Socket::recv(long long bufsize, int flags) { SOCKSIM_THROWING("recv", recv(bufsize, flags, ec)); }
std::pair<std::string, Address> Socket::recvfrom(long long bufsize, int flags) {
  SOCKSIM_THROWING("recvfrom", recvfrom(bufsize, flags, ec));
}
std::size_t Socket::recv_into(std::span<char> buffer, long long nbytes, int flags) {
  SOCKSIM_THROWING("recv_into", recv_into(buffer, nbytes, flags, ec));
}
std::pair<std::size_t, Address> Socket::recvfrom_into(std::span<char> buffer, long long nbytes, int flags) {
  SOCKSIM_THROWING("recvfrom_into", recvfrom_into(buffer, nbytes, flags, ec));
}
std::size_t Socket::send(std::string_view data, int flags) { SOCKSIM_THROWING("send", send(data, flags, ec)); }
void Socket::sendall(std::string_view data, int flags) { SOCKSIM_THROWING_VOID("sendall", sendall(data, flags, ec)); }
std::size_t Socket::sendto(std::string_view data, const Address& address) { return sendto(data, 0, address); }
std::size_t Socket::sendto(std::string_view data, int flags, const Address& address) {
  SOCKSIM_THROWING("sendto", sendto(data, flags, address, ec));
}
void Socket::setblocking(bool flag) { SOCKSIM_THROWING_VOID("setblocking", setblocking(flag, ec)); }
void Socket::settimeout(Seconds value) { SOCKSIM_THROWING_VOID("settimeout", settimeout(value, ec)); }
Seconds Socket::gettimeout() const { SOCKSIM_THROWING("gettimeout", gettimeout(ec)); }
void Socket::setsockopt(int level, int optname, int value) {
  SOCKSIM_THROWING_VOID("setsockopt", setsockopt(level, optname, value, ec));
}
void Socket::setsockopt(int level, int optname, std::string_view value) {
  SOCKSIM_THROWING_VOID("setsockopt", setsockopt(level, optname, value, ec));
}
void Socket::shutdown(int how) { SOCKSIM_THROWING_VOID("shutdown", shutdown(how, ec)); }

}  // namespace socksim
