// Fuzz target: the address rules (check_address, is_numeric_host, Address::to_string), the real
// backend's sockaddr conversions and the sim's IP parser, on arbitrary hosts, ports and families.
// Checks, besides "no crash, no sanitizer report":
//   - check_address reports only the documented errors, and what it accepts is in range;
//   - for a numeric host, to_sockaddr -> from_sockaddr gives back the same address (the host as
//     inet_pton reads it), and the sim's Ip::parse/to_string agree with inet_pton/inet_ntop;
//   - from_sockaddr on arbitrary sockaddr bytes of any length returns an Address or Address().
// Hosts that are not numeric are never resolved (that would reach the system's resolver).
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "fuzz_input.hpp"
#include "ip.hpp"  // sim/
#include "real/sockaddr.hpp"
#include "socksim/address.hpp"
#include "socksim/convert.hpp"
#include "socksim/errors.hpp"

namespace {

using socksim::Address;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "address_fuzz: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

const int kFamilies[] = {AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, 12345, -1};

// The host of the address: arbitrary bytes, or a numeric host built from the input.
std::string host_of(socksim::fuzz::Input& in) {
  switch (in.below(6)) {
    case 0: {
      std::string b = in.bytes(4);
      b.resize(4, '\0');
      return socksim::inet_ntop(AF_INET, b);
    }
    case 1: {
      std::string b = in.bytes(16);
      b.resize(16, '\0');
      return socksim::inet_ntop(AF_INET6, b);
    }
    case 2: return "";
    case 3: return "<broadcast>";
    default: return in.str(200);
  }
}

int port_of(socksim::fuzz::Input& in) {
  switch (in.below(4)) {
    case 0: return static_cast<int>(in.u16());
    case 1: return -static_cast<int>(in.u16());
    default: return static_cast<int>(in.u32());
  }
}

Address address_of(socksim::fuzz::Input& in) {
  switch (in.below(3)) {
    case 0: {
      std::string host = host_of(in);
      return Address::inet(std::move(host), port_of(in));
    }
    case 1: {
      std::string host = host_of(in);
      const int port = port_of(in);
      const std::uint32_t flow = in.u32();
      return Address::inet6(std::move(host), port, flow, in.u32());
    }
    default: return Address::unix_path(in.str(255));
  }
}

void check_one(const Address& a, int socket_family) {
  // Formatting never fails.
  std::ostringstream os;
  os << a;
  check(os.str() == a.to_string(), "operator<< differs from to_string");

  std::error_code ec;
  const Address checked = socksim::check_address(a, socket_family, ec);
  if (ec) {
    const bool documented = ec == socksim::make_error_code(socksim::errc::type_error) ||
                            ec == socksim::make_error_code(socksim::errc::overflow_error) ||
                            ec == socksim::errno_code(ENAMETOOLONG) || ec == socksim::errno_code(EAFNOSUPPORT);
    check(documented, "check_address: an undocumented error");
    check(checked == Address(), "check_address: a value beside an error");
    return;
  }
  if (socket_family == AF_UNIX) {
    check(checked == a, "check_address changed an AF_UNIX path");
    check(a.path().size() <= 108, "check_address accepted a path longer than sun_path");
  } else {
    check(checked.family() == socket_family, "check_address: the family is not the socket's");
    check(checked.port() >= 0 && checked.port() <= 65535, "check_address accepted a port out of range");
    check(checked.family() != AF_INET6 || checked.flowinfo() <= 0xfffffu, "flowinfo out of range");
    check(!checked.host().empty() && checked.host() != "<broadcast>", "check_address left a special host");
  }

  // The real backend's sockaddr, for hosts that need no lookup.
  if (socket_family != AF_UNIX && !socksim::is_numeric_host(socket_family, checked.host())) return;
  socksim::realnet::SockAddr sa;
  check(socksim::realnet::to_sockaddr(a, socket_family, sa, ec), "to_sockaddr refused an address check_address accepted");
  check(sa.family() == socket_family, "to_sockaddr: wrong family");
  const Address back = socksim::realnet::from_sockaddr(sa);
  if (socket_family == AF_UNIX) {
    // A path is cut at its first NUL by the system; an abstract name is kept whole.
    if (a.is_abstract()) {
      check(back.path() == a.path(), "abstract name changed by the sockaddr round trip");
    } else {
      check(back.path() == a.path().substr(0, a.path().find('\0')), "path changed by the sockaddr round trip");
    }
    return;
  }
  check(back.port() == checked.port(), "port changed by the sockaddr round trip");
  check(socksim::inet_pton(socket_family, back.host()) == socksim::inet_pton(socket_family, checked.host()),
        "host changed by the sockaddr round trip");
}

// The sim's parser agrees with inet_pton, and its formatter with inet_ntop. (Text with a NUL
// never reaches the sim's parser: check_address refuses such a host first.)
void check_sim_ip(const std::string& text) {
  if (text.find('\0') != std::string::npos) {
    std::error_code ec;
    (void)socksim::check_address(Address::inet(text, 0), AF_INET, ec);
    check(ec == socksim::make_error_code(socksim::errc::type_error), "check_address accepted a host with a NUL");
    (void)socksim::check_address(Address::inet6(text, 0), AF_INET6, ec);
    check(ec == socksim::make_error_code(socksim::errc::type_error), "check_address accepted a host with a NUL");
    return;
  }
  for (int family : {AF_INET, AF_INET6}) {
    std::error_code ec;
    const std::string packed = socksim::inet_pton(family, text, ec);
    const auto ip = socksim::sim::Ip::parse(family, text);
    check(ip.has_value() == !ec, "Ip::parse and inet_pton disagree on validity");
    if (!ip) continue;
    check(std::memcmp(ip->bytes.data(), packed.data(), packed.size()) == 0, "Ip::parse and inet_pton disagree");
    check(ip->to_string() == socksim::inet_ntop(family, packed), "Ip::to_string and inet_ntop disagree");
  }
}

// from_sockaddr over arbitrary bytes and lengths.
void check_raw_sockaddr(socksim::fuzz::Input& in) {
  sockaddr_storage storage{};
  const std::string raw = in.bytes(sizeof storage);
  std::memcpy(&storage, raw.data(), raw.size());
  const auto len = static_cast<socklen_t>(in.below(sizeof storage + 1));
  const Address a = socksim::realnet::from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), len);
  check(a.family() == AF_UNSPEC || a.family() == storage.ss_family, "from_sockaddr: wrong family");
  if (a.family() == AF_UNIX) check(a.path().size() <= sizeof(sockaddr_un::sun_path), "path too long");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  socksim::fuzz::Input in(data, size);
  switch (in.below(3)) {
    case 0: {
      const Address a = address_of(in);
      check_one(a, in.pick(kFamilies));
      break;
    }
    case 1: check_sim_ip(in.rest()); break;
    default: check_raw_sockaddr(in); break;
  }
  return 0;
}
