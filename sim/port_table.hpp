// sim/port_table.hpp - one host's ports for one protocol (TCP or UDP), with Linux's bind rules
// (net/ipv4/inet_connection_sock.c: inet_csk_bind_conflict, inet_csk_find_open_port).
//
// Two bindings of one port conflict when their addresses overlap, unless both set SO_REUSEADDR
// and the existing one is not listening, or both set SO_REUSEPORT. Addresses overlap when
// equal, when either is the wildcard of the same family, and across families for a dual-stack
// IPv6 socket (no IPV6_V6ONLY) bound to '::' (it covers every IPv4 address) or to a v4-mapped
// address. A connection in TIME_WAIT keeps its binding, with the SO_REUSEADDR of its socket.
//
// Ephemeral ports come from 32768..60999 (ip_local_port_range) starting at an offset drawn from
// the seed; as Linux does, bind(port 0) tries odd ports first and connect's implicit bind even
// ports first.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "ip.hpp"
#include "rng.hpp"

namespace socksim::sim {

inline constexpr int kEphemeralLow = 32768;
inline constexpr int kEphemeralHigh = 60999;

struct PortBinding {
  Ip addr;  // family AF_INET or AF_INET6, as the socket was bound
  int port = 0;
  bool v6only = false;
  bool reuseaddr = false;
  bool reuseport = false;
  bool listening = false;
  bool bound = false;  // in a table now
  void* owner = nullptr;
  // The table's bookkeeping: the binding's place in its port's list, and when it was recorded.
  std::size_t slot = 0;
  std::uint64_t seq = 0;
};

class PortTable {
 public:
  enum class Ephemeral { bind, connect, udp };

  // Records `b` on b->port; port 0 picks an ephemeral port (written to b->port). Returns 0 or an
  // errno: EADDRINUSE on conflict or when bind finds no free port, EADDRNOTAVAIL when connect
  // does, EAGAIN when a UDP socket's implicit bind does.
  int bind(PortBinding* b, Rng& rng, Ephemeral mode = Ephemeral::bind);
  void unbind(PortBinding* b);
  // Records `b` on b->port without any check (a connection accepted on a listener's port).
  void attach(PortBinding* b);
  // 0 when `b` (bound here) may start listening, else EADDRINUSE.
  int check_listen(const PortBinding* b) const;
  // `b` (bound here) starts or stops listening.
  void set_listening(PortBinding* b, bool listening);
  // The listening binding a connection to (dst, port) reaches: an exact address first, then a
  // wildcard; nullptr when none.
  PortBinding* find_listener(const Ip& dst, int port) const;
  // Every binding that a datagram to (dst, port) may reach, most specific first.
  std::vector<PortBinding*> find_receivers(const Ip& dst, int port) const;
  std::size_t size() const noexcept { return count_; }

  static bool overlap(const PortBinding& a, const PortBinding& b);
  // Whether a binding accepts traffic addressed to `dst` (an address of either family).
  static bool accepts(const PortBinding& b, const Ip& dst);

 private:
  // One port's bindings, in the order they were recorded. A binding that goes leaves a hole
  // (nullptr) that is swept out once holes are half the list, so that recording and removing
  // cost O(1) however many connections share the port (a listener's port holds every connection
  // accepted on it, TIME_WAIT ones included), and the order stays the order of recording.
  struct Port {
    std::vector<PortBinding*> bindings;
    std::size_t live = 0;
    std::vector<PortBinding*> listeners;  // the listening ones, in the same order
  };
  bool conflicts(const PortBinding& b, int port) const;
  void record(PortBinding* b);
  std::map<int, Port> ports_;
  std::uint64_t next_seq_ = 0;
  std::vector<unsigned char> held_ = std::vector<unsigned char>(65536, 0);  // ports_ has the port
  std::size_t count_ = 0;
};

}  // namespace socksim::sim
