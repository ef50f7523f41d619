// sim/host.cpp - see host.hpp.
#include "host.hpp"

#include <sys/socket.h>

namespace socksim::sim {

bool Host::owns(const Ip& ip_in) const noexcept {
  const Ip ip = ip_in.unmapped();
  if (ip.is_loopback()) return true;
  for (const Ip& a : addresses_)
    if (a == ip) return true;
  return false;
}

Ip Host::source_for(const Ip& dst_in) const noexcept {
  const Ip dst = dst_in.unmapped();
  // Linux's routes: loopback destinations leave from 127.0.0.1 / ::1, the host's own addresses
  // from themselves.
  if (dst.is_loopback()) return dst.family == AF_INET ? *Ip::parse(AF_INET, "127.0.0.1") : *Ip::parse(AF_INET6, "::1");
  if (owns(dst)) return dst;
  for (const Ip& a : addresses_)
    if (a.family == dst.family && !a.is_loopback()) return a;
  return dst.family == AF_INET ? *Ip::parse(AF_INET, "127.0.0.1") : *Ip::parse(AF_INET6, "::1");
}

}  // namespace socksim::sim
