// runner/engine.hpp - runs a scenario's steps against one Network and checks each expectation.
//
// The engine knows nothing of a backend: it calls the socksim interface (Network, Socket,
// SocketFile and the conversion functions) and compares what it observes with what the step
// expects. Around the steps it guarantees:
//   - the default timeout is null when the scenario starts and is restored afterwards;
//   - every socket and file object the scenario opened is closed, and $tmpdir removed, whatever
//     happened (failure, timeout, exception);
//   - the scenario's `timeout` (wall-clock seconds) is enforced by a watchdog thread that calls
//     Network::cancel(), which makes every blocked call fail with ECANCELED; the scenario then
//     fails with "timed out after N s";
//   - on an untrusted backend (the real one), AF_UNIX paths and unlink stay inside $tmpdir,
//     fromfd only duplicates sockets of this scenario, and connect / connect_ex / sendto /
//     create_connection reach only loopback addresses (see RunOptions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "runner/scenario.hpp"
#include "runner/values.hpp"
#include "socksim/network.hpp"

namespace socksim::runner {

// What one step did.
struct Outcome {
  enum class Kind {
    Value,    // the call returned `value`
    Error,    // the call raised: `error` is its name ("ECONNREFUSED", "timeout", ...)
    Failure,  // the runner could not make the call (undefined variable, refused address, ...)
  };
  Kind kind = Kind::Value;
  json value;            // Kind::Value: the result, typed (bytes are binary)
  std::error_code code;  // Kind::Error
  std::string error;     // Kind::Error: error_name(code)
  std::string message;   // Kind::Error / Failure: the full message
  json data;             // recv_into / recvfrom_into: the whole buffer after the call (bytes)

  static Outcome of_value(json v) {
    Outcome o;
    o.value = std::move(v);
    return o;
  }
  static Outcome of_error(const std::error_code& ec, const std::string& context);
  static Outcome of_failure(std::string message) {
    Outcome o;
    o.kind = Kind::Failure;
    o.message = std::move(message);
    return o;
  }
  // {"value": ...} or {"error": name, "message": ...} or {"failure": message}, for reports.
  json describe() const;
};

struct StepRecord {
  std::size_t step = 0;
  std::string op;
  Outcome outcome;
  double elapsed = 0;  // seconds by the network's clock
  // The result as compared between backends: ports nobody asked for, $tmpdir and autobound
  // AF_UNIX names replaced by placeholders (see divergence.hpp). Null when not comparable.
  json key;
};

enum class Status { Pass, Fail, Skip };
const char* status_name(Status s);

struct BackendResult {
  std::string backend;
  Status status = Status::Skip;
  std::optional<std::size_t> step;  // the failing step
  std::string op;
  json expected;                    // what the failing step expected (substituted)
  json got;                         // what it observed
  std::string message;              // why it failed, or why it was skipped
  std::vector<StepRecord> records;  // every step that ran, in order
  double seconds = 0;               // wall-clock time of the run
  std::optional<std::uint64_t> seed;
};

struct RunOptions {
  // Keep AF_UNIX paths and unlink inside $tmpdir, and fromfd to this scenario's sockets.
  bool confine = true;
  // Let connect/connect_ex/sendto/create_connection reach only loopback addresses.
  bool loopback_only = true;
  // $unique for this run (generated when empty). A run of both backends shares one.
  std::string unique;
  // Called after every step (for -v).
  std::function<void(const Step&, const StepRecord&)> on_step;
  // When >= 0: if a step still has not returned this many seconds after the watchdog cancelled
  // the network, print a message and end the process (exit status 1). For the CLI.
  double hard_exit_grace = -1;
};

// Runs every step of `scenario` against `net`; stops at the first failing step.
BackendResult run_scenario(const Scenario& scenario, Network& net, const RunOptions& options);

// A fresh value for $unique: unique on this machine for this process and call.
std::string make_unique_token();

}  // namespace socksim::runner
