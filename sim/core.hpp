// sim/core.hpp - the state of one simulation, shared by SimNetwork and the sockets it made.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "dns.hpp"
#include "faults.hpp"
#include "host.hpp"
#include "rng.hpp"
#include "scheduler.hpp"
#include "socksim/sim.hpp"
#include "trace.hpp"
#include "unix_fs.hpp"

namespace socksim::sim {

class SimSocket;

// A packet on its way, as the link model and the fault rules see it.
struct Packet {
  Host* from = nullptr;
  Host* to = nullptr;          // nullptr: no host has the destination address
  std::size_t bytes = 0;       // payload size (delays by bandwidth)
  const char* proto = "";      // "tcp", "udp"
  std::string what;            // for the trace: "SYN 127.0.0.1:40000 > 127.0.0.1:80"
  // Or the description made only when the trace writes its lines: what_fn(what_obj, *this),
  // with what_hash standing for it in the trace hash.
  std::string (*what_fn)(const void* obj, const Packet& packet) = nullptr;
  const void* what_obj = nullptr;
  std::uint64_t what_hash = 0;
  // Adds the "pkt" field to a trace line.
  void trace_what(TraceLine& line) const {
    if (what_fn)
      line.described("pkt", {what_hash}, [this] { return what_fn(what_obj, *this); });
    else
      line.str("pkt", what);
  }
  // For the fault rules: the sockets at both ends (when known), and what kind of packet it is.
  const SimSocket* sender = nullptr;
  const SimSocket* receiver = nullptr;
  bool datagram = false;
  bool syn = false;            // a SYN without ACK
};

// A packet's delivery: kept in place (no allocation) up to the size of a TCP segment's.
using Delivery = InplaceCallback<192>;

class Core {
 public:
  explicit Core(SimNetwork::Config config);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  SimNetwork::Config config;
  std::thread::id owner;
  Rng rng;
  Clock clock;
  Scheduler sched;
  Trace trace;
  std::unique_ptr<std::ostream> trace_file;
  Resolver resolver;
  UnixNamespace unix_ns;
  std::map<std::string, std::unique_ptr<Host>> hosts;  // by name
  Host* default_host = nullptr;
  Seconds default_timeout;
  // The fault rules; consulted only at the choke points sim/faults.hpp names.
  Faults faults;

  Nanos now() const noexcept { return clock.now(); }
  Host& current_host() noexcept;
  const std::string& current_task() const noexcept { return sched.current()->name; }
  Host* find_host(const std::string& name) const;
  // The host a packet from `from` to `dst` reaches: `from` itself for its own and loopback
  // addresses, else the host owning `dst`; nullptr when no host has it.
  Host* route(Host& from, const Ip& dst) const;

  // True when the call may go on; else sets `ec` (foreign_thread). (Cancellation fails the
  // calls that would wait, in Scheduler::wait.)
  bool guard(std::error_code& ec) const;

  // ---- descriptors ----
  int open_fd(const std::shared_ptr<SimSocket>& sock);
  void close_fd(int fd);
  std::shared_ptr<SimSocket> socket_of_fd(int fd) const;

  // ---- packets ----
  // The choke point every packet between sockets passes: the link fault rules (drop, hold,
  // duplicate, reorder, slow down) are consulted here and nowhere else, then the link model
  // (latency, jitter, bandwidth, ordering) decides when `deliver` runs. Zero delay queues it
  // for drain().
  void transmit(const Packet& packet, Delivery deliver);
  // Delivers, in order, the packets rule `id` holds (the rule was removed, or its stall is over).
  void release(FaultId id);
  // The DNS fault rules for a lookup of `name` (numeric addresses are never looked up): waits
  // out a dns_delay, then false with `ec` set (an EAI_* code) when a dns_fail applies.
  bool lookup_faults(std::string_view name, std::error_code& ec);
  // Traces the rules that fired at one choke point.
  void trace_fired(const std::vector<Fired>& fired, const char* where, int fd = -1);
  // Runs the queued zero-delay deliveries, in order, until none is left. Safe to call at any
  // point where no socket is half-way through a state change.
  void drain();

  // ---- sockets the protocol keeps after their last descriptor closed (FIN_WAIT, TIME_WAIT...) ----
  void keep(const std::shared_ptr<SimSocket>& sock);
  void let_go(SimSocket* sock);

  // ---- connections in TIME_WAIT whose program closed them (sim/tcp.cpp) ----
  // As Linux's inet_timewait_sock: a record that holds the port (its binding is in its host's
  // table) and ends after TCP_TIMEWAIT_LEN, while the socket itself is let go. All last the same
  // time, so the deque is in order of expiry and one timer serves them all.
  struct TimeWait {
    PortBinding binding;
    Endpoint remote;
    Host* host = nullptr;
    Nanos expires = 0;
  };
  std::deque<TimeWait> time_wait;  // references stay valid as records come and go at the ends
  bool time_wait_armed = false;    // a timer is set for the first record's expiry

  // ---- trace ----
  void trace_event(TraceLine& line) { trace.emit(line); }
  TraceLine line(std::string_view ev) const { return TraceLine(trace, now(), current_task(), ev); }
  bool tracing() const noexcept { return trace.enabled(); }

 private:
  struct LinkState {
    Nanos busy_until = 0;    // the link sends the previous packet until then
    Nanos last_arrival = 0;  // packets on one link arrive in order
  };
  const SimNetwork::LinkConfig* link_for(const Host* from, const Host* to) const;

  std::map<std::pair<const Host*, const Host*>, LinkState> links_;
  struct Held {
    std::pair<const Host*, const Host*> path;  // released packets keep their path's order
    Delivery deliver;
  };
  std::map<FaultId, std::vector<Held>> held_;  // packets a rule holds, in order
  std::vector<Delivery> immediate_;
  std::vector<Delivery> running_;  // the batch drain() runs (immediate_ takes what it sends)
  bool draining_ = false;
  std::map<int, std::weak_ptr<SimSocket>> fds_;
  std::set<int> free_fds_;  // below next_fd_ and not in fds_
  int next_fd_ = 3;
  std::map<SimSocket*, std::shared_ptr<SimSocket>> kept_;
  std::vector<std::shared_ptr<SimSocket>> let_go_;
};

}  // namespace socksim::sim
