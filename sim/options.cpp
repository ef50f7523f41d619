// sim/options.cpp - getsockopt/setsockopt as Linux answers them (net/core/sock.c sk_setsockopt /
// sk_getsockopt, net/ipv4/tcp.c do_tcp_setsockopt, net/ipv4/ip_sockglue.c, net/ipv6/ipv6_sockglue.c).
//
// Each option the sim knows has a kind, the sockets it applies to and Linux's default; values
// are kept as the bytes getsockopt returns. An option the sim does not know is ENOPROTOOPT; a
// level AF_UNIX sockets lack is EOPNOTSUPP; a value shorter than the option's C type is EINVAL.
//
// Buffer sizes: a set value is clamped to net.core.wmem_max / rmem_max (4 MiB here), doubled,
// and raised to Linux's minimums (SOCK_MIN_SNDBUF 4608, SOCK_MIN_RCVBUF 2304). Of the buffer,
// the sim counts as payload about what Linux lets a loopback connection hold (measured on
// Linux 6.x, whose exact figures depend on skb overheads the sim does not model):
//   TCP send:    three quarters of SO_SNDBUF when the program set it; when not, Linux autotunes
//                the buffer up to net.ipv4.tcp_wmem's maximum (4 MiB) and the sim takes 15/16 of it.
//   TCP receive: half of SO_RCVBUF (the window Linux advertises).
//   UDP and AF_UNIX: SO_RCVBUF / SO_SNDBUF bytes of "truesize" (payload + per-packet overhead,
//                see packet_truesize()).
// One send() call fills the send buffer only: what the peer acknowledges during the call frees
// room for the next call (Linux holds the socket lock for the call). So with SO_SNDBUF and
// SO_RCVBUF both set to 4096, a non-blocking send of 1 MB takes 6,144 bytes, the next 4,096, then
// EAGAIN (Linux: 6,144, then 2,048 twice); with the default buffers, about 4.0 MB in all (Linux:
// 3.9 MB).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "socket.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {

