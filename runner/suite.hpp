// runner/suite.hpp - a suite of scenario files: finding, loading, selecting and running them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/divergence.hpp"
#include "runner/engine.hpp"
#include "runner/scenario.hpp"

namespace socksim::runner {

// The *.json files under `paths` (files as given, folders recursively), sorted by path, each once.
// A path that does not exist, or a folder with no scenario file, is an error in `errors`.
std::vector<std::string> collect_files(const std::vector<std::string>& paths, std::vector<std::string>& errors);

// Loads and validates every file; every problem (syntax, validation, a name used twice across
// the suite) goes to `errors` as "file:line:column: message".
std::vector<Scenario> load_suite(const std::vector<std::string>& files, std::vector<std::string>& errors);

struct SuiteOptions {
  // "sim", "real" or "both".
  std::string backend = "both";
  std::optional<std::uint64_t> seed;  // overrides sim.seed
  std::string filter;                 // glob over scenario names ("" = all)
  std::size_t shard_index = 0;        // run the files whose index in the sorted list % shard_count == shard_index
  std::size_t shard_count = 1;
  bool allow_network = false;
  std::string trace_path;             // handed to the sim backend
  double hard_exit_grace = -1;        // see RunOptions
  std::function<void(const Scenario&, const std::string& backend, const Step&, const StepRecord&)> on_step;
  // Fault rules (text form) added to every scenario's sim section "faults" (--faults).
  std::vector<std::string> extra_faults;
};

// The sim section a scenario runs with: its own, plus the options' extra faults.
json sim_section(const Scenario& scenario, const SuiteOptions& options);

// The backends a --backend value stands for, in run order.
std::vector<std::string> backends_of(const std::string& backend);

// Calls the sim factory on each scenario's sim section (when the sim is asked for and available)
// and reports refused sections as "file:line:column: message".
std::vector<std::string> validate_backend_sections(const std::vector<Scenario>& scenarios, const SuiteOptions& options);

// The scenarios of this shard (by file index, as `files` is sorted) that match the filter.
std::vector<const Scenario*> select_scenarios(const std::vector<Scenario>& scenarios, const SuiteOptions& options);

struct ScenarioReport {
  std::string name;
  std::string file;
  std::map<std::string, BackendResult> results;  // by backend name
  bool compared = false;                          // both backends ran: diverged_at is meaningful
  std::optional<Divergence> divergence;
  bool failed() const;                            // a backend failed or the backends diverged
};

ScenarioReport run_one(const Scenario& scenario, const SuiteOptions& options);

struct Summary {
  std::map<std::string, std::map<std::string, int>> per_backend;  // backend -> pass/fail/skip -> count
  int passed = 0, failed = 0, skipped = 0, diverged = 0;
};
Summary summarize(const std::vector<ScenarioReport>& reports, const std::vector<std::string>& backends);

// fnmatch-style glob: * ? [...]
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace socksim::runner
