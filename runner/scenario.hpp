// runner/scenario.hpp - a scenario file, read and checked.
//
// parse_scenario() reads the JSON (with positions) and validates the whole file before anything
// runs: keys of the scenario, of each step and of each expectation; ops, their arguments and the
// JSON types of literal arguments; constant names; bytes forms; socket and file names (each must
// be created by an earlier step); error names; variable names. Every problem is reported as
// `file:line:column: message`, in file order.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runner/json_source.hpp"
#include "runner/ops.hpp"
#include "runner/values.hpp"

namespace socksim::runner {

struct Step {
  std::size_t index = 0;
  std::string op;
  const OpSpec* spec = nullptr;
  std::string sock;              // the socket a socket method is called on
  std::string file;              // the file object a file method is called on
  std::vector<std::string> as;   // names given to what the step creates (two for socketpair)
  json args = json::object();    // as written; substituted when the step runs
  std::optional<json> expect;    // absent: must succeed
  std::optional<json> elapsed;   // {"min", "max"} seconds
  std::optional<json> data;      // recv_into / recvfrom_into: the bytes written into the buffer
  std::string save;              // variable to save the result in
  bool vary = false;             // never compared between backends
  std::string pointer;           // "/steps/<index>"

  // The step expects some error (error or error_any).
  bool expects_error() const;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> backends = {"sim", "real"};
  double timeout = 10.0;
  std::optional<json> sim;             // the "sim" section as written
  std::optional<std::uint64_t> seed;   // sim.seed
  std::vector<Step> steps;
  SourceMap positions;
  // Ports the file names as literal integers (in addresses and port arguments): results showing
  // one of these are compared between backends; other ports are what the system picked.
  std::set<long long> asked_ports;
  bool uses_tmpdir = false;

  bool lists(std::string_view backend) const;
  // "file:line:column" of the value at `pointer`.
  std::string where(const std::string& pointer) const;
};

struct Diagnostic {
  std::string file;
  Pos pos;
  std::string message;
  std::string format() const;  // "file:line:column: message"
};

// A file that cannot be read or is not a valid scenario. what() holds every diagnostic, one
// per line.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  // A problem with no position (the file cannot be opened).
  ScenarioError(const std::string& file, const std::string& message);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Reads and validates a scenario from text; `file` names it in messages. Throws ScenarioError.
Scenario parse_scenario(std::string_view text, const std::string& file);
// Reads and validates a scenario file. Throws ScenarioError.
Scenario load_scenario(const std::string& path);

// The error names an expectation may use: errno names, "timeout", "error", "value_error",
// "overflow_error", "type_error", "deadlock", "gaierror", "gaierror:EAI_*", "herror",
// "herror:<h_errno name>". Returns "" if valid, else a message.
std::string check_error_name(const std::string& name);

}  // namespace socksim::runner
