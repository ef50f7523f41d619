// sim_figures: a first measurement, sim and real in one run - TCP ping-pong round trips per
// second over loopback, and the wall-clock cost of a receive timeout (30 s in the sim; the real
// backend's is its length, measured here with 0.3 s).
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "socksim/real.hpp"
#include "socksim/sim.hpp"

namespace {

using wall = std::chrono::steady_clock;

// Round trips per second of wall time, and of this process's CPU time (the sim runs on one
// thread, so the second is what an idle machine would show).
struct Rate {
  double wall = 0;
  double cpu = 0;
};

double cpu_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Rate ping_pong(socksim::Network& net, int rounds) {
  socksim::Socket l = net.socket();
  l.bind(socksim::Address::inet("127.0.0.1", 0));
  l.listen(1);
  const socksim::Address addr = l.getsockname();
  socksim::Task server = net.spawn("server", [&] {
    socksim::Socket s = l.accept().first;
    for (;;) {
      std::string m = s.recv(64);
      if (m.empty()) break;
      s.sendall(m);
    }
  });
  socksim::Socket c = net.socket();
  c.connect(addr);
  c.setsockopt(socksim::IPPROTO_TCP, 1 /* TCP_NODELAY */, 1);
  const auto start = wall::now();
  const double cpu_start = cpu_now();
  for (int i = 0; i < rounds; ++i) {
    c.sendall("ping");
    if (c.recv(64).empty()) break;
  }
  const double secs = std::chrono::duration<double>(wall::now() - start).count();
  const double cpu = cpu_now() - cpu_start;
  c.close();
  server.join();
  return Rate{rounds / secs, rounds / cpu};
}

double timeout_cost(socksim::Network& net, double timeout) {
  auto [a, b] = net.socketpair();
  a.settimeout(timeout);
  const auto start = wall::now();
  std::error_code ec;
  a.recv(1, 0, ec);
  return std::chrono::duration<double>(wall::now() - start).count();
}

}  // namespace

int main() {
  {
    socksim::SimNetwork sim;
    const Rate r = ping_pong(sim, 200000);
    std::printf("sim  ping-pong: %.0f round trips/s of wall time, %.0f of CPU time (trace on)\n", r.wall, r.cpu);
  }
  {
    socksim::SimNetwork::Config config;
    config.trace = false;
    socksim::SimNetwork sim(config);
    const Rate r = ping_pong(sim, 200000);
    std::printf("sim  ping-pong: %.0f round trips/s of wall time, %.0f of CPU time (trace off)\n", r.wall, r.cpu);
  }
  {
    socksim::RealNetwork real;
    const Rate r = ping_pong(real, 20000);
    std::printf("real ping-pong: %.0f round trips/s of wall time (two threads, the kernel's loopback)\n", r.wall);
  }
  {
    socksim::SimNetwork sim;
    const double cost = timeout_cost(sim, 30.0);
    std::printf("sim  30 s timeout: %.1f us of wall time (virtual clock at %.3f s)\n", cost * 1e6, sim.now_seconds());
  }
  {
    socksim::RealNetwork real;
    std::printf("real 0.3 s timeout: %.3f s of wall time (a 30 s one costs 30 s)\n", timeout_cost(real, 0.3));
  }
}
