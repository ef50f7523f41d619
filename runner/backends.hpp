// runner/backends.hpp - the registry of backends the runner can run scenarios on.
//
// A backend is registered under a name ("real", "sim") with a factory that makes a fresh Network
// for one run of one scenario. "real" (RealNetwork) is always registered. A sim backend registers
// itself from runner/sim_backend.cpp, compiled into every program that links socksim::runner
// when that file and the socksim_sim target exist:
//
//     namespace { const socksim::runner::BackendRegistrar sim_registrar("sim", make_sim, {.untrusted = false}); }
//
// The factory receives the scenario's whole `sim` section (an empty object when the scenario has
// none; the key "seed" included, already validated by the runner: a non-negative integer) and the
// seed to use (--seed, else sim.seed, else 0). It validates the section's other keys itself: on a
// bad value it returns nullptr and fills `err` with a message and the JSON pointer of the value
// *relative to the sim section* ("/hosts/0/name"; "" for the section itself); the runner turns
// that into `file:line:column: message` and exit status 2. The runner calls the factory once per
// scenario before running anything (to validate), and once per run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "socksim/network.hpp"

namespace socksim::runner {

struct BackendError {
  std::string message;
  std::string pointer;  // JSON pointer into the sim section ("" = the section itself)
};

// Per-run settings beyond the sim section (for factories registered with options).
struct BackendOptions {
  std::string trace_path;     // --trace FILE: where to append this run's trace (JSON lines); "" = none
  std::string scenario_name;  // the scenario being run
  bool validating = false;    // the call only validates the section: the network will not be used
};

struct BackendTraits {
  // The backend touches the machine (the real OS): the runner confines AF_UNIX paths and unlink to
  // $tmpdir, fromfd to the scenario's own sockets, and (without --allow-network) destinations to
  // loopback addresses.
  bool untrusted = true;
};

using BackendFactory =
    std::function<std::unique_ptr<socksim::Network>(const nlohmann::json& sim_section, std::uint64_t seed, BackendError& err)>;
using BackendFactoryWithOptions = std::function<std::unique_ptr<socksim::Network>(
    const nlohmann::json& sim_section, std::uint64_t seed, const BackendOptions& options, BackendError& err)>;

void register_backend(const std::string& name, BackendFactory factory, BackendTraits traits = {});
void register_backend_with_options(const std::string& name, BackendFactoryWithOptions factory, BackendTraits traits = {});

// Registers at static-initialization time.
struct BackendRegistrar {
  BackendRegistrar(const std::string& name, BackendFactory factory, BackendTraits traits = {}) {
    register_backend(name, std::move(factory), traits);
  }
  BackendRegistrar(const std::string& name, BackendFactoryWithOptions factory, BackendTraits traits = {}) {
    register_backend_with_options(name, std::move(factory), traits);
  }
};

bool backend_available(const std::string& name);
// Whether the backend's factory takes BackendOptions (and so can write a trace).
bool backend_takes_options(const std::string& name);
BackendTraits backend_traits(const std::string& name);
std::vector<std::string> backend_names();

// Makes a network; nullptr with `err` filled when the factory refuses or the backend is not
// registered ("the sim backend is not available in this build").
std::unique_ptr<socksim::Network> make_backend(const std::string& name, const nlohmann::json& sim_section,
                                               std::uint64_t seed, const BackendOptions& options, BackendError& err);

}  // namespace socksim::runner
