// sim/sim_network.cpp - SimNetwork: the module's functions over the simulation.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <fstream>

#include "core.hpp"
#include "socket.hpp"
#include "socksim/errors.hpp"
#include "socksim/sim.hpp"
#include "tcp.hpp"
#include "udp.hpp"
#include "unix.hpp"

namespace socksim {

using sim::Core;

namespace {

class SimTask final : public TaskImpl {
 public:
  SimTask(std::shared_ptr<Core> core, std::shared_ptr<sim::TaskRec> rec) : core_(std::move(core)), rec_(std::move(rec)) {}
  ~SimTask() override {
    if (!joined_ && std::this_thread::get_id() == core_->owner) core_->sched.detach(*rec_);
  }
  const std::string& name() const noexcept override { return rec_->name; }
  bool done() const noexcept override { return rec_->done; }
  std::exception_ptr join() override {
    std::error_code ec;
    joined_ = true;
    if (std::this_thread::get_id() != core_->owner)
      return std::make_exception_ptr(Error(make_error_code(errc::foreign_thread), "join"));
    if (rec_.get() == core_->sched.current())
      return std::make_exception_ptr(Error(errno_code(EDEADLK), "join: a task cannot join itself"));
    auto escaped = core_->sched.join(*rec_);
    sim::TraceLine line = core_->line("join");
    line.str("task_joined", rec_->name);
    core_->trace_event(line);
    return escaped;
  }

 private:
  std::shared_ptr<Core> core_;
  std::shared_ptr<sim::TaskRec> rec_;
  bool joined_ = false;
};

bool known_type(int type) { return type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_SEQPACKET; }

}  // namespace

SimNetwork::SimNetwork() : SimNetwork(Config{}) {}

SimNetwork::SimNetwork(Config config) : core_(std::make_shared<Core>(std::move(config))) {}

SimNetwork::~SimNetwork() {
  if (std::this_thread::get_id() == core_->owner) core_->sched.unwind_all();
}

const SimNetwork::Config& SimNetwork::config() const noexcept { return core_->config; }

std::uint64_t SimNetwork::trace_hash() const noexcept { return core_->trace.hash(); }
std::uint64_t SimNetwork::trace_lines() const noexcept { return core_->trace.lines(); }
void SimNetwork::set_trace_output(std::ostream* out) { core_->trace.set_output(out); }
bool SimNetwork::set_trace_file(const std::string& path) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::app);
  if (!*file) return false;
  core_->trace.set_output(file.get());
  core_->trace_file = std::move(file);
  return true;
}
std::string SimNetwork::deadlock_report() const { return core_->sched.deadlock_report(); }
std::size_t SimNetwork::live_tasks() const noexcept { return core_->sched.live_tasks(); }

FaultId SimNetwork::add_fault(FaultRule rule) {
  const FaultId id = core_->faults.add(std::move(rule));
  sim::TraceLine line = core_->line("fault_added");
  line.num("rule", static_cast<long long>(id));
  core_->trace_event(line);
  return id;
}

bool SimNetwork::remove_fault(FaultId id) {
  if (!core_->faults.remove(id)) return false;
  sim::TraceLine line = core_->line("fault_removed");
  line.num("rule", static_cast<long long>(id));
  core_->trace_event(line);
  // Packets the rule held go on (a partition heals, a stall ends).
  if (std::this_thread::get_id() == core_->owner) core_->release(id);
  return true;
}

void SimNetwork::clear_faults() noexcept {
  const auto ids = core_->faults.ids();
  for (FaultId id : ids) remove_fault(id);
}

std::uint64_t SimNetwork::fault_io_calls() const noexcept { return core_->faults.io_calls(); }
std::uint64_t SimNetwork::fault_hits(FaultId id) const noexcept { return core_->faults.hits(id); }

void SimNetwork::add_record(DnsRecord record) { core_->resolver.add_record(std::move(record)); }
void SimNetwork::remove_record(const std::string& name) { core_->resolver.remove_record(name); }

void SimNetwork::yield() {
  std::error_code ec;
  if (!core_->guard(ec)) throw_error(ec, "yield");
  core_->drain();
  core_->sched.yield();
}

// ---- sockets ------------------------------------------------------------------------------------

