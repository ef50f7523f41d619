// sim/dns.hpp - the sim's resolver: getaddrinfo, getnameinfo, gethostby*, getservby*,
// getprotobyname over tables, with glibc's results and error codes and no call to the system.
//
// The reference is glibc 2.36 on Debian 12 with `hosts: files dns` and no DNS server answering
// (every name the machine knows is in /etc/hosts), called the way the real backend calls it
// (after CPython's socket module). The records table behaves as /etc/hosts (see
// socksim/sim_dns.hpp); the services and protocols tables as /etc/services and /etc/protocols.
// Each function's comment in dns.cpp names the glibc or CPython routine it follows, and the file
// comment lists where the sim departs from the real machine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "socksim/address.hpp"
#include "socksim/network.hpp"
#include "socksim/sim_dns.hpp"

namespace socksim::sim {

class Resolver {
 public:
  // The defaults (`127.0.0.1 localhost`, the built-in services and protocols), then `config`'s
  // entries after them. A record address that is not a numeric address of its family is a
  // configuration error: std::invalid_argument.
  explicit Resolver(const DnsConfig& config = {});

  // Appends a record (like a new /etc/hosts line group); e.g. a sim host's own name and
  // addresses. Invalid addresses: std::invalid_argument.
  void add_record(DnsRecord record);
  // Removes every record whose canonical name is `name` (compared as glibc compares host names:
  // ASCII case-insensitively). Removing a name that is not there does nothing.
  void remove_record(const std::string& name);
  // The records in table order (defaults first).
  const std::vector<DnsRecord>& records() const noexcept { return records_; }

  // The Network hooks, with glibc's meaning and error codes on Linux:
  std::vector<AddrInfo> getaddrinfo(const OptString& host, const OptString& port, int family, int socktype,
                                    int proto, int flags, std::error_code& ec) const;
  std::pair<std::string, std::string> getnameinfo(const Address& sockaddr, int flags, std::error_code& ec) const;
  HostEntry gethostbyname_ex(const std::string& hostname, std::error_code& ec) const;
  HostEntry gethostbyaddr(const std::string& ip_address, std::error_code& ec) const;
  int getservbyname(const std::string& name, const std::string& proto, std::error_code& ec) const;
  std::string getservbyport(int port, const std::string& proto, std::error_code& ec) const;
  int getprotobyname(const std::string& name, std::error_code& ec) const;

  // For connect/bind/sendto with a host name (CPython's setipaddr): the first address of
  // `family` (AF_INET, AF_INET6, or AF_UNSPEC for either) in its numeric text form. '' is the
  // wildcard ("0.0.0.0" / "::"; EINVAL for AF_UNSPEC, where it is two addresses), '<broadcast>'
  // and "255.255.255.255" are "255.255.255.255" (EAFNOSUPPORT outside AF_INET/AF_UNSPEC), a
  // numeric address of the family is returned as it is (in canonical form), anything else is
  // looked up as getaddrinfo(host, None, family) and the first result taken; its failure is the
  // gai_code(EAI_...) getaddrinfo gives.
  std::string resolve_host(const std::string& host, int family, std::error_code& ec) const;

 private:
  using Bytes = std::array<unsigned char, 16>;
  // A numeric address: AF_INET keeps its 4 bytes first in `addr`.
  struct Ip {
    int family = 0;
    Bytes addr{};
    std::uint32_t scope_id = 0;
  };
  // One /etc/hosts line: an address and the record (index into records_) it came from.
  struct HostLine {
    int family = 0;
    Bytes addr{};
    std::size_t record = 0;
  };
  // What nss_files gives for a name: every matching line, merged as its `multi on` mode does.
  struct NameLookup {
    std::string canonical;             // the first matching line's name; empty: no match
    std::vector<std::string> aliases;  // each line's aliases, then its name if it differs
    std::vector<HostLine> lines;       // in table order
  };

  void rebuild_lines();
  // The lines as a lookup of `af` reads them (nss_files' parse_line): AF_INET reads IPv4 lines,
  // and IPv6 lines holding ::1 or a v4-mapped address as IPv4 (::1 as 127.0.0.1); AF_INET6
  // reads IPv6 lines only; AF_UNSPEC every line as it is.
  std::vector<HostLine> lines_as(int af) const;
  NameLookup lookup_name(std::string_view name, int af) const;
  // The record of the first line that holds `addr` as a lookup of `af` reads it, or null.
  const DnsRecord* lookup_addr(int af, const Bytes& addr) const;
  const ServiceEntry* find_service(std::string_view name, std::string_view proto) const;
  const ServiceEntry* find_service(int port, std::string_view proto) const;
  // CPython's setipaddr (see resolve_host).
  bool setipaddr(const std::string& host, int family, Ip& out, std::error_code& ec) const;

  std::vector<DnsRecord> records_;
  std::vector<HostLine> lines_;
  // The configuration's own entries; lookups read the built-in tables first, then these (as if
  // they were lines added at the end of /etc/services and /etc/protocols).
  std::vector<ServiceEntry> services_;
  std::vector<ProtocolEntry> protocols_;
};

// The built-in tables of sim/services.cpp: Debian netbase 6.4's /etc/services and
// /etc/protocols, line for line, in file order.
struct BuiltinService {
  std::string_view name;
  int port;
  std::string_view proto;
  std::string_view aliases;  // space-separated
};
struct BuiltinProtocol {
  std::string_view name;
  int number;
  std::string_view aliases;  // space-separated
};
std::span<const BuiltinService> builtin_services() noexcept;
std::span<const BuiltinProtocol> builtin_protocols() noexcept;

}  // namespace socksim::sim
