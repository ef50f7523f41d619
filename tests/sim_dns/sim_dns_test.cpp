// The sim's resolver against the C library: the same queries go to sim::Resolver and to glibc
// (wrapped as the real backend wraps it, after CPython's socket module), and the results must be
// equal, value for value and error for error.
//
//   - Localhost, numeric hosts, services and protocols: compared with this machine's glibc as it
//     is (its /etc/hosts has `127.0.0.1 localhost`, which is the sim's default table).
//   - Configured records: compared with glibc in a child process that sees an /etc/hosts written
//     from the same records (a private mount namespace with the file bind-mounted over
//     /etc/hosts). That needs root; without it those tests are skipped.
//   - The sim's deliberate differences (interfaces other than "lo", no rule 9) have tests of
//     their own.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dns.hpp"
#include "socksim/errors.hpp"
#include "socksim/network.hpp"
#include "socksim/sim_dns.hpp"

namespace {

using socksim::Address;
using socksim::AddrInfo;
using socksim::HostEntry;
using socksim::OptString;

// ---- one interface over both ------------------------------------------------------------------

class Api {
 public:
  virtual ~Api() = default;
  virtual std::vector<AddrInfo> getaddrinfo(const OptString& host, const OptString& port, int family, int socktype,
                                            int proto, int flags, std::error_code& ec) = 0;
  virtual std::pair<std::string, std::string> getnameinfo(const Address& sa, int flags, std::error_code& ec) = 0;
  virtual HostEntry gethostbyname_ex(const std::string& name, std::error_code& ec) = 0;
  virtual HostEntry gethostbyaddr(const std::string& ip, std::error_code& ec) = 0;
  virtual int getservbyname(const std::string& name, const std::string& proto, std::error_code& ec) = 0;
  virtual std::string getservbyport(int port, const std::string& proto, std::error_code& ec) = 0;
  virtual int getprotobyname(const std::string& name, std::error_code& ec) = 0;
  virtual std::string resolve_host(const std::string& host, int family, std::error_code& ec) = 0;
};

class SimApi final : public Api {
 public:
  explicit SimApi(const socksim::DnsConfig& config = {}) : r_(config) {}
  socksim::sim::Resolver& resolver() { return r_; }
  std::vector<AddrInfo> getaddrinfo(const OptString& host, const OptString& port, int family, int socktype, int proto,
                                    int flags, std::error_code& ec) override {
    return r_.getaddrinfo(host, port, family, socktype, proto, flags, ec);
  }
  std::pair<std::string, std::string> getnameinfo(const Address& sa, int flags, std::error_code& ec) override {
    return r_.getnameinfo(sa, flags, ec);
  }
  HostEntry gethostbyname_ex(const std::string& name, std::error_code& ec) override {
    return r_.gethostbyname_ex(name, ec);
  }
  HostEntry gethostbyaddr(const std::string& ip, std::error_code& ec) override { return r_.gethostbyaddr(ip, ec); }
  int getservbyname(const std::string& name, const std::string& proto, std::error_code& ec) override {
    return r_.getservbyname(name, proto, ec);
  }
  std::string getservbyport(int port, const std::string& proto, std::error_code& ec) override {
    return r_.getservbyport(port, proto, ec);
  }
  int getprotobyname(const std::string& name, std::error_code& ec) override { return r_.getprotobyname(name, ec); }
  std::string resolve_host(const std::string& host, int family, std::error_code& ec) override {
    return r_.resolve_host(host, family, ec);
  }

