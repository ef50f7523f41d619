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

void Core::transmit(const Packet& packet, std::function<void()> deliver) {
  // Packets to an address no host has are lost (as on a network with no route back).
  if (!packet.to) {
    TraceLine l = line("lost");
    l.str("proto", packet.proto).str("pkt", packet.what);
    trace_event(l);
    return;
  }
  Nanos delay = 0;
  if (const auto* link = link_for(packet.from, packet.to)) {
    LinkState& state = links_[{packet.from, packet.to}];
    Nanos start = std::max(now(), state.busy_until);
    Nanos serialize = 0;
    if (link->bandwidth > 0)
      serialize = static_cast<Nanos>((static_cast<std::uint64_t>(packet.bytes) * kSecond + link->bandwidth - 1) /
                                     link->bandwidth);  // packets are at most 64 KiB: no overflow
    state.busy_until = start + serialize;
    Nanos jitter = link->jitter.count() > 0 ? static_cast<Nanos>(rng.below(static_cast<std::uint64_t>(link->jitter.count()) + 1)) : 0;
    Nanos arrival = std::max(state.busy_until + link->latency.count() + jitter, state.last_arrival);
    state.last_arrival = arrival;
    delay = arrival - now();
  }
  TraceLine l = line("send");
  l.str("proto", packet.proto).str("pkt", packet.what).num("delay", delay);
  trace_event(l);
  if (delay <= 0) {
    immediate_.push_back(std::move(deliver));
  } else {
    clock.at(now() + delay, std::move(deliver));
  }
}

void Core::drain() {
  if (draining_) return;
  draining_ = true;
  while (immediate_head_ < immediate_.size()) {
    auto fn = std::move(immediate_[immediate_head_]);
    ++immediate_head_;
    fn();
  }
  immediate_.clear();
  immediate_head_ = 0;
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
