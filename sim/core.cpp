// sim/core.cpp - hosts, descriptors, the packet choke point and the sockets kept after close.
#include "core.hpp"

#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "socket.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {

namespace {

DnsConfig with_hosts(const SimNetwork::Config& config) {
  DnsConfig dns = config.dns;
  for (const auto& h : config.hosts) {
    if (h.name == "localhost") continue;
    DnsRecord r;
    r.name = h.name;
    r.aliases = h.aliases;
    for (const auto& a : h.addresses) {
      if (auto ip = Ip::parse_any(a)) (ip->family == AF_INET ? r.ipv4 : r.ipv6).push_back(ip->to_string());
    }
    dns.records.push_back(std::move(r));
  }
  return dns;
}

[[noreturn]] void config_error(const std::string& what) {
  throw std::invalid_argument("SimNetwork::Config: " + what);
}

}  // namespace

Core::Core(SimNetwork::Config cfg)
    : config(std::move(cfg)),
      owner(std::this_thread::get_id()),
      rng(config.seed),
      sched(clock, rng, [this] { drain(); }),
      resolver(with_hosts(config)) {
  sched.set_random(config.random_schedule);
  faults.socket_of = [this](int fd) -> const SimSocket* {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return nullptr;
    return it->second.lock().get();
  };
  trace.set_enabled(config.trace);
  sched.set_stack_size(config.stack_size);
  std::vector<Ip> local_addrs;
  std::vector<std::string> local_aliases;
  for (const auto& h : config.hosts) {
    if (h.name.empty()) config_error("a host without a name");
    std::vector<Ip> addrs;
    for (const auto& a : h.addresses) {
      auto ip = Ip::parse_any(a);
      if (!ip) config_error("host '" + h.name + "': '" + a + "' is not a numeric address");
      addrs.push_back(*ip);
    }
    if (h.name == "localhost") {
      local_addrs = addrs;
      local_aliases = h.aliases;
      continue;
    }
    if (hosts.count(h.name)) config_error("host '" + h.name + "' given twice");
    hosts.emplace(h.name, std::make_unique<Host>(h.name, std::move(addrs), h.aliases));
  }
  auto local = std::make_unique<Host>("localhost", std::move(local_addrs), std::move(local_aliases));
  default_host = local.get();
  hosts.emplace("localhost", std::move(local));
  Host* root = find_host(config.root_host);
  if (!root) config_error("root_host '" + config.root_host + "' is not a host");
  sched.root()->host = root;
  for (const auto& l : config.links) {
    if (l.from != "*" && !find_host(l.from)) config_error("link from unknown host '" + l.from + "'");
    if (l.to != "*" && !find_host(l.to)) config_error("link to unknown host '" + l.to + "'");
  }
}

Core::~Core() {
  sched.unwind_all();
  clock.clear();
  immediate_.clear();
  running_.clear();
  kept_.clear();
  let_go_.clear();
}

Host& Core::current_host() noexcept {
  Host* h = sched.current()->host;
  return h ? *h : *default_host;
}

Host* Core::find_host(const std::string& name) const {
  auto it = hosts.find(name);
  return it == hosts.end() ? nullptr : it->second.get();
}

Host* Core::route(Host& from, const Ip& dst_in) const {
  const Ip dst = dst_in.unmapped();
  if (from.owns(dst)) return &from;
  for (const auto& [name, h] : hosts)
    for (const Ip& a : h->addresses())
      if (a == dst) return h.get();
  return nullptr;
}

bool Core::guard(std::error_code& ec) const {
  if (std::this_thread::get_id() != owner) {
    ec = make_error_code(errc::foreign_thread);
    return false;
  }
  return true;
}

// ---- descriptors --------------------------------------------------------------------------------

int Core::open_fd(const std::shared_ptr<SimSocket>& sock) {
  // The lowest free number from 3, as Linux hands them out (0-2 are the standard streams).
  int fd;
  if (!free_fds_.empty()) {
    fd = *free_fds_.begin();
    free_fds_.erase(free_fds_.begin());
  } else {
    fd = next_fd_++;
  }
  fds_[fd] = sock;
  return fd;
}

void Core::close_fd(int fd) {
  if (fds_.erase(fd)) free_fds_.insert(fd);
}

std::shared_ptr<SimSocket> Core::socket_of_fd(int fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : it->second.lock();
}

// ---- packets ------------------------------------------------------------------------------------

const SimNetwork::LinkConfig* Core::link_for(const Host* from, const Host* to) const {
  const SimNetwork::LinkConfig* found = nullptr;
  for (const auto& l : config.links) {
    const bool from_ok = l.from == "*" ? from != to : l.from == from->name();
    const bool to_ok = l.to == "*" ? from != to : l.to == to->name();
    if (from_ok && to_ok) found = &l;
  }
  return found;
}

