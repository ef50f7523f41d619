// The conformance suites on the sim: the same bodies as on the real backend.
#include <memory>

#include "conformance.hpp"
#include "socksim/sim.hpp"

namespace socksim::conformance {

SOCKSIM_INSTANTIATE_CONFORMANCE(Sim, BackendParam{"sim", [] { return std::make_unique<SimNetwork>(); }});

}  // namespace socksim::conformance
