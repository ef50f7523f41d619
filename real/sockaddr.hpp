// real/sockaddr.hpp - socksim::Address <-> struct sockaddr, and CPython's setipaddr (the host
// part of an address resolved for one family).
#pragma once

#include <sys/socket.h>

#include <string>
#include <system_error>

#include "socksim/address.hpp"

namespace socksim::realnet {

// A sockaddr of any family with its length.
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
  sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const noexcept { return storage.ss_family; }
};

// The error of a getaddrinfo/getnameinfo return code: EAI_SYSTEM is errno's error (a plain
// socket.error, as CPython reports it), anything else a gaierror.
std::error_code gai_error(int rc, int saved_errno);

// CPython's setipaddr: the address of `host` for `family` (AF_INET, AF_INET6 or AF_UNSPEC), port
// 0. '' is the wildcard (an error when it resolves to more than one address, as for AF_UNSPEC),
// '<broadcast>' and "255.255.255.255" are INADDR_BROADCAST (AF_INET only), a numeric address is
// taken as it is, anything else is looked up with getaddrinfo and the first result taken.
// Failures: gaierror from getaddrinfo; EINVAL for a wildcard with several addresses;
// EAFNOSUPPORT for '<broadcast>' outside AF_INET.
bool setipaddr(const std::string& host, int family, SockAddr& out, std::error_code& ec);

// The sockaddr a socket of `socket_family` uses for `address`: check_address's rules first (the
// ones the sim applies too), then the host resolved by setipaddr.
bool to_sockaddr(const Address& address, int socket_family, SockAddr& out, std::error_code& ec);

// The Address of a sockaddr the system returned: a numeric host (inet_ntop) for AF_INET and
// AF_INET6 (with flowinfo and scope_id), the path for AF_UNIX (an abstract name keeps its
// leading '\0', an unnamed socket gives ""). Length 0 or another family: Address().
Address from_sockaddr(const sockaddr* sa, socklen_t len);
inline Address from_sockaddr(const SockAddr& sa) { return from_sockaddr(sa.get(), sa.len); }

}  // namespace socksim::realnet
