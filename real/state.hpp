// real/state.hpp - what a RealNetwork shares with the sockets it made: the cancellation eventfd,
// the default timeout that accept() applies, and the start of its clock.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "fd.hpp"
#include "socksim/real.hpp"
#include "socksim/socket.hpp"

namespace socksim::realnet {

class ThreadTask;

class NetState {
 public:
  // Creates the cancellation eventfd; throws std::system_error when the system refuses.
  NetState();

  // Readable (forever) once cancel() was called; every wait polls it beside its own fd.
  int cancel_fd() const noexcept { return cancel_fd_.get(); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
  // Thread-safe and idempotent.
  void cancel() noexcept;

  Seconds default_timeout() const;
  void set_default_timeout(Seconds timeout);

  // The origin of RealNetwork::now().
  const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

 private:
  UniqueFd cancel_fd_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  Seconds default_timeout_;  // guarded by mutex_
};

}  // namespace socksim::realnet

namespace socksim {

// The network's own part: the shared state plus the threads spawn() started, which the
// network's destructor joins (after cancelling, if some are still running).
struct RealNetwork::State : realnet::NetState {
  std::mutex tasks_mutex;
  std::vector<std::shared_ptr<realnet::ThreadTask>> tasks;  // guarded by tasks_mutex
};

}  // namespace socksim
