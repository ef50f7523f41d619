// examples/bugs/restart.hpp - a server that cannot restart on its port, and its fix.
//
// A TCP connection's side that closes first waits in TIME_WAIT (60 s on Linux) before its
// address is free. A server usually closes first, so when it stops and starts again at once,
// its old connections still hold the port: bind() without SO_REUSEADDR fails with EADDRINUSE,
// and the restart fails until a minute has passed.
#pragma once

#include "socksim/network.hpp"

namespace bugs::restart {

// BUG: binds 127.0.0.1:`port` and listens, without SO_REUSEADDR.
socksim::Socket listen_buggy(socksim::Network& net, int port);

// The fix: SO_REUSEADDR before bind, so that connections in TIME_WAIT do not hold the port.
socksim::Socket listen(socksim::Network& net, int port);

// Accepts one client, answers its "PING" line with "PONG" and closes the connection first (the
// server's side of it goes to TIME_WAIT).
void serve_one(socksim::Socket& listener);

}  // namespace bugs::restart
