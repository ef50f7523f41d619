// Helpers for the runner's tests: scenarios written inline, run on the real backend.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "runner/engine.hpp"
#include "runner/scenario.hpp"
#include "socksim/real.hpp"

namespace socksim::runner::testing {

// A file's bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CliRun {
  int status = -1;  // the exit status; -1 when the command did not exit normally
  std::string out, err;
};

#ifdef SOCKSIM_CLI
// Runs the socksim command (SOCKSIM_CLI) with `args` in folder `dir`, with `env` (shell variable
// assignments) before it; stdout and stderr are kept apart.
inline CliRun run_socksim(const std::filesystem::path& dir, const std::string& args, const std::string& env = "") {
  // One file per process and call: ctest runs the cases of a suite in parallel processes.
  static std::atomic<int> calls{0};
  const std::filesystem::path err_file =
      std::filesystem::path(::testing::TempDir()) /
      ("socksim_cli_stderr." + std::to_string(::getpid()) + "." + std::to_string(calls++));
  const std::string cmd = "cd '" + dir.string() + "' && " + env + " '" + SOCKSIM_CLI + "' " + args + " 2>'" +
                          err_file.string() + "'";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = slurp(err_file);
  std::error_code ignored;
  std::filesystem::remove(err_file, ignored);
  return r;
}
#endif

// Parses a scenario from text; fails the test (and returns an empty scenario) if it is invalid.
inline Scenario parse_ok(const std::string& text) {
  try {
    return parse_scenario(text, "inline.json");
  } catch (const ScenarioError& e) {
    ADD_FAILURE() << "scenario did not parse:\n" << e.what();
    return {};
  }
}

// The diagnostics of a scenario that must not parse ("" when it parses).
inline std::string parse_error(const std::string& text) {
  try {
    parse_scenario(text, "inline.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

// A scenario of the given steps (a JSON array's contents) with default fields.
inline std::string with_steps(const std::string& steps, const std::string& extra = "") {
  return "{\"name\": \"t\", " + extra + (extra.empty() ? "" : ", ") + "\"steps\": [" + steps + "]}";
}

inline BackendResult run_real(const std::string& text, RunOptions options = {}) {
  Scenario sc = parse_ok(text);
  RealNetwork net;
  return run_scenario(sc, net, options);
}

inline std::string describe(const BackendResult& r) {
  std::string out = std::string(status_name(r.status));
  if (r.step) out += " at step " + std::to_string(*r.step) + " (" + r.op + ")";
  if (!r.message.empty()) out += ": " + r.message;
  if (!r.got.is_null()) out += "; got " + r.got.dump();
  return out;
}

#define EXPECT_PASS(result) EXPECT_EQ((result).status, ::socksim::runner::Status::Pass) << ::socksim::runner::testing::describe(result)
#define EXPECT_FAIL_AT(result, n)                                                      \
  do {                                                                                 \
    const auto& r_ = (result);                                                         \
    EXPECT_EQ(r_.status, ::socksim::runner::Status::Fail) << ::socksim::runner::testing::describe(r_);             \
    EXPECT_EQ(r_.step, std::optional<std::size_t>(n)) << ::socksim::runner::testing::describe(r_);                 \
  } while (0)

}  // namespace socksim::runner::testing
