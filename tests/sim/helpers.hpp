// tests/sim/helpers.hpp - reaching into the sim from a public Socket, and common set-ups.
#pragma once

#include <chrono>
#include <memory>

#include "socket.hpp"
#include "socksim/sim.hpp"
#include "tcp.hpp"

namespace socksim::simtest {

// The simulated TCP socket behind a Socket.
sim::TcpSocket& tcp_of(const Socket& s);
// The same, kept alive after the Socket closes (to watch what the protocol does next).
std::shared_ptr<sim::TcpSocket> watch(const Socket& s);

// Virtual seconds since the simulation began.
inline double vsec(Network& net) { return net.now_seconds(); }

// A network whose loopback (localhost to itself) has a one-way latency, so that the states of a
// handshake can be seen between packets.
SimNetwork::Config with_loopback_latency(std::chrono::nanoseconds latency, std::uint64_t seed = 1);

struct Pair {
  Socket client;
  Socket server;
  Address server_addr;
};

// A client and the accepted server side, both ESTABLISHED, at the current virtual time.
Pair established_pair(SimNetwork& net, int family = AF_INET);

}  // namespace socksim::simtest
