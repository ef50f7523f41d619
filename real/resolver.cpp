// RealNetwork's name resolution on the thread-safe libc calls, following CPython 2.7's socket
// module on Linux (getaddrinfo, getnameinfo, gethostbyname_ex, gethostbyaddr, getservby*,
// getprotobyname).
//
// Not-found results of getservbyname/getservbyport/getprotobyname are a plain socket.error in
// the seed, with no errno ("service/proto not found", "port/proto not found", "protocol not
// found"); socksim reports them as ENOENT, the sim does the same.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "fd.hpp"
#include "sockaddr.hpp"
#include "socksim/errors.hpp"
#include "socksim/real.hpp"

namespace socksim {

namespace {

using realnet::gai_error;
using realnet::SockAddr;

struct AddrInfoDeleter {
  void operator()(addrinfo* ai) const noexcept { ::freeaddrinfo(ai); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// Calls a *_r function that reports ERANGE when its scratch buffer is too small, growing the
// buffer until it fits. `call(buf, size)` returns the function's return code.
template <class Call>
int with_buffer(std::vector<char>& buf, Call&& call) {
  buf.resize(1024);
  for (;;) {
    const int rc = call(buf.data(), buf.size());
    if (rc != ERANGE || buf.size() >= (1u << 24)) return rc;
    buf.resize(buf.size() * 2);
  }
}

std::string numeric_host(int family, const char* addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (::inet_ntop(family, addr, text, sizeof text) == nullptr) return {};
  return text;
}

// CPython's gethost_common: (hostname, aliaslist, ipaddrlist) of a hostent whose addresses must
// be of family `af`.
HostEntry host_entry(const hostent& h, int af, std::error_code& ec) {
  if (h.h_addrtype != af) {
    ec = errno_code(EAFNOSUPPORT);
    return {};
  }
  HostEntry entry;
  entry.hostname = h.h_name ? h.h_name : "";
  for (char** alias = h.h_aliases; alias && *alias; ++alias) entry.aliaslist.emplace_back(*alias);
  for (char** addr = h.h_addr_list; addr && *addr; ++addr) entry.ipaddrlist.push_back(numeric_host(af, *addr));
  return entry;
}

}  // namespace

std::vector<AddrInfo> RealNetwork::do_getaddrinfo(const OptString& host, const OptString& port, int family,
                                                  int socktype, int proto, int flags, std::error_code& ec) {
  ec.clear();
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host ? host->c_str() : nullptr, port ? port->c_str() : nullptr, &hints, &res);
  if (rc != 0) {
    ec = gai_error(rc, errno);
    return {};
  }
  AddrInfoPtr guard(res);
  std::vector<AddrInfo> out;
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    out.push_back(AddrInfo{ai->ai_family, ai->ai_socktype, ai->ai_protocol, ai->ai_canonname ? ai->ai_canonname : "",
                           realnet::from_sockaddr(ai->ai_addr, ai->ai_addrlen)});
  }
  return out;
}

// As CPython's getnameinfo: the host must be numeric (AI_NUMERICHOST) and give one address; an
// IPv4 host takes the (host, port) form only. Ranges were checked by Network::getnameinfo.
std::pair<std::string, std::string> RealNetwork::do_getnameinfo(const Address& sockaddr, int flags,
                                                                std::error_code& ec) {
  ec.clear();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;  // any type: one result per address
  hints.ai_flags = AI_NUMERICHOST;
  const std::string port = std::to_string(sockaddr.port());
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(sockaddr.host().c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    ec = gai_error(rc, errno);
    return {};
  }
  AddrInfoPtr guard(res);
  if (res->ai_next != nullptr) {
    ec = errno_code(EINVAL);  // CPython: "sockaddr resolved to multiple addresses"
    return {};
  }
  SockAddr sa;
  std::memcpy(&sa.storage, res->ai_addr, res->ai_addrlen);
  sa.len = res->ai_addrlen;
  if (res->ai_family == AF_INET && sockaddr.family() == AF_INET6) {
    ec = errno_code(EINVAL);  // CPython: "IPv4 sockaddr must be 2 tuple"
    return {};
  }
  if (res->ai_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sa.storage);
    sin6->sin6_flowinfo = htonl(sockaddr.flowinfo());
    sin6->sin6_scope_id = sockaddr.scope_id();
  }
  char host[NI_MAXHOST] = {};
  char serv[NI_MAXSERV] = {};
  const int rc2 = ::getnameinfo(sa.get(), sa.len, host, sizeof host, serv, sizeof serv, flags);
  if (rc2 != 0) {
    ec = gai_error(rc2, errno);
    return {};
  }
  return {host, serv};
}

