// examples/echo.hpp - the seed's echo server and client, in C++ against socksim::Network.
//
// The seed (Python 2.7's socket documentation) ends with two pairs of programs: an IPv4-only
// echo server and client, and a pair that supports IPv4 and IPv6 through getaddrinfo. Both are
// here, written against `socksim::Network&`, so the same code runs on the operating system
// (RealNetwork) and, in tests, on the simulator.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "socksim/network.hpp"

namespace echo {

// The seed's port; the programs take another one on the command line (0: the system picks).
inline constexpr int kSeedPort = 50007;

// --- server ----------------------------------------------------------------------------------

// IPv4 only: socket(AF_INET, SOCK_STREAM), bind((host, port)), listen(1). host "" is every
// interface (INADDR_ANY).
socksim::Socket open_server_ipv4(socksim::Network& net, const std::string& host, int port);

// IPv4 and IPv6: the first address getaddrinfo(None, port, AF_UNSPEC, SOCK_STREAM, 0,
// AI_PASSIVE) offers that can be bound and listened on. Throws socksim::Error ("could not open
// socket") when none can.
socksim::Socket open_server_dual_stack(socksim::Network& net, int port);

// Accepts one client, prints "Connected by <address>" to `log`, and echoes what it receives
// until the client closes (with sendall as the first server does, or send as the second).
// Returns the client's address.
socksim::Address serve_one_client(socksim::Socket& server, std::ostream& log, bool use_sendall = true);

// --- client ----------------------------------------------------------------------------------

// IPv4 only: socket(AF_INET, SOCK_STREAM), connect((host, port)), sendall(message), then read
// the echo. Returns what came back.
std::string run_client_ipv4(socksim::Network& net, const std::string& host, int port, std::string_view message);

// IPv4 and IPv6: tries every address getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM) gives
// until one connects. Throws socksim::Error ("could not open socket") when none does.
std::string run_client_dual_stack(socksim::Network& net, const std::string& host, int port,
                                  std::string_view message);

// Python's repr() of a byte string, as the seed's client prints it: 'Hello, world'.
std::string repr(std::string_view data);

}  // namespace echo
