// sim/dns.cpp - the sim's resolver (see dns.hpp).
//
// Follows glibc 2.36 (sysdeps/posix/getaddrinfo.c, inet/getnameinfo.c, nss/nss_files/
// files-hosts.c, nss/digits_dots.c) as Debian 12 configures it - `hosts: files dns` with no DNS
// server answering, `multi on` in host.conf, no /etc/gai.conf rules - called as the real
// backend calls it, after CPython's socketmodule.c (setipaddr, getnameinfo, gethostbyname_ex,
// gethostbyaddr, getservby*, getprotobyname). Each behaviour below was checked against that
// machine; tests/sim_dns compares them with the C library.
//
// Deliberate differences from the real machine, and why:
//   - Interfaces: the sim knows one, "lo" with index 1. A scope "%eth0" is EAI_NONAME, and
//     getnameinfo writes any other scope id as a number.
//   - Source addresses for the RFC 3484 sort: the sim host has no routing table, so the sort
//     takes the source glibc would find by connect() from a model (see `SortEntry`): loopback
//     and unspecified destinations are reached from loopback, every other destination from a
//     global address of its own label that is not on its subnet; link-local IPv6 without a
//     scope and IPv4 broadcast are unusable. So rule 9 (longest matching prefix) only orders
//     loopback destinations, and several remote addresses keep their table order where a real
//     host would put those on its own subnet first.
//   - NI_NOFQDN: the sim has no local domain (as this machine, whose hostname has no dot), so it
//     never shortens a name.
//   - No DNS: a name that is not in the table is EAI_NONAME (glibc's answer when the DNS has no
//     such name); EAI_AGAIN/EAI_NODATA/EAI_FAIL do not arise.
#include "dns.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "socksim/constants.hpp"
#include "socksim/convert.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {
namespace {

using Bytes = std::array<unsigned char, 16>;

// ---- text helpers -------------------------------------------------------------------------------

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// strcasecmp in the C locale: how nss_files compares host names.
bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// ---- numeric addresses --------------------------------------------------------------------------

// glibc's __inet_aton_exact: inet_aton's forms (a, a.b, a.b.c, a.b.c.d; decimal, 0x hex, 0 octal)
// with nothing after the address. inet_aton itself stops at whitespace, so a string without any
// whitespace that it accepts is accepted whole.
bool parse_v4_aton_exact(std::string_view s, Bytes& out) {
  if (s.empty() || std::any_of(s.begin(), s.end(), [](char c) { return is_space(c) || c == '\0'; })) return false;
  std::error_code ec;
  const std::string packed = socksim::inet_aton(s, ec);
  if (ec || packed.size() != 4) return false;
  out = {};
  std::copy(packed.begin(), packed.end(), out.begin());
  return true;
}

// inet_pton(AF_INET): exactly a.b.c.d, decimal, no leading zeros.
bool parse_v4_strict(std::string_view s, Bytes& out) {
  std::error_code ec;
  const std::string packed = socksim::inet_pton(AF_INET, s, ec);
  if (ec || packed.size() != 4) return false;
  out = {};
  std::copy(packed.begin(), packed.end(), out.begin());
  return true;
}

// inet_pton(AF_INET6).
bool parse_v6(std::string_view s, Bytes& out) {
  std::error_code ec;
  const std::string packed = socksim::inet_pton(AF_INET6, s, ec);
  if (ec || packed.size() != 16) return false;
  std::copy(packed.begin(), packed.end(), out.begin());
  return true;
}

std::string format_ip(int family, const Bytes& addr) {
  const std::size_t n = family == AF_INET ? 4 : 16;
  std::error_code ec;
  std::string text =
      socksim::inet_ntop(family, std::string_view(reinterpret_cast<const char*>(addr.data()), n), ec);
  if (ec) throw std::logic_error("sim dns: inet_ntop failed on a parsed address");  // a bug
  return text;
}

Bytes v4_bytes(unsigned char a, unsigned char b, unsigned char c, unsigned char d) { return Bytes{a, b, c, d}; }

bool is_v4_mapped(const Bytes& a) noexcept {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}
bool is_v6_loopback(const Bytes& a) noexcept {
  for (int i = 0; i < 15; ++i)
    if (a[i] != 0) return false;
  return a[15] == 1;
}
bool is_v6_unspecified(const Bytes& a) noexcept {
  return std::all_of(a.begin(), a.end(), [](unsigned char b) { return b == 0; });
}
bool is_v6_linklocal(const Bytes& a) noexcept { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }
bool is_v6_sitelocal(const Bytes& a) noexcept { return a[0] == 0xfe && (a[1] & 0xc0) == 0xc0; }
bool is_v6_multicast(const Bytes& a) noexcept { return a[0] == 0xff; }
bool is_v6_mc_nodelocal(const Bytes& a) noexcept { return is_v6_multicast(a) && (a[1] & 0x0f) == 0x1; }
bool is_v6_mc_linklocal(const Bytes& a) noexcept { return is_v6_multicast(a) && (a[1] & 0x0f) == 0x2; }

Bytes map_v4(const Bytes& v4) {
  Bytes out{};
  out[10] = 0xff;
  out[11] = 0xff;
  std::copy(v4.begin(), v4.begin() + 4, out.begin() + 12);
  return out;
}
Bytes unmap_v4(const Bytes& v6) {
  Bytes out{};
  std::copy(v6.begin() + 12, v6.end(), out.begin());
  return out;
}

// The sim's interfaces: index 1 is the loopback "lo", and there is no other.
constexpr std::uint32_t kLoopbackIndex = 1;
constexpr std::string_view kLoopbackName = "lo";

// glibc's __inet6_scopeid_pton: an interface name (for link-local and node/link-local multicast
// addresses) or a decimal number that starts with a digit and fits 32 bits.
bool parse_scope_id(const Bytes& addr, std::string_view scope, std::uint32_t& out) {
  if ((is_v6_linklocal(addr) || is_v6_mc_nodelocal(addr) || is_v6_mc_linklocal(addr)) && scope == kLoopbackName) {
    out = kLoopbackIndex;
    return true;
  }
  if (scope.empty() || !is_digit(scope[0])) return false;
  std::uint64_t value = 0;
  for (char c : scope) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > std::numeric_limits<std::uint32_t>::max()) return false;
  }
  out = static_cast<std::uint32_t>(value);
  return true;
}