std::shared_ptr<SocketImpl> SimNetwork::do_socket(int family, int type, int proto, std::error_code& ec) {
  if (!core_->guard(ec)) return nullptr;
  sim::Host& host = core_->current_host();
  std::shared_ptr<sim::SimSocket> sock;
  // __sys_socket: flags beyond SOCK_NONBLOCK | SOCK_CLOEXEC, or a type past SOCK_PACKET, are EINVAL.
  const int base_type = type & 0xf;
  if ((type & ~0xf & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0 || base_type > 10 || type < 0) {
    ec = errno_code(EINVAL);
    return nullptr;
  }
  if (family == AF_INET || family == AF_INET6) {
    if (base_type == SOCK_STREAM && (proto == 0 || proto == IPPROTO_TCP)) {
      sock = std::make_shared<sim::TcpSocket>(*core_, host, family, proto);
    } else if (base_type == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP)) {
      sock = std::make_shared<sim::UdpSocket>(*core_, host, family, proto);
    } else if (base_type == SOCK_RAW) {
      // inet_create: protocol 0 matches no raw protocol; the sim has no raw sockets otherwise
      // (as Linux without CAP_NET_RAW).
      ec = errno_code(proto == 0 ? EPROTONOSUPPORT : EPERM);
      return nullptr;
    } else if (base_type == SOCK_STREAM || base_type == SOCK_DGRAM) {
      ec = errno_code(EPROTONOSUPPORT);
      return nullptr;
    } else {
      ec = errno_code(ESOCKTNOSUPPORT);
      return nullptr;
    }
  } else if (family == AF_UNIX) {
    if (!known_type(base_type)) {
      ec = errno_code(ESOCKTNOSUPPORT);
      return nullptr;
    }
    if (proto != 0) {
      ec = errno_code(EPROTONOSUPPORT);
      return nullptr;
    }
    sock = std::make_shared<sim::UnixSocket>(*core_, host, base_type, proto);
  } else {
    ec = errno_code(EAFNOSUPPORT);
    return nullptr;
  }
  auto impl = std::make_shared<sim::SimSocketImpl>(core_, sock, std::nullopt);
  if (type & SOCK_NONBLOCK) impl->settimeout(0.0);
  sim::TraceLine line = core_->line("call");
  line.str("op", "socket").num("family", family).num("type", type).num("ret", impl->fileno());
  core_->trace_event(line);
  return impl;
}

std::pair<std::shared_ptr<SocketImpl>, std::shared_ptr<SocketImpl>> SimNetwork::do_socketpair(int family, int type,
                                                                                             int proto,
                                                                                             std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  if (family != AF_UNIX) {
    ec = errno_code(family == AF_INET || family == AF_INET6 ? EOPNOTSUPP : EAFNOSUPPORT);
    return {};
  }
  if (!known_type(type)) {
    ec = errno_code(EINVAL);
    return {};
  }
  if (proto != 0) {
    ec = errno_code(EPROTONOSUPPORT);
    return {};
  }
  sim::Host& host = core_->current_host();
  auto a = std::make_shared<sim::UnixSocket>(*core_, host, type, proto);
  auto b = std::make_shared<sim::UnixSocket>(*core_, host, type, proto);
  sim::UnixSocket::pair(a, b);
  auto ia = std::make_shared<sim::SimSocketImpl>(core_, a, std::nullopt);
  auto ib = std::make_shared<sim::SimSocketImpl>(core_, b, std::nullopt);
  sim::TraceLine line = core_->line("call");
  line.str("op", "socketpair").num("type", type).num("fd0", ia->fileno()).num("fd1", ib->fileno());
  core_->trace_event(line);
  return {ia, ib};
}

std::shared_ptr<SocketImpl> SimNetwork::do_fromfd(int fd, int family, int type, int proto, std::error_code& ec) {
  if (!core_->guard(ec)) return nullptr;
  auto sock = core_->socket_of_fd(fd);
  if (!sock) {
    ec = errno_code(EBADF);
    return nullptr;
  }
  auto impl = std::make_shared<sim::SimSocketImpl>(core_, sock, std::nullopt);
  impl->set_attributes(family, type, proto);
  sim::TraceLine line = core_->line("call");
  line.str("op", "fromfd").num("fd", fd).num("ret", impl->fileno());
  core_->trace_event(line);
  return impl;
}

// ---- resolution ---------------------------------------------------------------------------------

std::vector<AddrInfo> SimNetwork::do_getaddrinfo(const OptString& host, const OptString& port, int family,
                                                 int socktype, int proto, int flags, std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  std::vector<AddrInfo> out;
  if (!host || core_->lookup_faults(*host, ec)) out = core_->resolver.getaddrinfo(host, port, family, socktype, proto, flags, ec);
  sim::TraceLine line = core_->line("call");
  line.str("op", "getaddrinfo").str("host", host.value_or("None")).str("port", port.value_or("None"));
  if (ec)
    line.str("err", error_name(ec));
  else
    line.num("ret", static_cast<long long>(out.size()));
  core_->trace_event(line);
  return out;
}

std::pair<std::string, std::string> SimNetwork::do_getnameinfo(const Address& sockaddr, int flags,
                                                               std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  return core_->resolver.getnameinfo(sockaddr, flags, ec);
}

HostEntry SimNetwork::do_gethostbyname_ex(const std::string& hostname, std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  if (!core_->lookup_faults(hostname, ec)) return {};
  return core_->resolver.gethostbyname_ex(hostname, ec);
}

HostEntry SimNetwork::do_gethostbyaddr(const std::string& ip_address, std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  return core_->resolver.gethostbyaddr(ip_address, ec);
}

std::string SimNetwork::do_gethostname(std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  return core_->current_host().name();
}

int SimNetwork::do_getservbyname(const std::string& servicename, const std::string& protocolname,
                                 std::error_code& ec) {
  if (!core_->guard(ec)) return 0;
  return core_->resolver.getservbyname(servicename, protocolname, ec);
}

