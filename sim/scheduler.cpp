// sim/scheduler.cpp - fibers, parking, the deadline jump and deadlock detection.
#include "scheduler.hpp"

#include <algorithm>
#include <boost/context/preallocated.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include "socksim/errors.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define SOCKSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOCKSIM_ASAN 1
#endif
#endif
#ifdef SOCKSIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ctx = boost::context;

namespace socksim::sim {

namespace {
[[noreturn]] void bug(const char* what) {
  std::fprintf(stderr, "socksim sim: internal error: %s\n", what);
  std::abort();
}
}  // namespace

WaitQueue::~WaitQueue() {
  // A task still parked here is woken so that it never refers to a queue that is gone.
  auto waiters = waiters_;
  for (TaskRec* t : waiters) {
    auto& qs = t->queues;
    qs.erase(std::remove(qs.begin(), qs.end(), this), qs.end());
  }
  waiters_.clear();
  for (TaskRec* t : waiters) t->scheduler->wake(t, Wake::notified);
}

void WaitQueue::notify_all() {
  if (waiters_.empty()) return;
  if (waiters_.size() == 1) {
    // The common case, without giving up the vector's room (the next wait needs it again).
    TaskRec* t = waiters_.front();
    waiters_.clear();
    t->scheduler->wake(t, Wake::notified);
    return;
  }
  auto waiters = waiters_;
  waiters_.clear();
  for (TaskRec* t : waiters) t->scheduler->wake(t, Wake::notified);
}

std::string WaitWhat::text() const {
  std::string out = std::string(op) + " on fd " + std::to_string(fd);
  if (describe) out += " (" + describe(obj) + ")";
  return out;
}

Scheduler::Scheduler(Clock& clock, Rng& rng, std::function<void()> drain)
    : clock_(clock), rng_(rng), drain_(std::move(drain)) {
  root_ = std::make_shared<TaskRec>();
  root_->scheduler = this;
  root_->id = 0;
  root_->name = "main";
  root_->root = true;
  root_->started = true;
  current_ = root_.get();
}

Scheduler::~Scheduler() { unwind_all(); }

std::size_t Scheduler::live_tasks() const noexcept {
  std::size_t n = 0;
  for (const auto& t : tasks_)
    if (!t->done) ++n;
  return n;
}

// ---- switching ----------------------------------------------------------------------------------

void Scheduler::start_switch(TaskRec* from, TaskRec* to, bool from_exits) {
#ifdef SOCKSIM_ASAN
  __sanitizer_start_switch_fiber(from_exits ? nullptr : &from->fake_stack, to->stack_bottom, to->stack_size);
#else
  (void)from;
  (void)to;
  (void)from_exits;
#endif
}

void Scheduler::finish_switch(TaskRec* self) {
#ifdef SOCKSIM_ASAN
  const void* bottom = nullptr;
  std::size_t size = 0;
  __sanitizer_finish_switch_fiber(self ? self->fake_stack : nullptr, &bottom, &size);
  if (from_ && from_->root && !from_->stack_bottom) {
    from_->stack_bottom = bottom;
    from_->stack_size = size;
  }
#else
  (void)self;
#endif
}

void Scheduler::switch_to(TaskRec* next) {
  TaskRec* self = current_;
  if (next == self) return;
  from_ = self;
  current_ = next;
  start_switch(self, next, false);
  ctx::fiber back = std::move(next->ctx).resume();
  finish_switch(self);
  after_switch(std::move(back));
}

void Scheduler::after_switch(ctx::fiber&& from_ctx) {
  // `from_` switched to us; its continuation is `from_ctx` (empty when it ended).
  if (from_ && !from_->done) from_->ctx = std::move(from_ctx);
}

// ---- tasks --------------------------------------------------------------------------------------

std::shared_ptr<TaskRec> Scheduler::spawn(std::string name, Host* host, std::function<void()> fn) {
  // Reap the tasks that ended (their handles keep what join() needs).
  std::erase_if(tasks_, [&](const std::shared_ptr<TaskRec>& old) {
    return old->done && !old->error;
  });
  auto task = std::make_shared<TaskRec>();
  TaskRec* t = task.get();
  t->scheduler = this;
  t->id = next_id_++;
  t->name = std::move(name);
  t->host = host;
  t->fn = std::move(fn);

  ctx::protected_fixedsize_stack alloc(stack_size_);
  ctx::stack_context sc = alloc.allocate();
  t->stack_bottom = static_cast<char*>(sc.sp) - sc.size;
  t->stack_size = sc.size;
#ifdef SOCKSIM_ASAN
  // A new stack may be mapped where an ended fiber's was: clear the shadow its last frames left
  // (they never return), or ASan reports stale poison as stack-use-after-scope.
  ASAN_UNPOISON_MEMORY_REGION(t->stack_bottom, t->stack_size);
#endif
  t->ctx = ctx::fiber(std::allocator_arg, ctx::preallocated(sc.sp, sc.size, sc), alloc,
                      [this, t](ctx::fiber&& caller) -> ctx::fiber {
                        finish_switch(nullptr);
                        after_switch(std::move(caller));
                        t->started = true;
                        if (!t->unwinding) {
                          try {
                            t->fn();
                          } catch (const TaskUnwind&) {
                          } catch (...) {
                            t->error = std::current_exception();
                          }
                        }
                        // Captured state (sockets...) goes away inside the task.
                        try {
                          t->fn = nullptr;
                        } catch (const TaskUnwind&) {
                        }
                        finish_task(t);
                        TaskRec* next = unwinding_all_ ? root_.get() : pick_next();
                        if (!next) {
                          // Deadlock: the root is parked; it gets the report.
                          deadlock_report_ = make_deadlock_report();
                          socksim::set_error_detail(deadlock_report_);
                          wake(root_.get(), Wake::deadlock);
                          next = pop_ready();
                        }
                        from_ = t;
                        current_ = next;
                        start_switch(t, next, true);
                        return std::move(next->ctx);
                      });
  tasks_.push_back(task);
  t->ready = true;
  ready_.push_back(t);
  if (!unwinding_all_) yield();
  return task;
}

void Scheduler::finish_task(TaskRec* t) {
  t->done = true;
  if (t->error && t->detached && !unwinding_all_) {
    // Nobody will join it: the root task gets it at once.
    orphaned_.push_back(tasks_by_ptr(t));
    if (root_->waiting) wake(root_.get(), Wake::task_failed);
  }
  t->joiners.notify_all();
}

void Scheduler::detach(TaskRec& task) {
  task.detached = true;
  if (task.done && task.error && !unwinding_all_) {
    // The root gets it at its next blocking call.
    orphaned_.push_back(tasks_by_ptr(&task));
  }
}

std::shared_ptr<TaskRec> Scheduler::tasks_by_ptr(TaskRec* task) const {
  for (const auto& t : tasks_)
    if (t.get() == task) return t;
  return nullptr;
}

std::exception_ptr Scheduler::join(TaskRec& task) {
  while (!task.done) {
    if (cancelled()) {
      // Every blocking call fails now: let the task run to its end.
      yield();
      continue;
    }
    Wake w = wait(task.joiners, std::nullopt, "join('" + task.name + "')");
    if (w == Wake::deadlock) return std::make_exception_ptr(Deadlock(deadlock_report_));
  }
  return std::exchange(task.error, nullptr);
}

// ---- parking ------------------------------------------------------------------------------------

void Scheduler::wake(TaskRec* t, Wake why) {
  if (!t->waiting) return;
  unregister(t);
  t->waiting = false;
  t->wake = why;
  t->ready = true;
  ready_.push_back(t);
}

void Scheduler::unregister(TaskRec* t) {
  for (WaitQueue* q : t->queues) {
    auto& w = q->waiters_;
    w.erase(std::remove(w.begin(), w.end(), t), w.end());
  }
  t->queues.clear();
  if (t->timer) {
    clock_.cancel(*t->timer);
    t->timer.reset();
  }
}

TaskRec* Scheduler::pop_ready() {
  if (ready_.empty()) return nullptr;
  std::size_t i = random_ ? static_cast<std::size_t>(rng_.below(ready_.size())) : 0;
  TaskRec* t = ready_[i];
  ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));
  t->ready = false;
  return t;
}