// getnameinfo's numeric host: the address, and "%scope" when it has one; the interface name for
// link-local and link-local multicast addresses when the index names one (glibc uses
// if_indextoname there), the number otherwise.
std::string numeric_host(int family, const Bytes& addr, std::uint32_t scope_id) {
  std::string text = format_ip(family, addr);
  if (family == AF_INET6 && scope_id != 0) {
    text += '%';
    if ((is_v6_linklocal(addr) || is_v6_mc_linklocal(addr)) && scope_id == kLoopbackIndex)
      text += kLoopbackName;
    else
      text += std::to_string(scope_id);
  }
  return text;
}

// ---- getaddrinfo's socket types -----------------------------------------------------------------

// glibc's gaih_inet_typeproto: the (socktype, protocol) pairs getaddrinfo knows, in its order.
// `protoany`: any protocol the caller names goes (raw); `noservice`: no port may be named (raw);
// `by_default`: one of the triples returned when neither socktype nor protocol is given.
struct TypeProto {
  int socktype;
  int protocol;
  std::string_view name;
  bool protoany;
  bool noservice;
  bool by_default;
};
constexpr TypeProto kTypeProtos[] = {
    {SOCK_STREAM, IPPROTO_TCP, "tcp", false, false, true},
    {SOCK_DGRAM, IPPROTO_UDP, "udp", false, false, true},
    {SOCK_DCCP, IPPROTO_DCCP, "dccp", false, false, false},
    {SOCK_DGRAM, IPPROTO_UDPLITE, "udplite", false, false, false},
    {SOCK_STREAM, IPPROTO_SCTP, "sctp", false, false, false},
    {SOCK_SEQPACKET, IPPROTO_SCTP, "sctp", false, false, false},
    {SOCK_RAW, 0, "raw", true, true, true},
};

// The AI_* flags glibc accepts: AI_PASSIVE .. AI_NUMERICSERV, the IDN flags included (the sim's
// names are ASCII, so AI_IDN and AI_CANONIDN change nothing).
constexpr int kValidAiFlags = 0x7ff;
// The NI_* flags glibc accepts: NI_NUMERICHOST .. NI_DGRAM and the three IDN flags.
constexpr int kValidNiFlags = 0xff;

// One (socktype, protocol, port) a result is made for.
struct ServTuple {
  int socktype;
  int protocol;
  int port;
};

// strtoul(s, &end, 10) as getaddrinfo reads a port: leading whitespace, a sign, decimal digits;
// true when it consumed the whole string. The value is then stored in an int (glibc's
// gaih_service.num), so it is the low 32 bits of the unsigned long result.
bool parse_port_number(std::string_view s, int& out) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  const std::size_t digits_start = i;
  std::uint64_t value = 0;
  bool overflow = false;
  while (i < s.size() && is_digit(s[i])) {
    const unsigned d = static_cast<unsigned>(s[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10) overflow = true;
    if (!overflow) value = value * 10 + d;
    ++i;
  }
  if (i == digits_start) return false;  // no digits: strtoul reads nothing, end is the start
  if (i != s.size()) return false;
  if (overflow) value = std::numeric_limits<std::uint64_t>::max();
  else if (negative) value = 0 - value;
  out = static_cast<int>(static_cast<std::uint32_t>(value));
  return true;
}

// ---- the RFC 3484 sort --------------------------------------------------------------------------

// glibc's get_scope: IPv4 169.254/16 and 127/8 are link-local (2), the rest global (14); IPv6
// multicast carries its scope, link-local and ::1 are 2, site-local 5, the rest 14.
int scope_of(int family, const Bytes& a) {
  if (family == AF_INET) {
    if ((a[0] == 169 && a[1] == 254) || a[0] == 127) return 2;
    return 14;
  }
  if (is_v6_multicast(a)) return a[1] & 0x0f;
  if (is_v6_linklocal(a) || is_v6_loopback(a)) return 2;
  if (is_v6_sitelocal(a)) return 5;
  return 14;
}

bool prefix_match(const Bytes& a, std::initializer_list<unsigned char> prefix, unsigned bits) {
  const unsigned char* p = prefix.begin();
  unsigned i = 0;
  for (; bits >= 8; bits -= 8, ++i)
    if (a[i] != p[i]) return false;
  if (bits == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff00u >> bits);
  return (a[i] & mask) == (p[i] & mask);
}

