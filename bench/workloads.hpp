// bench/workloads.hpp - the benchmark workloads, each written once against Network&.
//
// A workload runs in the calling thread (the root task) and starts its peers with
// Network::spawn, so the same code runs on a thread per task (real) and on fibers (sim). Each one
// reports per-second figures as benchmark counters (kIsRate); the timed region is the iteration
// loop only: setup (listeners, connections, buffers) and teardown are outside it.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>

#include "socksim/network.hpp"

namespace socksim::bench {

// 64-byte request/response over one TCP connection between a server task and the root.
// Counter: round_trips/s.
void pingpong(benchmark::State& state, Network& net);

// connect / accept / close: the root connects, the server task accepts and closes, the root sees
// EOF and closes. Counter: cycles/s.
void churn(benchmark::State& state, Network& net);

// `volume` bytes one way through one TCP connection per iteration, from one buffer of that size
// into another; the receiver acknowledges each volume with one byte. Counter: bytes/s.
void bulk(benchmark::State& state, Network& net, std::size_t volume);

// `calls` recv calls per iteration, each on a UDP socket with a timeout of `timeout_s` seconds
// that expires, spread over `tasks` tasks (1: all in the root, one after another). Counters:
// recv_calls/s, calls (per iteration), virtual_s (virtual seconds per iteration),
// virtual_per_wall.
void timeouts(benchmark::State& state, Network& net, int calls, int tasks, double timeout_s = 30.0);

// 64-byte UDP datagrams, sendto/recvfrom, echoed by a server task. Counter: datagrams/s (each
// datagram sent and received once; two per round trip).
void udp(benchmark::State& state, Network& net);

// `n` established TCP connections; each iteration is one 64-byte ping-pong on the next connection
// in turn: round robin over all n, or over `active` of them spread evenly across the n (the rest
// established and idle). Counters: round_trips/s, rss_mib (the process's RSS once the
// connections exist), bytes_per_conn (RSS growth / n; a connection is both of its ends),
// setup_us_per_conn (wall time to establish them / n), connections, active.
void scale(benchmark::State& state, Network& net, int n, int active = 0);

// Two tasks taking turns through sleep(0), which yields to the other ready task. Counter:
// switches/s (two per iteration).
void task_switch(benchmark::State& state, Network& net);

// The process's resident set (/proc/self/statm), in bytes.
std::size_t rss_bytes();

}  // namespace socksim::bench
