// Address <-> sockaddr for the real backend (see sockaddr.hpp). The rules follow CPython's
// getsockaddrarg, setipaddr and makesockaddr on Linux.
#include "sockaddr.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cerrno>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "socksim/errors.hpp"

namespace socksim::realnet {

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const noexcept { ::freeaddrinfo(ai); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

void copy_addr(const addrinfo* ai, SockAddr& out) {
  out.storage = {};
  std::memcpy(&out.storage, ai->ai_addr, ai->ai_addrlen);
  out.len = ai->ai_addrlen;
}

void set_inet(SockAddr& out, in_addr addr) {
  out.storage = {};
  auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
  sin->sin_family = AF_INET;
  sin->sin_addr = addr;
  out.len = sizeof(sockaddr_in);
}

}  // namespace

std::error_code gai_error(int rc, int saved_errno) {
  if (rc == EAI_SYSTEM) return errno_code(saved_errno != 0 ? saved_errno : EIO);
  return gai_code(rc);
}

bool setipaddr(const std::string& host, int family, SockAddr& out, std::error_code& ec) {
  ec.clear();
  if (host.empty()) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;  // any type: one result per address
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(nullptr, "0", &hints, &res);
    if (rc != 0) {
      ec = gai_error(rc, errno);
      return false;
    }
    AddrInfoPtr guard(res);
    if (res->ai_next != nullptr) {
      ec = errno_code(EINVAL);  // CPython: "wildcard resolved to multiple address"
      return false;
    }
    copy_addr(res, out);
    return true;
  }
  if (host == "<broadcast>" || host == "255.255.255.255") {
    if (family != AF_INET && family != AF_UNSPEC) {
      ec = errno_code(EAFNOSUPPORT);  // CPython: "address family mismatched"
      return false;
    }
    set_inet(out, in_addr{htonl(INADDR_BROADCAST)});
    return true;
  }
  if (family == AF_INET || family == AF_UNSPEC) {
    in_addr a{};
    if (::inet_pton(AF_INET, host.c_str(), &a) == 1) {
      set_inet(out, a);
      return true;
    }
  }
  if (family == AF_INET6 || family == AF_UNSPEC) {
    in6_addr a{};
    if (::inet_pton(AF_INET6, host.c_str(), &a) == 1) {
      out.storage = {};
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = a;
      out.len = sizeof(sockaddr_in6);
      return true;
    }
  }
  addrinfo hints{};
  hints.ai_family = family;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    ec = gai_error(rc, errno);
    return false;
  }
  AddrInfoPtr guard(res);
  copy_addr(res, out);
  return true;
}

bool to_sockaddr(const Address& address, int socket_family, SockAddr& out, std::error_code& ec) {
  const Address a = check_address(address, socket_family, ec);
  if (ec) return false;
  out.storage = {};
  switch (socket_family) {
    case AF_UNIX: {
      auto* sun = reinterpret_cast<sockaddr_un*>(&out.storage);
      sun->sun_family = AF_UNIX;
      std::memcpy(sun->sun_path, a.path().data(), a.path().size());  // check_address bounds it
      out.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + a.path().size());
      return true;
    }
    case AF_INET: {
      SockAddr resolved;
      if (!setipaddr(a.host(), AF_INET, resolved, ec)) return false;
      auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
      sin->sin_family = AF_INET;
      sin->sin_addr = reinterpret_cast<const sockaddr_in*>(resolved.get())->sin_addr;
      sin->sin_port = htons(static_cast<std::uint16_t>(a.port()));
      out.len = sizeof(sockaddr_in);
      return true;
    }
    case AF_INET6: {
      SockAddr resolved;
      if (!setipaddr(a.host(), AF_INET6, resolved, ec)) return false;
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = reinterpret_cast<const sockaddr_in6*>(resolved.get())->sin6_addr;
      sin6->sin6_port = htons(static_cast<std::uint16_t>(a.port()));
      sin6->sin6_flowinfo = htonl(a.flowinfo());
      sin6->sin6_scope_id = a.scope_id();
      out.len = sizeof(sockaddr_in6);
      return true;
    }
    default:
      ec = errno_code(EAFNOSUPPORT);
      return false;
  }
}

Address from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa == nullptr || len < static_cast<socklen_t>(sizeof(sa_family_t))) return {};
  switch (sa->sa_family) {
    case AF_INET: {
      if (len < static_cast<socklen_t>(sizeof(sockaddr_in))) return {};
      const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
      char host[INET_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
      return Address::inet(host, ntohs(sin->sin_port));
    }
    case AF_INET6: {
      if (len < static_cast<socklen_t>(sizeof(sockaddr_in6))) return {};
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
      char host[INET6_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
      return Address::inet6(host, ntohs(sin6->sin6_port), ntohl(sin6->sin6_flowinfo), sin6->sin6_scope_id);
    }
    case AF_UNIX: {
      const auto* sun = reinterpret_cast<const sockaddr_un*>(sa);
      const std::size_t offset = offsetof(sockaddr_un, sun_path);
      std::size_t n = static_cast<std::size_t>(len) > offset ? static_cast<std::size_t>(len) - offset : 0;
      n = std::min(n, sizeof sun->sun_path);
      if (n == 0) return Address::unix_path("");  // unnamed
      if (sun->sun_path[0] == '\0') return Address::unix_path(std::string(sun->sun_path, n));  // abstract
      return Address::unix_path(std::string(sun->sun_path, ::strnlen(sun->sun_path, n)));
    }
    default:
      return {};
  }
}

}  // namespace socksim::realnet
