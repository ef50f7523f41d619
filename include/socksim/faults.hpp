// socksim/faults.hpp - fault rules a SimNetwork applies to socket calls, streams, packets and
// name lookups.
//
// A rule is a scope and an action. Scopes: every socket (the default), the socket on one
// descriptor, or the traffic between two hosts in one direction or both (`Path`). Each rule is
// consulted at one of a few choke points: where a socket call enters the sim (call faults), where
// a TCP segment's data reaches the receiving socket (stream faults), where a packet enters the
// network (link faults) and where a name is looked up (DNS faults). Every rule that fires is
// traced (a "fault" line), so the trace hash reflects it; whatever a rule leaves to chance is
// drawn from the simulation's one seeded generator, so the same seed and rules give the same run.
//
//   net.add_fault(fault::send_cap{100});                             // a send takes at most 100 bytes
//   net.add_fault(FaultRule(fd, fault::fail_call{"recv", 2, EINTR}));  // the 2nd recv on fd: EINTR
//   auto p = net.add_fault(FaultRule(Path{"a", "b", true}, fault::partition{}));
//   ...
//   net.remove_fault(p);                                             // heal: held packets go on
//
// Rules can be written as text too (the form replay lines and `socksim explore` print):
// "send_cap 7", "send_cap 1..64", "fail_call recv 2 EINTR 1 @fd 4", "reset_after 100 @a>b",
// "partition hold @a<>b", "dns_fail db.example EAI_AGAIN"; see parse_fault_rule().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace socksim {

namespace fault {

// An `error` value that stands for the seed's socket.timeout rather than an errno.
inline constexpr int kTimeout = -1;

// ---- call faults: consulted where a socket call enters the sim ----------------------------------

// A send (send, sendto, each step of sendall) on a stream socket accepts at most `bytes` bytes, or
// with `seeded` a number drawn for each send from [1, bytes]; sendall loops on. Datagrams are sent
// whole, as on Linux.
struct send_cap {
  std::size_t bytes = 0;
  bool seeded = false;
};

// A recv (recv, recvfrom, recv_into) returns at most `bytes` bytes, or with `seeded` at most a
// number drawn for each recv from [1, bytes].
struct recv_cap {
  std::size_t bytes = 0;
  bool seeded = false;
};

// The `nth` call of `op` ("send", "recv", "connect" or "accept"; "send" covers sendto and
// sendall, "recv" covers recvfrom) on a socket, counted from 1 per descriptor number from the
// rule's addition (a new socket that gets a closed one's number goes on with its count), fails with errno `error` (or times out, with kTimeout), and so do the next ones up
// to `times` failures in all; then the calls behave. The failing call does not reach the socket.
struct fail_call {
  std::string op;
  std::uint64_t nth = 1;
  int error = 0;
  std::uint64_t times = 1;
};

// The `index`-th I/O call (send, recv, connect or accept families), counted from 1 over every
// descriptor in scope from the rule's addition, fails with `error` (or kTimeout). Where `error`
// does not fit the call it is replaced by the nearest one that does: ECONNRESET becomes
// ECONNREFUSED for connect and ECONNABORTED for accept. The unit of fault-point enumeration.
struct fail_point {
  std::uint64_t index = 1;
  int error = 0;
};

// ---- stream faults: TCP byte streams, consulted where data reaches the receiving socket ---------

// After `bytes` bytes of a stream in scope have arrived, the connection is reset: the receiver
// reads those bytes, then its calls fail with ECONNRESET, and the sender gets the RST too.
struct reset_after {
  std::uint64_t bytes = 0;
};

// After `bytes` bytes of a stream in scope, the receiver sees the end of the stream (recv returns
// no bytes) as if the sender had closed; what the sender writes later is acknowledged and lost.
struct fin_after {
  std::uint64_t bytes = 0;
};

// ---- link faults: consulted where a packet enters the network (every packet, in order) -----------

// Packets in scope are held from the first one that carries data beyond `after_bytes` bytes of its
// stream (or datagram bytes) for `duration` of virtual time, then delivered in order; a zero
// duration holds them until the rule is removed.
struct stall {
  std::chrono::nanoseconds duration{0};
  std::uint64_t after_bytes = 0;
};

// The peer never answers: every packet in scope is held, in both directions of the connections
// it meets, until the rule is removed (a SYN is never answered: connect retries, then times out).
struct half_open {};

// The path is cut. `hold == false`: datagrams and SYNs are lost (Linux retries the SYNs), and
// TCP's other segments wait, as TCP's retransmissions would deliver them once the path heals.
// `hold == true`: every packet waits. Removing the rule heals the path; waiting packets go on in
// order.
struct partition {
  bool hold = false;
};

// Datagrams (UDP) in scope are lost with probability `probability`.
struct loss {
  double probability = 0;
};

// Datagrams in scope arrive twice with probability `probability`.
struct duplicate {
  double probability = 0;
};

// Datagrams in scope are held back, with probability `probability`, by a delay drawn from
// [1 ns, max_delay], so later ones overtake them.
struct reorder {
  double probability = 0;
  std::chrono::nanoseconds max_delay{std::chrono::milliseconds(10)};
};

// Every packet in scope takes `latency` plus a delay drawn from [0, jitter] more, and the path's
// bandwidth is at most `bandwidth` bytes/s (0: unlimited); packets on a path stay in order.
struct slow_link {
  std::chrono::nanoseconds latency{0};
  std::chrono::nanoseconds jitter{0};
  std::uint64_t bandwidth = 0;
};

// ---- DNS faults: consulted where a name is looked up (getaddrinfo, gethostbyname, addresses
// given as names). Numeric addresses are never looked up, so never fail. -------------------------

// Lookups of `name` ("*": every name; compared without case) fail with `error`, a getaddrinfo
// code: EAI_NONAME, EAI_AGAIN or EAI_FAIL.
struct dns_fail {
  std::string name = "*";
  int error = 0;
};

// Lookups of `name` take `delay` of virtual time before they answer.
struct dns_delay {
  std::string name = "*";
  std::chrono::nanoseconds delay{0};
};

}  // namespace fault

