// Address formatting and the address rules both backends share (CPython's getsockaddrarg and
// setipaddr, on Linux).
#include "socksim/address.hpp"

#include <cerrno>

#include "socksim/convert.hpp"
#include "socksim/errors.hpp"

namespace socksim {

std::string Address::to_string() const {
  switch (family_) {
    case AF_INET: return host_ + ":" + std::to_string(port_);
    case AF_INET6: {
      std::string out = "[" + host_;
      if (scope_id_ != 0) out += "%" + std::to_string(scope_id_);
      return out + "]:" + std::to_string(port_);
    }
    case AF_UNIX:
      if (is_abstract()) return "@" + host_.substr(1);
      return host_;
    default: return "";
  }
}

std::ostream& operator<<(std::ostream& os, const Address& a) { return os << a.to_string(); }

bool is_numeric_host(int family, std::string_view host) noexcept {
  if (family != AF_INET && family != AF_INET6) return false;
  std::error_code ec;
  (void)inet_pton(family, host, ec);
  return !ec;
}

Address check_address(const Address& address, int socket_family, std::error_code& ec) {
  ec.clear();
  const int family = address.family();
  if (socket_family == AF_UNIX) {
    if (family != AF_UNIX) {
      ec = make_error_code(errc::type_error);
      return {};
    }
    // sun_path holds 108 bytes; a path needs its terminating NUL, an abstract name does not.
    const std::size_t limit = address.is_abstract() ? 108 : 107;
    if (address.path().size() > limit) {
      ec = errno_code(ENAMETOOLONG);
      return {};
    }
    return address;
  }
  if (socket_family != AF_INET && socket_family != AF_INET6) {
    ec = errno_code(EAFNOSUPPORT);
    return {};
  }
  if (family == AF_UNIX || family == AF_UNSPEC || (family == AF_INET6 && socket_family == AF_INET)) {
    ec = make_error_code(errc::type_error);
    return {};
  }
  if (address.port() < 0 || address.port() > 65535) {
    ec = make_error_code(errc::overflow_error);
    return {};
  }
  if (family == AF_INET6 && address.flowinfo() > 0xfffffu) {
    ec = make_error_code(errc::overflow_error);
    return {};
  }
  std::string host = address.host();
  // CPython reads the host with a format that refuses embedded NULs (TypeError); a C function
  // would read only up to the NUL, and so the name or number before it.
  if (host.find('\0') != std::string::npos) {
    ec = make_error_code(errc::type_error);
    return {};
  }
  if (host.empty()) {
    host = socket_family == AF_INET ? "0.0.0.0" : "::";
  } else if (host == "<broadcast>") {
    if (socket_family != AF_INET) {
      ec = errno_code(EAFNOSUPPORT);
      return {};
    }
    host = "255.255.255.255";
  }
  if (socket_family == AF_INET) return Address::inet(std::move(host), address.port());
  return Address::inet6(std::move(host), address.port(), address.flowinfo(), address.scope_id());
}

}  // namespace socksim