// glibc's default label and precedence tables (RFC 3484 with its site-local/ULA/Teredo labels);
// an IPv4 address is looked up as its v4-mapped form.
int label_of(int family, const Bytes& addr) {
  const Bytes a = family == AF_INET ? map_v4(addr) : addr;
  if (is_v6_loopback(a)) return 0;
  if (prefix_match(a, {0x20, 0x02}, 16)) return 2;
  if (prefix_match(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) return 3;
  if (prefix_match(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96)) return 4;
  if (prefix_match(a, {0xfe, 0xc0}, 10)) return 5;
  if (prefix_match(a, {0xfc}, 7)) return 6;
  if (prefix_match(a, {0x20, 0x01, 0, 0}, 32)) return 7;
  return 1;
}
int precedence_of(int family, const Bytes& addr) {
  const Bytes a = family == AF_INET ? map_v4(addr) : addr;
  if (is_v6_loopback(a)) return 50;
  if (prefix_match(a, {0x20, 0x02}, 16)) return 30;
  if (prefix_match(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) return 20;
  if (prefix_match(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96)) return 10;
  return 40;
}

// One destination of the sort with the source glibc would find for it by connect() and
// getsockname(). The sim host has no routing table, so the source is a model:
//   - 0.0.0.0 and 127/8 are reached from 127.0.0.1 (on lo, 127.0.0.0/8); :: and ::1 from ::1;
//     v4-mapped 0.0.0.0 and 127/8 from ::ffff:127.0.0.1;
//   - IPv4 255.255.255.255 (EACCES without SO_BROADCAST) and link-local or node/link-local
//     multicast IPv6 without a scope id (EINVAL) are unusable; with a scope id they are reached
//     from a link-local address;
//   - anything else from an address of the host's own of global scope and of the destination's
//     label, which shares no prefix with it: the host is not on the destination's subnet.
struct SortEntry {
  int family = 0;
  Bytes dst{};  // AF_INET: the first 4 bytes
  bool usable = true;
  int src_scope = 14;
  int src_label = 1;
  Bytes src{};             // for rule 9
  int src_prefixlen = 32;  // AF_INET: the source's subnet, for rule 9
  std::size_t index = 0;   // position before the sort, for rule 10
};

SortEntry sort_entry(int family, const Bytes& a, std::uint32_t scope_id, std::size_t index) {
  SortEntry e;
  e.family = family;
  e.dst = a;
  e.index = index;
  e.src_label = label_of(family, a);
  e.src = a;
  auto flip_top_bit = [&](std::size_t byte) { e.src[byte] = static_cast<unsigned char>(e.src[byte] ^ 0x80); };
  if (family == AF_INET) {
    const bool any = a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0;
    if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255) e.usable = false;
    if (any || a[0] == 127) {
      e.src = v4_bytes(127, 0, 0, 1);
      e.src_prefixlen = 8;
    } else {
      flip_top_bit(0);
    }
    e.src_scope = scope_of(AF_INET, e.src);
    e.src_label = label_of(AF_INET, e.src);
    return e;
  }
  if (is_v6_loopback(a) || is_v6_unspecified(a)) {
    e.src = Bytes{};
    e.src[15] = 1;
  } else if (is_v4_mapped(a)) {
    const Bytes v4 = unmap_v4(a);
    const bool any = v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && v4[3] == 0;
    if (v4[0] == 255 && v4[1] == 255 && v4[2] == 255 && v4[3] == 255) e.usable = false;
    if (any || v4[0] == 127)
      e.src = map_v4(v4_bytes(127, 0, 0, 1));
    else
      flip_top_bit(12);
  } else if (is_v6_linklocal(a) || is_v6_mc_nodelocal(a) || is_v6_mc_linklocal(a)) {
    if (scope_id == 0) e.usable = false;
    e.src = Bytes{0xfe, 0x80};
    e.src[8] = static_cast<unsigned char>(a[8] ^ 0x80);  // another interface id on that link
    e.src_scope = 2;
    e.src_label = label_of(AF_INET6, e.src);
    return e;
  } else {
    flip_top_bit(0);
    e.src_scope = 14;
    return e;
  }
  e.src_scope = scope_of(AF_INET6, e.src);
  e.src_label = label_of(AF_INET6, e.src);
  return e;
}

// Leading zero bits of a 32-bit word (glibc's rfc3484_sort calls it fls); 32 for 0.
int leading_zeros(std::uint32_t x) {
  int n = 0;
  for (std::uint32_t mask = 0x80000000u; n < 32 && (x & mask) == 0; mask >>= 1) ++n;
  return n;
}

std::uint32_t word(const Bytes& b, std::size_t i) {
  return (std::uint32_t{b[4 * i]} << 24) | (std::uint32_t{b[4 * i + 1]} << 16) | (std::uint32_t{b[4 * i + 2]} << 8) |
         std::uint32_t{b[4 * i + 3]};
}

// glibc's rfc3484_sort: rules 1, 2, 5, 6, 8, 9 and 10 (3, 4 and 7 concern addresses the sim does
// not have: deprecated, home and tunnelled ones). Never 0: rule 10 orders by position.
int rfc3484_compare(const SortEntry& a1, const SortEntry& a2) {
  // Rule 1: avoid unusable destinations.
  if (a1.usable != a2.usable) return a1.usable ? -1 : 1;
  const int a1_scope = scope_of(a1.family, a1.dst);
  const int a2_scope = scope_of(a2.family, a2.dst);
  if (a1.usable) {
    // Rule 2: prefer matching scope.
    const bool m1 = a1_scope == a1.src_scope;
    const bool m2 = a2_scope == a2.src_scope;
    if (m1 != m2) return m1 ? -1 : 1;
    // Rule 5: prefer matching label.
    const bool l1 = label_of(a1.family, a1.dst) == a1.src_label;
    const bool l2 = label_of(a2.family, a2.dst) == a2.src_label;
    if (l1 != l2) return l1 ? -1 : 1;
  }
  // Rule 6: prefer higher precedence.
  const int p1 = precedence_of(a1.family, a1.dst);
  const int p2 = precedence_of(a2.family, a2.dst);
  if (p1 != p2) return p1 > p2 ? -1 : 1;
  // Rule 8: prefer smaller scope.
  if (a1_scope != a2_scope) return a1_scope < a2_scope ? -1 : 1;
  // Rule 9: use the longest matching prefix (IPv4: only within the source's subnet).
  if (a1.usable && a1.family == a2.family) {
    int bit1 = 0;
    int bit2 = 0;
    if (a1.family == AF_INET) {
      auto bits = [](const SortEntry& e) {
        const std::uint32_t dst = word(e.dst, 0);
        const std::uint32_t src = word(e.src, 0);
        const std::uint32_t mask = e.src_prefixlen == 0 ? 0 : 0xffffffffu << (32 - e.src_prefixlen);
        return (src & mask) == (dst & mask) ? leading_zeros(dst ^ src) : 0;
      };
      bit1 = bits(a1);
      bit2 = bits(a2);
    } else {
      std::size_t i = 0;
      while (i < 4 && word(a1.dst, i) == word(a1.src, i) && word(a2.dst, i) == word(a2.src, i)) ++i;
      if (i < 4) {
        bit1 = leading_zeros(word(a1.dst, i) ^ word(a1.src, i));
        bit2 = leading_zeros(word(a2.dst, i) ^ word(a2.src, i));
      }
    }
    if (bit1 != bit2) return bit1 > bit2 ? -1 : 1;
  }
  // Rule 10: leave the order unchanged.
  return a1.index < a2.index ? -1 : 1;
}

// glibc's qsort for these sizes: a top-down merge sort (msort_with_tmp) that takes from the left
// run while cmp(left, right) <= 0. Written out so that the order is glibc's even where rule 9
// makes the comparison intransitive.
template <typename T, typename Cmp>
void glibc_msort(std::vector<T>& v, std::size_t begin, std::size_t n, std::vector<T>& tmp, Cmp cmp) {
  if (n <= 1) return;
  const std::size_t n1 = n / 2;
  const std::size_t n2 = n - n1;
  glibc_msort(v, begin, n1, tmp, cmp);
  glibc_msort(v, begin + n1, n2, tmp, cmp);
  std::size_t i = begin;
  std::size_t j = begin + n1;
  const std::size_t i_end = begin + n1;
  const std::size_t j_end = begin + n;
  tmp.clear();
  while (i < i_end && j < j_end) {
    if (cmp(v[i], v[j]) <= 0)
      tmp.push_back(v[i++]);
    else
      tmp.push_back(v[j++]);
  }
  while (i < i_end) tmp.push_back(v[i++]);
  std::copy(tmp.begin(), tmp.end(), v.begin() + static_cast<std::ptrdiff_t>(begin));
}

// nss_files' name match: the line's name or one of its aliases, ASCII case-insensitively.
bool record_has_name(const DnsRecord& record, std::string_view name) {
  if (iequals(record.name, name)) return true;
  return std::any_of(record.aliases.begin(), record.aliases.end(),
                     [&](const std::string& alias) { return iequals(alias, name); });
}

// The built-in tables as entries, made once for the process and never changed (every resolver
// reads them; building them per network cost more than the rest of a small network's set-up).
const std::vector<ServiceEntry>& builtin_service_entries() {
  static const std::vector<ServiceEntry> entries = [] {
    std::vector<ServiceEntry> out;
    for (const auto& s : builtin_services())
      out.push_back(ServiceEntry{std::string(s.name), s.port, std::string(s.proto), split_words(s.aliases)});
    return out;
  }();
  return entries;
}

const std::vector<ProtocolEntry>& builtin_protocol_entries() {
  static const std::vector<ProtocolEntry> entries = [] {
    std::vector<ProtocolEntry> out;
    for (const auto& p : builtin_protocols())
      out.push_back(ProtocolEntry{std::string(p.name), p.number, split_words(p.aliases)});
    return out;
  }();
  return entries;
}

}  // namespace