 private:
  socksim::sim::Resolver r_;
};

// glibc, called as the real backend (real/resolver.cpp, real/sockaddr.cpp) calls it, after
// CPython's socketmodule.c.
class LibcApi final : public Api {
 public:
  std::vector<AddrInfo> getaddrinfo(const OptString& host, const OptString& port, int family, int socktype, int proto,
                                    int flags, std::error_code& ec) override {
    ec.clear();
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = proto;
    hints.ai_flags = flags;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host ? host->c_str() : nullptr, port ? port->c_str() : nullptr, &hints, &res);
    if (rc != 0) {
      ec = rc == EAI_SYSTEM ? socksim::errno_code(errno) : socksim::gai_code(rc);
      return {};
    }
    std::vector<AddrInfo> out;
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next)
      out.push_back(AddrInfo{ai->ai_family, ai->ai_socktype, ai->ai_protocol, ai->ai_canonname ? ai->ai_canonname : "",
                             to_address(ai->ai_addr)});
    ::freeaddrinfo(res);
    return out;
  }

  std::pair<std::string, std::string> getnameinfo(const Address& sa, int flags, std::error_code& ec) override {
    ec.clear();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST;  // as the real backend (and CPython 3) pass it
    addrinfo* res = nullptr;
    const std::string port = std::to_string(sa.port());
    int rc = ::getaddrinfo(sa.host().c_str(), port.c_str(), &hints, &res);
    if (rc != 0) {
      ec = socksim::gai_code(rc);
      return {};
    }
    std::pair<std::string, std::string> out;
    if (res->ai_next != nullptr) {
      ec = socksim::errno_code(EINVAL);
    } else if (res->ai_family == AF_INET && sa.family() == AF_INET6) {
      ec = socksim::errno_code(EINVAL);
    } else {
      if (res->ai_family == AF_INET6) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(res->ai_addr);
        sin6->sin6_flowinfo = htonl(sa.family() == AF_INET6 ? sa.flowinfo() : 0);
        sin6->sin6_scope_id = sa.family() == AF_INET6 ? sa.scope_id() : 0;
      }
      char h[NI_MAXHOST] = {};
      char s[NI_MAXSERV] = {};
      rc = ::getnameinfo(res->ai_addr, res->ai_addrlen, h, sizeof h, s, sizeof s, flags);
      if (rc != 0)
        ec = socksim::gai_code(rc);
      else
        out = {h, s};
    }
    ::freeaddrinfo(res);
    return out;
  }

  HostEntry gethostbyname_ex(const std::string& name, std::error_code& ec) override {
    sockaddr_storage ss{};
    if (!setipaddr(name, AF_INET, ss, ec)) return {};
    hostent he{};
    hostent* result = nullptr;
    int herr = 0;
    std::vector<char> buf(16384);
    ::gethostbyname_r(name.c_str(), &he, buf.data(), buf.size(), &result, &herr);
    return host_entry(result, herr, AF_INET, ec);
  }

  HostEntry gethostbyaddr(const std::string& ip, std::error_code& ec) override {
    sockaddr_storage ss{};
    if (!setipaddr(ip, AF_UNSPEC, ss, ec)) return {};
    const void* addr = nullptr;
    socklen_t len = 0;
    if (ss.ss_family == AF_INET) {
      addr = &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr;
      len = sizeof(in_addr);
    } else {
      addr = &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr;
      len = sizeof(in6_addr);
    }
    hostent he{};
    hostent* result = nullptr;
    int herr = 0;
    std::vector<char> buf(16384);
    ::gethostbyaddr_r(addr, len, ss.ss_family, &he, buf.data(), buf.size(), &result, &herr);
    return host_entry(result, herr, ss.ss_family, ec);
  }

  int getservbyname(const std::string& name, const std::string& proto, std::error_code& ec) override {
    ec.clear();
    servent se{};
    servent* result = nullptr;
    std::vector<char> buf(4096);
    ::getservbyname_r(name.c_str(), proto.empty() ? nullptr : proto.c_str(), &se, buf.data(), buf.size(), &result);
    if (result == nullptr) {
      ec = socksim::errno_code(ENOENT);
      return 0;
    }
    return ntohs(static_cast<std::uint16_t>(result->s_port));
  }

  std::string getservbyport(int port, const std::string& proto, std::error_code& ec) override {
    ec.clear();
    if (port < 0 || port > 0xffff) {
      ec = socksim::make_error_code(socksim::errc::overflow_error);
      return {};
    }
    servent se{};
    servent* result = nullptr;
    std::vector<char> buf(4096);
    ::getservbyport_r(htons(static_cast<std::uint16_t>(port)), proto.empty() ? nullptr : proto.c_str(), &se,
                      buf.data(), buf.size(), &result);
    if (result == nullptr) {
      ec = socksim::errno_code(ENOENT);
      return {};
    }
    return result->s_name;
  }

  int getprotobyname(const std::string& name, std::error_code& ec) override {
    ec.clear();
    protoent pe{};
    protoent* result = nullptr;
    std::vector<char> buf(4096);
    ::getprotobyname_r(name.c_str(), &pe, buf.data(), buf.size(), &result);
    if (result == nullptr) {
      ec = socksim::errno_code(ENOENT);
      return 0;
    }
    return result->p_proto;
  }

  std::string resolve_host(const std::string& host, int family, std::error_code& ec) override {
    sockaddr_storage ss{};
    if (!setipaddr(host, family, ss, ec)) return {};
    return to_address(reinterpret_cast<sockaddr*>(&ss)).host();
  }

 private:
  static Address to_address(const sockaddr* sa) {
    char host[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
      ::inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
      return Address::inet(host, ntohs(sin->sin_port));
    }
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    ::inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
    return Address::inet6(host, ntohs(sin6->sin6_port), ntohl(sin6->sin6_flowinfo), sin6->sin6_scope_id);
  }

  // CPython's setipaddr as the real backend has it (real/sockaddr.cpp).
  bool setipaddr(const std::string& host, int family, sockaddr_storage& out, std::error_code& ec) {
    ec.clear();
    out = {};
    auto take_first = [&](const char* node, const char* service, const addrinfo& hints) {
      addrinfo* res = nullptr;
      const int rc = ::getaddrinfo(node, service, &hints, &res);
      if (rc != 0) {
        ec = socksim::gai_code(rc);
        return false;
      }
      if (node == nullptr && res->ai_next != nullptr) {
        ec = socksim::errno_code(EINVAL);
        ::freeaddrinfo(res);
        return false;
      }
      std::memcpy(&out, res->ai_addr, res->ai_addrlen);
      ::freeaddrinfo(res);
      return true;
    };
    if (host.empty()) {
      addrinfo hints{};
      hints.ai_family = family;
      hints.ai_socktype = SOCK_DGRAM;
      hints.ai_flags = AI_PASSIVE;
      return take_first(nullptr, "0", hints);
    }
    if (host == "<broadcast>" || host == "255.255.255.255") {
      if (family != AF_INET && family != AF_UNSPEC) {
        ec = socksim::errno_code(EAFNOSUPPORT);
        return false;
      }
      auto* sin = reinterpret_cast<sockaddr_in*>(&out);
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl(INADDR_BROADCAST);
      return true;
    }
    if (family == AF_INET || family == AF_UNSPEC) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&out);
      if (::inet_pton(AF_INET, host.c_str(), &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        return true;
      }
    }
    if (family == AF_INET6 || family == AF_UNSPEC) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
      if (::inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        return true;
      }
    }
    addrinfo hints{};
    hints.ai_family = family;
    return take_first(host.c_str(), nullptr, hints);
  }

  static HostEntry host_entry(const hostent* h, int herr, int af, std::error_code& ec) {
    ec.clear();
    if (h == nullptr) {
      ec = socksim::herror_code(herr);
      return {};
    }
    if (h->h_addrtype != af) {
      ec = socksim::errno_code(EAFNOSUPPORT);
      return {};
    }
    HostEntry e;
    e.hostname = h->h_name;
    for (char** a = h->h_aliases; a != nullptr && *a != nullptr; ++a) e.aliaslist.emplace_back(*a);
    for (char** a = h->h_addr_list; *a != nullptr; ++a) {
      char text[INET6_ADDRSTRLEN] = {};
      ::inet_ntop(af, *a, text, sizeof text);
      e.ipaddrlist.emplace_back(text);
    }
    return e;
  }
};

