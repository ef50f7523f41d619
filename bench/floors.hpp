// bench/floors.hpp - the machine's own limits, measured beside the workloads: what the same work
// costs without socksim.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>

namespace socksim::bench {

// The ping-pong workload as a hand-written POSIX loop: two threads, blocking sockets, plain
// socket/bind/listen/connect/accept/send/recv on 127.0.0.1. Counter: round_trips/s.
void raw_posix_pingpong(benchmark::State& state);

// One memcpy of `volume` bytes from one buffer to another per iteration (both touched before the
// loop): the bandwidth of one copy of the bulk workload's volume. Counter: bytes/s.
void memcpy_volume(benchmark::State& state, std::size_t volume);

#ifdef SOCKSIM_BENCH_HAVE_BOOST_CONTEXT
// Two Boost.Context fibers resuming each other, nothing else. Counter: switches/s.
void fiber_switch(benchmark::State& state);
#endif

}  // namespace socksim::bench
