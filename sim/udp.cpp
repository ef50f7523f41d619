// sim/udp.cpp - see udp.hpp.
#include "udp.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "core.hpp"
#include "host.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {

UdpSocket::UdpSocket(Core& c, Host& h, int fam, int pro) : SimSocket(c, h, fam, SOCK_DGRAM, pro) {
  opt.sndbuf = 212992;  // net.core.wmem_default
  opt.rcvbuf = 212992;  // net.core.rmem_default
  binding_.owner = this;
}

UdpSocket::~UdpSocket() = default;

std::string UdpSocket::describe() const {
  std::string out = "udp ";
  out += binding_.bound ? Endpoint{binding_.addr, binding_.port}.to_string() : std::string("unbound");
  if (peer_) out += " > " + peer_->to_string();
  return out;
}

void UdpSocket::sync_binding() {
  binding_.reuseaddr = opt.reuseaddr;
  binding_.reuseport = opt.reuseport;
  binding_.v6only = opt.v6only;
}

void UdpSocket::options_changed() { sync_binding(); }

void UdpSocket::bind(const Address& address, std::error_code& ec) {
  Endpoint ep;
  if (!resolve(address, ep, ec)) return;
  if (binding_.bound) {
    ec = errno_code(EINVAL);
    return;
  }
  if (family == AF_INET6 && ep.ip.is_v4_mapped() && opt.v6only) {
    ec = errno_code(EINVAL);
    return;
  }
  if (!host->can_bind(ep.ip) && !ep.ip.is_broadcast()) {
    ec = errno_code(EADDRNOTAVAIL);
    return;
  }
  binding_.addr = ep.ip;
  binding_.port = ep.port;
  sync_binding();
  if (int err = host->udp.bind(&binding_, core.rng, PortTable::Ephemeral::bind)) {
    binding_.port = 0;
    ec = errno_code(err);
  }
}

bool UdpSocket::autobind(std::error_code& ec) {
  if (binding_.bound) return true;
  binding_.addr = Ip::any(family);
  binding_.port = 0;
  sync_binding();
  if (int err = host->udp.bind(&binding_, core.rng, PortTable::Ephemeral::udp)) {
    ec = errno_code(err);
    return false;
  }
  return true;
}

void UdpSocket::connect(const Address& address, Io&, std::error_code& ec) {
  Endpoint ep;
  if (!resolve(address, ep, ec)) return;
  if (family == AF_INET6 && ep.ip.is_v4_mapped() && opt.v6only) {
    ec = errno_code(ENETUNREACH);
    return;
  }
  if (ep.ip.is_broadcast() && !opt.broadcast) {
    ec = errno_code(EACCES);
    return;
  }
  if (ep.ip.unmapped().is_any()) ep.ip = ep.ip.family == AF_INET6 && !ep.ip.is_v4_mapped()
                                             ? *Ip::parse(AF_INET6, "::1")
                                             : (family == AF_INET6 ? Ip::parse(AF_INET, "127.0.0.1")->mapped()
                                                                   : *Ip::parse(AF_INET, "127.0.0.1"));
  if (!autobind(ec)) return;
  // ip4_datagram_connect: the local address becomes the source toward the peer.
  if (binding_.addr.unmapped().is_any()) {
    Ip src = host->source_for(ep.ip);
    binding_.addr = family == AF_INET6 && src.family == AF_INET ? src.mapped() : src;
  }
  peer_ = ep;
  so_error = 0;
}

Address UdpSocket::getpeername(std::error_code& ec) {
  if (!peer_) {
    ec = errno_code(ENOTCONN);
    return {};
  }
  return to_address(*peer_);
}

Address UdpSocket::getsockname(std::error_code&) {
  if (!binding_.bound) return to_address(Endpoint{Ip::any(family), 0});
  return to_address(Endpoint{binding_.addr, binding_.port});
}

bool UdpSocket::accepts_from(const Endpoint& src) const {
  if (shut_rd_ && false) return false;
  if (!peer_) return true;
  return peer_->ip.unmapped() == src.ip.unmapped() && peer_->port == src.port;
}

bool UdpSocket::deliver(std::string data, const Endpoint& from) {
  const std::size_t size = packet_truesize(data.size());
  if (queued_ + size > static_cast<std::size_t>(opt.rcvbuf)) return false;
  queued_ += size;
  queue_.push_back(Datagram{std::move(data), from, size});
  notify();
  return true;
}

void UdpSocket::on_unreachable(const Endpoint& to) {
  // __udp4_lib_err: only a connected socket is told.
  if (peer_ && peer_->ip.unmapped() == to.ip.unmapped() && peer_->port == to.port) {
    so_error = ECONNREFUSED;
    notify();
  }
}