// ---- tables -------------------------------------------------------------------------------------

Resolver::Resolver(const DnsConfig& config) : services_(config.services), protocols_(config.protocols) {
  // This machine's /etc/hosts, as far as the sim models it: `127.0.0.1 localhost`.
  records_.push_back(DnsRecord{"localhost", {"127.0.0.1"}, {}, {}});
  rebuild_lines();
  for (const auto& r : config.records) add_record(r);
}

void Resolver::add_record(DnsRecord record) {
  Bytes scratch{};
  for (const auto& a : record.ipv4)
    if (!parse_v4_strict(a, scratch))
      throw std::invalid_argument("DNS record '" + record.name + "': '" + a + "' is not an IPv4 address");
  for (const auto& a : record.ipv6)
    if (!parse_v6(a, scratch))
      throw std::invalid_argument("DNS record '" + record.name + "': '" + a + "' is not an IPv6 address");
  records_.push_back(std::move(record));
  rebuild_lines();
}

void Resolver::remove_record(const std::string& name) {
  std::erase_if(records_, [&](const DnsRecord& r) { return iequals(r.name, name); });
  rebuild_lines();
}

void Resolver::rebuild_lines() {
  lines_.clear();
  for (std::size_t i = 0; i < records_.size(); ++i) {
    for (const auto& a : records_[i].ipv4) {
      HostLine line{AF_INET, {}, i};
      parse_v4_strict(a, line.addr);
      lines_.push_back(line);
    }
    for (const auto& a : records_[i].ipv6) {
      HostLine line{AF_INET6, {}, i};
      parse_v6(a, line.addr);
      lines_.push_back(line);
    }
  }
}