TaskRec* Scheduler::pick_next() {
  for (;;) {
    if (drain_) drain_();
    if (cancelled()) {
      // Every parked task fails with ECANCELED.
      std::vector<TaskRec*> parked;
      for (auto& t : tasks_)
        if (t->waiting) parked.push_back(t.get());
      if (root_->waiting) parked.push_back(root_.get());
      for (TaskRec* t : parked) wake(t, Wake::cancelled);
    }
    if (!ready_.empty()) return pop_ready();
    if (!clock_.fire_next()) return nullptr;
  }
}

Wake Scheduler::wait(std::span<WaitQueue* const> queues, std::optional<Nanos> deadline, std::string what) {
  TaskRec* self = current_;
  if (self->unwinding) throw TaskUnwind{};
  if (cancelled()) return Wake::cancelled;
  self->what = std::move(what);
  self->what_parts = WaitWhat{};
  return park(queues, deadline);
}

Wake Scheduler::wait(std::span<WaitQueue* const> queues, std::optional<Nanos> deadline, const WaitWhat& what) {
  TaskRec* self = current_;
  if (self->unwinding) throw TaskUnwind{};
  if (cancelled()) return Wake::cancelled;
  self->what.clear();
  self->what_parts = what;
  return park(queues, deadline);
}

Wake Scheduler::park(std::span<WaitQueue* const> queues, std::optional<Nanos> deadline) {
  TaskRec* self = current_;
  if (self->waiting || self->ready) bug("a running task is already parked");
  for (WaitQueue* q : queues) {
    q->waiters_.push_back(self);
    self->queues.push_back(q);
  }
  if (deadline) self->timer = clock_.at(*deadline, [this, self] { wake(self, Wake::timeout); });
  self->waiting = true;
  self->wake = Wake::none;

  TaskRec* next = pick_next();
  if (!next) {
    deadlock_report_ = make_deadlock_report();
    socksim::set_error_detail(deadlock_report_);
    if (self->root) {
      unregister(self);
      self->waiting = false;
      return Wake::deadlock;
    }
    wake(root_.get(), Wake::deadlock);
    next = pop_ready();
  }
  switch_to(next);
  // Running again.
  if (self->unwinding) throw TaskUnwind{};
  if (self->root && !orphaned_.empty()) {
    auto failed = orphaned_.front();
    orphaned_.erase(orphaned_.begin());
    std::rethrow_exception(std::exchange(failed->error, nullptr));
  }
  return self->wake;
}

