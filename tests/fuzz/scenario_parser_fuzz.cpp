// Fuzz target: whole scenario files through the runner's reader and validator, and the ones it
// accepts through the sim backend.
//   - parse_scenario either returns a Scenario or throws ScenarioError whose every diagnostic has
//     a position (line, column >= 1) and a message; nothing else may escape;
//   - a scenario that parses has its sim section checked (validate_backend_sections), and, when it
//     lists the sim and is short, runs on the sim (run_one): the run passes, fails or is skipped
//     with a message, and throws nothing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runner/scenario.hpp"
#include "runner/suite.hpp"

namespace {

void check(bool ok, const char* what, std::string_view text) {
  if (!ok) {
    std::fprintf(stderr, "scenario_parser_fuzz: %s\n--- input ---\n%.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  socksim::runner::Scenario scenario;
  try {
    scenario = socksim::runner::parse_scenario(text, "fuzz.json");
  } catch (const socksim::runner::ScenarioError& err) {
    check(!err.diagnostics().empty(), "ScenarioError without a diagnostic", text);
    for (const auto& d : err.diagnostics()) {
      check(d.pos.line >= 1 && d.pos.column >= 1, "a diagnostic without a position", text);
      check(!d.message.empty(), "a diagnostic without a message", text);
      check(d.format().rfind("fuzz.json:", 0) == 0, "a diagnostic that does not name the file", text);
    }
    return 0;
  }
  check(!scenario.name.empty(), "a scenario without a name", text);

  socksim::runner::SuiteOptions options;
  options.backend = "sim";
  const std::vector<socksim::runner::Scenario> suite{scenario};
  const auto errors = socksim::runner::validate_backend_sections(suite, options);
  if (!errors.empty()) {
    for (const auto& e : errors) check(e.rfind("fuzz.json:", 0) == 0, "a sim-section error without a position", text);
    return 0;
  }
  if (!scenario.lists("sim") || scenario.steps.size() > 48 || scenario.timeout < 1.0) return 0;
  const auto report = socksim::runner::run_one(scenario, options);
  for (const auto& [backend, result] : report.results) {
    check(backend == "sim", "a run on another backend", text);
    if (result.status == socksim::runner::Status::Fail) check(!result.message.empty(), "a failure without a message", text);
  }
  return 0;
}
