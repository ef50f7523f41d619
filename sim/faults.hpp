// sim/faults.hpp - the fault rule set a simulation owns, and its verdicts.
//
// Consulted at four choke points and nowhere else:
//   - calls:   where a descriptor's call enters the sim (socket.cpp, Call): fail it, or cap it;
//   - streams: where TCP data reaches the receiving socket (tcp.cpp, on_segment): cut it;
//   - packets: where a packet enters the network (core.cpp, Core::transmit): drop, hold,
//              duplicate, delay;
//   - names:   where a name is looked up (sim_network.cpp, socket.cpp): fail or delay it.
// The stack below those points never asks about faults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clock.hpp"
#include "rng.hpp"
#include "socksim/faults.hpp"

namespace socksim::sim {

class Host;
class SimSocket;

struct Fired {
  FaultId id;
  std::string what;  // the rule's text form: "send_cap 100", "fail_call recv 1 EINTR 1 @fd 4"...
};

// What the rules say about one call.
struct Verdict {
  int error = 0;                                              // errno, or fault::kTimeout; 0: none
  std::size_t cap = std::numeric_limits<std::size_t>::max();  // most bytes the call may move
  std::vector<Fired> fired;                                   // the rules that applied, in id order
};

// What the rules say about data reaching a stream's receiver.
struct StreamVerdict {
  enum class Cut { none, reset, fin };
  Cut cut = Cut::none;
  std::uint64_t keep = 0;  // with a cut: the bytes of this segment delivered before it
  std::vector<Fired> fired;
};

// A packet as the link rules see it.
struct PacketView {
  const Host* from = nullptr;
  const Host* to = nullptr;
  const SimSocket* sender = nullptr;    // nullptr: the host itself (an RST for a closed port...)
  const SimSocket* receiver = nullptr;  // nullptr: not known yet (a SYN, a datagram)
  bool datagram = false;
  bool syn = false;                     // a SYN without ACK
  std::size_t bytes = 0;
};

struct LinkVerdict {
  enum class Action { pass, drop, hold };
  Action action = Action::pass;
  FaultId hold_by = 0;           // with hold: the rule whose removal (or expiry) releases it
  int copies = 1;                // duplicate: 2
  Nanos extra_delay = 0;         // reorder: delivered this much later, out of order
  Nanos latency = 0;             // slow_link: added to the path's own, in order
  Nanos jitter = 0;
  std::uint64_t bandwidth = 0;   // slow_link: 0 = unlimited
  std::vector<Fired> fired;
  // A stall that starts with this packet: release its rule after this long.
  std::optional<Nanos> stall_for;
};

struct DnsVerdict {
  int error = 0;   // EAI_* code, 0: none
  Nanos delay = 0;
  std::vector<Fired> fired;
};

class Faults {
 public:
  // Maps a descriptor to its socket (set by Core), for rules scoped to a descriptor.
  std::function<const SimSocket*(int)> socket_of;

  // Throws std::invalid_argument for a rule that cannot fire (unknown op, errno 0, nth 0...).
  FaultId add(FaultRule rule);
  // False when no rule has that id.
  bool remove(FaultId id);
  void clear() noexcept { rules_.clear(); }
  bool empty() const noexcept { return rules_.empty(); }
  std::vector<FaultId> ids() const;

  // The verdict on call `op` (the traced name: "send", "sendto", "sendall", "recv", "recvfrom",
  // "connect", "accept"...) on descriptor `fd` of a socket on `host`. Counts the call for the
  // rules that count calls.
  Verdict consult(std::string_view op, int fd, const Host& host, Rng& rng);
  // I/O calls (send, recv, connect, accept families) seen by consult() since the first rule.
  std::uint64_t io_calls() const noexcept { return io_calls_; }

  // Data of `size` bytes, starting `offset` bytes into the stream from `sender` to `receiver`.
  StreamVerdict stream(const PacketView& packet, std::uint64_t offset, std::size_t size);

  LinkVerdict link(const PacketView& packet, Nanos now, Rng& rng);
  // A stall's time is over: it holds no more packets (its waiting packets are released by Core).
  void end_stall(FaultId id);

  DnsVerdict dns(std::string_view name);

  // How many times each rule fired (counted where a verdict's `fired` list is acted on).
  void hit(FaultId id) { ++hits_[id]; }
  std::uint64_t hits(FaultId id) const {
    auto it = hits_.find(id);
    return it == hits_.end() ? 0 : it->second;
  }

 private:
  struct Rule {
    FaultRule rule;
    std::string text;                    // to_string(rule), for the trace
    std::map<int, std::uint64_t> calls;  // fail_call: calls of its op seen per descriptor
    std::uint64_t count = 0;             // fail_point: I/O calls seen
    // stall: bytes seen per stream; started/over.
    std::map<std::pair<const SimSocket*, const SimSocket*>, std::uint64_t> stream_bytes;
    bool stalling = false;
    bool stall_over = false;
  };
  bool call_in_scope(const Rule& r, int fd, const Host& host) const;
  bool packet_in_scope(const Rule& r, const PacketView& p, bool both_ways) const;

  std::map<FaultId, Rule> rules_;
  FaultId next_id_ = 1;
  std::uint64_t io_calls_ = 0;
  std::map<FaultId, std::uint64_t> hits_;
};

}  // namespace socksim::sim
