// The conformance suites on the real backend.
#include <memory>

#include "conformance.hpp"
#include "socksim/real.hpp"

namespace socksim::conformance {

SOCKSIM_INSTANTIATE_CONFORMANCE(Real, BackendParam{"real", [] { return std::make_unique<RealNetwork>(); }});

}  // namespace socksim::conformance
