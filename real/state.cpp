// The state a RealNetwork shares with its sockets (see state.hpp).
#include "state.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace socksim::realnet {

NetState::NetState() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  cancel_fd_.reset(fd);
}

void NetState::cancel() noexcept {
  cancelled_.store(true, std::memory_order_release);
  // The counter is never read, so the eventfd stays readable and every later poll returns at
  // once. A full counter (EAGAIN) is readable too.
  const std::uint64_t one = 1;
  ssize_t n;
  do {
    n = ::write(cancel_fd_.get(), &one, sizeof one);
  } while (n < 0 && errno == EINTR);
}

Seconds NetState::default_timeout() const {
  std::lock_guard lock(mutex_);
  return default_timeout_;
}

void NetState::set_default_timeout(Seconds timeout) {
  std::lock_guard lock(mutex_);
  default_timeout_ = timeout;
}

}  // namespace socksim::realnet