namespace {

constexpr int kWmemMax = 4194304;
constexpr int kRmemMax = 4194304;
constexpr int kMinSndbuf = 4608;
constexpr int kMinRcvbuf = 2304;
constexpr std::size_t kTcpAutotunedSend = 4194304 / 16 * 15;

enum class Kind { boolean, integer, linger, timeval, readonly, sndbuf, rcvbuf, noset };

// Which sockets an option applies to.
enum Scope : unsigned {
  kAll = 1,
  kInet = 2,   // AF_INET and AF_INET6
  kInet6 = 4,  // AF_INET6 only
  kTcp = 8,    // SOCK_STREAM on AF_INET/AF_INET6
  kUnix = 16,  // AF_UNIX only
};

struct OptDef {
  int level;
  int name;
  Kind kind;
  unsigned scope;
  int def;
};

// clang-format off
constexpr OptDef kOptions[] = {
  {SOL_SOCKET, SO_DEBUG, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_REUSEADDR, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_TYPE, Kind::readonly, kAll, 0},
  {SOL_SOCKET, SO_ERROR, Kind::readonly, kAll, 0},
  {SOL_SOCKET, SO_DONTROUTE, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_BROADCAST, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_SNDBUF, Kind::sndbuf, kAll, 0},
  {SOL_SOCKET, SO_RCVBUF, Kind::rcvbuf, kAll, 0},
  {SOL_SOCKET, SO_KEEPALIVE, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_OOBINLINE, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_NO_CHECK, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_PRIORITY, Kind::integer, kAll, 0},
  {SOL_SOCKET, SO_LINGER, Kind::linger, kAll, 0},
  {SOL_SOCKET, SO_BSDCOMPAT, Kind::integer, kAll, 0},
  {SOL_SOCKET, SO_REUSEPORT, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_PASSCRED, Kind::boolean, kUnix, 0},
  {SOL_SOCKET, SO_RCVLOWAT, Kind::integer, kAll, 1},
  {SOL_SOCKET, SO_SNDLOWAT, Kind::noset, kAll, 1},
  {SOL_SOCKET, SO_RCVTIMEO, Kind::timeval, kAll, 0},
  {SOL_SOCKET, SO_SNDTIMEO, Kind::timeval, kAll, 0},
  {SOL_SOCKET, SO_TIMESTAMP, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_ACCEPTCONN, Kind::readonly, kAll, 0},
  {SOL_SOCKET, SO_TIMESTAMPNS, Kind::boolean, kAll, 0},
  {SOL_SOCKET, SO_MARK, Kind::integer, kAll, 0},
  {SOL_SOCKET, SO_PROTOCOL, Kind::readonly, kAll, 0},
  {SOL_SOCKET, SO_DOMAIN, Kind::readonly, kAll, 0},
  {SOL_SOCKET, SO_PEEK_OFF, Kind::integer, kAll, -1},
  {SOL_SOCKET, SO_BUSY_POLL, Kind::integer, kAll, 0},
  {SOL_SOCKET, SO_INCOMING_CPU, Kind::integer, kAll, -1},
  {IPPROTO_TCP, TCP_NODELAY, Kind::boolean, kTcp, 0},
  {IPPROTO_TCP, TCP_MAXSEG, Kind::integer, kTcp, 536},
  {IPPROTO_TCP, TCP_CORK, Kind::boolean, kTcp, 0},
  {IPPROTO_TCP, TCP_KEEPIDLE, Kind::integer, kTcp, 7200},
  {IPPROTO_TCP, TCP_KEEPINTVL, Kind::integer, kTcp, 75},
  {IPPROTO_TCP, TCP_KEEPCNT, Kind::integer, kTcp, 9},
  {IPPROTO_TCP, TCP_SYNCNT, Kind::integer, kTcp, 6},
  {IPPROTO_TCP, TCP_LINGER2, Kind::integer, kTcp, 60},
  {IPPROTO_TCP, TCP_DEFER_ACCEPT, Kind::integer, kTcp, 0},
  {IPPROTO_TCP, TCP_WINDOW_CLAMP, Kind::integer, kTcp, 0},
  {IPPROTO_TCP, TCP_QUICKACK, Kind::boolean, kTcp, 1},
  {IPPROTO_TCP, TCP_USER_TIMEOUT, Kind::integer, kTcp, 0},
  {IPPROTO_TCP, TCP_FASTOPEN, Kind::integer, kTcp, 0},
  {IPPROTO_TCP, TCP_NOTSENT_LOWAT, Kind::integer, kTcp, 0},
  {IPPROTO_IP, IP_TOS, Kind::integer, kInet, 0},
  {IPPROTO_IP, IP_TTL, Kind::integer, kInet, 64},
  {IPPROTO_IP, IP_HDRINCL, Kind::boolean, kInet, 0},
  {IPPROTO_IP, IP_MTU_DISCOVER, Kind::integer, kInet, 1},
  {IPPROTO_IP, IP_RECVERR, Kind::boolean, kInet, 0},
  {IPPROTO_IP, IP_RECVTTL, Kind::boolean, kInet, 0},
  {IPPROTO_IP, IP_RECVTOS, Kind::boolean, kInet, 0},
  {IPPROTO_IP, IP_FREEBIND, Kind::boolean, kInet, 0},
  {IPPROTO_IP, IP_MULTICAST_TTL, Kind::integer, kInet, 1},
  {IPPROTO_IP, IP_MULTICAST_LOOP, Kind::boolean, kInet, 1},
  {IPPROTO_IPV6, IPV6_UNICAST_HOPS, Kind::integer, kInet6, 64},
  {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, Kind::integer, kInet6, 1},
  {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, Kind::boolean, kInet6, 1},
  {IPPROTO_IPV6, IPV6_MTU_DISCOVER, Kind::integer, kInet6, 1},
  {IPPROTO_IPV6, IPV6_V6ONLY, Kind::boolean, kInet6, 0},
  {IPPROTO_IPV6, IPV6_RECVPKTINFO, Kind::boolean, kInet6, 0},
  {IPPROTO_IPV6, IPV6_TCLASS, Kind::integer, kInet6, 0},
};
// clang-format on

std::string int_bytes(int v) {
  std::string out(4, '\0');
  const auto u = static_cast<std::uint32_t>(v);
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((u >> (8 * i)) & 0xff);
  return out;
}

int read_int(std::string_view bytes, std::size_t at = 0) {
  std::uint32_t u = 0;
  for (std::size_t i = 0; i < 4; ++i) u |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return static_cast<int>(u);
}

bool is_inet(int family) { return family == AF_INET || family == AF_INET6; }

}  // namespace

std::size_t SimSocket::send_capacity() const {
  if (type == SOCK_STREAM && is_inet(family))
    return opt.sndbuf_set ? static_cast<std::size_t>(opt.sndbuf) / 4 * 3 : kTcpAutotunedSend;
  return static_cast<std::size_t>(opt.sndbuf);
}

std::size_t SimSocket::recv_capacity() const {
  if (type == SOCK_STREAM && is_inet(family)) return static_cast<std::size_t>(opt.rcvbuf) / 2;
  return static_cast<std::size_t>(opt.rcvbuf);
}