std::vector<Resolver::HostLine> Resolver::lines_as(int af) const {
  std::vector<HostLine> out;
  for (const auto& line : lines_) {
    if (af == AF_UNSPEC || line.family == af) {
      out.push_back(line);
    } else if (af == AF_INET) {
      // nss_files reads an IPv6 line for an IPv4 lookup only when it holds a v4-mapped address
      // (as its IPv4 address) or ::1 (as 127.0.0.1).
      if (is_v4_mapped(line.addr)) out.push_back(HostLine{AF_INET, unmap_v4(line.addr), line.record});
      else if (is_v6_loopback(line.addr)) out.push_back(HostLine{AF_INET, v4_bytes(127, 0, 0, 1), line.record});
    }
  }
  return out;
}

Resolver::NameLookup Resolver::lookup_name(std::string_view name, int af) const {
  NameLookup out;
  for (const auto& line : lines_as(af)) {
    const DnsRecord& record = records_[line.record];
    if (!record_has_name(record, name)) continue;
    if (out.lines.empty()) {
      out.canonical = record.name;
      out.aliases = record.aliases;
    } else {
      // `multi on`: a further line adds its aliases, then its own name when that differs.
      out.aliases.insert(out.aliases.end(), record.aliases.begin(), record.aliases.end());
      if (!iequals(record.name, out.canonical)) out.aliases.push_back(record.name);
    }
    out.lines.push_back(line);
  }
  return out;
}

const DnsRecord* Resolver::lookup_addr(int af, const Bytes& addr) const {
  for (const auto& line : lines_as(af)) {
    const std::size_t n = af == AF_INET ? 4 : 16;
    if (std::equal(addr.begin(), addr.begin() + static_cast<std::ptrdiff_t>(n), line.addr.begin()))
      return &records_[line.record];
  }
  return nullptr;
}

const ServiceEntry* Resolver::find_service(std::string_view name, std::string_view proto) const {
  for (const auto* table : {&builtin_service_entries(), &services_}) {
    for (const auto& s : *table) {
      if (!proto.empty() && s.proto != proto) continue;
      if (s.name == name || std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end()) return &s;
    }
  }
  return nullptr;
}

const ServiceEntry* Resolver::find_service(int port, std::string_view proto) const {
  for (const auto* table : {&builtin_service_entries(), &services_})
    for (const auto& s : *table)
      if (s.port == port && (proto.empty() || s.proto == proto)) return &s;
  return nullptr;
}

// ---- getaddrinfo --------------------------------------------------------------------------------

