// sim/clock.hpp - the virtual clock and its timers.
//
// Time is nanoseconds from 0 and moves only through fire_next(), which the scheduler calls when
// every task is blocked: it jumps to the earliest deadline and runs that timer. Timers with the
// same deadline run in the order they were set (the key is (deadline, sequence)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace socksim::sim {

// A move-only `void()` callable kept inside the object when it fits in `Size` bytes (on the heap
// otherwise): the timers and the network's pending deliveries hold one each, and most are small
// lambdas that a std::function would allocate for.
template <std::size_t Size>
class InplaceCallback {
 public:
  InplaceCallback() noexcept = default;
  template <class F, class D = std::decay_t<F>,
            std::enable_if_t<!std::is_same_v<D, InplaceCallback> && std::is_invocable_v<D&>, int> = 0>
  InplaceCallback(F&& f) {  // NOLINT: implicit, as std::function's
    if constexpr (sizeof(D) <= Size && alignof(D) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<D>) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &kInline<D>;
    } else {
      ::new (static_cast<void*>(buf_)) D*(new D(std::forward<F>(f)));
      ops_ = &kHeap<D>;
    }
  }
  InplaceCallback(InplaceCallback&& o) noexcept : ops_(o.ops_) {
    if (ops_) {
      ops_->move(buf_, o.buf_);
      o.ops_ = nullptr;
    }
  }
  InplaceCallback& operator=(InplaceCallback&& o) noexcept {
    if (this != &o) {
      reset();
      if (o.ops_) {
        o.ops_->move(buf_, o.buf_);
        ops_ = std::exchange(o.ops_, nullptr);
      }
    }
    return *this;
  }
  InplaceCallback(const InplaceCallback&) = delete;
  InplaceCallback& operator=(const InplaceCallback&) = delete;
  ~InplaceCallback() { reset(); }

  // A copy of a copyable callable (a duplicated packet); aborts for one that cannot be copied.
  InplaceCallback copy() const {
    InplaceCallback out;
    if (ops_) {
      if (!ops_->copy) std::abort();
      ops_->copy(out.buf_, buf_);
      out.ops_ = ops_;
    }
    return out;
  }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  void operator()() { ops_->call(buf_); }
  void reset() noexcept {
    if (ops_) std::exchange(ops_, nullptr)->destroy(buf_);
  }

 private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src) noexcept;  // leaves src destroyed
    void (*destroy)(void*) noexcept;
    void (*copy)(void* dst, const void* src);  // nullptr: not copyable
  };
  template <class D>
  static constexpr void (*kInlineCopy)(void*, const void*) =
      std::is_copy_constructible_v<D> ? +[](void* dst, const void* src) {
        if constexpr (std::is_copy_constructible_v<D>) ::new (dst) D(*static_cast<const D*>(src));
      }
                                      : nullptr;
  template <class D>
  static constexpr void (*kHeapCopy)(void*, const void*) =
      std::is_copy_constructible_v<D> ? +[](void* dst, const void* src) {
        if constexpr (std::is_copy_constructible_v<D>) ::new (dst) D*(new D(**static_cast<D* const*>(src)));
      }
                                      : nullptr;
  template <class D>
  static constexpr Ops kInline{
      [](void* p) { (*static_cast<D*>(p))(); },
      [](void* dst, void* src) noexcept {
        ::new (dst) D(std::move(*static_cast<D*>(src)));
        static_cast<D*>(src)->~D();
      },
      [](void* p) noexcept { static_cast<D*>(p)->~D(); },
      kInlineCopy<D>};
  template <class D>
  static constexpr Ops kHeap{
      [](void* p) { (**static_cast<D**>(p))(); },
      [](void* dst, void* src) noexcept { ::new (dst) D*(*static_cast<D**>(src)); },
      [](void* p) noexcept { delete *static_cast<D**>(p); },
      kHeapCopy<D>};

  alignas(std::max_align_t) unsigned char buf_[Size];
  const Ops* ops_ = nullptr;
};

using Nanos = std::int64_t;

inline constexpr Nanos kSecond = 1'000'000'000;

class Clock {
 public:
  using TimerId = std::pair<Nanos, std::uint64_t>;  // (deadline, sequence)

  Nanos now() const noexcept { return now_; }

  using Callback = InplaceCallback<48>;

  // Runs `fn` at `deadline` (not before now).
  TimerId at(Nanos deadline, Callback fn) {
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
  std::map<TimerId, Callback> timers_;
};

}  // namespace socksim::sim