namespace {

// The levels a socket has: SOL_SOCKET; IPPROTO_IP on inet sockets; IPPROTO_IPV6 on AF_INET6;
// IPPROTO_TCP / IPPROTO_UDP by type.
bool has_level(const SimSocket& s, int level) {
  if (level == SOL_SOCKET) return true;
  if (!is_inet(s.family)) return false;
  if (level == IPPROTO_IP) return true;
  if (level == IPPROTO_IPV6) return s.family == AF_INET6;
  if (level == IPPROTO_TCP) return s.type == SOCK_STREAM;
  if (level == IPPROTO_UDP) return s.type == SOCK_DGRAM;
  return false;
}

// A level the socket lacks: EOPNOTSUPP (ip_getsockopt, AF_UNIX), but ENOPROTOOPT for an inet
// socket's setsockopt (ip_setsockopt) - Linux's own asymmetry.
const OptDef* find_option(const SimSocket& s, int level, int name, bool set, std::error_code& ec) {
  if (!has_level(s, level)) {
    ec = errno_code(set && is_inet(s.family) ? ENOPROTOOPT : EOPNOTSUPP);
    return nullptr;
  }
  for (const OptDef& d : kOptions) {
    if (d.level != level || d.name != name) continue;
    bool applies = (d.scope & kAll) || ((d.scope & kInet) && is_inet(s.family)) ||
                   ((d.scope & kInet6) && s.family == AF_INET6) ||
                   ((d.scope & kTcp) && is_inet(s.family) && s.type == SOCK_STREAM) ||
                   ((d.scope & kUnix) && s.family == AF_UNIX);
    if (!applies) break;
    return &d;
  }
  ec = errno_code(ENOPROTOOPT);
  return nullptr;
}

int protocol_of(const SimSocket& s) {
  if (s.family == AF_UNIX) return 0;
  if (s.proto != 0) return s.proto;
  return s.type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
}

}  // namespace

std::string SimSocket::getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) {
  ec.clear();
  const OptDef* d = find_option(*this, level, optname, false, ec);
  if (!d) return {};
  std::string value;
  switch (d->kind) {
    case Kind::readonly:
      switch (optname) {
        case SO_TYPE: value = int_bytes(type); break;
        case SO_ERROR: value = int_bytes(std::exchange(so_error, 0)); break;
        case SO_ACCEPTCONN: value = int_bytes(listening() ? 1 : 0); break;
        case SO_PROTOCOL: value = int_bytes(protocol_of(*this)); break;
        case SO_DOMAIN: value = int_bytes(family); break;
        default: value = int_bytes(0);
      }
      break;
    case Kind::sndbuf: value = int_bytes(opt.sndbuf); break;
    case Kind::rcvbuf: value = int_bytes(opt.rcvbuf); break;
    case Kind::linger:
      value = int_bytes(opt.linger_on ? 1 : 0) + int_bytes(opt.linger_secs);
      break;
    case Kind::timeval: {
      auto it = opt.other.find({level, optname});
      value = it != opt.other.end() ? it->second : std::string(16, '\0');
      break;
    }
    default: {
      if (level == SOL_SOCKET && optname == SO_REUSEADDR) {
        value = int_bytes(opt.reuseaddr);
      } else if (level == SOL_SOCKET && optname == SO_REUSEPORT) {
        value = int_bytes(opt.reuseport);
      } else if (level == SOL_SOCKET && optname == SO_KEEPALIVE) {
        value = int_bytes(opt.keepalive);
      } else if (level == SOL_SOCKET && optname == SO_BROADCAST) {
        value = int_bytes(opt.broadcast);
      } else if (level == IPPROTO_IPV6 && optname == IPV6_V6ONLY) {
        value = int_bytes(opt.v6only);
      } else if (level == IPPROTO_TCP && optname == TCP_NODELAY) {
        value = int_bytes(opt.nodelay);
      } else {
        auto it = opt.other.find({level, optname});
        value = it != opt.other.end() ? it->second : int_bytes(d->def);
      }
    }
  }
  if (value.size() > buflen) value.resize(buflen);
  return value;
}

