// Helpers for the runner's tests: scenarios written inline, run on the real backend.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "runner/engine.hpp"
#include "runner/scenario.hpp"
#include "socksim/real.hpp"

namespace socksim::runner::testing {

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
