// socksim/faults.hpp - fault rules a SimNetwork applies to socket calls.
//
// A rule has a scope (every socket, or the socket on one descriptor) and an action. The sim
// consults the rules once per socket call, where the call enters the simulation; each rule that
// fires is traced (a "fault" line), so the trace hash reflects it.
//
//   net.add_fault(FaultRule(fault::send_cap{100}));                 // a send takes at most 100 bytes
//   net.add_fault(FaultRule(fd, fault::fail_call{"recv", 2, EINTR, 1}));  // the 2nd recv on fd: EINTR
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace socksim {

namespace fault {

// A send (send, sendto, each step of sendall) on a stream socket accepts at most `bytes` bytes;
// sendall loops on. Datagrams are sent whole, as on Linux.
struct send_cap {
  std::size_t bytes = 0;
};

// A recv (recv, recvfrom, recv_into) returns at most `bytes` bytes.
struct recv_cap {
  std::size_t bytes = 0;
};

// The `nth` call of `op` ("send", "recv", "connect" or "accept"; "send" covers sendto and
// sendall, "recv" covers recvfrom) on a socket, counted from 1 per descriptor from the rule's
// addition, fails with errno `error`, and so do the next ones up to `times` failures in all;
// then the calls behave. The failing call does not reach the socket.
struct fail_call {
  std::string op;
  std::uint64_t nth = 1;
  int error = 0;
  std::uint64_t times = 1;
};

}  // namespace fault

struct FaultRule {
  using Action = std::variant<fault::send_cap, fault::recv_cap, fault::fail_call>;

  // A rule for every socket.
  FaultRule(Action a) : action(std::move(a)) {}  // NOLINT(google-explicit-constructor)
  // A rule for the socket on descriptor `descriptor` only.
  FaultRule(int descriptor, Action a) : fd(descriptor), action(std::move(a)) {}

  std::optional<int> fd;  // empty: every socket
  Action action;
};

// Names a rule for SimNetwork::remove_fault; ids start at 1 and are never reused.
using FaultId = std::uint64_t;

}  // namespace socksim
