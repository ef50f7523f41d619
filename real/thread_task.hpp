// real/thread_task.hpp - a task of the real backend: one std::thread.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "socksim/network.hpp"

namespace socksim::realnet {

class ThreadTask final : public TaskImpl {
 public:
  ThreadTask(std::string name, std::function<void()> fn);
  // Joins the thread if nobody did (the network joins its tasks before it goes, so this only
  // waits for a task that has already ended or is ending).
  ~ThreadTask() override;

  const std::string& name() const noexcept override { return name_; }
  bool done() const noexcept override { return done_.load(std::memory_order_acquire); }
  // Waits for the thread; returns what escaped its function. Later calls return null.
  std::exception_ptr join() override;
  // Whether join() has not been called yet.
  bool joinable() const;

 private:
  std::string name_;
  std::atomic<bool> done_{false};
  std::exception_ptr escaped_;  // written by the thread before done_ is set
  mutable std::mutex join_mutex_;
  std::thread thread_;  // last: started once the rest is built
};

}  // namespace socksim::realnet