void Core::transmit(const Packet& packet, Delivery deliver) {
  // Packets to an address no host has are lost (as on a network with no route back).
  if (!packet.to) {
    TraceLine l = line("lost");
    l.str("proto", packet.proto);
    packet.trace_what(l);
    trace_event(l);
    return;
  }
  LinkVerdict fv;
  if (!faults.empty()) {
    const PacketView view{packet.from, packet.to, packet.sender, packet.receiver, packet.datagram, packet.syn,
                          packet.bytes};
    fv = faults.link(view, now(), rng);
    if (!fv.fired.empty()) trace_fired(fv.fired, "link");
    if (fv.action == LinkVerdict::Action::drop) {
      TraceLine l = line("drop");
      l.str("proto", packet.proto);
      packet.trace_what(l);
      trace_event(l);
      return;
    }
    if (fv.action == LinkVerdict::Action::hold) {
      TraceLine l = line("hold");
      l.str("proto", packet.proto);
      packet.trace_what(l);
      l.num("rule", static_cast<long long>(fv.hold_by));
      trace_event(l);
      held_[fv.hold_by].push_back(Held{{packet.from, packet.to}, std::move(deliver)});
      if (fv.stall_for) {
        const FaultId id = fv.hold_by;
        clock.at(now() + *fv.stall_for, [this, id] {
          faults.end_stall(id);
          release(id);
        });
      }
      return;
    }
  }
  Nanos delay = 0;
  const auto* link = link_for(packet.from, packet.to);
  if (link || fv.latency > 0 || fv.jitter > 0 || fv.bandwidth > 0) {
    LinkState& state = links_[{packet.from, packet.to}];
    std::uint64_t bandwidth = link ? link->bandwidth : 0;
    if (fv.bandwidth > 0 && (bandwidth == 0 || fv.bandwidth < bandwidth)) bandwidth = fv.bandwidth;
    const Nanos latency = (link ? link->latency.count() : 0) + fv.latency;
    const Nanos jitter_max = (link ? link->jitter.count() : 0) + fv.jitter;
    Nanos start = std::max(now(), state.busy_until);
    Nanos serialize = 0;
    if (bandwidth > 0)
      serialize = static_cast<Nanos>((static_cast<std::uint64_t>(packet.bytes) * kSecond + bandwidth - 1) /
                                     bandwidth);  // packets are at most 64 KiB: no overflow
    state.busy_until = start + serialize;
    Nanos jitter = jitter_max > 0 ? static_cast<Nanos>(rng.below(static_cast<std::uint64_t>(jitter_max) + 1)) : 0;
    Nanos arrival = std::max(state.busy_until + latency + jitter, state.last_arrival);
    state.last_arrival = arrival;
    delay = arrival - now();
  }
  // Reordered datagrams leave the path's order: they arrive later than their successors.
  delay += fv.extra_delay;
  TraceLine l = line("send");
  l.str("proto", packet.proto);
  packet.trace_what(l);
  l.num("delay", delay);
  if (fv.copies > 1) l.num("copies", fv.copies);
  trace_event(l);
  for (int copy = 1; copy < fv.copies; ++copy) {
    if (delay <= 0)
      immediate_.push_back(deliver.copy());
    else
      clock.at(now() + delay, deliver.copy());
  }
  if (delay <= 0) {
    immediate_.push_back(std::move(deliver));
  } else {
    clock.at(now() + delay, std::move(deliver));
  }
}

void Core::release(FaultId id) {
  auto it = held_.find(id);
  if (it == held_.end()) return;
  std::vector<Held> packets = std::move(it->second);
  held_.erase(it);
  TraceLine l = line("release");
  l.num("rule", static_cast<long long>(id)).num("packets", static_cast<long long>(packets.size()));
  trace_event(l);
  for (auto& p : packets) {
    // Not before what is still on its way on the same path (a link with latency): a stream's
    // bytes must not overtake each other.
    auto link = links_.find(p.path);
    if (link != links_.end() && link->second.last_arrival > now()) {
      clock.at(link->second.last_arrival, std::move(p.deliver));
    } else {
      immediate_.push_back(std::move(p.deliver));
    }
  }
  drain();
}

bool Core::lookup_faults(std::string_view name, std::error_code& ec) {
  if (faults.empty() || name.empty() || name == "<broadcast>" || Ip::parse_any(std::string(name))) return true;
  const DnsVerdict v = faults.dns(name);
  if (v.fired.empty()) return true;
  trace_fired(v.fired, "dns");
  if (v.delay > 0) {
    drain();
    const Nanos until = now() + v.delay;
    while (now() < until) {
      switch (sched.wait(std::span<WaitQueue* const>(), until, "name lookup of " + std::string(name))) {
        case Wake::cancelled: ec = errno_code(ECANCELED); return false;
        case Wake::deadlock: ec = make_error_code(errc::deadlock); return false;
        default: break;
      }
    }
  }
  if (v.error) {
    ec = gai_code(v.error);
    return false;
  }
  return true;
}

void Core::trace_fired(const std::vector<Fired>& fired, const char* where, int fd) {
  for (const auto& f : fired) faults.hit(f.id);
  if (!tracing()) return;
  for (const auto& f : fired) {
    TraceLine l = line("fault");
    l.num("rule", static_cast<long long>(f.id)).str("at", where);
    if (fd >= 0) l.num("fd", fd);
    l.str("fault", f.what);
    trace_event(l);
  }
}

void Core::drain() {
  if (draining_) return;
  draining_ = true;
  // Batch by batch: what the deliveries of one batch send goes to the next, in order; each
  // delivery runs where it lies (the batch does not grow while it runs).
  while (!immediate_.empty()) {
    running_.swap(immediate_);
    for (Delivery& d : running_) d();
    running_.clear();
  }
  let_go_.clear();
  draining_ = false;
}

// ---- kept sockets -------------------------------------------------------------------------------

void Core::keep(const std::shared_ptr<SimSocket>& sock) { kept_[sock.get()] = sock; }

void Core::let_go(SimSocket* sock) {
  auto it = kept_.find(sock);
  if (it == kept_.end()) return;
  // Destroyed later: the caller may be one of its own member functions.
  let_go_.push_back(std::move(it->second));
  kept_.erase(it);
}

}  // namespace socksim::sim
