// Network: the module's functions over a backend's hooks. What the seed defines in terms of other
// functions (create_connection, gethostbyname, getfqdn, select) is written here once, so both
// backends share it.
#include "socksim/network.hpp"

#include <cerrno>
#include <cmath>

#include "socksim/convert.hpp"
#include "throwing.hpp"

namespace socksim {

namespace {
bool valid_timeout(Seconds t) { return !t || (!std::isnan(*t) && *t >= 0); }
}  // namespace

// ---- Task ---------------------------------------------------------------------------------------

const std::string& Task::name() const {
  if (!impl_) throw Error(errno_code(EINVAL), "task: not joinable");
  return impl_->name();
}

bool Task::done() const {
  if (!impl_) throw Error(errno_code(EINVAL), "task: not joinable");
  return impl_->done();
}

void Task::join() {
  if (!impl_) throw Error(errno_code(EINVAL), "join: task not joinable (joined already?)");
  auto impl = std::move(impl_);
  impl_.reset();
  if (auto escaped = impl->join()) std::rethrow_exception(escaped);
}

// ---- sockets ------------------------------------------------------------------------------------

Socket Network::socket(int family, int type, int proto, std::error_code& ec) {
  ec.clear();
  auto impl = do_socket(family, type, proto, ec);
  if (ec) return {};
  if (default_timeout_) impl->settimeout(default_timeout_);
  return Socket(std::move(impl));
}

std::pair<Socket, Socket> Network::socketpair(int family, int type, int proto, std::error_code& ec) {
  ec.clear();
  auto [a, b] = do_socketpair(family, type, proto, ec);
  if (ec) return {};
  if (default_timeout_) {
    a->settimeout(default_timeout_);
    b->settimeout(default_timeout_);
  }
  return {Socket(std::move(a)), Socket(std::move(b))};
}

Socket Network::fromfd(int fd, int family, int type, int proto, std::error_code& ec) {
  ec.clear();
  auto impl = do_fromfd(fd, family, type, proto, ec);
  if (ec) return {};
  if (default_timeout_) impl->settimeout(default_timeout_);
  return Socket(std::move(impl));
}

Socket Network::create_connection(const Address& address, TimeoutArg timeout,
                                  const std::optional<Address>& source_address, std::error_code& ec) {
  ec.clear();
  if (address.family() != AF_INET && address.family() != AF_INET6) {
    ec = make_error_code(errc::type_error);  // the seed takes a (host, port) pair
    return {};
  }
  if (address.port() < 0 || address.port() > 65535) {
    ec = make_error_code(errc::overflow_error);
    return {};
  }
  if (const auto* t = std::get_if<Seconds>(&timeout); t && !valid_timeout(*t)) {
    ec = make_error_code(errc::value_error);
    return {};
  }
  const OptString host = address.host().empty() ? OptString() : OptString(address.host());
  auto results = do_getaddrinfo(host, std::to_string(address.port()), AF_UNSPEC, SOCK_STREAM, 0, 0, ec);
  if (ec) return {};
  std::error_code last = errno_code(EINVAL);  // "getaddrinfo returns an empty list"
  for (const auto& ai : results) {
    std::error_code step;
    Socket sock = socket(ai.family, ai.socktype, ai.proto, step);
    if (!step) {
      if (const auto* t = std::get_if<Seconds>(&timeout)) sock.settimeout(*t, step);
    }
    if (!step && source_address) sock.bind(*source_address, step);
    if (!step) sock.connect(ai.sockaddr, step);
    if (!step) return sock;
    last = step;
  }
  ec = last;
  return {};
}

// ---- resolution ---------------------------------------------------------------------------------

std::vector<AddrInfo> Network::getaddrinfo(const OptString& host, const OptString& port, int family, int socktype,
                                           int proto, int flags, std::error_code& ec) {
  ec.clear();
  return do_getaddrinfo(host, port, family, socktype, proto, flags, ec);
}

std::pair<std::string, std::string> Network::getnameinfo(const Address& sockaddr, int flags, std::error_code& ec) {
  ec.clear();
  if (sockaddr.family() != AF_INET && sockaddr.family() != AF_INET6) {
    ec = make_error_code(errc::type_error);  // "getnameinfo() argument 1 must be a tuple"
    return {};
  }
  if (sockaddr.port() < 0 || sockaddr.port() > 65535 || sockaddr.flowinfo() > 0xfffffu) {
    ec = make_error_code(errc::overflow_error);
    return {};
  }
  return do_getnameinfo(sockaddr, flags, ec);
}

// As CPython's gethostbyname: setipaddr(name, AF_INET), so failures are gaierrors.
std::string Network::gethostbyname(const std::string& hostname, std::error_code& ec) {
  ec.clear();
  if (hostname.empty()) return "0.0.0.0";
  if (hostname == "<broadcast>") return "255.255.255.255";
  if (is_numeric_host(AF_INET, hostname)) return hostname;
  auto results = do_getaddrinfo(hostname, std::nullopt, AF_INET, 0, 0, 0, ec);
  if (ec) return {};
  if (results.empty()) {
    ec = gai_code(-2);  // EAI_NONAME
    return {};
  }
  return results.front().sockaddr.host();
}

HostEntry Network::gethostbyname_ex(const std::string& hostname, std::error_code& ec) {
  ec.clear();
  return do_gethostbyname_ex(hostname, ec);
}

HostEntry Network::gethostbyaddr(const std::string& ip_address, std::error_code& ec) {
  ec.clear();
  return do_gethostbyaddr(ip_address, ec);
}

// The seed's rule: the first name with a period among gethostbyaddr's hostname and aliases,
// else the hostname; a failed lookup leaves the name as it was.
std::string Network::getfqdn(const std::string& name_in) {
  std::string name = name_in;
  const auto first = name.find_first_not_of(" \t\n\r\f\v");
  const auto last = name.find_last_not_of(" \t\n\r\f\v");
  name = first == std::string::npos ? "" : name.substr(first, last - first + 1);
  std::error_code ec;
  if (name.empty() || name == "0.0.0.0") name = gethostname(ec);
  HostEntry entry = do_gethostbyaddr(name, ec);
  if (ec) return name;
  if (entry.hostname.find('.') != std::string::npos) return entry.hostname;
  for (const auto& alias : entry.aliaslist)
    if (alias.find('.') != std::string::npos) return alias;
  return entry.hostname;
}

std::string Network::gethostname(std::error_code& ec) {
  ec.clear();
  return do_gethostname(ec);
}

int Network::getservbyname(const std::string& servicename, const std::string& protocolname, std::error_code& ec) {
  ec.clear();
  return do_getservbyname(servicename, protocolname, ec);
}

std::string Network::getservbyport(long long port, const std::string& protocolname, std::error_code& ec) {
  ec.clear();
  if (port < 0 || port > 65535) {
    ec = make_error_code(errc::overflow_error);  // "getservbyport: port must be 0-65535."
    return {};
  }
  return do_getservbyport(static_cast<int>(port), protocolname, ec);
}

int Network::getprotobyname(const std::string& protocolname, std::error_code& ec) {
  ec.clear();
  return do_getprotobyname(protocolname, ec);
}

bool Network::has_ipv6() { return do_has_ipv6(); }

// ---- default timeout, clock, tasks --------------------------------------------------------------

void Network::setdefaulttimeout(Seconds timeout, std::error_code& ec) {
  ec.clear();
  if (!valid_timeout(timeout)) {
    ec = make_error_code(errc::value_error);  // "Timeout value out of range"
    return;
  }
  default_timeout_ = timeout;
  do_setdefaulttimeout(timeout);
}

void Network::sleep(Clock duration) {
  if (duration.count() < 0) throw ValueError("sleep length must be non-negative");
  std::error_code ec;
  do_sleep(duration, ec);
  throw_error(ec, "sleep");
}

void Network::sleep(double seconds) {
  if (std::isnan(seconds) || seconds < 0) throw ValueError("sleep length must be non-negative");
  // The clock counts nanoseconds in 64 bits (about 292 years); beyond that the conversion below
  // would overflow.
  if (seconds > 9.0e9) throw OverflowError("sleep length is too large");
  sleep(std::chrono::duration_cast<Clock>(std::chrono::duration<double>(seconds)));
}

Task Network::spawn(std::string name, std::function<void()> fn) { return Task(do_spawn(std::move(name), std::move(fn))); }

// ---- readiness ----------------------------------------------------------------------------------

SelectResult Network::select(const std::vector<Socket*>& rlist, const std::vector<Socket*>& wlist,
                             const std::vector<Socket*>& xlist, Seconds timeout, std::error_code& ec) {
  ec.clear();
  if (!valid_timeout(timeout)) {
    ec = make_error_code(errc::value_error);  // "timeout must be non-negative"
    return {};
  }
  std::vector<PollEntry> entries;
  entries.reserve(rlist.size() + wlist.size() + xlist.size());
  auto add = [&](const std::vector<Socket*>& list, short events) {
    for (Socket* s : list) {
      if (!s || !s->is_open()) {
        ec = errno_code(EBADF);
        return;
      }
      entries.push_back({s->impl().get(), events, 0});
    }
  };
  add(rlist, POLL_IN);
  if (!ec) add(wlist, POLL_OUT);
  if (!ec) add(xlist, POLL_PRI);
  if (ec) return {};
  do_poll(entries, timeout, ec);
  if (ec) return {};
  // A socket the backend does not know (another network's): EBADF, as select(2) reports a
  // descriptor that is not open.
  for (const auto& e : entries) {
    if (e.revents & POLL_NVAL) {
      ec = errno_code(EBADF);
      return {};
    }
  }
  // Linux's select: readable on POLLIN/POLLHUP/POLLERR, writable on POLLOUT/POLLERR,
  // exceptional on POLLPRI.
  SelectResult result;
  std::size_t i = 0;
  for (Socket* s : rlist)
    if (entries[i++].revents & (POLL_IN | POLL_HUP | POLL_ERR)) result.readable.push_back(s);
  for (Socket* s : wlist)
    if (entries[i++].revents & (POLL_OUT | POLL_ERR)) result.writable.push_back(s);
  for (Socket* s : xlist)
    if (entries[i++].revents & POLL_PRI) result.exceptional.push_back(s);
  return result;
}

int Network::poll(std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec) {
  ec.clear();
  if (!valid_timeout(timeout)) {
    ec = make_error_code(errc::value_error);
    return 0;
  }
  for (auto& e : entries) e.revents = 0;
  return do_poll(entries, timeout, ec);
}

// ---- AF_UNIX filesystem -------------------------------------------------------------------------

std::string Network::mkdtemp(std::error_code& ec) {
  ec.clear();
  return do_mkdtemp(ec);
}

void Network::remove_tree(const std::string& path) noexcept { do_remove_tree(path); }

void Network::unlink(const std::string& path, std::error_code& ec) {
  ec.clear();
  do_unlink(path, ec);
}

// ---- throwing forms -----------------------------------------------------------------------------

Socket Network::socket(int family, int type, int proto) { SOCKSIM_THROWING("socket", socket(family, type, proto, ec)); }
std::pair<Socket, Socket> Network::socketpair(int family, int type, int proto) {
  SOCKSIM_THROWING("socketpair", socketpair(family, type, proto, ec));
}
Socket Network::fromfd(int fd, int family, int type, int proto) {
  SOCKSIM_THROWING("fromfd", fromfd(fd, family, type, proto, ec));
}
Socket Network::create_connection(const Address& address, TimeoutArg timeout,
                                  const std::optional<Address>& source_address) {
  SOCKSIM_THROWING("create_connection", create_connection(address, timeout, source_address, ec));
}
std::vector<AddrInfo> Network::getaddrinfo(const OptString& host, const OptString& port, int family, int socktype,
                                           int proto, int flags) {
  SOCKSIM_THROWING("getaddrinfo", getaddrinfo(host, port, family, socktype, proto, flags, ec));
}
std::vector<AddrInfo> Network::getaddrinfo(const OptString& host, int port, int family, int socktype, int proto,
                                           int flags) {
  return getaddrinfo(host, OptString(std::to_string(port)), family, socktype, proto, flags);
}
std::pair<std::string, std::string> Network::getnameinfo(const Address& sockaddr, int flags) {
  SOCKSIM_THROWING("getnameinfo", getnameinfo(sockaddr, flags, ec));
}
std::string Network::gethostbyname(const std::string& hostname) {
  SOCKSIM_THROWING("gethostbyname", gethostbyname(hostname, ec));
}
HostEntry Network::gethostbyname_ex(const std::string& hostname) {
  SOCKSIM_THROWING("gethostbyname_ex", gethostbyname_ex(hostname, ec));
}
HostEntry Network::gethostbyaddr(const std::string& ip_address) {
  SOCKSIM_THROWING("gethostbyaddr", gethostbyaddr(ip_address, ec));
}
std::string Network::gethostname() { SOCKSIM_THROWING("gethostname", gethostname(ec)); }
int Network::getservbyname(const std::string& servicename, const std::string& protocolname) {
  SOCKSIM_THROWING("getservbyname", getservbyname(servicename, protocolname, ec));
}
std::string Network::getservbyport(long long port, const std::string& protocolname) {
  SOCKSIM_THROWING("getservbyport", getservbyport(port, protocolname, ec));
}
int Network::getprotobyname(const std::string& protocolname) {
  SOCKSIM_THROWING("getprotobyname", getprotobyname(protocolname, ec));
}
void Network::setdefaulttimeout(Seconds timeout) {
  SOCKSIM_THROWING_VOID("setdefaulttimeout", setdefaulttimeout(timeout, ec));
}
SelectResult Network::select(const std::vector<Socket*>& rlist, const std::vector<Socket*>& wlist,
                             const std::vector<Socket*>& xlist, Seconds timeout) {
  SOCKSIM_THROWING("select", select(rlist, wlist, xlist, timeout, ec));
}
int Network::poll(std::vector<PollEntry>& entries, Seconds timeout) {
  SOCKSIM_THROWING("poll", poll(entries, timeout, ec));
}
std::string Network::mkdtemp() { SOCKSIM_THROWING("mkdtemp", mkdtemp(ec)); }
void Network::unlink(const std::string& path) { SOCKSIM_THROWING_VOID("unlink", unlink(path, ec)); }

}  // namespace socksim
