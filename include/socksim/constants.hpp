// socksim/constants.hpp - the socket module's constants, with Linux's values.
//
// Both backends and the scenarios speak these numbers. Each constant is declared only where the
// system's own macro of that name is not already defined (a translation unit that includes
// <sys/socket.h> first keeps the macro, which has the same value on Linux), so this header never
// clashes with the C headers. Errno values are not declared here (<cerrno> always defines them);
// they are in the name table.
//
// The name <-> value table serves the scenario format and the reports.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace socksim {

// clang-format off
#ifndef AF_UNSPEC
inline constexpr int AF_UNSPEC = 0;
#endif
#ifndef AF_UNIX
inline constexpr int AF_UNIX = 1;
#endif
#ifndef AF_INET
inline constexpr int AF_INET = 2;
#endif
#ifndef AF_INET6
inline constexpr int AF_INET6 = 10;
#endif
#ifndef SOCK_STREAM
inline constexpr int SOCK_STREAM = 1;
#endif
#ifndef SOCK_DGRAM
inline constexpr int SOCK_DGRAM = 2;
#endif
#ifndef SOCK_RAW
inline constexpr int SOCK_RAW = 3;
#endif
#ifndef SOCK_RDM
inline constexpr int SOCK_RDM = 4;
#endif
#ifndef SOCK_SEQPACKET
inline constexpr int SOCK_SEQPACKET = 5;
#endif
// clang-format on
// (the remaining groups - SOL_*, SO_*, IPPROTO_*, IPPORT_*, INADDR_*, IP_*, IPV6_*, TCP_*,
//  MSG_*, SHUT_*, EAI_*, AI_*, NI_*, SOMAXCONN, h_errno codes - follow below)
#include "socksim/detail/constants_list.inc"

// One row of the name table. `group` is the prefix family: "AF", "SOCK", "SOL", "SO", "IPPROTO",
// "IPPORT", "INADDR", "IP", "IPV6", "TCP", "MSG", "SHUT", "EAI", "AI", "NI", "SOMAXCONN",
// "errno", "herror".
struct ConstantEntry {
  std::string_view name;
  long value;
  std::string_view group;
};

// Every constant the scenarios may name, in a fixed order (groups as above, then by value).
std::span<const ConstantEntry> constant_table() noexcept;

// The value of a constant by its name ("AF_INET" -> 2, "ECONNREFUSED" -> 111); nullopt if unknown.
std::optional<long> constant_value(std::string_view name) noexcept;

// The first name in `group` with that value ("" if none): constant_name("AF", 2) == "AF_INET".
std::string_view constant_name(std::string_view group, long value) noexcept;

// Errno name <-> value (Linux): "ECONNREFUSED" <-> 111. EWOULDBLOCK and EAGAIN share a value;
// errno_name gives "EAGAIN". Unknown -> "" / nullopt.
std::string_view errno_name(int value) noexcept;
std::optional<int> errno_value(std::string_view name) noexcept;

}  // namespace socksim
