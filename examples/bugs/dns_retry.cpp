// See dns_retry.hpp.
#include "dns_retry.hpp"

#include "socksim/errors.hpp"

namespace bugs::dns_retry {

socksim::Socket connect_by_name_buggy(socksim::Network& net, const std::string& host, int port) {
  return net.create_connection(socksim::Address::inet(host, port), 5.0);  // BUG: EAI_AGAIN is final
}

socksim::Socket connect_by_name(socksim::Network& net, const std::string& host, int port) {
  for (int attempt = 1;; ++attempt) {
    try {
      return net.create_connection(socksim::Address::inet(host, port), 5.0);
    } catch (const socksim::GaiError& e) {
      if (e.value() != socksim::EAI_AGAIN || attempt == 3) throw;  // EAI_NONAME, EAI_FAIL: final
      net.sleep(1.0);  // the resolver may answer in a moment
    }
  }
}

}  // namespace bugs::dns_retry
