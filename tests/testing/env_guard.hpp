// tests/testing/env_guard.hpp - restoring an environment variable and the --socksim_seed flag.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

#include "socksim/testing.hpp"

namespace socksim::testing::test {

// Restores the variable `name` to what it was when the guard was made.
class EnvGuard {
 public:
  explicit EnvGuard(std::string name) : name_(std::move(name)) {
    if (const char* v = std::getenv(name_.c_str())) saved_ = v;
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;
  ~EnvGuard() {
    if (saved_) {
      ::setenv(name_.c_str(), saved_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  void set(const std::string& value) { ::setenv(name_.c_str(), value.c_str(), 1); }
  void unset() { ::unsetenv(name_.c_str()); }

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

// Clears the --socksim_seed flag and the program path InitFlags keeps, and restores them.
class SeedGuard {
 public:
  SeedGuard() : saved_(detail::flag_state()) { detail::flag_state() = {}; }
  SeedGuard(const SeedGuard&) = delete;
  SeedGuard& operator=(const SeedGuard&) = delete;
  ~SeedGuard() { detail::flag_state() = saved_; }

 private:
  detail::FlagState saved_;
};

}  // namespace socksim::testing::test
