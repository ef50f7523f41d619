// Descriptor-leak check for the conformance suites on the real backend: a GoogleTest listener
// counts the process's open descriptors (/proc/self/fd) when each test starts and when it ends
// (after the fixture, and so the test's network and sockets, are gone) and fails the test if the
// counts differ, whatever the test did: errors, timeouts and skips included.
#include <dirent.h>

#include <gtest/gtest.h>

#include <string>

namespace socksim::conformance {
namespace {

int open_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n - 1;  // the directory's own descriptor
}

std::string list_fds() {
  std::string out;
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char target[256] = {};
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    out += std::string("  ") + e->d_name + " -> " + (n > 0 ? std::string(target, static_cast<std::size_t>(n)) : "?") + "\n";
  }
  ::closedir(d);
  return out;
}

class FdCheck : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override { before_ = open_fds(); }
  // Listeners get OnTestEnd in reverse order of registration: this one, appended after the
  // default printer, runs first, so the failure shows in the test's own result line.
  void OnTestEnd(const ::testing::TestInfo& info) override {
    const int after = open_fds();
    if (after != before_)
      ADD_FAILURE() << info.test_suite_name() << "." << info.name() << ": " << before_ << " descriptors open before the test, "
                    << after << " after; now open:\n"
                    << list_fds();
  }
  int before_ = 0;
};

// Registered before main() runs (the suites use GoogleTest's own main).
const bool registered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new FdCheck);
  return true;
}();

}  // namespace
}  // namespace socksim::conformance