// As CPython: setipaddr(name, AF_INET) first (its failures are gaierrors), then
// gethostbyname_r (its failures are herrors).
HostEntry RealNetwork::do_gethostbyname_ex(const std::string& hostname, std::error_code& ec) {
  ec.clear();
  SockAddr sa;
  if (!realnet::setipaddr(hostname, AF_INET, sa, ec)) return {};
  hostent h{};
  hostent* result = nullptr;
  int h_err = 0;
  std::vector<char> buf;
  const int rc = with_buffer(buf, [&](char* data, std::size_t size) {
    return ::gethostbyname_r(hostname.c_str(), &h, data, size, &result, &h_err);
  });
  if (result == nullptr) {
    ec = rc == ERANGE ? errno_code(ERANGE) : herror_code(h_err);
    return {};
  }
  return host_entry(h, sa.family(), ec);
}

// As CPython: setipaddr(ip_address, AF_UNSPEC) (a name is resolved first; failures are
// gaierrors), then gethostbyaddr_r on that address (failures are herrors).
HostEntry RealNetwork::do_gethostbyaddr(const std::string& ip_address, std::error_code& ec) {
  ec.clear();
  SockAddr sa;
  if (!realnet::setipaddr(ip_address, AF_UNSPEC, sa, ec)) return {};
  const int af = sa.family();
  const void* addr = nullptr;
  socklen_t addr_len = 0;
  if (af == AF_INET) {
    addr = &reinterpret_cast<const sockaddr_in*>(sa.get())->sin_addr;
    addr_len = sizeof(in_addr);
  } else if (af == AF_INET6) {
    addr = &reinterpret_cast<const sockaddr_in6*>(sa.get())->sin6_addr;
    addr_len = sizeof(in6_addr);
  } else {
    ec = errno_code(EAFNOSUPPORT);
    return {};
  }
  hostent h{};
  hostent* result = nullptr;
  int h_err = 0;
  std::vector<char> buf;
  const int rc = with_buffer(buf, [&](char* data, std::size_t size) {
    return ::gethostbyaddr_r(addr, addr_len, af, &h, data, size, &result, &h_err);
  });
  if (result == nullptr) {
    ec = rc == ERANGE ? errno_code(ERANGE) : herror_code(h_err);
    return {};
  }
  return host_entry(h, af, ec);
}

std::string RealNetwork::do_gethostname(std::error_code& ec) {
  ec.clear();
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) {
    ec = errno_code(errno);
    return {};
  }
  return name;
}

int RealNetwork::do_getservbyname(const std::string& servicename, const std::string& protocolname,
                                  std::error_code& ec) {
  ec.clear();
  servent se{};
  servent* result = nullptr;
  std::vector<char> buf;
  const char* proto = protocolname.empty() ? nullptr : protocolname.c_str();
  with_buffer(buf, [&](char* data, std::size_t size) {
    return ::getservbyname_r(servicename.c_str(), proto, &se, data, size, &result);
  });
  if (result == nullptr) {
    ec = errno_code(ENOENT);  // "service/proto not found"
    return 0;
  }
  return ntohs(static_cast<std::uint16_t>(se.s_port));
}

std::string RealNetwork::do_getservbyport(int port, const std::string& protocolname, std::error_code& ec) {
  ec.clear();
  if (port < 0 || port > 65535) {
    ec = make_error_code(errc::overflow_error);  // "getservbyport: port must be 0-65535."
    return {};
  }
  servent se{};
  servent* result = nullptr;
  std::vector<char> buf;
  const char* proto = protocolname.empty() ? nullptr : protocolname.c_str();
  with_buffer(buf, [&](char* data, std::size_t size) {
    return ::getservbyport_r(static_cast<int>(htons(static_cast<std::uint16_t>(port))), proto, &se, data, size,
                             &result);
  });
  if (result == nullptr) {
    ec = errno_code(ENOENT);  // "port/proto not found"
    return {};
  }
  return se.s_name;
}

int RealNetwork::do_getprotobyname(const std::string& protocolname, std::error_code& ec) {
  ec.clear();
  protoent pe{};
  protoent* result = nullptr;
  std::vector<char> buf;
  with_buffer(buf, [&](char* data, std::size_t size) {
    return ::getprotobyname_r(protocolname.c_str(), &pe, data, size, &result);
  });
  if (result == nullptr) {
    ec = errno_code(ENOENT);  // "protocol not found"
    return 0;
  }
  return pe.p_proto;
}

bool RealNetwork::do_has_ipv6() {
  realnet::UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return static_cast<bool>(fd);
}

}  // namespace socksim
