// Differential fuzz target: socksim's inet_aton / inet_pton / inet_ntop / inet_ntoa against
// glibc's on the same inputs: equal results, or both errors.
// Inputs with an embedded NUL are not compared: the C functions stop at the NUL, socksim refuses
// the string (errc::type_error), as CPython 2.7 does; that rule is checked instead.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_input.hpp"
#include "socksim/convert.hpp"
#include "socksim/errors.hpp"

namespace {

void check(bool ok, const char* what, const std::string& input) {
  if (!ok) {
    std::fprintf(stderr, "convert_diff_fuzz: %s; input (%zu bytes):", what, input.size());
    for (unsigned char c : input) std::fprintf(stderr, " %02x", c);
    std::fprintf(stderr, "\n");
    std::abort();
  }
}

void compare_text(const std::string& text) {
  std::error_code ec;
  if (text.find('\0') != std::string::npos) {
    (void)socksim::inet_aton(text, ec);
    check(ec == socksim::make_error_code(socksim::errc::type_error), "inet_aton accepted a NUL", text);
    (void)socksim::inet_pton(AF_INET6, text, ec);
    check(ec == socksim::make_error_code(socksim::errc::type_error), "inet_pton accepted a NUL", text);
    return;
  }
  in_addr a4{};
  const bool glibc_aton = ::inet_aton(text.c_str(), &a4) != 0;
  const std::string aton = socksim::inet_aton(text, ec);
  check(glibc_aton == !ec, "inet_aton: one accepts, the other refuses", text);
  if (glibc_aton) check(std::memcmp(aton.data(), &a4, 4) == 0, "inet_aton: different bytes", text);

  unsigned char buf[16];
  const bool glibc_pton4 = ::inet_pton(AF_INET, text.c_str(), buf) == 1;
  const std::string pton4 = socksim::inet_pton(AF_INET, text, ec);
  check(glibc_pton4 == !ec, "inet_pton(AF_INET): one accepts, the other refuses", text);
  if (glibc_pton4) check(std::memcmp(pton4.data(), buf, 4) == 0, "inet_pton(AF_INET): different bytes", text);

  const bool glibc_pton6 = ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
  const std::string pton6 = socksim::inet_pton(AF_INET6, text, ec);
  check(glibc_pton6 == !ec, "inet_pton(AF_INET6): one accepts, the other refuses", text);
  if (glibc_pton6) check(std::memcmp(pton6.data(), buf, 16) == 0, "inet_pton(AF_INET6): different bytes", text);
}

void compare_packed(const std::string& packed) {
  char out[INET6_ADDRSTRLEN];
  std::error_code ec;
  for (int family : {AF_INET, AF_INET6}) {
    const std::size_t want = family == AF_INET ? 4 : 16;
    const std::string ours = socksim::inet_ntop(family, packed, ec);
    if (packed.size() != want) {
      // glibc's inet_ntop takes no length; CPython (and socksim) refuse a wrong one.
      check(ec == socksim::make_error_code(socksim::errc::value_error), "inet_ntop: wrong length accepted", packed);
      continue;
    }
    check(!ec, "inet_ntop refused a packed address", packed);
    check(::inet_ntop(family, packed.data(), out, sizeof out) != nullptr, "glibc inet_ntop failed", packed);
    check(ours == out, "inet_ntop: different text", packed);
  }
  if (packed.size() == 4) {
    in_addr a{};
    std::memcpy(&a, packed.data(), 4);
    check(socksim::inet_ntoa(packed) == ::inet_ntoa(a), "inet_ntoa: different text", packed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  socksim::fuzz::Input in(data, size);
  const std::uint8_t mode = in.byte();
  const std::string rest = in.rest();
  if (mode & 1) {
    compare_packed(rest);
    // Also the packed forms of the right lengths, taken from the start of the input.
    if (rest.size() > 16) compare_packed(rest.substr(0, 16));
    if (rest.size() > 4) compare_packed(rest.substr(0, 4));
  } else {
    compare_text(rest);
  }
  return 0;
}
