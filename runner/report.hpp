// runner/report.hpp - results for people (text) and for machines (JSON, JUnit XML).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "runner/suite.hpp"

namespace socksim::runner {

// Text: one line per scenario and backend as each scenario finishes, details under a failure,
// and a closing line "N passed, N failed, N skipped" (a divergence counts as a failure).
class TextReport {
 public:
  TextReport(std::ostream& out, bool colour) : out_(out), colour_(colour) {}
  void scenario(const ScenarioReport& report);
  void summary(const Summary& summary);

 private:
  std::string paint(const char* code, const std::string& text) const;
  std::ostream& out_;
  bool colour_;
};

// {"scenarios": [...], "summary": {...}} as SCENARIOS.md shows it, plus "op", "seconds",
// "seed" and "divergence" details.
nlohmann::json json_report(const std::vector<ScenarioReport>& reports, const std::vector<std::string>& backends);

// <testsuites> with one <testsuite> per backend (and one named "divergence" when both ran).
std::string junit_report(const std::vector<ScenarioReport>& reports, const std::vector<std::string>& backends);

// One line for -v: "  [real] step 3 connect -> error ECONNREFUSED (0.000 s)".
std::string step_line(const std::string& backend, const Step& step, const StepRecord& record);

}  // namespace socksim::runner
