// sim/ip.cpp - parsing and printing with inet_pton/inet_ntop (library calls; no system call).
#include "ip.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace socksim::sim {

std::optional<Ip> Ip::parse(int family, std::string_view text) {
  const std::string s(text);
  Ip ip;
  ip.family = family;
  if (family == AF_INET) {
    if (::inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    return ip;
  }
  if (family == AF_INET6) {
    if (::inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    return ip;
  }
  return std::nullopt;
}

std::optional<Ip> Ip::parse_any(std::string_view text) {
  if (auto ip = parse(AF_INET, text)) return ip;
  return parse(AF_INET6, text);
}

Ip Ip::any(int family) {
  Ip ip;
  ip.family = family;
  return ip;
}

Ip Ip::v4(std::uint32_t host_order) {
  Ip ip;
  ip.family = AF_INET;
  ip.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  ip.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  ip.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  ip.bytes[3] = static_cast<std::uint8_t>(host_order);
  return ip;
}

std::string Ip::to_string() const {
  if (family == AF_INET) {
    std::string out;
    out.reserve(15);
    for (int i = 0; i < 4; ++i) {
      if (i) out += '.';
      out += std::to_string(bytes[static_cast<std::size_t>(i)]);
    }
    return out;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (family != AF_INET && family != AF_INET6) return "";
  ::inet_ntop(family, bytes.data(), buf, sizeof buf);
  return buf;
}

bool Ip::is_any() const noexcept {
  const std::size_t n = family == AF_INET ? 4 : 16;
  for (std::size_t i = 0; i < n; ++i)
    if (bytes[i] != 0) return false;
  return true;
}

bool Ip::is_v4_mapped() const noexcept {
  if (family != AF_INET6) return false;
  for (int i = 0; i < 10; ++i)
    if (bytes[i] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

bool Ip::is_loopback() const noexcept {
  if (family == AF_INET) return bytes[0] == 127;
  if (is_v4_mapped()) return bytes[12] == 127;
  if (family != AF_INET6) return false;
  for (int i = 0; i < 15; ++i)
    if (bytes[i] != 0) return false;
  return bytes[15] == 1;
}

bool Ip::is_broadcast() const noexcept {
  // The limited broadcast, and the loopback network's (127.0.0.0/8 on lo).
  return family == AF_INET && (bytes[0] == 255 || bytes[0] == 127) && bytes[1] == 255 && bytes[2] == 255 &&
         bytes[3] == 255;
}

Ip Ip::unmapped() const noexcept {
  if (!is_v4_mapped()) return *this;
  Ip ip;
  ip.family = AF_INET;
  std::memcpy(ip.bytes.data(), bytes.data() + 12, 4);
  return ip;
}

Ip Ip::mapped() const noexcept {
  if (family != AF_INET) return *this;
  Ip ip;
  ip.family = AF_INET6;
  ip.bytes[10] = 0xff;
  ip.bytes[11] = 0xff;
  std::memcpy(ip.bytes.data() + 12, bytes.data(), 4);
  return ip;
}

std::string Endpoint::to_string() const {
  if (ip.family == AF_INET6) return "[" + ip.to_string() + "]:" + std::to_string(port);
  return ip.to_string() + ":" + std::to_string(port);
}

}  // namespace socksim::sim
