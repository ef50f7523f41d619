// sim/faults.hpp - the fault rule set a simulation owns, and the verdict it gives one call.
//
// Consulted in one place: where a descriptor's call enters the sim (socket.cpp, Call). The stack
// below never asks about faults; it sees a shorter buffer or no call at all.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "socksim/faults.hpp"

namespace socksim::sim {

// What the rules say about one call.
struct Verdict {
  int error = 0;                                          // non-zero: the call fails with it
  std::size_t cap = std::numeric_limits<std::size_t>::max();  // most bytes the call may move
  struct Fired {
    FaultId id;
    std::string what;  // "send_cap 100", "fail_call recv ECONNRESET"...
  };
  std::vector<Fired> fired;  // the rules that applied, in id order
};

class Faults {
 public:
  // Throws std::invalid_argument for a rule that cannot fire (unknown op, errno 0, nth 0...).
  FaultId add(FaultRule rule);
  // False when no rule has that id.
  bool remove(FaultId id);
  void clear() noexcept { rules_.clear(); }
  bool empty() const noexcept { return rules_.empty(); }

  // The verdict on call `op` (the traced name: "send", "sendto", "sendall", "recv", "recvfrom",
  // "connect", "accept"...) on descriptor `fd`. Counts the call for the fail_call rules it matches.
  Verdict consult(std::string_view op, int fd);

 private:
  struct Rule {
    FaultRule rule;
    std::map<int, std::uint64_t> calls;  // fail_call: calls of its op seen per descriptor
  };
  std::map<FaultId, Rule> rules_;
  FaultId next_id_ = 1;
};

}  // namespace socksim::sim
