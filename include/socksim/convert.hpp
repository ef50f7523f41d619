// socksim/convert.hpp - the seed's conversion functions; they need no backend.
//
// Error rules follow the seed (and CPython 2.7 on Linux):
//   inet_aton  bad string            -> socket.error (Error with EINVAL: the seed gives no errno)
//   inet_ntoa  packed length != 4    -> socket.error (EINVAL)
//   inet_pton  bad string            -> socket.error (EINVAL); unknown family -> EAFNOSUPPORT
//   inet_ntop  wrong packed length   -> ValueError; unknown family -> ValueError (as CPython)
//   htons/ntohs outside 0..65535, htonl/ntohl outside 0..2^32-1 (or negative) -> OverflowError
// "Bytes" are std::string (as Python 2's str).
// The byte-order names are declared in parentheses so that glibc's function-like macros of the same
// names (defined under optimisation by <netinet/in.h>) do not expand here; callers in a file that
// included those headers write (socksim::htons)(x).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace socksim {

// inet_aton: dotted quad to 4 packed bytes, accepting what inet(3)'s inet_aton accepts: one to
// four parts ("10", "127.1", "10.1.2"), each decimal, 0x-hex or 0-octal.
std::string inet_aton(std::string_view ip_string);
std::string inet_aton(std::string_view ip_string, std::error_code& ec);

// inet_ntoa: 4 packed bytes to a dotted quad.
std::string inet_ntoa(std::string_view packed_ip);
std::string inet_ntoa(std::string_view packed_ip, std::error_code& ec);

// inet_pton / inet_ntop for AF_INET (strict dotted quad, 4 bytes) and AF_INET6 (16 bytes).
std::string inet_pton(int address_family, std::string_view ip_string);
std::string inet_pton(int address_family, std::string_view ip_string, std::error_code& ec);
std::string inet_ntop(int address_family, std::string_view packed_ip);
std::string inet_ntop(int address_family, std::string_view packed_ip, std::error_code& ec);

// Byte order, range-checked as the seed's functions are (OverflowError outside the range).
// The integer forms take a wide signed type so that out-of-range input can be reported.
std::uint16_t (htons)(long long x);
std::uint16_t (htons)(long long x, std::error_code& ec);
std::uint16_t (ntohs)(long long x);
std::uint16_t (ntohs)(long long x, std::error_code& ec);
std::uint32_t (htonl)(long long x);
std::uint32_t (htonl)(long long x, std::error_code& ec);
std::uint32_t (ntohl)(long long x);
std::uint32_t (ntohl)(long long x, std::error_code& ec);

}  // namespace socksim