std::size_t UdpSocket::send_to(std::string_view data, const Endpoint& dst_in, std::error_code& ec) {
  Endpoint dst = dst_in;
  const Ip net_dst = dst.ip.unmapped();
  if (family == AF_INET6 && dst.ip.is_v4_mapped() && opt.v6only) {
    ec = errno_code(ENETUNREACH);
    return 0;
  }
  if (net_dst.is_broadcast() && !opt.broadcast) {
    ec = errno_code(EACCES);
    return 0;
  }
  const std::size_t max = net_dst.family == AF_INET ? kMaxUdp4 : kMaxUdp6;
  if (data.size() > max) {
    ec = errno_code(EMSGSIZE);
    return 0;
  }
  if (dst.port == 0) {
    ec = errno_code(EINVAL);
    return 0;
  }
  if (!autobind(ec)) return 0;
  if (net_dst.is_any()) dst.ip = net_dst.family == AF_INET ? *Ip::parse(AF_INET, "127.0.0.1") : *Ip::parse(AF_INET6, "::1");

  Ip src_ip = binding_.addr.unmapped().is_any() ? host->source_for(dst.ip) : binding_.addr;
  Endpoint src{src_ip.unmapped(), binding_.port};
  std::vector<Host*> targets;
  if (dst.ip.unmapped().is_broadcast() && dst.ip.unmapped().bytes[0] == 255) {
    for (auto& [name, h] : core.hosts) targets.push_back(h.get());  // every host of the one LAN
  } else {
    targets.push_back(core.route(*host, dst.ip));
  }
  std::weak_ptr<SimSocket> me = shared_from_this();
  for (Host* target : targets) {
    Packet p;
    p.from = host;
    p.to = target;
    p.bytes = data.size();
    p.proto = "udp";
    p.sender = this;
    p.datagram = true;
    if (core.tracing()) p.what = src.to_string() + " > " + dst.to_string() + " len " + std::to_string(data.size());
    Core* c = &core;
    Host* from_host = host;
    std::string payload(data);
    core.transmit(p, [c, target, from_host, payload = std::move(payload), src, dst, me] {
      const Ip to_ip = dst.ip.unmapped();
      auto receivers = target->udp.find_receivers(to_ip, dst.port);
      bool taken = false;
      for (PortBinding* b : receivers) {
        auto* r = static_cast<UdpSocket*>(b->owner);
        if (!r->accepts_from(src)) continue;
        if (!PortTable::accepts(*b, to_ip) && !to_ip.is_broadcast()) continue;
        Endpoint from = src;
        if (r->family == AF_INET6 && from.ip.family == AF_INET) from.ip = from.ip.mapped();
        if (!r->deliver(payload, from)) {
          TraceLine l = c->line("drop");
          l.str("why", "receive buffer full").str("sock", r->describe());
          c->trace_event(l);
        }
        taken = true;
        if (!to_ip.is_broadcast()) break;
      }
      if (!taken && !to_ip.is_broadcast()) {
        // ICMP port unreachable, back to the sender.
        Packet icmp;
        icmp.from = target;
        icmp.to = from_host;
        icmp.proto = "icmp";
        if (c->tracing()) icmp.what = "port unreachable " + dst.to_string();
        c->transmit(icmp, [me, dst] {
          if (auto s = me.lock()) static_cast<UdpSocket*>(s.get())->on_unreachable(dst);
        });
      }
    });
  }
  return data.size();
}

std::size_t UdpSocket::send(std::string_view data, int, const Address* to, Io&, std::error_code& ec) {
  // inet_send_prepare: the socket gets its port before anything is checked.
  if (!autobind(ec)) return 0;
  Endpoint dst;
  if (to) {
    if (!resolve(*to, dst, ec)) return 0;
  } else {
    if (!peer_) {
      ec = errno_code(EDESTADDRREQ);
      return 0;
    }
    dst = *peer_;
  }
  if (so_error) {
    ec = errno_code(std::exchange(so_error, 0));
    return 0;
  }
  if (shut_wr_) {
    ec = errno_code(EPIPE);
    return 0;
  }
  const std::size_t n = send_to(data, dst, ec);
  if (!ec) core.drain();
  return n;
}

std::size_t UdpSocket::recv(std::span<char> buffer, int flags, Address* from, Io& io, std::error_code& ec) {
  for (;;) {
    if (so_error) {
      ec = errno_code(std::exchange(so_error, 0));
      return 0;
    }
    if (!queue_.empty()) {
      Datagram& d = queue_.front();
      const std::size_t n = std::min(buffer.size(), d.data.size());
      std::copy_n(d.data.data(), n, buffer.data());
      const std::size_t full = d.data.size();
      if (from) *from = to_address(d.from);
      if (!(flags & MSG_PEEK)) {
        queued_ -= d.truesize;
        queue_.pop_front();
      }
      return (flags & MSG_TRUNC) ? full : n;
    }
    if (shut_rd_) return 0;
    if (!wait(io, ec)) return 0;
  }
}

void UdpSocket::shutdown(int how, std::error_code& ec) {
  if (how == SHUT_RD || how == SHUT_RDWR) shut_rd_ = true;
  if (how == SHUT_WR || how == SHUT_RDWR) shut_wr_ = true;
  if (!peer_) ec = errno_code(ENOTCONN);
  notify();
}

short UdpSocket::poll() const {
  short mask = 0;
  if (!queue_.empty() || shut_rd_) mask |= POLL_IN;
  if (so_error) mask |= POLL_ERR;
  if (shut_rd_ && shut_wr_) mask |= POLL_HUP;
  mask |= POLL_OUT;  // the send buffer of a datagram socket on these links never fills
  return mask;
}

void UdpSocket::close() {
  if (binding_.bound) host->udp.unbind(&binding_);
  queue_.clear();
  queued_ = 0;
}

}  // namespace socksim::sim
