// The backend registry: a factory that validates its `sim` section, positions of its errors,
// BackendOptions (trace path) passed through, and a run of both backends with divergence.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "runner/backends.hpp"
#include "runner/suite.hpp"
#include "socksim/real.hpp"

namespace socksim::runner {
namespace {

using testing::parse_ok;

struct Seen {
  std::uint64_t seed = 0;
  std::string trace;
  int made = 0;
};
Seen seen;

// Stands in for a sim: validates its section like one, then runs on the real OS.
std::unique_ptr<Network> fake_sim(const nlohmann::json& section, std::uint64_t seed, const BackendOptions& options,
                                  BackendError& err) {
  for (const auto& [key, value] : section.items()) {
    if (key == "seed") continue;
    if (key == "hosts") {
      if (!value.is_array()) {
        err = {"hosts must be an array", "/hosts"};
        return nullptr;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_object() || !value[i].contains("name")) {
          err = {"a host needs a name", "/hosts/" + std::to_string(i)};
          return nullptr;
        }
      }
      continue;
    }
    err = {"unknown key \"" + key + "\"", "/" + key};
    return nullptr;
  }
  if (!options.validating) {
    seen.seed = seed;
    seen.trace = options.trace_path;
    ++seen.made;
  }
  return std::make_unique<RealNetwork>();
}

class Registry : public ::testing::Test {
 protected:
  void SetUp() override {
    register_backend_with_options("sim", fake_sim, BackendTraits{true});
    seen = {};
  }
};

TEST_F(Registry, BuiltInRealAndRegisteredNames) {
  EXPECT_TRUE(backend_available("real"));
  EXPECT_TRUE(backend_available("sim"));
  EXPECT_FALSE(backend_available("nope"));
  EXPECT_TRUE(backend_takes_options("sim"));
  BackendError err;
  EXPECT_FALSE(make_backend("nope", nlohmann::json::object(), 0, {}, err));
  EXPECT_EQ(err.message, "the nope backend is not available in this build");
  register_backend("plain", [](const nlohmann::json&, std::uint64_t, BackendError& e) -> std::unique_ptr<Network> {
    e.message = "refused";
    return nullptr;
  });
  EXPECT_FALSE(backend_takes_options("plain"));
  EXPECT_FALSE(make_backend("plain", nlohmann::json::object(), 0, {}, err));
  EXPECT_EQ(err.message, "refused");
}

TEST_F(Registry, RefusedSimSectionsAreReportedWithPositions) {
  std::vector<Scenario> scenarios;
  scenarios.push_back(parse_ok(R"({"name": "a", "sim": {"seed": 3, "hosts": [{"name": "h"}, {"addr": "x"}]},
  "steps": [{"op": "has_ipv6"}]})"));
  scenarios.push_back(parse_ok(R"({"name": "b", "sim": {"linkz": {}}, "steps": [{"op": "has_ipv6"}]})"));
  scenarios.push_back(parse_ok(R"({"name": "c", "backends": ["real"], "sim": {"linkz": {}}, "steps": [{"op": "has_ipv6"}]})"));
  SuiteOptions o;
  const auto errors = validate_backend_sections(scenarios, o);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "inline.json:1:59: sim: a host needs a name");
  EXPECT_EQ(errors[1], "inline.json:1:23: sim: unknown key \"linkz\"");
  o.backend = "real";
  EXPECT_TRUE(validate_backend_sections(scenarios, o).empty());
}

TEST_F(Registry, SeedsTracesAndBothBackends) {
  const Scenario sc = parse_ok(R"({"name": "both", "sim": {"seed": 42}, "steps": [
    {"op": "socket", "as": "s"},
    {"op": "bind", "sock": "s", "args": {"address": ["127.0.0.1", 0]}},
    {"op": "getsockname", "sock": "s"},
    {"op": "fileno", "sock": "s"}]})");
  SuiteOptions o;
  o.trace_path = "/dev/null";
  auto report = run_one(sc, o);
  EXPECT_EQ(seen.seed, 42u);
  EXPECT_EQ(seen.trace, "/dev/null");
  EXPECT_EQ(report.results["sim"].status, Status::Pass);
  EXPECT_EQ(report.results["sim"].seed, 42u);
  EXPECT_EQ(report.results["real"].status, Status::Pass);
  EXPECT_FALSE(report.results["real"].seed);
  EXPECT_TRUE(report.compared);
  EXPECT_FALSE(report.divergence);
  o.seed = 7;
  report = run_one(sc, o);
  EXPECT_EQ(seen.seed, 7u);  // --seed overrides sim.seed
  o.backend = "real";
  seen = {};
  report = run_one(sc, o);
  EXPECT_EQ(seen.made, 0);
  EXPECT_FALSE(report.compared);
}

}  // namespace
}  // namespace socksim::runner