void SimSocket::setsockopt(int level, int optname, std::string_view bytes, std::error_code& ec) {
  ec.clear();
  const OptDef* d = find_option(*this, level, optname, true, ec);
  if (!d) return;
  if (d->kind == Kind::readonly || d->kind == Kind::noset) {
    ec = errno_code(ENOPROTOOPT);
    return;
  }
  if (d->kind == Kind::linger) {
    if (bytes.size() < 8) {
      ec = errno_code(EINVAL);
      return;
    }
    opt.linger_on = read_int(bytes, 0) != 0;
    opt.linger_secs = read_int(bytes, 4);
    if (!opt.linger_on) opt.linger_secs = read_int(bytes, 4);
    return;
  }
  if (d->kind == Kind::timeval) {
    if (bytes.size() < 16) {
      ec = errno_code(EINVAL);
      return;
    }
    opt.other[{level, optname}] = std::string(bytes.substr(0, 16));
    return;
  }
  // IP-level options take one byte as well as an int; the others need an int.
  int v = 0;
  if (bytes.size() >= 4) {
    v = read_int(bytes);
  } else if (level == IPPROTO_IP && !bytes.empty()) {
    v = static_cast<unsigned char>(bytes[0]);
  } else {
    ec = errno_code(EINVAL);
    return;
  }
  switch (d->kind) {
    case Kind::sndbuf: {
      const auto u = static_cast<std::uint32_t>(v);
      const std::uint32_t clamped = std::min<std::uint32_t>(u, kWmemMax);
      opt.sndbuf = std::max<int>(static_cast<int>(clamped) * 2, kMinSndbuf);
      opt.sndbuf_set = true;
      options_changed();
      return;
    }
    case Kind::rcvbuf: {
      const auto u = static_cast<std::uint32_t>(v);
      const std::uint32_t clamped = std::min<std::uint32_t>(u, kRmemMax);
      opt.rcvbuf = std::max<int>(static_cast<int>(clamped) * 2, kMinRcvbuf);
      opt.rcvbuf_set = true;
      options_changed();
      return;
    }
    case Kind::boolean: {
      const bool on = v != 0;
      if (level == SOL_SOCKET && optname == SO_REUSEADDR) {
        opt.reuseaddr = on;
      } else if (level == SOL_SOCKET && optname == SO_REUSEPORT) {
        opt.reuseport = on;
      } else if (level == SOL_SOCKET && optname == SO_KEEPALIVE) {
        opt.keepalive = on;
      } else if (level == SOL_SOCKET && optname == SO_BROADCAST) {
        opt.broadcast = on;
      } else if (level == IPPROTO_IPV6 && optname == IPV6_V6ONLY) {
        if (bound()) {
          ec = errno_code(EINVAL);  // Linux refuses once the socket has a local port
          return;
        }
        opt.v6only = on;
      } else if (level == IPPROTO_TCP && optname == TCP_NODELAY) {
        opt.nodelay = on;
      } else {
        opt.other[{level, optname}] = int_bytes(on ? 1 : 0);
      }
      options_changed();
      return;
    }
    default:
      break;
  }
  // Integer options with Linux's range checks.
  if (level == SOL_SOCKET && optname == SO_RCVLOWAT) {
    v = v < 0 ? INT_MAX : (v == 0 ? 1 : v);
  } else if (level == IPPROTO_IP && optname == IP_TTL) {
    if (v == -1) v = 64;
    if (v < 1 || v > 255) {
      ec = errno_code(EINVAL);
      return;
    }
  } else if (level == IPPROTO_IPV6 && (optname == IPV6_UNICAST_HOPS || optname == IPV6_MULTICAST_HOPS)) {
    if (v < -1 || v > 255) {
      ec = errno_code(EINVAL);
      return;
    }
    if (v == -1) v = optname == IPV6_UNICAST_HOPS ? 64 : 1;
  } else if (level == IPPROTO_IP && optname == IP_TOS) {
    v &= 0xff;
    if (type == SOCK_STREAM) v &= ~3;
  } else if (level == IPPROTO_IP && optname == IP_MULTICAST_TTL) {
    if (v == -1) v = 1;
    if (v < 0 || v > 255) {
      ec = errno_code(EINVAL);
      return;
    }
  } else if (level == IPPROTO_TCP && optname == TCP_MAXSEG) {
    if (v < 88 || v > 32767) {
      ec = errno_code(EINVAL);
      return;
    }
  } else if (level == IPPROTO_TCP && (optname == TCP_KEEPIDLE || optname == TCP_KEEPINTVL)) {
    if (v < 1 || v > 32767) {
      ec = errno_code(EINVAL);
      return;
    }
  } else if (level == IPPROTO_TCP && (optname == TCP_KEEPCNT || optname == TCP_SYNCNT)) {
    if (v < 1 || v > 127) {
      ec = errno_code(EINVAL);
      return;
    }
  } else if (level == IPPROTO_TCP && optname == TCP_LINGER2) {
    if (v < 0) v = -1;
    if (v > 120) v = 120;
  } else if (level == IPPROTO_IP && optname == IP_MTU_DISCOVER) {
    if (v < 0 || v > 5) {
      ec = errno_code(EINVAL);
      return;
    }
  }
  opt.other[{level, optname}] = int_bytes(v);
  options_changed();
}

}  // namespace socksim::sim