// glibc's getaddrinfo and gaih_inet, in their order of checks: "*" means none; no host and no
// port -> EAI_NONAME; unknown flags, or AI_CANONNAME without a host -> EAI_BADFLAGS; a family
// other than AF_UNSPEC/AF_INET/AF_INET6 -> EAI_FAMILY; a port that is not a number with
// AI_NUMERICSERV -> EAI_NONAME; then the socket type and protocol (EAI_SOCKTYPE/EAI_SERVICE), the
// service (EAI_SERVICE), and last the host (EAI_ADDRFAMILY for a numeric host of the other family,
// EAI_NONAME for a name nobody knows). AI_ADDRCONFIG changes nothing: the sim host counts as
// having IPv4 and IPv6 addresses, as this machine does.
std::vector<AddrInfo> Resolver::getaddrinfo(const OptString& host, const OptString& port, int family,
                                            int socktype, int proto, int flags, std::error_code& ec) const {
  ec.clear();
  auto fail = [&](int eai) {
    ec = gai_code(eai);
    return std::vector<AddrInfo>{};
  };
  const std::optional<std::string_view> name =
      host && *host != "*" ? std::optional<std::string_view>(*host) : std::nullopt;
  const std::optional<std::string_view> service =
      port && *port != "*" ? std::optional<std::string_view>(*port) : std::nullopt;
  if (!name && !service) return fail(EAI_NONAME);
  if ((flags & ~kValidAiFlags) != 0) return fail(EAI_BADFLAGS);
  if ((flags & AI_CANONNAME) != 0 && !name) return fail(EAI_BADFLAGS);
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return fail(EAI_FAMILY);

  // The service: a number (glibc keeps strtoul's result in an int; a negative one is looked up as
  // a name) or a name. An empty string is no service.
  const bool has_service = service && !service->empty();
  int service_num = -1;
  if (has_service && !parse_port_number(*service, service_num)) {
    if ((flags & AI_NUMERICSERV) != 0) return fail(EAI_NONAME);
    service_num = -1;
  }

  // The socket type and protocol.
  const TypeProto* tp = nullptr;
  if (proto != 0 || socktype != 0) {
    for (const auto& candidate : kTypeProtos) {
      if (socktype != 0 && socktype != candidate.socktype) continue;
      if (proto != 0 && !candidate.protoany && proto != candidate.protocol) continue;
      tp = &candidate;
      break;
    }
    if (tp == nullptr) return fail(socktype != 0 ? EAI_SOCKTYPE : EAI_SERVICE);
  }

  // The (socktype, protocol, port) tuples each address is returned with.
  std::vector<ServTuple> tuples;
  if (has_service) {
    if (tp != nullptr) {
      if (tp->noservice) return fail(EAI_SERVICE);
      int port_value = service_num;
      if (service_num < 0) {
        const ServiceEntry* s = find_service(*service, tp->name);
        if (s == nullptr) return fail(EAI_SERVICE);
        port_value = s->port;
      }
      tuples.push_back({tp->socktype, tp->protoany ? proto : tp->protocol, port_value & 0xffff});
    } else if (service_num < 0) {
      for (const auto& candidate : kTypeProtos) {
        if (candidate.noservice) continue;
        if (const ServiceEntry* s = find_service(*service, candidate.name))
          tuples.push_back({candidate.socktype, candidate.protocol, s->port & 0xffff});
      }
      if (tuples.empty()) return fail(EAI_SERVICE);
    } else {
      for (const auto& candidate : kTypeProtos)
        if (candidate.by_default) tuples.push_back({candidate.socktype, candidate.protocol, service_num & 0xffff});
    }
  } else if (tp != nullptr) {
    tuples.push_back({tp->socktype, tp->protoany ? proto : tp->protocol, 0});
  } else {
    for (const auto& candidate : kTypeProtos)
      if (candidate.by_default) tuples.push_back({candidate.socktype, candidate.protocol, 0});
  }

  // The addresses.
  std::vector<Ip> addresses;
  std::string canon;
  if (name) {
    Ip ip;
    Bytes bytes{};
    const std::size_t percent = name->find('%');
    if (parse_v4_aton_exact(*name, bytes)) {
      if (family == AF_UNSPEC || family == AF_INET) {
        ip = Ip{AF_INET, bytes, 0};
      } else if ((flags & AI_V4MAPPED) != 0) {
        ip = Ip{AF_INET6, map_v4(bytes), 0};
      } else {
        return fail(EAI_ADDRFAMILY);
      }
      addresses.push_back(ip);
      canon = std::string(*name);
    } else if (parse_v6(name->substr(0, percent), bytes)) {
      if (family == AF_UNSPEC || family == AF_INET6) {
        ip = Ip{AF_INET6, bytes, 0};
      } else if (is_v4_mapped(bytes)) {
        ip = Ip{AF_INET, unmap_v4(bytes), 0};
      } else {
        return fail(EAI_ADDRFAMILY);
      }
      if (percent != std::string_view::npos) {
        std::uint32_t scope_id = 0;
        if (!parse_scope_id(bytes, name->substr(percent + 1), scope_id)) return fail(EAI_NONAME);
        if (ip.family == AF_INET6) ip.scope_id = scope_id;
      }
      addresses.push_back(ip);
      canon = std::string(*name);
    } else if ((flags & AI_NUMERICHOST) != 0) {
      return fail(EAI_NONAME);
    } else if (family == AF_INET6) {
      // IPv6 lines; with AI_V4MAPPED also the IPv4 ones, mapped, when there are no IPv6 lines
      // (or always, with AI_ALL). With AI_V4MAPPED alone, v4-mapped addresses are dropped as
      // soon as there is a real IPv6 address.
      const NameLookup v6 = lookup_name(*name, AF_INET6);
      const bool got_ipv6 = !v6.lines.empty();
      for (const auto& line : v6.lines) addresses.push_back(Ip{AF_INET6, line.addr, 0});
      canon = v6.canonical;
      if ((flags & AI_V4MAPPED) != 0 && ((flags & AI_ALL) != 0 || !got_ipv6)) {
        const NameLookup v4 = lookup_name(*name, AF_INET);
        for (const auto& line : v4.lines) addresses.push_back(Ip{AF_INET6, map_v4(line.addr), 0});
        if (canon.empty()) canon = v4.canonical;
      }
      if (got_ipv6 && (flags & (AI_V4MAPPED | AI_ALL)) == AI_V4MAPPED)
        std::erase_if(addresses, [](const Ip& a) { return is_v4_mapped(a.addr); });
      if (addresses.empty()) return fail(EAI_NONAME);
    } else {
      const NameLookup found = lookup_name(*name, family);
      if (found.lines.empty()) return fail(EAI_NONAME);
      for (const auto& line : found.lines) addresses.push_back(Ip{line.family, line.addr, 0});
      canon = found.canonical;
    }
  } else {
    // No host: the wildcard with AI_PASSIVE, loopback without; IPv6 first (the sort decides).
    const bool passive = (flags & AI_PASSIVE) != 0;
    if (family == AF_UNSPEC || family == AF_INET6) {
      Ip ip{AF_INET6, {}, 0};
      if (!passive) ip.addr[15] = 1;
      addresses.push_back(ip);
    }
    if (family == AF_UNSPEC || family == AF_INET)
      addresses.push_back(Ip{AF_INET, passive ? v4_bytes(0, 0, 0, 0) : v4_bytes(127, 0, 0, 1), 0});
  }

  std::vector<AddrInfo> out;
  std::vector<SortEntry> entries;
  for (const auto& ip : addresses) {
    const std::string text = format_ip(ip.family, ip.addr);
    for (const auto& t : tuples) {
      AddrInfo ai;
      ai.family = ip.family;
      ai.socktype = t.socktype;
      ai.proto = t.protocol;
      ai.sockaddr = ip.family == AF_INET ? Address::inet(text, t.port) : Address::inet6(text, t.port, 0, ip.scope_id);
      entries.push_back(sort_entry(ip.family, ip.addr, ip.scope_id, out.size()));
      out.push_back(std::move(ai));
    }
  }
  // RFC 3484 order: glibc sorts the entries (address and socket type) when there are several.
  if (out.size() > 1) {
    std::vector<SortEntry> tmp;
    tmp.reserve(entries.size());
    glibc_msort(entries, 0, entries.size(), tmp, rfc3484_compare);
    std::vector<AddrInfo> sorted;
    sorted.reserve(out.size());
    for (const auto& e : entries) sorted.push_back(std::move(out[e.index]));
    out = std::move(sorted);
  }
  if ((flags & AI_CANONNAME) != 0 && !out.empty()) out.front().canonname = canon;
  return out;
}