void Scheduler::yield() {
  TaskRec* self = current_;
  if (self->unwinding) throw TaskUnwind{};
  self->ready = true;
  ready_.push_back(self);
  TaskRec* next = pick_next();
  if (!next) bug("yield: the yielding task is not ready");
  switch_to(next);
  if (self->unwinding) throw TaskUnwind{};
  if (self->root && !orphaned_.empty()) {
    auto failed = orphaned_.front();
    orphaned_.erase(orphaned_.begin());
    std::rethrow_exception(std::exchange(failed->error, nullptr));
  }
}

std::string Scheduler::make_deadlock_report() const {
  std::string out = "deadlock at t=" + std::to_string(clock_.now()) + "ns: every task is blocked and no timer is pending";
  auto line = [&](const TaskRec& t) {
    out += "\n  task '" + t.name + "'" + (t.root ? " (root)" : "") + ": ";
    out += t.waiting ? "waits in " + (t.what.empty() ? t.what_parts.text() : t.what)
                     : std::string(t.done ? "ended" : "running");
  };
  line(*root_);
  for (const auto& t : tasks_) {
    if (!t->done) {
      line(*t);
    } else if (t->error) {
      // A task that failed may be why the others wait.
      std::string what = "an exception";
      try {
        std::rethrow_exception(t->error);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      out += "\n  task '" + t->name + "': ended with an exception nobody joined: " + what;
    }
  }
  return out;
}

void Scheduler::unwind_all() {
  if (current_ != root_.get()) bug("the simulation is destroyed from inside a task");
  unwinding_all_ = true;
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    TaskRec* t = tasks_[i].get();
    if (t->done) continue;
    t->unwinding = true;
    if (t->waiting) {
      unregister(t);
      t->waiting = false;
    }
    if (t->ready) {
      ready_.erase(std::remove(ready_.begin(), ready_.end(), t), ready_.end());
      t->ready = false;
    }
    switch_to(t);
  }
  ready_.clear();
  orphaned_.clear();
  tasks_.clear();
  unwinding_all_ = false;
}

}  // namespace socksim::sim
