// sim/udp.hpp - UDP sockets (net/ipv4/udp.c, datagram.c): datagrams keep their boundaries, a
// receive buffer full of them drops the next, a connected socket hears of a closed port once
// (ECONNREFUSED), broadcast needs SO_BROADCAST.
#pragma once

#include <deque>
#include <optional>

#include "port_table.hpp"
#include "socket.hpp"

namespace socksim::sim {

inline constexpr std::size_t kMaxUdp4 = 65507;  // 65535 - IPv4 header - UDP header
inline constexpr std::size_t kMaxUdp6 = 65527;  // 65535 - UDP header

class UdpSocket final : public SimSocket {
 public:
  UdpSocket(Core& core, Host& host, int family, int proto);
  ~UdpSocket() override;

  void bind(const Address& address, std::error_code& ec) override;
  void connect(const Address& address, Io& io, std::error_code& ec) override;
  Address getpeername(std::error_code& ec) override;
  Address getsockname(std::error_code& ec) override;
  std::size_t recv(std::span<char> buffer, int flags, Address* from, Io& io, std::error_code& ec) override;
  std::size_t send(std::string_view data, int flags, const Address* to, Io& io, std::error_code& ec) override;
  void shutdown(int how, std::error_code& ec) override;
  short poll() const override;
  void close() override;
  std::string describe() const override;
  bool bound() const override { return binding_.bound; }

  // A datagram arrives (false: the receive buffer is full and it is dropped).
  bool deliver(std::string data, const Endpoint& from);
  // An ICMP port unreachable for a datagram this socket sent to `to`.
  void on_unreachable(const Endpoint& to);
  // Whether this socket takes a datagram from `src` (a connected socket only from its peer).
  bool accepts_from(const Endpoint& src) const;

 protected:
  void options_changed() override;

 private:
  struct Datagram {
    std::string data;
    Endpoint from;
    std::size_t truesize;
  };
  bool autobind(std::error_code& ec);
  void sync_binding();
  std::size_t send_to(std::string_view data, const Endpoint& dst, std::error_code& ec);

  PortBinding binding_;
  std::optional<Endpoint> peer_;
  std::deque<Datagram> queue_;
  std::size_t queued_ = 0;  // truesize of the datagrams in queue_
  bool shut_rd_ = false;
  bool shut_wr_ = false;
};

}  // namespace socksim::sim
