// real/wait.hpp - waiting for a descriptor against a deadline, as CPython's sock_call_ex does,
// on poll(2) with the network's cancellation eventfd beside it.
#pragma once

#include <time.h>

#include <chrono>
#include <optional>
#include <system_error>

#include "socksim/socket.hpp"
#include "state.hpp"

namespace socksim::realnet {

using SteadyClock = std::chrono::steady_clock;
// nullopt: no deadline (blocking mode).
using Deadline = std::optional<SteadyClock::time_point>;

// The deadline of an operation that starts now in the given mode: nullopt for blocking mode
// (and for a timeout too long to be told from one, over ~30 years); now + timeout otherwise.
Deadline deadline_after(Seconds timeout);

// A non-negative duration as ppoll's timespec.
timespec to_timespec(SteadyClock::duration d);

// Waits until `fd` reports one of `events` (or an error/hangup condition), the deadline passes,
// or the network is cancelled. fd -1 waits for the deadline or cancellation only.
// Returns {} when the descriptor is ready, errc::timeout when the deadline passed, ECANCELED
// when cancelled, or poll's errno. EINTR is retried against the same deadline.
std::error_code wait_fd(const NetState& state, int fd, short events, const Deadline& deadline);

}  // namespace socksim::realnet