// ---- getnameinfo --------------------------------------------------------------------------------

// socket.getnameinfo as the real backend runs it: the sockaddr's host and port go through
// getaddrinfo(host, "%d" % port, AF_UNSPEC, SOCK_DGRAM, AI_NUMERICHOST) - so the host must be
// numeric (EAI_NONAME for a name), as CPython 3 has it (2.7 resolved names here) - more than one
// result is socket.error("sockaddr resolved to multiple addresses") and an IPv4 result for a
// 4-tuple is socket.error("IPv4 sockaddr must be 2 tuple"), both EINVAL here (a socket.error
// without errno); an IPv6 result takes the sockaddr's flowinfo and scope id. Then glibc's
// getnameinfo: unknown flags -> EAI_BADFLAGS; the host's name from the table (the first line
// holding the address), or the numeric host - EAI_NONAME with NI_NAMEREQD when there is no name
// (or with NI_NUMERICHOST); the service's name from the table for "tcp" (NI_DGRAM: "udp"), or the
// number.
std::pair<std::string, std::string> Resolver::getnameinfo(const Address& sockaddr, int flags,
                                                          std::error_code& ec) const {
  ec.clear();
  const std::vector<AddrInfo> found =
      getaddrinfo(sockaddr.host(), std::to_string(sockaddr.port()), AF_UNSPEC, SOCK_DGRAM, 0, AI_NUMERICHOST, ec);
  if (ec) return {};
  if (found.size() != 1) {
    ec = errno_code(EINVAL);  // "sockaddr resolved to multiple addresses"
    return {};
  }
  const AddrInfo& ai = found.front();
  if (ai.family == AF_INET && sockaddr.family() == AF_INET6) {
    ec = errno_code(EINVAL);  // "IPv4 sockaddr must be 2 tuple"
    return {};
  }
  Ip ip{ai.family, {}, 0};
  if (ai.family == AF_INET) {
    parse_v4_strict(ai.sockaddr.host(), ip.addr);
  } else {
    parse_v6(ai.sockaddr.host(), ip.addr);
    ip.scope_id = sockaddr.family() == AF_INET6 ? sockaddr.scope_id() : 0;
  }
  const int port = ai.sockaddr.port();

  if ((flags & ~kValidNiFlags) != 0) {
    ec = gai_code(EAI_BADFLAGS);
    return {};
  }
  std::string host;
  if ((flags & NI_NUMERICHOST) == 0) {
    if (const DnsRecord* record = lookup_addr(ip.family, ip.addr)) host = record->name;
  }
  if (host.empty()) {
    if ((flags & NI_NAMEREQD) != 0) {
      ec = gai_code(EAI_NONAME);
      return {};
    }
    host = numeric_host(ip.family, ip.addr, ip.scope_id);
  }
  std::string serv;
  if ((flags & NI_NUMERICSERV) == 0) {
    if (const ServiceEntry* s = find_service(port, (flags & NI_DGRAM) != 0 ? "udp" : "tcp")) serv = s->name;
  }
  if (serv.empty()) serv = std::to_string(port);
  return {host, serv};
}

// ---- gethostby* ---------------------------------------------------------------------------------

// CPython's setipaddr, as the project's real backend runs it: '' is getaddrinfo(None, "0",
// family, SOCK_DGRAM, AI_PASSIVE) and must give one address; '<broadcast>' and
// "255.255.255.255" are INADDR_BROADCAST for AF_INET/AF_UNSPEC (EAFNOSUPPORT otherwise); a
// strict numeric address of the family is taken as it is; anything else is the first result of
// getaddrinfo(host, None, family).
bool Resolver::setipaddr(const std::string& host, int family, Ip& out, std::error_code& ec) const {
  ec.clear();
  auto first_of = [&](const std::vector<AddrInfo>& results) {
    const AddrInfo& ai = results.front();
    out = Ip{ai.family, {}, 0};
    if (ai.family == AF_INET) {
      parse_v4_strict(ai.sockaddr.host(), out.addr);
    } else {
      parse_v6(ai.sockaddr.host(), out.addr);
      out.scope_id = ai.sockaddr.scope_id();
    }
  };
  if (host.empty()) {
    const auto results = getaddrinfo(std::nullopt, std::string("0"), family, SOCK_DGRAM, 0, AI_PASSIVE, ec);
    if (ec) return false;
    if (results.size() != 1) {
      ec = errno_code(EINVAL);  // "wildcard resolved to multiple address"
      return false;
    }
    first_of(results);
    return true;
  }
  if (host == "<broadcast>" || host == "255.255.255.255") {
    if (family != AF_INET && family != AF_UNSPEC) {
      ec = errno_code(EAFNOSUPPORT);  // "address family mismatched"
      return false;
    }
    out = Ip{AF_INET, v4_bytes(255, 255, 255, 255), 0};
    return true;
  }
  Bytes bytes{};
  if ((family == AF_INET || family == AF_UNSPEC) && parse_v4_strict(host, bytes)) {
    out = Ip{AF_INET, bytes, 0};
    return true;
  }
  if ((family == AF_INET6 || family == AF_UNSPEC) && parse_v6(host, bytes)) {
    out = Ip{AF_INET6, bytes, 0};
    return true;
  }
  const auto results = getaddrinfo(host, std::nullopt, family, 0, 0, 0, ec);
  if (ec) return false;
  first_of(results);
  return true;
}

