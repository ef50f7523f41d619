// core/convert.cpp - inet_aton/inet_ntoa/inet_pton/inet_ntop and the byte-order functions.
//
// The parsers and formatters are written here (no libc inet_* call) and follow glibc's exactly
// (resolv/inet_addr.c, resolv/inet_pton.c, resolv/inet_ntop.c); tests/core compares them with
// glibc on many inputs. glibc's rules, in short:
//   inet_aton  inet(3) forms a, a.b, a.b.c, a.b.c.d; a part is strtoul(base 0): decimal, 0x hex
//              or 0 octal; every part but the last <= 255, the last fits the bytes left. After
//              the address, ASCII whitespace ends the string: "1.2.3.4 junk" is 1.2.3.4.
//   inet_pton  AF_INET: exactly four decimal parts <= 255, no leading zeros ("01" is refused).
//              AF_INET6: RFC 4291 text, at most one "::" that must stand for at least one group,
//              groups of 1-4 hex digits, an optional dotted quad in the last 32 bits.
//   inet_ntop  AF_INET6: lowercase hex, the first longest run of >= 2 zero groups becomes "::",
//              "::a.b.c.d" when only the last 32 bits are non-zero in a compatible address
//              (the first six groups zero, the seventh not) and "::ffff:a.b.c.d" for mapped ones.
// Deliberate difference: a string with an embedded NUL is refused with errc::type_error, as
// CPython 2.7 refuses it ("must be string without null bytes"), where the C functions would
// read only up to the NUL.
#include "socksim/convert.hpp"

#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>

#include "socksim/constants.hpp"
#include "socksim/errors.hpp"

