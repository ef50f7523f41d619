// socksim/address.hpp - one value type for the three address families of the seed.
//
//   AF_INET   (host, port)                      host: dotted quad, a host name, '' (INADDR_ANY)
//                                               or '<broadcast>' (INADDR_BROADCAST)
//   AF_INET6  (host, port, flowinfo, scope_id)
//   AF_UNIX   path; a leading '\0' makes it an abstract name (Linux)
//
// An Address is plain data: the port is kept as given (an int), and validated where it is used,
// so that a port outside 0..65535 is reported by the operation as an overflow error, as the seed
// does. Addresses that the backends return (getsockname, accept, recvfrom, ...) always carry a
// numeric host.
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include "socksim/constants.hpp"

namespace socksim {

class Address {
 public:
  // An empty AF_UNSPEC address (what an unbound AF_UNIX socket's getsockname gives is an empty
  // AF_UNIX path instead).
  Address() = default;

  static Address inet(std::string host, int port) { return Address(AF_INET, std::move(host), port, 0, 0); }
  static Address inet6(std::string host, int port, std::uint32_t flowinfo = 0, std::uint32_t scope_id = 0) {
    return Address(AF_INET6, std::move(host), port, flowinfo, scope_id);
  }
  // A filesystem path, or an abstract name when it starts with '\0'.
  static Address unix_path(std::string path) { return Address(AF_UNIX, std::move(path), 0, 0, 0); }

  int family() const noexcept { return family_; }
  // AF_INET/AF_INET6: the host part; AF_UNIX: the path (abstract names keep their leading '\0').
  const std::string& host() const noexcept { return host_; }
  const std::string& path() const noexcept { return host_; }
  int port() const noexcept { return port_; }
  std::uint32_t flowinfo() const noexcept { return flowinfo_; }
  std::uint32_t scope_id() const noexcept { return scope_id_; }
  bool is_abstract() const noexcept { return family_ == AF_UNIX && !host_.empty() && host_[0] == '\0'; }

  // "127.0.0.1:80", "[::1]:80", "/tmp/s.sock", "@name" (abstract), "" (AF_UNSPEC).
  std::string to_string() const;

  friend bool operator==(const Address&, const Address&) = default;
  friend auto operator<=>(const Address&, const Address&) = default;

 private:
  Address(int family, std::string host, int port, std::uint32_t flowinfo, std::uint32_t scope_id)
      : family_(family), host_(std::move(host)), port_(port), flowinfo_(flowinfo), scope_id_(scope_id) {}

  int family_ = AF_UNSPEC;
  std::string host_;
  int port_ = 0;
  std::uint32_t flowinfo_ = 0;
  std::uint32_t scope_id_ = 0;
};

std::ostream& operator<<(std::ostream& os, const Address& a);

// The rules both backends apply to an address handed to a socket of `socket_family` before they
// resolve its host (as CPython's getsockaddrarg/setipaddr do):
//   - an AF_UNIX address on an inet socket, or an inet address on an AF_UNIX socket: type_error;
//     an AF_INET6 address on an AF_INET socket: type_error;
//   - an AF_INET (host, port) on an AF_INET6 socket: taken as (host, port, 0, 0);
//   - a host with an embedded NUL: type_error;
//   - port outside 0..65535, flowinfo outside 0..1048575: overflow_error;
//   - host '' -> "0.0.0.0" (AF_INET) or "::" (AF_INET6); '<broadcast>' -> "255.255.255.255"
//     (AF_INET; on AF_INET6 it is EAFNOSUPPORT);
//   - an AF_UNIX path longer than 107 bytes (108 with the abstract '\0'): ENAMETOOLONG.
// The host of the result may still be a name for the backend to resolve.
Address check_address(const Address& address, int socket_family, std::error_code& ec);

// True when `host` is a numeric address of `family` (AF_INET: strict dotted quad as inet_pton).
bool is_numeric_host(int family, std::string_view host) noexcept;

}  // namespace socksim
