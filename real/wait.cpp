// Deadlines and waits of the real backend (see wait.hpp).
#include "wait.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdint>

#include "socksim/errors.hpp"

namespace socksim::realnet {

namespace {
// A timeout beyond this is treated as no deadline (the arithmetic below stays in range).
constexpr double kLongestTimeout = 1e9;
}  // namespace

timespec to_timespec(SteadyClock::duration d) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

Deadline deadline_after(Seconds timeout) {
  if (!timeout || *timeout > kLongestTimeout) return std::nullopt;
  const auto span = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(*timeout));
  return SteadyClock::now() + span;
}

std::error_code wait_fd(const NetState& state, int fd, short events, const Deadline& deadline) {
  pollfd fds[2] = {{state.cancel_fd(), POLLIN, 0}, {fd, events, 0}};
  const nfds_t count = fd >= 0 ? 2 : 1;
  for (;;) {
    if (state.cancelled()) return errno_code(ECANCELED);
    timespec ts{};
    const timespec* tsp = nullptr;
    if (deadline) {
      const auto left = *deadline - SteadyClock::now();
      if (left <= SteadyClock::duration::zero()) return make_error_code(errc::timeout);
      ts = to_timespec(left);
      tsp = &ts;
    }
    const int r = ::ppoll(fds, count, tsp, nullptr);
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_code(errno);
    }
    if (fds[0].revents != 0) return errno_code(ECANCELED);
    if (count == 2 && fds[1].revents != 0) return {};
    // r == 0: the deadline is checked again at the top (ppoll may wake a little early).
  }
}

}  // namespace socksim::realnet
