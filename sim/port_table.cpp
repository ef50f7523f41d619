// sim/port_table.cpp - see port_table.hpp.
#include "port_table.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace socksim::sim {

namespace {

// The set of addresses a binding covers, per family: none, one address, or all.
struct Cover {
  enum Kind { none, one, all } v4 = none, v6 = none;
  Ip a4, a6;
};

Cover cover(const PortBinding& b) {
  Cover c;
  if (b.addr.family == AF_INET) {
    if (b.addr.is_any()) {
      c.v4 = Cover::all;
    } else {
      c.v4 = Cover::one;
      c.a4 = b.addr;
    }
    return c;
  }
  if (b.addr.is_any()) {
    c.v6 = Cover::all;
    if (!b.v6only) c.v4 = Cover::all;
    return c;
  }
  if (b.addr.is_v4_mapped()) {
    Ip v4 = b.addr.unmapped();
    if (v4.is_any()) {
      c.v4 = Cover::all;
    } else {
      c.v4 = Cover::one;
      c.a4 = v4;
    }
    return c;
  }
  c.v6 = Cover::one;
  c.a6 = b.addr;
  return c;
}

bool meet(Cover::Kind ka, const Ip& a, Cover::Kind kb, const Ip& b) {
  if (ka == Cover::none || kb == Cover::none) return false;
  if (ka == Cover::all || kb == Cover::all) return true;
  return a == b;
}

}  // namespace

bool PortTable::overlap(const PortBinding& a, const PortBinding& b) {
  const Cover ca = cover(a), cb = cover(b);
  return meet(ca.v4, ca.a4, cb.v4, cb.a4) || meet(ca.v6, ca.a6, cb.v6, cb.a6);
}

bool PortTable::accepts(const PortBinding& b, const Ip& dst_in) {
  const Ip dst = dst_in.unmapped();
  const Cover c = cover(b);
  if (dst.family == AF_INET) return c.v4 == Cover::all || (c.v4 == Cover::one && c.a4 == dst);
  return c.v6 == Cover::all || (c.v6 == Cover::one && c.a6 == dst);
}

bool PortTable::conflicts(const PortBinding& b, int port) const {
  auto it = ports_.find(port);
  if (it == ports_.end()) return false;
  for (const PortBinding* other : it->second.bindings) {
    if (!other || other == &b || !overlap(b, *other)) continue;
    if (b.reuseaddr && other->reuseaddr && !other->listening) continue;
    if (b.reuseport && other->reuseport) continue;
    return true;
  }
  return false;
}

int PortTable::bind(PortBinding* b, Rng& rng, Ephemeral mode) {
  if (b->port != 0) {
    if (conflicts(*b, b->port)) return EADDRINUSE;
  } else {
    constexpr int span = kEphemeralHigh - kEphemeralLow + 1;
    const int offset = static_cast<int>(rng.below(span));
    const int first_parity = mode == Ephemeral::bind ? 1 : 0;
    int found = 0;
    for (int pass = 0; pass < 2 && !found; ++pass) {
      const int parity = pass == 0 ? first_parity : 1 - first_parity;
      for (int i = 0; i < span; ++i) {
        const int port = kEphemeralLow + (offset + i) % span;
        if ((port & 1) != parity) continue;
        // An ephemeral port is one nobody holds at all (simpler than Linux, which lets
        // connections with different peers share a local port).
        if (!held_[static_cast<std::size_t>(port)]) {
          found = port;
          break;
        }
      }
    }
    if (!found) {
      if (mode == Ephemeral::connect) return EADDRNOTAVAIL;
      if (mode == Ephemeral::udp) return EAGAIN;
      return EADDRINUSE;
    }
    b->port = found;
  }
  record(b);
  return 0;
}

void PortTable::record(PortBinding* b) {
  Port& p = ports_[b->port];
  b->seq = next_seq_++;
  b->slot = p.bindings.size();
  p.bindings.push_back(b);
  ++p.live;
  if (b->listening) p.listeners.push_back(b);
  held_[static_cast<std::size_t>(b->port)] = 1;
  b->bound = true;
  ++count_;
}

void PortTable::attach(PortBinding* b) { record(b); }

void PortTable::unbind(PortBinding* b) {
  if (!b->bound) return;
  auto it = ports_.find(b->port);
  if (it != ports_.end()) {
    Port& p = it->second;
    if (b->slot < p.bindings.size() && p.bindings[b->slot] == b) {
      p.bindings[b->slot] = nullptr;
      --p.live;
    }
    if (b->listening) p.listeners.erase(std::remove(p.listeners.begin(), p.listeners.end(), b), p.listeners.end());
    if (p.live == 0) {
      ports_.erase(it);
      held_[static_cast<std::size_t>(b->port)] = 0;
    } else if (p.bindings.size() >= 16 && p.live * 2 <= p.bindings.size()) {
      std::size_t n = 0;
      for (PortBinding* x : p.bindings)
        if (x) {
          x->slot = n;
          p.bindings[n++] = x;
        }
      p.bindings.resize(n);
    }
  }
  b->bound = false;
  b->listening = false;
  --count_;
}

void PortTable::set_listening(PortBinding* b, bool listening) {
  if (b->listening == listening) return;
  b->listening = listening;
  if (!b->bound) return;
  auto it = ports_.find(b->port);
  if (it == ports_.end()) return;
  auto& l = it->second.listeners;
  if (listening) {
    // In the order the bindings were recorded.
    auto pos = std::upper_bound(l.begin(), l.end(), b->seq, [](std::uint64_t seq, const PortBinding* x) { return seq < x->seq; });
    l.insert(pos, b);
  } else {
    l.erase(std::remove(l.begin(), l.end(), b), l.end());
  }
}

int PortTable::check_listen(const PortBinding* b) const {
  auto it = ports_.find(b->port);
  if (it == ports_.end()) return 0;
  for (const PortBinding* other : it->second.listeners) {
    if (other == b || !overlap(*b, *other)) continue;
    if (b->reuseport && other->reuseport) continue;
    return EADDRINUSE;
  }
  return 0;
}

PortBinding* PortTable::find_listener(const Ip& dst, int port) const {
  auto it = ports_.find(port);
  if (it == ports_.end()) return nullptr;
  PortBinding* wildcard = nullptr;
  for (PortBinding* b : it->second.listeners) {
    if (!accepts(*b, dst)) continue;
    const bool exact = !b->addr.is_any() && !(b->addr.is_v4_mapped() && b->addr.unmapped().is_any());
    // Same-family wildcard is preferred to a dual-stack one.
    if (exact) return b;
    if (!wildcard || (wildcard->addr.family != dst.unmapped().family && b->addr.family == dst.unmapped().family))
      wildcard = b;
  }
  return wildcard;
}

std::vector<PortBinding*> PortTable::find_receivers(const Ip& dst, int port) const {
  std::vector<PortBinding*> exact, wild;
  auto it = ports_.find(port);
  if (it == ports_.end()) return {};
  for (PortBinding* b : it->second.bindings) {
    if (!b) continue;
    if (dst.is_broadcast()) {
      if (b->addr.is_any() && (b->addr.family == AF_INET || !b->v6only)) wild.push_back(b);
      continue;
    }
    if (!accepts(*b, dst)) continue;
    (b->addr.is_any() ? wild : exact).push_back(b);
  }
  exact.insert(exact.end(), wild.begin(), wild.end());
  return exact;
}

}  // namespace socksim::sim
