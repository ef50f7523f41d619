// examples/bugs/no_timeout.hpp - a client without timeouts, and its fix.
//
// The client asks a server for a greeting: connect, send "HELLO\n", read the reply line. Its
// sockets block for ever: when the server (or the path to it) stalls, or the peer is half-open
// and never answers, the client hangs with it, and so does whoever called it. In the sim that
// shows at once: time moves on, the client waits for as long as the stall lasts, and when no
// stall ever ends the run stops with socksim::Deadlock, naming the call that waits.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "socksim/network.hpp"

namespace bugs::no_timeout {

// BUG: no timeout on connect or recv. Returns the reply line (without '\n').
std::string greet_buggy(socksim::Network& net, const socksim::Address& server);

// The fix: the whole exchange gets `budget`; every call waits at most what is left of it.
// nullopt when the server did not answer in time (socksim::Timeout caught).
std::optional<std::string> greet(socksim::Network& net, const socksim::Address& server,
                                 std::chrono::milliseconds budget);

// The server: accepts `clients` clients one after another and answers each "HELLO" line with
// "hi". A client whose connection fails is dropped; the server goes on with the next.
void serve_greetings(socksim::Socket& listener, int clients);

}  // namespace bugs::no_timeout
