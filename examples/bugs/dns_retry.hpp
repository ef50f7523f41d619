// examples/bugs/dns_retry.hpp - a client that takes a temporary DNS failure for a final one, and
// its fix.
//
// A lookup can fail for good (EAI_NONAME: no such name) or for now (EAI_AGAIN: the resolver could
// not get an answer, try again later). The buggy client gives up on either; the fixed one looks
// the name up again, a second later, while the failure is temporary.
#pragma once

#include <string>

#include "socksim/network.hpp"

namespace bugs::dns_retry {

// BUG: one lookup; EAI_AGAIN reaches the caller as if the name did not exist.
socksim::Socket connect_by_name_buggy(socksim::Network& net, const std::string& host, int port);

// The fix: up to three attempts, a second apart, while the lookup fails with EAI_AGAIN. Each
// attempt looks the name up again, so a record that changed is followed.
socksim::Socket connect_by_name(socksim::Network& net, const std::string& host, int port);

}  // namespace bugs::dns_retry
