// runner/divergence.hpp - where two backends first observed different results.
//
// Each step's outcome is reduced to a comparison key: {"value": V} or {"error": name} (messages
// are not compared) or {"failure": "runner"}. Before comparing, what the system picks and no
// program can rely on is replaced by a placeholder:
//   - a port inside an address in the result (accept's, getsockname's, getpeername's,
//     recvfrom's, recvfrom_into's, getaddrinfo's sockaddr) and getnameinfo's service when it is
//     numeric -> "*", unless the port is 0 or one the scenario file writes as a literal integer
//     (an address's port, getaddrinfo's or getservbyport's port): those were asked for;
//   - the backend's $tmpdir inside any string of the result -> "$tmpdir";
//   - an autobound AF_UNIX abstract name ("\0" and five hex digits) -> "\0*";
//   - fileno's result (a descriptor number), and any step with "vary": true -> not compared.
// Numbers compare as values_equal does (1e-9 for non-integers).
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "runner/engine.hpp"

namespace socksim::runner {

// The key a step's outcome is compared by; null when the step is not compared.
json comparison_key(const Step& step, const Outcome& outcome, const std::set<long long>& asked_ports,
                    const std::string& tmpdir);

struct Divergence {
  std::size_t step = 0;
  std::string op;
  json first;   // the first backend's outcome (describe())
  json second;  // the second's
  std::string message;  // "sim returned X, real raised Y"
};

// The first step both backends ran whose keys differ; nullopt when they agree as far as both
// went (or when either did not run).
std::optional<Divergence> first_divergence(const BackendResult& first, const BackendResult& second);

}  // namespace socksim::runner
