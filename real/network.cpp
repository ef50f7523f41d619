// RealNetwork: sockets, clock, tasks, readiness and the AF_UNIX filesystem on Linux.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "fd.hpp"
#include "real_socket.hpp"
#include "socksim/errors.hpp"
#include "socksim/real.hpp"
#include "state.hpp"
#include "thread_task.hpp"
#include "wait.hpp"

namespace socksim {

using realnet::RealSocket;
using realnet::UniqueFd;

RealNetwork::RealNetwork() : state_(std::make_shared<State>()) { state_->set_default_timeout(default_timeout()); }

RealNetwork::~RealNetwork() {
  std::vector<std::shared_ptr<realnet::ThreadTask>> tasks;
  {
    std::lock_guard lock(state_->tasks_mutex);
    tasks.swap(state_->tasks);
  }
  // A task still running would outlive the network: cut its blocked calls off, then wait.
  for (const auto& task : tasks) {
    if (task->joinable() && !task->done()) {
      state_->cancel();
      break;
    }
  }
  for (const auto& task : tasks) (void)task->join();
}

std::shared_ptr<SocketImpl> RealNetwork::do_socket(int family, int type, int proto, std::error_code& ec) {
  ec.clear();
  UniqueFd fd(::socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, proto));
  if (!fd) {
    ec = errno_code(errno);
    return nullptr;
  }
  return std::make_shared<RealSocket>(state_, std::move(fd), family, type, proto);
}

std::pair<std::shared_ptr<SocketImpl>, std::shared_ptr<SocketImpl>> RealNetwork::do_socketpair(int family, int type,
                                                                                              int proto,
                                                                                              std::error_code& ec) {
  ec.clear();
  int fds[2] = {-1, -1};
  if (::socketpair(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, proto, fds) != 0) {
    ec = errno_code(errno);
    return {};
  }
  UniqueFd a(fds[0]);
  UniqueFd b(fds[1]);
  auto first = std::make_shared<RealSocket>(state_, std::move(a), family, type, proto);
  auto second = std::make_shared<RealSocket>(state_, std::move(b), family, type, proto);
  return {std::move(first), std::move(second)};
}

// Duplicates `fd` (close-on-exec). The duplicate is made O_NONBLOCK as every socket of this
// backend is; O_NONBLOCK belongs to the open file description, so the original descriptor
// becomes non-blocking too (as with CPython's fromfd once a timeout is set).
std::shared_ptr<SocketImpl> RealNetwork::do_fromfd(int fd, int family, int type, int proto, std::error_code& ec) {
  ec.clear();
  UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!dup) {
    ec = errno_code(errno);
    return nullptr;
  }
  const int fl = ::fcntl(dup.get(), F_GETFL);
  if (fl < 0 || ::fcntl(dup.get(), F_SETFL, fl | O_NONBLOCK) < 0) {
    ec = errno_code(errno);
    return nullptr;
  }
  return std::make_shared<RealSocket>(state_, std::move(dup), family, type, proto);
}

Network::Clock RealNetwork::do_now() const {
  return std::chrono::duration_cast<Clock>(std::chrono::steady_clock::now() - state_->start);
}

void RealNetwork::do_sleep(Clock duration, std::error_code& ec) {
  ec.clear();
  if (state_->cancelled()) {
    ec = errno_code(ECANCELED);
    return;
  }
  if (duration <= Clock::zero()) return;
  const realnet::Deadline deadline = realnet::deadline_after(std::chrono::duration<double>(duration).count());
  ec = realnet::wait_fd(*state_, -1, 0, deadline);
  if (ec == make_error_code(errc::timeout)) ec.clear();
}

std::shared_ptr<TaskImpl> RealNetwork::do_spawn(std::string name, std::function<void()> fn) {
  auto task = std::make_shared<realnet::ThreadTask>(std::move(name), std::move(fn));
  std::lock_guard lock(state_->tasks_mutex);
  // Forget tasks that were joined already.
  std::erase_if(state_->tasks, [](const auto& t) { return !t->joinable(); });
  state_->tasks.push_back(task);
  return task;
}

int RealNetwork::do_poll(std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec) {
  ec.clear();
  if (state_->cancelled()) {
    ec = errno_code(ECANCELED);
    return 0;
  }
  std::vector<pollfd> fds;
  fds.reserve(entries.size() + 1);
  fds.push_back({state_->cancel_fd(), POLLIN, 0});
  for (auto& e : entries) {
    const auto* sock = dynamic_cast<const RealSocket*>(e.socket);
    if (sock == nullptr) {
      ec = errno_code(EBADF);  // not a socket of the real backend
      return 0;
    }
    fds.push_back({sock->fileno(), e.events, 0});
  }
  const realnet::Deadline deadline = realnet::deadline_after(timeout);
  for (;;) {
    timespec ts{};
    const timespec* tsp = nullptr;
    if (deadline) {
      const auto left = *deadline - realnet::SteadyClock::now();
      ts = realnet::to_timespec(std::max(left, realnet::SteadyClock::duration::zero()));
      tsp = &ts;
    }
    const int r = ::ppoll(fds.data(), fds.size(), tsp, nullptr);
    if (r < 0) {
      if (errno == EINTR) continue;
      ec = errno_code(errno);
      return 0;
    }
    if (r == 0 && deadline && realnet::SteadyClock::now() < *deadline) continue;  // woke early
    break;
  }
  if (fds[0].revents != 0) {
    ec = errno_code(ECANCELED);
    return 0;
  }
  int ready = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].revents = fds[i + 1].revents;
    if (entries[i].revents != 0) ++ready;
  }
  return ready;
}

std::string RealNetwork::do_mkdtemp(std::error_code& ec) {
  ec.clear();
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/socksim-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    ec = errno_code(errno);
    return {};
  }
  return templ;
}

void RealNetwork::do_remove_tree(const std::string& path) noexcept {
  if (path.empty()) return;
  try {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  } catch (...) {  // allocation failure: nothing to report from a noexcept cleanup
  }
}

void RealNetwork::do_unlink(const std::string& path, std::error_code& ec) {
  ec.clear();
  if (::unlink(path.c_str()) != 0) ec = errno_code(errno);
}

void RealNetwork::do_cancel() noexcept { state_->cancel(); }

void RealNetwork::do_setdefaulttimeout(Seconds timeout) noexcept { state_->set_default_timeout(timeout); }

}  // namespace socksim
