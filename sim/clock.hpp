// sim/clock.hpp - the virtual clock and its timers.
//
// Time is nanoseconds from 0 and moves only through fire_next(), which the scheduler calls when
// every task is blocked: it jumps to the earliest deadline and runs that timer. Timers with the
// same deadline run in the order they were set (the key is (deadline, sequence)).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace socksim::sim {

using Nanos = std::int64_t;

inline constexpr Nanos kSecond = 1'000'000'000;

class Clock {
 public:
  using TimerId = std::pair<Nanos, std::uint64_t>;  // (deadline, sequence)

  Nanos now() const noexcept { return now_; }

  // Runs `fn` at `deadline` (not before now).
  TimerId at(Nanos deadline, std::function<void()> fn) {
    if (deadline < now_) deadline = now_;
    TimerId id{deadline, next_seq_++};
    timers_.emplace(id, std::move(fn));
    return id;
  }
  void cancel(const TimerId& id) { timers_.erase(id); }
  bool pending() const noexcept { return !timers_.empty(); }
  std::size_t size() const noexcept { return timers_.size(); }

  // Moves the clock to the earliest deadline and runs that timer; false when none is pending.
  bool fire_next() {
    if (timers_.empty()) return false;
    auto it = timers_.begin();
    now_ = it->first.first;
    auto fn = std::move(it->second);
    timers_.erase(it);
    fn();
    return true;
  }

  void clear() noexcept { timers_.clear(); }

 private:
  Nanos now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::map<TimerId, std::function<void()>> timers_;
};

}  // namespace socksim::sim