std::string Resolver::resolve_host(const std::string& host, int family, std::error_code& ec) const {
  Ip ip;
  if (!setipaddr(host, family, ip, ec)) return {};
  return format_ip(ip.family, ip.addr);
}

namespace {

bool is_xdigit(char c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

}  // namespace

// CPython's gethostbyname_ex: setipaddr(name, AF_INET) first - so an unknown name is the
// gaierror of getaddrinfo - then glibc's gethostbyname_r(name):
//   - a name of digits and dots (not ending in a dot) is an inet_aton address: (name, [],
//     [address]), HOST_NOT_FOUND when inet_aton refuses it; an IPv6 literal is HOST_NOT_FOUND;
//   - otherwise the table's IPv4 view of the name, lines merged (`multi on`);
//   - a name nobody has: HOST_NOT_FOUND ('' : NO_RECOVERY).
HostEntry Resolver::gethostbyname_ex(const std::string& hostname, std::error_code& ec) const {
  ec.clear();
  Ip ip;
  if (!setipaddr(hostname, AF_INET, ip, ec)) return {};
  const std::string_view name = hostname;
  if (!name.empty() && (is_digit(name[0]) || is_xdigit(name[0]) || name[0] == ':')) {
    if (std::all_of(name.begin(), name.end(), [](char c) { return is_digit(c) || c == '.'; }) && name.back() != '.') {
      Bytes bytes{};
      if (!parse_v4_aton_exact(name, bytes)) {
        ec = herror_code(HOST_NOT_FOUND);
        return {};
      }
      return HostEntry{hostname, {}, {format_ip(AF_INET, bytes)}};
    }
    if ((is_xdigit(name[0]) && name.find(':') != std::string_view::npos) || name[0] == ':') {
      ec = herror_code(HOST_NOT_FOUND);
      return {};
    }
  }
  const NameLookup found = lookup_name(name, AF_INET);
  if (found.lines.empty()) {
    // glibc's gethostbyname_r reports NO_RECOVERY for '' (its DNS backend refuses the empty
    // name) and HOST_NOT_FOUND for any other name nobody has, '<broadcast>' included. (CPython
    // reads the global h_errno instead, which glibc leaves at NO_RECOVERY for '<broadcast>'; the
    // socksim backends report the h_errno gethostbyname_r returns.)
    ec = herror_code(name.empty() ? NO_RECOVERY : HOST_NOT_FOUND);
    return {};
  }
  HostEntry entry{found.canonical, found.aliases, {}};
  for (const auto& line : found.lines) entry.ipaddrlist.push_back(format_ip(AF_INET, line.addr));
  return entry;
}

// CPython's gethostbyaddr: setipaddr(ip_address, AF_UNSPEC) - a name is resolved first, '' is
// EINVAL (two wildcards) - then glibc's gethostbyaddr_r for that address and family: the first
// table line holding it (an IPv4 lookup reads ::1 lines as 127.0.0.1), as (name, aliases,
// [address]); HOST_NOT_FOUND otherwise (always for ::).
HostEntry Resolver::gethostbyaddr(const std::string& ip_address, std::error_code& ec) const {
  ec.clear();
  Ip ip;
  if (!setipaddr(ip_address, AF_UNSPEC, ip, ec)) return {};
  const DnsRecord* record = nullptr;
  if (!(ip.family == AF_INET6 && is_v6_unspecified(ip.addr))) record = lookup_addr(ip.family, ip.addr);
  if (record == nullptr) {
    ec = herror_code(HOST_NOT_FOUND);
    return {};
  }
  return HostEntry{record->name, record->aliases, {format_ip(ip.family, ip.addr)}};
}

// ---- services and protocols ---------------------------------------------------------------------

// CPython's getservbyname over glibc's: the first entry whose name or alias is `name` (case
// matters) for `proto` ('' = any protocol). Not found: socket.error("service/proto not found"),
// which carries no errno; ENOENT here.
int Resolver::getservbyname(const std::string& name, const std::string& proto, std::error_code& ec) const {
  ec.clear();
  const ServiceEntry* s = find_service(std::string_view(name), std::string_view(proto));
  if (s == nullptr) {
    ec = errno_code(ENOENT);
    return 0;
  }
  return s->port;
}

// CPython's getservbyport: a port outside 0..65535 is OverflowError; then the first entry with
// that port for `proto` ('' = any). Not found: socket.error("port/proto not found") -> ENOENT.
std::string Resolver::getservbyport(int port, const std::string& proto, std::error_code& ec) const {
  ec.clear();
  if (port < 0 || port > 0xffff) {
    ec = make_error_code(errc::overflow_error);
    return {};
  }
  const ServiceEntry* s = find_service(port, proto);
  if (s == nullptr) {
    ec = errno_code(ENOENT);
    return {};
  }
  return s->name;
}

// CPython's getprotobyname: the first entry whose name or alias is `name` (case matters, but the
// table's aliases hold the upper-case spellings: "TCP"). Not found: socket.error("protocol not
// found") -> ENOENT.
int Resolver::getprotobyname(const std::string& name, std::error_code& ec) const {
  ec.clear();
  for (const auto* table : {&builtin_protocol_entries(), &protocols_}) {
    for (const auto& p : *table)
      if (p.name == name || std::find(p.aliases.begin(), p.aliases.end(), name) != p.aliases.end()) return p.number;
  }
  ec = errno_code(ENOENT);
  return 0;
}

}  // namespace socksim::sim
