// The real backend's tasks (see thread_task.hpp).
#include "thread_task.hpp"

#include <pthread.h>

namespace socksim::realnet {

ThreadTask::ThreadTask(std::string name, std::function<void()> fn) : name_(std::move(name)) {
  thread_ = std::thread([this, fn = std::move(fn)] {
    // The task's name for debuggers (Linux keeps 15 bytes).
    (void)::pthread_setname_np(::pthread_self(), name_.substr(0, 15).c_str());
    try {
      fn();
    } catch (...) {
      escaped_ = std::current_exception();
    }
    done_.store(true, std::memory_order_release);
  });
}

ThreadTask::~ThreadTask() {
  if (thread_.joinable()) thread_.join();
}

std::exception_ptr ThreadTask::join() {
  std::lock_guard lock(join_mutex_);
  if (!thread_.joinable()) return nullptr;
  thread_.join();
  return std::exchange(escaped_, nullptr);
}

bool ThreadTask::joinable() const {
  std::lock_guard lock(join_mutex_);
  return thread_.joinable();
}

}  // namespace socksim::realnet