namespace socksim {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// isspace() in the C locale; glibc's inet_aton also requires isascii(), which these are.
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_nul(std::string_view s) noexcept { return s.find('\0') != std::string_view::npos; }

using V4 = std::array<unsigned char, 4>;
using V6 = std::array<unsigned char, 16>;

// One inet_aton part, as strtoul(s, &end, 0) reads it when s starts with a digit. `pos` moves
// past the digits read. False when the value exceeds 32 bits (glibc refuses those).
bool aton_part(std::string_view s, std::size_t& pos, std::uint32_t& out) noexcept {
  unsigned base = 10;
  if (s[pos] == '0') {
    // "0x" is a hex prefix only when a hex digit follows; otherwise strtoul reads the "0" alone.
    if (pos + 2 < s.size() && (s[pos + 1] == 'x' || s[pos + 1] == 'X') && hex_value(s[pos + 2]) >= 0) {
      base = 16;
      pos += 2;
    } else {
      base = 8;
    }
  }
  std::uint64_t value = 0;
  bool overflow = false;
  while (pos < s.size()) {
    const int d = hex_value(s[pos]);
    if (d < 0 || static_cast<unsigned>(d) >= base) break;
    value = value * base + static_cast<unsigned>(d);
    if (value > 0xffffffffu) {
      overflow = true;
      value = 0xffffffffu;  // keep reading the digits, as strtoul does
    }
    ++pos;
  }
  out = static_cast<std::uint32_t>(value);
  return !overflow;
}

// glibc's inet_aton. `s` holds no NUL.
bool parse_aton(std::string_view s, V4& out) noexcept {
  static constexpr std::uint32_t kMaxLast[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
  V4 bytes{};
  std::size_t parts = 0;  // parts stored in `bytes` so far (those followed by a '.')
  std::size_t pos = 0;
  std::uint32_t value = 0;
  for (;;) {
    if (pos >= s.size() || !is_digit(s[pos])) return false;
    if (!aton_part(s, pos, value)) return false;
    if (pos < s.size() && s[pos] == '.') {
      if (parts > 2 || value > 0xff) return false;
      bytes[parts++] = static_cast<unsigned char>(value);
      ++pos;
    } else {
      break;
    }
  }
  if (pos < s.size() && !is_space(s[pos])) return false;  // anything after a space is ignored
  if (value > kMaxLast[parts]) return false;
  for (std::size_t i = 0; i < 4; ++i) bytes[i] |= static_cast<unsigned char>(value >> (8 * (3 - i)));
  out = bytes;
  return true;
}

// glibc's inet_pton4 over the whole of `s`.
bool parse_pton4(std::string_view s, unsigned char* out) noexcept {
  V4 bytes{};
  std::size_t octets = 0;
  bool saw_digit = false;
  unsigned current = 0;
  for (char c : s) {
    if (is_digit(c)) {
      if (saw_digit && current == 0) return false;  // a leading zero
      current = current * 10 + static_cast<unsigned>(c - '0');
      if (current > 255) return false;
      if (!saw_digit) {
        if (++octets > 4) return false;
        saw_digit = true;
      }
      bytes[octets - 1] = static_cast<unsigned char>(current);
    } else if (c == '.' && saw_digit) {
      if (octets == 4) return false;
      saw_digit = false;
      current = 0;
    } else {
      return false;
    }
  }
  if (octets < 4) return false;
  for (std::size_t i = 0; i < 4; ++i) out[i] = bytes[i];
  return true;
}

// glibc's inet_pton6.
bool parse_pton6(std::string_view s, V6& out) noexcept {
  V6 bytes{};
  std::size_t tp = 0;                          // bytes written
  std::size_t colonp = std::string_view::npos;  // where "::" stands, if seen
  std::size_t pos = 0;
  if (s.empty()) return false;
  if (s[0] == ':') {  // a leading ':' must be half of "::"
    if (s.size() < 2 || s[1] != ':') return false;
    pos = 1;
  }
  std::size_t token = pos;  // start of the current group (for a dotted quad)
  std::size_t digits = 0;
  unsigned value = 0;
  while (pos < s.size()) {
    const char c = s[pos++];
    const int d = hex_value(c);
    if (d >= 0) {
      if (digits == 4) return false;
      value = (value << 4) | static_cast<unsigned>(d);
      ++digits;
      continue;
    }
    if (c == ':') {
      token = pos;
      if (digits == 0) {
        if (colonp != std::string_view::npos) return false;
        colonp = tp;
        continue;
      }
      if (pos == s.size()) return false;  // a trailing single ':'
      if (tp + 2 > bytes.size()) return false;
      bytes[tp++] = static_cast<unsigned char>(value >> 8);
      bytes[tp++] = static_cast<unsigned char>(value);
      digits = 0;
      value = 0;
      continue;
    }
    if (c == '.' && tp + 4 <= bytes.size() && parse_pton4(s.substr(token), bytes.data() + tp)) {
      tp += 4;
      digits = 0;
      break;  // the dotted quad ran to the end
    }
    return false;
  }
  if (digits > 0) {
    if (tp + 2 > bytes.size()) return false;
    bytes[tp++] = static_cast<unsigned char>(value >> 8);
    bytes[tp++] = static_cast<unsigned char>(value);
  }
  if (colonp != std::string_view::npos) {
    if (tp == bytes.size()) return false;  // "::" would stand for no group at all
    const std::size_t tail = tp - colonp;
    const std::size_t shift = bytes.size() - tp;
    for (std::size_t i = tail; i-- > 0;) bytes[colonp + shift + i] = bytes[colonp + i];
    for (std::size_t i = colonp; i < colonp + shift; ++i) bytes[i] = 0;
    tp = bytes.size();
  }
  if (tp != bytes.size()) return false;
  out = bytes;
  return true;
}

void append_decimal(std::string& out, unsigned v) {
  char buf[10];
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

void append_hex(std::string& out, unsigned v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[8];
  std::size_t n = 0;
  do {
    buf[n++] = kDigits[v & 0xf];
    v >>= 4;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

void format_v4(std::string& out, const unsigned char* b) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) out.push_back('.');
    append_decimal(out, b[i]);
  }
}

std::string format_v6(const unsigned char* b) {
  unsigned words[8];
  for (std::size_t i = 0; i < 8; ++i) words[i] = (static_cast<unsigned>(b[2 * i]) << 8) | b[2 * i + 1];

  // The first longest run of zero groups; compressed only when it spans two groups or more.
  int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
  for (int i = 0; i < 8; ++i) {
    if (words[i] == 0) {
      if (cur_base == -1) {
        cur_base = i;
        cur_len = 1;
      } else {
        ++cur_len;
      }
    } else if (cur_base != -1) {
      if (best_base == -1 || cur_len > best_len) {
        best_base = cur_base;
        best_len = cur_len;
      }
      cur_base = -1;
    }
  }
  if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) {
    best_base = cur_base;
    best_len = cur_len;
  }
  if (best_base != -1 && best_len < 2) best_base = -1;

  std::string out;
  out.reserve(46);
  for (int i = 0; i < 8; ++i) {
    if (best_base != -1 && i >= best_base && i < best_base + best_len) {
      if (i == best_base) out.push_back(':');
      continue;
    }
    if (i != 0) out.push_back(':');
    // IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d).
    if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      format_v4(out, b + 12);
      break;
    }
    append_hex(out, words[i]);
  }
  if (best_base != -1 && best_base + best_len == 8) out.push_back(':');
  return out;
}

constexpr std::uint16_t swap16(std::uint16_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) return v;
  return static_cast<std::uint16_t>((v >> 8) | (v << 8));
}

constexpr std::uint32_t swap32(std::uint32_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) return v;
  return (v >> 24) | ((v >> 8) & 0x0000ff00u) | ((v << 8) & 0x00ff0000u) | (v << 24);
}

std::uint16_t order16(long long x, std::error_code& ec) noexcept {
  if (x < 0 || x > 0xffff) {
    ec = make_error_code(errc::overflow_error);
    return 0;
  }
  ec.clear();
  return swap16(static_cast<std::uint16_t>(x));
}