std::string SimNetwork::do_getservbyport(int port, const std::string& protocolname, std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  return core_->resolver.getservbyport(port, protocolname, ec);
}

int SimNetwork::do_getprotobyname(const std::string& protocolname, std::error_code& ec) {
  if (!core_->guard(ec)) return 0;
  return core_->resolver.getprotobyname(protocolname, ec);
}

bool SimNetwork::do_has_ipv6() { return true; }

// ---- clock and tasks ----------------------------------------------------------------------------

Network::Clock SimNetwork::do_now() const { return Clock(core_->now()); }

void SimNetwork::do_sleep(Clock duration, std::error_code& ec) {
  if (!core_->guard(ec)) return;
  core_->drain();
  const sim::Nanos until = core_->now() + duration.count();
  while (core_->now() < until) {
    switch (core_->sched.wait(std::span<sim::WaitQueue* const>(), until, "sleep")) {
      case sim::Wake::cancelled: ec = errno_code(ECANCELED); return;
      case sim::Wake::deadlock: ec = make_error_code(errc::deadlock); return;
      default: break;
    }
  }
  // A zero sleep still lets the other ready tasks run.
  if (duration.count() == 0) core_->sched.yield();
}

namespace {
std::shared_ptr<TaskImpl> spawn_task(const std::shared_ptr<Core>& core, const std::string& host, std::string name,
                                     std::function<void()> fn) {
  std::error_code ec;
  if (!core->guard(ec)) throw_error(ec, "spawn");
  sim::Host* h = core->find_host(host);
  if (!h) throw Error(errno_code(EINVAL), "spawn: no host '" + host + "'");
  sim::TraceLine line = core->line("spawn");
  line.str("name", name).str("host", host);
  core->trace_event(line);
  core->drain();
  auto rec = core->sched.spawn(std::move(name), h, std::move(fn));
  return std::make_shared<SimTask>(core, std::move(rec));
}
}  // namespace

std::shared_ptr<TaskImpl> SimNetwork::do_spawn(std::string name, std::function<void()> fn) {
  return spawn_task(core_, core_->current_host().name(), std::move(name), std::move(fn));
}

Task SimNetwork::spawn_on(const std::string& host, std::string name, std::function<void()> fn) {
  return Task(spawn_task(core_, host, std::move(name), std::move(fn)));
}

// ---- readiness ----------------------------------------------------------------------------------

int SimNetwork::do_poll(std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec) {
  if (!core_->guard(ec)) return 0;
  core_->drain();
  std::optional<sim::Nanos> deadline;
  if (timeout) deadline = core_->now() + sim::to_nanos(*timeout);
  std::vector<sim::SimSocket*> socks;
  for (auto& e : entries) {
    // A socket of another backend, or of another SimNetwork, is not one of ours: POLLNVAL.
    auto* impl = dynamic_cast<sim::SimSocketImpl*>(e.socket);
    socks.push_back(impl && &impl->socket()->core == core_.get() ? impl->socket().get() : nullptr);
  }
  for (;;) {
    int ready = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!socks[i]) {
        entries[i].revents = POLL_NVAL;
      } else {
        const short mask = socks[i]->poll();
        entries[i].revents = static_cast<short>(mask & (entries[i].events | POLL_ERR | POLL_HUP));
      }
      if (entries[i].revents) ++ready;
    }
    if (ready || (deadline && core_->now() >= *deadline)) {
      sim::TraceLine line = core_->line("call");
      line.str("op", "poll").num("n", static_cast<long long>(entries.size())).num("ret", ready);
      core_->trace_event(line);
      return ready;
    }
    std::vector<sim::WaitQueue*> queues;
    for (auto* s : socks)
      if (s) queues.push_back(&s->waiters);
    switch (core_->sched.wait(queues, deadline, "select/poll on " + std::to_string(entries.size()) + " sockets")) {
      case sim::Wake::cancelled: ec = errno_code(ECANCELED); return 0;
      case sim::Wake::deadlock: ec = make_error_code(errc::deadlock); return 0;
      default: break;
    }
  }
}

// ---- AF_UNIX filesystem -------------------------------------------------------------------------

std::string SimNetwork::do_mkdtemp(std::error_code& ec) {
  if (!core_->guard(ec)) return {};
  return core_->unix_ns.mkdtemp(core_->rng);
}

void SimNetwork::do_remove_tree(const std::string& path) noexcept {
  std::error_code ec;
  if (!core_->guard(ec)) return;
  core_->unix_ns.remove_tree(path);
}

void SimNetwork::do_unlink(const std::string& path, std::error_code& ec) {
  if (!core_->guard(ec)) return;
  if (int err = core_->unix_ns.unlink(path)) ec = errno_code(err);
}

void SimNetwork::do_cancel() noexcept { core_->sched.cancel(); }

void SimNetwork::do_setdefaulttimeout(Seconds timeout) noexcept { core_->default_timeout = timeout; }

}  // namespace socksim
