// sim/host.hpp - a simulated machine: its name, its addresses and its port tables.
#pragma once

#include <string>
#include <vector>

#include "ip.hpp"
#include "port_table.hpp"

namespace socksim::sim {

class Host {
 public:
  Host(std::string name, std::vector<Ip> addresses, std::vector<std::string> aliases)
      : name_(std::move(name)), addresses_(std::move(addresses)), aliases_(std::move(aliases)) {}

  const std::string& name() const noexcept { return name_; }
  const std::vector<Ip>& addresses() const noexcept { return addresses_; }
  const std::vector<std::string>& aliases() const noexcept { return aliases_; }

  // Whether `ip` is one of this host's addresses: its own, its loopback (127.0.0.0/8, ::1), or
  // the v4-mapped form of an IPv4 one.
  bool owns(const Ip& ip) const noexcept;
  // Whether a socket of this host may bind `ip` (an address it owns, or a wildcard).
  bool can_bind(const Ip& ip) const noexcept { return ip.unmapped().is_any() || owns(ip); }
  // The local address a packet to `dst` leaves from, in the family of `dst`: loopback to
  // loopback, else the host's first address of that family (its loopback when it has none).
  Ip source_for(const Ip& dst) const noexcept;

  PortTable tcp;
  PortTable udp;

 private:
  std::string name_;
  std::vector<Ip> addresses_;
  std::vector<std::string> aliases_;
};

}  // namespace socksim::sim
