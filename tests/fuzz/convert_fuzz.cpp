// Fuzz target: inet_aton, inet_ntoa, inet_pton, inet_ntop and the byte-order functions on
// arbitrary bytes (NULs, any length, any family), with round-trip checks:
//   - what inet_pton accepts, inet_ntop prints as text that inet_pton reads back to the same bytes;
//   - inet_ntoa's text goes back to the same bytes through inet_aton and inet_pton(AF_INET);
//   - every error is the documented one for the function (convert.hpp);
//   - htons/ntohs/htonl/ntohl are involutions within range and overflow errors outside it.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "socksim/constants.hpp"
#include "socksim/convert.hpp"
#include "socksim/errors.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "convert_fuzz: %s\n", what);
    std::abort();
  }
}

bool is(const std::error_code& ec, socksim::errc e) { return ec == socksim::make_error_code(e); }
bool is(const std::error_code& ec, int errno_value) { return ec == socksim::errno_code(errno_value); }

const int kFamilies[] = {socksim::AF_INET, socksim::AF_INET6, socksim::AF_UNIX, socksim::AF_UNSPEC, 3, -1, 1 << 20};

void text_functions(const std::string& text, int family) {
  std::error_code ec;
  const std::string aton = socksim::inet_aton(text, ec);
  check(ec ? (is(ec, EINVAL) || is(ec, socksim::errc::type_error)) : aton.size() == 4, "inet_aton");
  if (!ec) {
    const std::string dotted = socksim::inet_ntoa(aton);
    check(socksim::inet_aton(dotted) == aton, "inet_aton(inet_ntoa(x)) != x");
    check(socksim::inet_pton(socksim::AF_INET, dotted) == aton, "inet_pton(inet_ntoa(x)) != x");
  }

  const std::string packed = socksim::inet_pton(family, text, ec);
  if (family != socksim::AF_INET && family != socksim::AF_INET6) {
    check(ec && (is(ec, EAFNOSUPPORT) || is(ec, socksim::errc::type_error)), "inet_pton: unknown family accepted");
    return;
  }
  if (ec) {
    check(is(ec, EINVAL) || is(ec, socksim::errc::type_error), "inet_pton: undocumented error");
    return;
  }
  check(packed.size() == (family == socksim::AF_INET ? 4u : 16u), "inet_pton: wrong length");
  const std::string printed = socksim::inet_ntop(family, packed);
  check(socksim::inet_pton(family, printed) == packed, "inet_pton(inet_ntop(x)) != x");
  // inet_ntop's text is canonical: printing it again gives the same text.
  check(socksim::inet_ntop(family, socksim::inet_pton(family, printed)) == printed, "inet_ntop not canonical");
  if (family == socksim::AF_INET) check(socksim::inet_aton(text) == packed, "inet_aton disagrees with inet_pton");
}

void packed_functions(const std::string& packed, int family) {
  std::error_code ec;
  const std::string dotted = socksim::inet_ntoa(packed, ec);
  check(ec ? (packed.size() != 4 && is(ec, EINVAL)) : packed.size() == 4, "inet_ntoa");
  if (!ec) check(socksim::inet_aton(dotted) == packed, "inet_aton(inet_ntoa(x)) != x");

  const std::string text = socksim::inet_ntop(family, packed, ec);
  const std::size_t want = family == socksim::AF_INET ? 4 : family == socksim::AF_INET6 ? 16 : 0;
  if (want == 0 || packed.size() != want) {
    check(ec && is(ec, socksim::errc::value_error), "inet_ntop: bad family or length accepted");
    return;
  }
  check(!ec, "inet_ntop refused a packed address of the right length");
  check(socksim::inet_pton(family, text) == packed, "inet_pton(inet_ntop(x)) != x");
}

void byte_order(long long x) {
  std::error_code ec;
  const std::uint16_t s = (socksim::htons)(x, ec);
  if (x < 0 || x > 0xffff) {
    check(is(ec, socksim::errc::overflow_error), "htons: no overflow error");
  } else {
    check(!ec && (socksim::ntohs)(s) == x, "ntohs(htons(x)) != x");
  }
  const std::uint32_t l = (socksim::htonl)(x, ec);
  if (x < 0 || x > 0xffffffffLL) {
    check(is(ec, socksim::errc::overflow_error), "htonl: no overflow error");
  } else {
    check(!ec && (socksim::ntohl)(l) == x, "ntohl(htonl(x)) != x");
  }
  (void)(socksim::ntohs)(x, ec);
  (void)(socksim::ntohl)(x, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  socksim::fuzz::Input in(data, size);
  const int family = in.pick(kFamilies);
  switch (in.below(3)) {
    case 0: text_functions(in.rest(), family); break;
    case 1: packed_functions(in.rest(), family); break;
    default: byte_order(static_cast<long long>(in.u64())); break;
  }
  return 0;
}