// Traffic from host `from` to host `to` (names from SimNetwork::Config::hosts, or "localhost";
// "*" matches any host), and back too when `both_ways`.
struct Path {
  std::string from = "*";
  std::string to = "*";
  bool both_ways = false;
};

struct FaultRule {
  using Action = std::variant<fault::send_cap, fault::recv_cap, fault::fail_call, fault::fail_point,
                              fault::reset_after, fault::fin_after, fault::stall, fault::half_open,
                              fault::partition, fault::loss, fault::duplicate, fault::reorder,
                              fault::slow_link, fault::dns_fail, fault::dns_delay>;

  // A rule for every socket: from an action (fault::send_cap{100}) or an Action.
  template <class A>
    requires(std::is_constructible_v<Action, A &&> && !std::is_same_v<std::decay_t<A>, FaultRule>)
  FaultRule(A&& a) : action(std::forward<A>(a)) {}  // NOLINT(google-explicit-constructor)
  // A rule for the socket on descriptor `descriptor` only (for stream and link faults: the
  // traffic that socket sends or receives).
  FaultRule(int descriptor, Action a) : fd(descriptor), action(std::move(a)) {}
  // A rule for the traffic on a path between hosts (stream, link and call faults; a call's path
  // is from the host its socket is on to the peer's host).
  FaultRule(Path p, Action a) : path(std::move(p)), action(std::move(a)) {}

  std::optional<int> fd;     // empty: every socket
  std::optional<Path> path;  // empty: every path
  Action action;
};

// Names a rule for SimNetwork::remove_fault; ids start at 1 and are never reused.
using FaultId = std::uint64_t;

// The rule's text form: the action's name, its arguments, and its scope after '@':
//   send_cap 7 | send_cap 1..64 (seeded) | recv_cap N | recv_cap 1..N
//   fail_call OP NTH ERROR [TIMES] | fail_point INDEX ERROR
//   reset_after N | fin_after N | stall DURATION [after N] | half_open
//   partition [drop|hold] | loss P | duplicate P | reorder P [DURATION]
//   slow_link LATENCY [JITTER [BANDWIDTH]] | dns_fail NAME EAI_x | dns_delay NAME DURATION
//   scope: "@fd 4", "@a>b" (from a to b), "@a<>b" (both ways)
// ERROR is an errno name (EINTR) or "timeout"; a DURATION is a number with ns, us, ms or s.
std::string to_string(const FaultRule& rule);
// The rule `text` describes; throws std::invalid_argument naming what is wrong.
FaultRule parse_fault_rule(std::string_view text);
// Rules separated by ';' (spaces around them allowed); throws std::invalid_argument.
std::vector<FaultRule> parse_fault_rules(std::string_view text);
std::string to_string(const std::vector<FaultRule>& rules);

}  // namespace socksim