// ---- queries and their results as text ----------------------------------------------------------

std::string show(const std::error_code& ec) { return "error " + socksim::error_name(ec); }

std::string show(const Address& a) {
  std::ostringstream out;
  out << "(" << a.host() << ", " << a.port();
  if (a.family() == AF_INET6) out << ", " << a.flowinfo() << ", " << a.scope_id();
  out << ")";
  return out.str();
}

std::string show(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

std::string opt(const OptString& s) { return s ? "'" + *s + "'" : "None"; }

struct Query {
  std::string label;
  std::function<std::string(Api&)> run;
};

Query gai_query(OptString host, OptString port, int family = 0, int socktype = 0, int proto = 0, int flags = 0) {
  std::ostringstream label;
  label << "getaddrinfo(" << opt(host) << ", " << opt(port) << ", " << family << ", " << socktype << ", " << proto
        << ", " << flags << ")";
  return {label.str(), [=](Api& api) {
            std::error_code ec;
            const auto r = api.getaddrinfo(host, port, family, socktype, proto, flags, ec);
            if (ec) return show(ec);
            std::string out;
            for (const auto& ai : r)
              out += "(" + std::to_string(ai.family) + ", " + std::to_string(ai.socktype) + ", " +
                     std::to_string(ai.proto) + ", '" + ai.canonname + "', " + show(ai.sockaddr) + ") ";
            return out;
          }};
}

Query gni_query(Address sa, int flags) {
  return {"getnameinfo(" + show(sa) + ", " + std::to_string(flags) + ")", [=](Api& api) {
            std::error_code ec;
            const auto r = api.getnameinfo(sa, flags, ec);
            return ec ? show(ec) : r.first + " " + r.second;
          }};
}

std::string show_host(const HostEntry& e, const std::error_code& ec) {
  return ec ? show(ec) : "(" + e.hostname + ", " + show(e.aliaslist) + ", " + show(e.ipaddrlist) + ")";
}

Query ghbn_query(std::string name) {
  return {"gethostbyname_ex('" + name + "')", [=](Api& api) {
            std::error_code ec;
            const auto e = api.gethostbyname_ex(name, ec);
            return show_host(e, ec);
          }};
}

Query ghba_query(std::string ip) {
  return {"gethostbyaddr('" + ip + "')", [=](Api& api) {
            std::error_code ec;
            const auto e = api.gethostbyaddr(ip, ec);
            return show_host(e, ec);
          }};
}

Query resolve_query(std::string host, int family) {
  return {"resolve_host('" + host + "', " + std::to_string(family) + ")", [=](Api& api) {
            std::error_code ec;
            const auto r = api.resolve_host(host, family, ec);
            return ec ? show(ec) : r;
          }};
}

void compare(const std::vector<Query>& queries, Api& sim, Api& real) {
  for (const auto& q : queries) EXPECT_EQ(q.run(sim), q.run(real)) << q.label;
}

// ---- glibc in a private mount namespace -----------------------------------------------------------

// Runs `queries` on glibc in a child process that sees `hosts` as /etc/hosts and an
// /etc/nsswitch.conf whose hosts line is `hosts: files`: every name is then answered from the
// file, and a name (or address) the file does not have fails at once, as the DNS answers it
// (EAI_NONAME, HOST_NOT_FOUND), without the network - so the comparison is fast and the same on
// every run. Returns false (and says why in `why`) when the process may not do that (not root).
bool run_in_namespace(const std::string& hosts, const std::vector<Query>& queries, std::vector<std::string>& out,
                      std::string& why) {
  if (::geteuid() != 0) {
    why = "needs root for a private mount namespace";
    return false;
  }
  auto write_temp = [](const std::string& text, std::string& path) {
    char name[] = "/tmp/socksim-dns-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) return false;
    path = name;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
  };
  std::string nsswitch;
  {
    std::ifstream in("/etc/nsswitch.conf");
    for (std::string line; std::getline(in, line);)
      nsswitch += (line.rfind("hosts:", 0) == 0 ? std::string("hosts: files") : line) + "\n";
  }
  std::string hosts_path, nsswitch_path;
  const bool written = write_temp(hosts, hosts_path) && write_temp(nsswitch, nsswitch_path);
  auto cleanup = [&] {
    if (!hosts_path.empty()) ::unlink(hosts_path.c_str());
    if (!nsswitch_path.empty()) ::unlink(nsswitch_path.c_str());
  };
  int pipefd[2];
  if (!written || ::pipe(pipefd) != 0) {
    cleanup();
    why = "could not write the temporary files";
    return false;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    std::string text;
    char status = '0';
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(hosts_path.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nsswitch_path.c_str(), "/etc/nsswitch.conf", nullptr, MS_BIND, nullptr) != 0) {
      status = '1';
    } else {
      // glibc rereads nsswitch.conf when the file changes; with `hosts: files` the empty name is
      // HOST_NOT_FOUND (the DNS backend would make it NO_RECOVERY).
      hostent he{};
      hostent* result = nullptr;
      int herr = 0;
      char buf[1024];
      ::gethostbyname_r("", &he, buf, sizeof buf, &result, &herr);
      if (herr != HOST_NOT_FOUND) {
        status = '2';
      } else {
        LibcApi real;
        for (const auto& query : queries) text += query.run(real) + "\n";
      }
    }
    text.insert(text.begin(), status);
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      const ssize_t n = ::write(pipefd[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  cleanup();
  if (text.empty() || text[0] == '1') {
    why = "could not bind-mount files over /etc/hosts and /etc/nsswitch.conf in a new mount namespace";
    return false;
  }
  if (text[0] != '0') {
    ADD_FAILURE() << "the child's glibc did not take up the new nsswitch.conf";
    return false;
  }
  std::istringstream lines(text.substr(1));
  for (std::string line; std::getline(lines, line);) out.push_back(line);
  return out.size() == queries.size();
}

// Compares the sim with glibc reading `hosts` (see run_in_namespace); skips without root.
#define COMPARE_IN_NAMESPACE(hosts, queries, sim)                                              \
  do {                                                                                         \
    std::vector<std::string> expected_;                                                        \
    std::string why_;                                                                          \
    if (!run_in_namespace((hosts), (queries), expected_, why_)) {                              \
      if (!why_.empty()) GTEST_SKIP() << why_;                                                 \
      FAIL() << "the child process gave " << expected_.size() << " results for " << (queries).size(); \
    }                                                                                          \
    for (std::size_t i_ = 0; i_ < (queries).size(); ++i_)                                      \
      EXPECT_EQ((queries)[i_].run(sim), expected_[i_]) << (queries)[i_].label;                 \
  } while (false)

// The default table as a hosts file: this machine's /etc/hosts without its container lines.
const char kDefaultHosts[] = "127.0.0.1 localhost\n";

// ---- the query sets -----------------------------------------------------------------------------
//
// kThisMachine: queries glibc answers on this machine without asking the DNS (numeric hosts,
// names /etc/hosts has for the family asked, errors found before the lookup), compared with the
// machine as it is. kFilesOnly: every query, compared with glibc reading the default hosts file
// and no DNS (see run_in_namespace).
enum class Mode { kThisMachine, kFilesOnly };

const std::vector<OptString> kNumericHosts = {
    "127.0.0.1", "127.1", "0x7f.1", "010.1", "4294967295", "0", "1.0xffffff", "::1", "::", "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1", "::FFFF:1.2.3.4", "::1.2.3.4", "::ffff:0:1.2.3.4", "2001:db8:0:0:1:0:0:1",
    "2001:0:0:1:0:0:0:1", "fe80::1%1", "fe80::1%lo", "fe80::1%LO", "fe80::1%99", "::1%1", "::1%lo", "::1%",
    "::1%+1", "::1%4294967295", "::1%4294967296", "ff02::1%lo", "ff01::1%lo", "ff05::1%lo", "::ffff:1.2.3.4%5"};
const std::vector<OptString> kNamedHosts = {std::nullopt, "*", "localhost", "LOCALHOST"};
// Names nobody has (glibc asks the DNS for them).
const std::vector<OptString> kUnknownHosts = {"", "localhost.", "127.0.0.1 ", "127.0.0.1x", "256.1.1.1", "1.2.3.4.",
                                              "1::2::3", "[::1]", "0x", "1.0x1000000", "1.2.3.4%1", "<broadcast>",
                                              "nonexistent.invalid"};
const int kFlagSets[] = {0,
                         AI_PASSIVE,
                         AI_CANONNAME,
                         AI_NUMERICHOST,
                         AI_V4MAPPED,
                         AI_V4MAPPED | AI_ALL,
                         AI_ADDRCONFIG,
                         AI_CANONNAME | AI_NUMERICHOST | AI_PASSIVE,
                         AI_V4MAPPED | AI_CANONNAME};

std::vector<Query> getaddrinfo_queries(Mode mode) {
  std::vector<Query> q;
  const bool all = mode == Mode::kFilesOnly;
  for (const auto& host : kNumericHosts)
    for (int family : {AF_UNSPEC, AF_INET, AF_INET6})
      for (int flags : kFlagSets) q.push_back(gai_query(host, "80", family, SOCK_STREAM, 0, flags));
  // localhost has no IPv6 line: an AF_INET6 lookup of it goes on to the DNS.
  for (const auto& host : kNamedHosts)
    for (int family : {AF_UNSPEC, AF_INET, AF_INET6})
      for (int flags : kFlagSets)
        if (all || family != AF_INET6 || !host || *host == "*")
          q.push_back(gai_query(host, "80", family, SOCK_STREAM, 0, flags));
  for (const auto& host : kUnknownHosts)
    for (int family : {AF_UNSPEC, AF_INET, AF_INET6})
      for (int flags : kFlagSets)
        if (all || (flags & AI_NUMERICHOST) != 0) q.push_back(gai_query(host, "80", family, SOCK_STREAM, 0, flags));
  // Socket types and protocols.
  for (const OptString& host : {OptString("localhost"), OptString("::1"), OptString(), OptString("127.0.0.1")})
    for (const OptString& port : {OptString(), OptString("80"), OptString("http"), OptString("domain"),
                                  OptString("ntp"), OptString("amqp"), OptString("")})
      for (int socktype : std::initializer_list<int>{0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET,
                                                     SOCK_DCCP, 10, -1})
        for (int proto : std::initializer_list<int>{0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_DCCP,
                                                    IPPROTO_UDPLITE, 99, 255, -1})
          for (int flags : {0, AI_PASSIVE}) q.push_back(gai_query(host, port, 0, socktype, proto, flags));
  // Ports and service names.
  const std::vector<OptString> ports = {
      std::nullopt, "*",   "",     "0",     "80",    "65535", "65536", "70000",    "4294967297", "2147483647",
      "2147483648", "-1",  "-0",   "+80",   " 80",   "\t80",  "80 ",   "0x50",     "+",          " ",
      "http",       "www", "HTTP", "https", "ntp",   "ssh",   "echo",  "nonexist", "18446744073709551615",
      "18446744073709551616", "kerberos4", "rtmp", "domain", "postgres"};
  for (const auto& port : ports)
    for (int socktype : std::initializer_list<int>{0, SOCK_STREAM, SOCK_DGRAM})
      for (int flags : {0, AI_NUMERICSERV}) q.push_back(gai_query("localhost", port, 0, socktype, 0, flags));
  // Errors, and which comes first.
  std::vector<OptString> hosts = {OptString(), OptString("127.0.0.1"), OptString("::1")};
  if (all) hosts.insert(hosts.end(), {OptString("localhost"), OptString("nonexistent.invalid")});
  for (const auto& host : hosts)
    for (const OptString& port : {OptString(), OptString("80"), OptString("nonexist")})
      for (int family : {AF_UNSPEC, AF_UNIX, 99, AF_INET6})
        for (int socktype : {0, 99})
          for (int flags : {0, 0x800, 0x10000, -1, AI_CANONNAME, AI_NUMERICSERV, AI_NUMERICHOST, 0x40, 0x80, 0x100,
                            0x200})
            q.push_back(gai_query(host, port, family, socktype, 0, flags));
  return q;
}

std::vector<Query> getnameinfo_queries(Mode mode) {
  const bool all = mode == Mode::kFilesOnly;
  // Addresses whose lookup /etc/hosts answers (127.0.0.1 is localhost) ...
  const std::vector<Address> found = {
      Address::inet("127.0.0.1", 80), Address::inet("127.0.0.1", 123), Address::inet("127.0.0.1", 53),
      Address::inet("127.0.0.1", 0), Address::inet("127.0.0.1", 65535), Address::inet("127.0.0.1", 9999),
      Address::inet("127.0.0.1", 22), Address::inet("127.1", 80), Address::inet("0x7f.1", 80),
      Address::inet("localhost", 80), Address::inet("127.0.0.1", 70000), Address::inet("127.0.0.1", -1),
      Address::inet6("127.0.0.1", 80), Address::inet6("localhost", 80)};
  // ... and the others, which go on to the DNS unless NI_NUMERICHOST.
  const std::vector<Address> others = {
      Address::inet("127.0.0.2", 80),       Address::inet("0.0.0.0", 80),
      Address::inet("255.255.255.255", 80), Address::inet("::1", 80),
      Address::inet("::", 80),              Address::inet("::ffff:127.0.0.1", 80),
      Address::inet6("::1", 80),            Address::inet6("::1", 80, 5, 0),
      Address::inet6("::1", 80, 0, 1),      Address::inet6("fe80::1", 80, 0, 1),
      Address::inet6("fe80::1", 80, 0, 77), Address::inet6("fe80::1%2", 80, 0, 0),
      Address::inet6("fe80::1%1", 80, 0, 1), Address::inet6("ff02::1", 80, 0, 1),
      Address::inet6("ff01::1", 80, 0, 1),  Address::inet6("fd00::1", 80, 0, 1),
      Address::inet6("::1", 80, 0xfffff, 0xffffffffu)};
  const std::vector<Address> unknown = {Address::inet("", 80), Address::inet("nonexistent.invalid", 80)};
  const int flag_sets[] = {0, NI_NUMERICHOST, NI_NUMERICSERV, NI_NOFQDN, NI_NAMEREQD, NI_DGRAM,
                           NI_NAMEREQD | NI_NUMERICHOST, NI_DGRAM | NI_NUMERICHOST, 0x1f, 0x20, 0x40, 0x80, 0x100, -1};
  std::vector<Query> q;
  for (const auto& a : found)
    for (int flags : flag_sets) q.push_back(gni_query(a, flags));
  for (const auto& a : others)
    for (int flags : flag_sets)
      if (all || (flags & NI_NUMERICHOST) != 0 || (flags & ~0xff) != 0) q.push_back(gni_query(a, flags));
  if (all)
    for (const auto& a : unknown)
      for (int flags : flag_sets) q.push_back(gni_query(a, flags));
  return q;
}

std::vector<Query> host_entry_queries(Mode mode) {
  const bool all = mode == Mode::kFilesOnly;
  std::vector<Query> q;
  // gethostbyname_ex('') is NO_RECOVERY from the DNS backend: this machine only.
  if (!all) q.push_back(ghbn_query(""));
  for (const char* name : {"<broadcast>", "255.255.255.255", "127.0.0.1", "01.02.03.04", "1.2.3", "127.1",
                           "localhost", "LOCALHOST", "::1", "::ffff:127.0.0.1", "fe80::1%1", "4294967295", "0"})
    q.push_back(ghbn_query(name));
  if (all)
    for (const char* name : {"0x7f.1", "localhost.", "nonexistent.invalid"}) q.push_back(ghbn_query(name));
  for (const char* ip : {"", "127.0.0.1", "127.1", "LOCALHOST", "localhost"}) q.push_back(ghba_query(ip));
  if (all)
    for (const char* ip : {"<broadcast>", "0.0.0.0", "::", "::1", "::ffff:127.0.0.1", "127.0.0.2", "fe80::1%1",
                           "fe80::1", "nonexistent.invalid", "10.1.2.3"})
      q.push_back(ghba_query(ip));
  for (const char* host : {"", "<broadcast>", "255.255.255.255", "127.0.0.1", "127.1", "0x7f.1", "localhost",
                           "LOCALHOST", "::1", "0::1", "::ffff:127.0.0.1", "fe80::1%1", "fe80::1%lo", "1.2.3.4",
                           "nonexistent.invalid"}) {
    const bool numeric = std::string_view(host).find_first_not_of("0123456789.:abcdefx%lo") == std::string_view::npos;
    for (int family : {AF_UNSPEC, AF_INET, AF_INET6})
      if (all || numeric || (std::string_view(host) != "nonexistent.invalid" && family != AF_INET6))
        q.push_back(resolve_query(host, family));
  }
  return q;
}

// ---- this machine as it is -----------------------------------------------------------------------

TEST(SimDnsThisMachine, GetaddrinfoMatchesGlibc) {
  SimApi sim;
  LibcApi real;
  compare(getaddrinfo_queries(Mode::kThisMachine), sim, real);
}

TEST(SimDnsThisMachine, GetnameinfoMatchesGlibc) {
  SimApi sim;
  LibcApi real;
  compare(getnameinfo_queries(Mode::kThisMachine), sim, real);
}

TEST(SimDnsThisMachine, HostEntriesAndResolveHostMatchGlibc) {
  SimApi sim;
  LibcApi real;
  compare(host_entry_queries(Mode::kThisMachine), sim, real);
}

// ---- every query, without the DNS ----------------------------------------------------------------

TEST(SimDnsFilesOnly, GetaddrinfoMatchesGlibc) {
  SimApi sim;
  const auto queries = getaddrinfo_queries(Mode::kFilesOnly);
  COMPARE_IN_NAMESPACE(kDefaultHosts, queries, sim);
}

TEST(SimDnsFilesOnly, GetnameinfoMatchesGlibc) {
  SimApi sim;
  const auto queries = getnameinfo_queries(Mode::kFilesOnly);
  COMPARE_IN_NAMESPACE(kDefaultHosts, queries, sim);
}

TEST(SimDnsFilesOnly, HostEntriesAndResolveHostMatchGlibc) {
  SimApi sim;
  const auto queries = host_entry_queries(Mode::kFilesOnly);
  COMPARE_IN_NAMESPACE(kDefaultHosts, queries, sim);
}

// ---- services and protocols ---------------------------------------------------------------------

TEST(SimDnsServices, EveryBuiltinEntryMatchesGlibc) {
  SimApi sim;
  LibcApi real;
  int compared = 0;
  for (const auto& s : socksim::sim::builtin_services()) {
    std::vector<std::string> names = {std::string(s.name)};
    std::istringstream aliases{std::string(s.aliases)};
    for (std::string a; aliases >> a;) names.push_back(a);
    for (const auto& name : names)
      for (const std::string& proto : {std::string(s.proto), std::string(""), std::string("tcp"), std::string("udp")}) {
        std::error_code ec_sim, ec_real;
        const int a = sim.getservbyname(name, proto, ec_sim);
        const int b = real.getservbyname(name, proto, ec_real);
        EXPECT_EQ(ec_sim, ec_real) << name << "/" << proto;
        EXPECT_EQ(a, b) << name << "/" << proto;
        ++compared;
      }
    for (const std::string& proto : {std::string(s.proto), std::string("")}) {
      std::error_code ec_sim, ec_real;
      EXPECT_EQ(sim.getservbyport(s.port, proto, ec_sim), real.getservbyport(s.port, proto, ec_real))
          << s.port << "/" << proto;
      EXPECT_EQ(ec_sim, ec_real) << s.port << "/" << proto;
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST(SimDnsServices, MissesCaseAndRangesMatchGlibc) {
  SimApi sim;
  LibcApi real;
  for (const char* name : {"", "HTTP", "Http", "nope", "http ", "80", "postgres", "www", "mysql", "submission",
                           "imaps", "pop3s", "snmp", "ldap", "ftp-data", "time", "daytime"})
    for (const char* proto : {"", "tcp", "udp", "TCP", "sctp", "ddp", "nope"}) {
      std::error_code ec_sim, ec_real;
      EXPECT_EQ(sim.getservbyname(name, proto, ec_sim), real.getservbyname(name, proto, ec_real))
          << name << "/" << proto;
      EXPECT_EQ(ec_sim, ec_real) << name << "/" << proto;
    }
  for (int port : {-1, 0, 1, 2, 4, 6, 7, 9, 80, 123, 443, 750, 5672, 9999, 65535, 65536, 70000})
    for (const char* proto : {"", "tcp", "udp", "TCP", "sctp", "ddp"}) {
      std::error_code ec_sim, ec_real;
      EXPECT_EQ(sim.getservbyport(port, proto, ec_sim), real.getservbyport(port, proto, ec_real))
          << port << "/" << proto;
      EXPECT_EQ(ec_sim, ec_real) << port << "/" << proto;
    }
}

TEST(SimDnsProtocols, EveryBuiltinEntryAndSomeMissesMatchGlibc) {
  SimApi sim;
  LibcApi real;
  std::vector<std::string> names = {"", "nope", "icmpv6", "raw", "Tcp", "ipv6-ICMP", "IPV6"};
  for (const auto& p : socksim::sim::builtin_protocols()) {
    names.emplace_back(p.name);
    std::istringstream aliases{std::string(p.aliases)};
    for (std::string a; aliases >> a;) names.push_back(a);
  }
  for (const auto& name : names) {
    std::error_code ec_sim, ec_real;
    EXPECT_EQ(sim.getprotobyname(name, ec_sim), real.getprotobyname(name, ec_real)) << name;
    EXPECT_EQ(ec_sim, ec_real) << name;
  }
}

TEST(SimDnsServices, ConfiguredEntriesComeAfterTheBuiltinOnes) {
  socksim::DnsConfig config;
  config.services = {{"myapp", 9000, "tcp", {"my-app"}}, {"http", 8080, "tcp", {}}};
  config.protocols = {{"myproto", 253, {"MYPROTO"}}};
  socksim::sim::Resolver r(config);
  std::error_code ec;
  EXPECT_EQ(r.getservbyname("my-app", "tcp", ec), 9000);
  EXPECT_FALSE(ec);
  EXPECT_EQ(r.getservbyport(9000, "", ec), "myapp");
  EXPECT_EQ(r.getservbyname("http", "tcp", ec), 80);  // the built-in line comes first
  EXPECT_EQ(r.getprotobyname("MYPROTO", ec), 253);
  const auto ai = r.getaddrinfo("localhost", "myapp", AF_INET, 0, 0, 0, ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(ai.size(), 1u);
  EXPECT_EQ(ai[0].sockaddr, Address::inet("127.0.0.1", 9000));
  EXPECT_EQ(r.getnameinfo(Address::inet("127.0.0.1", 9000), 0, ec), std::make_pair(std::string("localhost"),
                                                                                    std::string("myapp")));
}

// ---- configured records, against glibc reading the same /etc/hosts -------------------------------

// The records, and the /etc/hosts lines they stand for.
socksim::DnsConfig configured_records() {
  socksim::DnsConfig c;
  c.records = {
      {"localhost", {}, {"::1"}, {"ip6-localhost", "ip6-loopback"}},  // Debian's stock IPv6 line
      {"ip6-allnodes", {}, {"ff02::1"}, {}},
      {"db.example", {"10.0.0.1", "10.0.0.2"}, {"fd00::1"}, {"db", "www.example"}},
      {"other.example", {"10.0.0.9"}, {}, {"other"}},
      {"second.example", {"10.0.0.9"}, {}, {"second"}},
      {"x.example", {"10.0.0.7"}, {}, {"xa"}},
      {"xa", {"10.0.0.8"}, {}, {"y.example"}},
      {"v6only.example", {}, {"fd00::11", "fd00::10"}, {"v6only"}},
      {"mapped.example", {}, {"::ffff:10.1.2.3"}, {}},
      {"multi4.example", {"10.0.0.4", "10.0.0.3", "127.0.0.5"}, {}, {}},
      {"mixed.example", {"10.0.0.20"}, {"fd00::20"}, {"Mixed"}},
      {"loop.example", {"127.0.0.9", "10.0.0.30", "127.0.0.5"}, {}, {}},  // rule 9 within 127/8
  };
  return c;
}

std::string hosts_file(const socksim::DnsConfig& config) {
  std::string out = "127.0.0.1 localhost\n";
  for (const auto& r : config.records) {
    auto line = [&](const std::string& addr) {
      out += addr + " " + r.name;
      for (const auto& a : r.aliases) out += " " + a;
      out += "\n";
    };
    for (const auto& a : r.ipv4) line(a);
    for (const auto& a : r.ipv6) line(a);
  }
  return out;
}

std::vector<Query> record_queries() {
  std::vector<Query> q;
  const char* names[] = {"localhost", "ip6-localhost", "IP6-LOOPBACK", "ip6-allnodes", "db", "DB.example",
                         "www.example", "db.example", "other", "second", "xa", "y.example", "x.example", "v6only",
                         "mapped.example", "multi4.example", "mixed.example", "mixed", "loop.example",
                         "absent.example"};
  for (const char* n : names) {
    for (int family : {AF_UNSPEC, AF_INET, AF_INET6})
      for (int flags : {0, AI_CANONNAME, AI_V4MAPPED | AI_CANONNAME, AI_V4MAPPED | AI_ALL})
        q.push_back(gai_query(n, "80", family, SOCK_STREAM, 0, flags));
    q.push_back(gai_query(n, std::nullopt));
    q.push_back(ghbn_query(n));
    q.push_back(ghba_query(n));
    for (int family : {AF_UNSPEC, AF_INET, AF_INET6}) q.push_back(resolve_query(n, family));
  }
  for (const char* ip : {"127.0.0.1", "::1", "ff02::1", "10.0.0.1", "10.0.0.2", "fd00::1", "10.0.0.9", "10.0.0.8",
                         "fd00::10", "fd00::11", "::ffff:10.1.2.3", "10.1.2.3", "127.0.0.5", "fd00::20", "10.0.0.99"}) {
    q.push_back(ghba_query(ip));
    for (int flags : {0, NI_NAMEREQD, NI_NUMERICHOST, NI_NOFQDN, NI_DGRAM})
      q.push_back(gni_query(Address::inet(ip, 22), flags));
  }
  q.push_back(gni_query(Address::inet6("fd00::1", 443), 0));
  q.push_back(gni_query(Address::inet6("10.0.0.1", 443), 0));
  return q;
}

TEST(SimDnsRecords, ConfiguredRecordsMatchGlibcReadingTheSameHostsFile) {
  const socksim::DnsConfig config = configured_records();
  const std::vector<Query> queries = record_queries();
  SimApi sim(config);
  COMPARE_IN_NAMESPACE(hosts_file(config), queries, sim);
}

TEST(SimDnsRecords, RecordsAddedLaterMatchGlibcToo) {
  // The same table built with add_record instead of the config.
  const socksim::DnsConfig config = configured_records();
  SimApi sim;
  for (const auto& r : config.records) sim.resolver().add_record(r);
  const std::vector<Query> queries = record_queries();
  COMPARE_IN_NAMESPACE(hosts_file(config), queries, sim);
}

// ---- the sim's own behaviour ---------------------------------------------------------------------

TEST(SimDnsRecords, SeveralAddressesComeBackInTheirConfiguredOrder) {
  socksim::sim::Resolver r;
  r.add_record({"svc.example", {"10.0.0.3", "10.0.0.1", "10.0.0.2"}, {"fd00::3", "fd00::1"}, {"svc"}});
  std::error_code ec;
  const auto ai = r.getaddrinfo("svc", "80", AF_UNSPEC, SOCK_STREAM, 0, AI_CANONNAME, ec);
  ASSERT_FALSE(ec);
  std::vector<std::string> hosts;
  for (const auto& a : ai) hosts.push_back(a.sockaddr.host());
  // IPv6 first (precedence 40 against 10 for IPv4), each family in its configured order.
  EXPECT_EQ(hosts, (std::vector<std::string>{"fd00::3", "fd00::1", "10.0.0.3", "10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(ai[0].canonname, "svc.example");
  EXPECT_EQ(ai[1].canonname, "");
  EXPECT_EQ(r.resolve_host("svc", AF_INET, ec), "10.0.0.3");
  EXPECT_EQ(r.resolve_host("svc", AF_INET6, ec), "fd00::3");
  EXPECT_EQ(r.resolve_host("svc", AF_UNSPEC, ec), "fd00::3");
}

TEST(SimDnsRecords, ReverseLookupOfAConfiguredAddressGivesItsRecord) {
  socksim::sim::Resolver r;
  r.add_record({"db.example", {"10.0.0.5"}, {"fd00::5"}, {"db"}});
  std::error_code ec;
  EXPECT_EQ(r.gethostbyaddr("10.0.0.5", ec), (HostEntry{"db.example", {"db"}, {"10.0.0.5"}}));
  EXPECT_EQ(r.gethostbyaddr("fd00::5", ec), (HostEntry{"db.example", {"db"}, {"fd00::5"}}));
  EXPECT_EQ(r.getnameinfo(Address::inet("10.0.0.5", 5432), 0, ec),
            std::make_pair(std::string("db.example"), std::string("postgresql")));
  r.gethostbyaddr("10.0.0.6", ec);
  EXPECT_EQ(ec, socksim::herror_code(HOST_NOT_FOUND));
}

TEST(SimDnsRecords, RemoveRecordForgetsEveryRecordOfThatName) {
  socksim::sim::Resolver r;
  r.add_record({"app.example", {"10.0.0.1"}, {}, {"app"}});
  r.add_record({"APP.example", {"10.0.0.2"}, {}, {}});
  r.add_record({"keep.example", {"10.0.0.3"}, {}, {}});
  std::error_code ec;
  EXPECT_EQ(r.getaddrinfo("app", std::nullopt, AF_INET, SOCK_STREAM, 0, 0, ec).size(), 1u);
  EXPECT_EQ(r.getaddrinfo("app.example", std::nullopt, AF_INET, SOCK_STREAM, 0, 0, ec).size(), 2u);
  r.remove_record("app.example");
  r.getaddrinfo("app.example", std::nullopt, AF_INET, SOCK_STREAM, 0, 0, ec);
  EXPECT_EQ(ec, socksim::gai_code(EAI_NONAME));
  EXPECT_EQ(r.records().size(), 2u);  // localhost and keep.example
  r.remove_record("absent.example");
  EXPECT_EQ(r.records().size(), 2u);
  EXPECT_EQ(r.resolve_host("keep.example", AF_INET, ec), "10.0.0.3");
}

TEST(SimDnsRecords, InvalidAddressesAreRefused) {
  socksim::sim::Resolver r;
  EXPECT_THROW(r.add_record({"bad", {"127.1"}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(r.add_record({"bad", {"::1"}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(r.add_record({"bad", {}, {"fe80::1%lo"}, {}}), std::invalid_argument);
  EXPECT_THROW(r.add_record({"bad", {}, {"10.0.0.1"}, {}}), std::invalid_argument);
  socksim::DnsConfig config;
  config.records = {{"bad", {"1.2.3.4.5"}, {}, {}}};
  EXPECT_THROW(socksim::sim::Resolver{config}, std::invalid_argument);
  EXPECT_EQ(r.records().size(), 1u);
}

TEST(SimDnsDifferences, OnlyTheLoopbackInterfaceHasAName) {
  socksim::sim::Resolver r;
  std::error_code ec;
  r.getaddrinfo("fe80::1%eth0", "80", AF_UNSPEC, SOCK_STREAM, 0, 0, ec);
  EXPECT_EQ(ec, socksim::gai_code(EAI_NONAME));
  const auto ai = r.getaddrinfo("fe80::1%lo", "80", AF_UNSPEC, SOCK_STREAM, 0, 0, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(ai.at(0).sockaddr, Address::inet6("fe80::1", 80, 0, 1));
  EXPECT_EQ(r.getnameinfo(Address::inet6("fe80::1", 80, 0, 4), NI_NUMERICHOST, ec).first, "fe80::1%4");
  EXPECT_EQ(r.getnameinfo(Address::inet6("fe80::1", 80, 0, 1), NI_NUMERICHOST, ec).first, "fe80::1%lo");
}

TEST(SimDnsDifferences, SortPutsUnusableAndMismatchedScopesLast) {
  socksim::sim::Resolver r;
  r.add_record({"far.example", {"169.254.1.1", "255.255.255.255", "10.0.0.1"}, {"fe80::1", "fec0::1", "fd00::1"}, {}});
  std::error_code ec;
  const auto ai = r.getaddrinfo("far.example", std::nullopt, AF_UNSPEC, SOCK_STREAM, 0, 0, ec);
  ASSERT_FALSE(ec);
  std::vector<std::string> hosts;
  for (const auto& a : ai) hosts.push_back(a.sockaddr.host());
  // fd00::1 (precedence 40), 10.0.0.1 (10); then the scope mismatches fec0::1 and 169.254.1.1
  // (no site-local IPv6 source, no link-local IPv4 source) by precedence; unusable last, by
  // precedence too: fe80::1 without a scope id (EINVAL), 255.255.255.255 (EACCES).
  EXPECT_EQ(hosts, (std::vector<std::string>{"fd00::1", "10.0.0.1", "fec0::1", "169.254.1.1", "fe80::1",
                                             "255.255.255.255"}));
}

}  // namespace