std::uint32_t order32(long long x, std::error_code& ec) noexcept {
  if (x < 0 || x > 0xffffffffLL) {
    ec = make_error_code(errc::overflow_error);
    return 0;
  }
  ec.clear();
  return swap32(static_cast<std::uint32_t>(x));
}

}  // namespace

std::string inet_aton(std::string_view ip_string, std::error_code& ec) {
  V4 bytes{};
  if (has_nul(ip_string)) {
    ec = make_error_code(errc::type_error);
    return {};
  }
  if (!parse_aton(ip_string, bytes)) {
    ec = errno_code(EINVAL);
    return {};
  }
  ec.clear();
  return std::string(bytes.begin(), bytes.end());
}

std::string inet_aton(std::string_view ip_string) {
  std::error_code ec;
  std::string packed = inet_aton(ip_string, ec);
  throw_error(ec, "inet_aton");
  return packed;
}

std::string inet_ntoa(std::string_view packed_ip, std::error_code& ec) {
  if (packed_ip.size() != 4) {
    ec = errno_code(EINVAL);
    return {};
  }
  ec.clear();
  std::string out;
  out.reserve(15);
  format_v4(out, reinterpret_cast<const unsigned char*>(packed_ip.data()));
  return out;
}

std::string inet_ntoa(std::string_view packed_ip) {
  std::error_code ec;
  std::string text = inet_ntoa(packed_ip, ec);
  throw_error(ec, "inet_ntoa");
  return text;
}

std::string inet_pton(int address_family, std::string_view ip_string, std::error_code& ec) {
  if (has_nul(ip_string)) {
    ec = make_error_code(errc::type_error);
    return {};
  }
  if (address_family == AF_INET) {
    V4 bytes{};
    if (!parse_pton4(ip_string, bytes.data())) {
      ec = errno_code(EINVAL);
      return {};
    }
    ec.clear();
    return std::string(bytes.begin(), bytes.end());
  }
  if (address_family == AF_INET6) {
    V6 bytes{};
    if (!parse_pton6(ip_string, bytes)) {
      ec = errno_code(EINVAL);
      return {};
    }
    ec.clear();
    return std::string(bytes.begin(), bytes.end());
  }
  ec = errno_code(EAFNOSUPPORT);
  return {};
}

std::string inet_pton(int address_family, std::string_view ip_string) {
  std::error_code ec;
  std::string packed = inet_pton(address_family, ip_string, ec);
  throw_error(ec, "inet_pton");
  return packed;
}

std::string inet_ntop(int address_family, std::string_view packed_ip, std::error_code& ec) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(packed_ip.data());
  if (address_family == AF_INET) {
    if (packed_ip.size() != 4) {
      ec = make_error_code(errc::value_error);
      return {};
    }
    ec.clear();
    std::string out;
    out.reserve(15);
    format_v4(out, bytes);
    return out;
  }
  if (address_family == AF_INET6) {
    if (packed_ip.size() != 16) {
      ec = make_error_code(errc::value_error);
      return {};
    }
    ec.clear();
    return format_v6(bytes);
  }
  ec = make_error_code(errc::value_error);  // CPython: ValueError("unknown address family")
  return {};
}

std::string inet_ntop(int address_family, std::string_view packed_ip) {
  std::error_code ec;
  std::string text = inet_ntop(address_family, packed_ip, ec);
  throw_error(ec, "inet_ntop");
  return text;
}

// The names are parenthesised so that a function-like htons/ntohs/... macro (glibc defines them
// when optimising, in <netinet/in.h>) could never expand here.
std::uint16_t(htons)(long long x, std::error_code& ec) { return order16(x, ec); }
std::uint16_t(ntohs)(long long x, std::error_code& ec) { return order16(x, ec); }
std::uint32_t(htonl)(long long x, std::error_code& ec) { return order32(x, ec); }
std::uint32_t(ntohl)(long long x, std::error_code& ec) { return order32(x, ec); }

std::uint16_t(htons)(long long x) {
  std::error_code ec;
  const std::uint16_t v = (htons)(x, ec);
  throw_error(ec, "htons");
  return v;
}

std::uint16_t(ntohs)(long long x) {
  std::error_code ec;
  const std::uint16_t v = (ntohs)(x, ec);
  throw_error(ec, "ntohs");
  return v;
}

std::uint32_t(htonl)(long long x) {
  std::error_code ec;
  const std::uint32_t v = (htonl)(x, ec);
  throw_error(ec, "htonl");
  return v;
}

std::uint32_t(ntohl)(long long x) {
  std::error_code ec;
  const std::uint32_t v = (ntohl)(x, ec);
  throw_error(ec, "ntohl");
  return v;
}

}  // namespace socksim
