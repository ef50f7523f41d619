// examples/bugs/eintr_retry.hpp - a retry loop broken by EINTR, and its fix.
//
// A signal that arrives while a call blocks interrupts it: the call fails with EINTR having done
// nothing, and the caller is meant to make the same call again. The buggy client retries at the
// wrong level: when any call of a request is interrupted it starts the whole request over, and
// sends it again. If the interrupted call was the recv of the reply, the server already has the
// request and carries it out twice. (It also treats an interrupted connect as fatal.)
//
// The protocol: "INCR\n" adds one to the server's counter, which answers with the new value.
#pragma once

#include <string>

#include "socksim/network.hpp"

namespace bugs::eintr_retry {

// A connection to the counter server and the bytes read from it but not yet used.
struct Connection {
  socksim::Socket socket;
  std::string buffer;
};

// BUG: connects with no retry, and on EINTR anywhere in a request starts the request over.
Connection connect_buggy(socksim::Network& net, const socksim::Address& server);
long incr_buggy(Connection& c);

// The fix: each interrupted call, and only that call, is made again.
Connection connect(socksim::Network& net, const socksim::Address& server);
long incr(Connection& c);

// The server: accepts one client on `listener`, answers each "INCR" line with ++counter until
// the client closes or the connection fails; retries its own interrupted calls the way the fixed
// client does.
void serve_counter(socksim::Socket& listener, long& counter);

}  // namespace bugs::eintr_retry
