// sim/scheduler.hpp - tasks as fibers (Boost.Context) on the virtual clock.
//
// The thread that owns the simulation is the root task; every other task is a fiber with its own
// stack. One task runs at a time. A task that must wait registers on one or more WaitQueues
// (and perhaps a deadline) and parks; the scheduler then runs the next ready task, and when no
// task is ready it moves the clock to the earliest timer and fires it. When nothing is ready and
// no timer is pending, the root task is woken with Wake::deadlock.
//
// The scheduler loop runs on the stack of the task that parks (there is no scheduler fiber):
// switching is direct from task to task.
#pragma once

#include <atomic>
#include <boost/context/fiber.hpp>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "clock.hpp"
#include "rng.hpp"

namespace socksim::sim {

class Host;
class Scheduler;
struct TaskRec;

// Why a parked task was woken.
enum class Wake {
  none,
  notified,     // a WaitQueue it waited on was notified
  timeout,      // its deadline passed
  cancelled,    // Network::cancel()
  deadlock,     // every task blocked and no timer pending (root task only)
  task_failed,  // a task nobody joins ended with an exception (root task only)
};

// The tasks waiting for something to change (a socket's state, a task's end).
class WaitQueue {
 public:
  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  ~WaitQueue();
  // Wakes every waiter (in the order they started waiting).
  void notify_all();
  bool empty() const noexcept { return waiters_.empty(); }

 private:
  friend class Scheduler;
  std::vector<TaskRec*> waiters_;
};

// Thrown inside a task's fiber to unwind its stack when the simulation is destroyed. It does not
// derive from std::exception; code that swallows it with catch (...) keeps the task alive until
// its next blocking call, which throws it again.
struct TaskUnwind {};

// What a parked task waits in ("recv on fd 4 (tcp ... ESTABLISHED)"), kept as its parts and made
// into text only for a deadlock report: parking costs no string building.
struct WaitWhat {
  const char* op = "";
  int fd = -1;
  const void* obj = nullptr;                            // what it waits on (alive while it waits)
  std::string (*describe)(const void* obj) = nullptr;  // obj's description
  std::string text() const;
};

struct TaskRec {
  Scheduler* scheduler = nullptr;
  std::uint64_t id = 0;
  std::string name;
  Host* host = nullptr;
  bool root = false;
  boost::context::fiber ctx;  // the task's continuation while it is not running
  std::function<void()> fn;
  bool started = false;
  bool done = false;
  bool unwinding = false;
  bool detached = false;     // its handle went away without join(): the root gets what escapes it
  std::exception_ptr error;  // what escaped fn, until join() takes it or the root rethrows it
  WaitQueue joiners;
  // While parked:
  bool waiting = false;
  bool ready = false;
  std::vector<WaitQueue*> queues;
  std::optional<Clock::TimerId> timer;
  Wake wake = Wake::none;
  std::string what;  // the call it waits in, and on which socket (empty: what_parts says)
  WaitWhat what_parts;
  // AddressSanitizer's view of the stack (the root's is learned at its first switch).
  void* fake_stack = nullptr;
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
};

class Scheduler {
 public:
  // `drain` runs the network's pending immediate work; it is called before each scheduling
  // decision so that what a task sent is delivered before another task looks.
  Scheduler(Clock& clock, Rng& rng, std::function<void()> drain);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void set_random(bool random) noexcept { random_ = random; }
  void set_stack_size(std::size_t size) noexcept { stack_size_ = size; }

  TaskRec* current() const noexcept { return current_; }
  TaskRec* root() const noexcept { return root_.get(); }

  // Starts a task and yields to it: it runs until it first blocks (in FIFO mode).
  std::shared_ptr<TaskRec> spawn(std::string name, Host* host, std::function<void()> fn);

  // Parks the current task until a queue is notified, the deadline passes, the simulation is
  // cancelled, or (root only) a deadlock or a failed task. Throws TaskUnwind when unwinding, and
  // in the root task rethrows the exception of a task nobody joins.
  Wake wait(std::span<WaitQueue* const> queues, std::optional<Nanos> deadline, std::string what);
  Wake wait(WaitQueue& queue, std::optional<Nanos> deadline, std::string what) {
    WaitQueue* q = &queue;
    return wait(std::span<WaitQueue* const>(&q, 1), deadline, std::move(what));
  }
  Wake wait(std::span<WaitQueue* const> queues, std::optional<Nanos> deadline, const WaitWhat& what);
  Wake wait(WaitQueue& queue, std::optional<Nanos> deadline, const WaitWhat& what) {
    WaitQueue* q = &queue;
    return wait(std::span<WaitQueue* const>(&q, 1), deadline, what);
  }

  // Lets the other ready tasks run; the current one goes to the back of the ready queue.
  void yield();

  // Waits for a task's end; returns what escaped it (or a Deadlock error).
  std::exception_ptr join(TaskRec& task);
  // The task's handle is gone: an exception escaping it goes to the root task.
  void detach(TaskRec& task);

  void wake(TaskRec* task, Wake why);

  // Thread-safe.
  void cancel() noexcept { cancelled_.store(true); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }

  const std::string& deadlock_report() const noexcept { return deadlock_report_; }
  std::size_t live_tasks() const noexcept;

  // Unwinds every task that has not ended (called by the owner before it goes away).
  void unwind_all();

 private:
  Wake park(std::span<WaitQueue* const> queues, std::optional<Nanos> deadline);
  std::shared_ptr<TaskRec> tasks_by_ptr(TaskRec* task) const;
  TaskRec* pick_next();
  TaskRec* pop_ready();
  void switch_to(TaskRec* next);
  void after_switch(boost::context::fiber&& from_ctx);
  void unregister(TaskRec* task);
  void finish_task(TaskRec* task);
  std::string make_deadlock_report() const;
  void start_switch(TaskRec* from, TaskRec* to, bool from_exits);
  void finish_switch(TaskRec* self);

  Clock& clock_;
  Rng& rng_;
  std::function<void()> drain_;
  bool random_ = false;
  std::size_t stack_size_ = 256 * 1024;
  std::shared_ptr<TaskRec> root_;
  TaskRec* current_ = nullptr;
  TaskRec* from_ = nullptr;  // the task that switched to the one now running
  std::deque<TaskRec*> ready_;
  std::vector<std::shared_ptr<TaskRec>> tasks_;  // every task not yet reaped, in start order
  std::vector<std::shared_ptr<TaskRec>> orphaned_;  // ended with an exception nobody will join
  std::uint64_t next_id_ = 1;
  std::atomic<bool> cancelled_{false};
  bool unwinding_all_ = false;
  std::string deadlock_report_;
};

}  // namespace socksim::sim
