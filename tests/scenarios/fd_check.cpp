// Runs every scenario of the suite that lists the real backend, one at a time through the
// runner's engine, and checks that the process holds exactly as many descriptors after each as
// before: passing, failing, erroring and timing-out scenarios alike. Prints one line per leak
// and a closing "N passed, N failed" line; exit status 1 on any leak or failed scenario.
//
//   scenario_fd_check PATH...
#include <dirent.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "runner/suite.hpp"

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

}  // namespace

int main(int argc, char** argv) {
  using namespace socksim::runner;
  std::vector<std::string> paths(argv + 1, argv + argc);
  std::vector<std::string> errors;
  const auto files = collect_files(paths, errors);
  const auto scenarios = load_suite(files, errors);
  for (const auto& e : errors) std::cerr << e << "\n";
  if (!errors.empty() || scenarios.empty()) return 2;

  SuiteOptions options;
  options.backend = "real";
  int passed = 0, failed = 0, skipped = 0, leaks = 0;
  int first = -1;
  for (const Scenario* sc : select_scenarios(scenarios, options)) {
    if (!sc->lists("real")) {
      ++skipped;
      continue;
    }
    const int before = open_fds();
    if (first < 0) first = before;
    const ScenarioReport report = run_one(*sc, options);
    const int after = open_fds();
    const auto it = report.results.find("real");
    const bool failing = it == report.results.end() || it->second.status == Status::Fail;
    if (after != before) {
      ++leaks;
      std::cout << "LEAK " << sc->name << " (" << sc->file << "): " << before << " descriptors before, " << after
                << " after" << (failing ? " (the scenario failed: " + it->second.message + ")" : "") << "\n";
    }
    if (failing) {
      std::cout << "FAIL " << sc->name << ": " << (it == report.results.end() ? "not run" : it->second.message) << "\n";
    }
    if (after != before || failing) {
      ++failed;
    } else {
      ++passed;
    }
  }
  std::cout << "descriptors: " << first << " before the first scenario, " << open_fds() << " after the last; "
            << leaks << " scenarios leaked\n";
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed == 0 ? 0 : 1;
}
