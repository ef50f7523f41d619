// sim/ip.hpp - IP addresses and endpoints as the sim keeps them: binary, ordered, printable.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace socksim::sim {

// An IPv4 or IPv6 address. IPv4 addresses use the first 4 bytes.
struct Ip {
  int family = 0;  // AF_INET or AF_INET6 (0: none)
  std::array<std::uint8_t, 16> bytes{};

  static std::optional<Ip> parse(int family, std::string_view text);
  // Either family, by the form of the text.
  static std::optional<Ip> parse_any(std::string_view text);
  static Ip any(int family);
  static Ip v4(std::uint32_t host_order);

  std::string to_string() const;
  bool is_any() const noexcept;
  bool is_loopback() const noexcept;        // 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104
  bool is_v4_mapped() const noexcept;       // ::ffff:a.b.c.d
  bool is_broadcast() const noexcept;       // 255.255.255.255, 127.255.255.255
  // ::ffff:a.b.c.d -> a.b.c.d; anything else unchanged.
  Ip unmapped() const noexcept;
  // a.b.c.d -> ::ffff:a.b.c.d (IPv4 only).
  Ip mapped() const noexcept;

  friend bool operator==(const Ip&, const Ip&) = default;
  friend auto operator<=>(const Ip&, const Ip&) = default;
};

struct Endpoint {
  Ip ip;
  int port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
  std::string to_string() const;
};

}  // namespace socksim::sim
