// bench/workloads.cpp - see workloads.hpp.
#include "workloads.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace socksim::bench {

namespace {

using Message = std::array<char, 64>;

// A task started for a workload. join() waits for it and rethrows what escaped it; if the
// workload leaves early (an exception), the destructor cancels the network so that a task
// blocked in a call returns, then waits for it.
class Peer {
 public:
  Peer(Network& net, std::string name, std::function<void()> fn) : net_(net), task_(net.spawn(std::move(name), std::move(fn))) {}
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  ~Peer() {
    if (!task_.joinable()) return;
    net_.cancel();
    try {
      task_.join();
    } catch (...) {
    }
  }
  void join() { task_.join(); }

 private:
  Network& net_;
  Task task_;
};

// Reads exactly buf.size() bytes; false on EOF before the first byte, an error on EOF after it.
bool recv_exact(Socket& s, std::span<char> buf) {
  std::size_t got = 0;
  while (got < buf.size()) {
    const std::size_t n = s.recv_into(buf.subspan(got));
    if (n == 0) {
      if (got == 0) return false;
      throw std::runtime_error("connection closed in the middle of a message");
    }
    got += n;
  }
  return true;
}

std::string_view view(const Message& m) { return {m.data(), m.size()}; }

Socket tcp_listener(Network& net, int backlog) {
  Socket l = net.socket(AF_INET, SOCK_STREAM);
  l.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  l.bind(Address::inet("127.0.0.1", 0));
  l.listen(backlog);
  return l;
}

Message make_message(char fill) {
  Message m;
  m.fill(fill);
  return m;
}

}  // namespace

std::size_t rss_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  const int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (got != 2) return 0;
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

void pingpong(benchmark::State& state, Network& net) {
  Socket listener = tcp_listener(net, 1);
  const Address addr = listener.getsockname();
  Peer server(net, "echo", [&] {
    Socket conn = listener.accept().first;
    Message buf;
    while (recv_exact(conn, buf)) conn.sendall(view(buf));
  });
  Socket c = net.socket(AF_INET, SOCK_STREAM);
  c.connect(addr);
  const Message msg = make_message('p');
  Message buf;
  for (auto _ : state) {
    c.sendall(view(msg));
    if (!recv_exact(c, buf)) throw std::runtime_error("echo server closed");
  }
  c.close();
  server.join();
  if (buf != msg) throw std::runtime_error("echo returned other bytes");
  state.counters["round_trips/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void churn(benchmark::State& state, Network& net) {
  Socket listener = tcp_listener(net, 128);
  const Address addr = listener.getsockname();
  std::atomic<bool> last{false};
  Peer server(net, "acceptor", [&] {
    for (;;) {
      Socket conn = listener.accept().first;
      conn.close();
      if (last.load()) return;
    }
  });
  std::array<char, 16> buf{};
  auto cycle = [&] {
    Socket c = net.socket(AF_INET, SOCK_STREAM);
    c.connect(addr);
    // EOF: the server accepted this connection and closed its end.
    if (c.recv_into(buf) != 0) throw std::runtime_error("data on a connection the server closed");
    c.close();
  };
  for (auto _ : state) cycle();
  last.store(true);
  cycle();
  server.join();
  state.counters["cycles/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void bulk(benchmark::State& state, Network& net, std::size_t volume) {
  // Both buffers are touched before the loop so that page faults stay out of the timed region.
  std::vector<char> src(volume), dst(volume);
  for (std::size_t i = 0; i < volume; ++i) src[i] = static_cast<char>(i * 131 + (i >> 12));
  std::fill(dst.begin(), dst.end(), '\0');
  Socket listener = tcp_listener(net, 1);
  const Address addr = listener.getsockname();
  constexpr std::size_t kRecvChunk = 1 << 20;
  Peer sink(net, "sink", [&] {
    Socket conn = listener.accept().first;
    for (;;) {
      std::size_t got = 0;
      while (got < volume) {
        const std::size_t n = conn.recv_into(std::span<char>(dst).subspan(got, std::min(kRecvChunk, volume - got)));
        if (n == 0) {
          if (got == 0) return;  // the sender closed between volumes
          throw std::runtime_error("bulk: connection closed in the middle of a volume");
        }
        got += n;
      }
      conn.sendall("k");
    }
  });
  Socket c = net.socket(AF_INET, SOCK_STREAM);
  c.connect(addr);
  std::array<char, 1> ack{};
  for (auto _ : state) {
    c.sendall(std::string_view(src.data(), src.size()));
    if (c.recv_into(ack) != 1) throw std::runtime_error("bulk: no acknowledgement");
  }
  c.close();
  sink.join();
  if (dst != src) throw std::runtime_error("bulk: the bytes received differ from the bytes sent");
  state.counters["bytes/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(volume),
                                                 benchmark::Counter::kIsRate);
}

void timeouts(benchmark::State& state, Network& net, int calls, int tasks, double timeout_s) {
  const int per_task = calls / tasks;
  std::vector<Socket> socks;
  for (int t = 0; t < tasks; ++t) {
    Socket s = net.socket(AF_INET, SOCK_DGRAM);
    s.bind(Address::inet("127.0.0.1", 0));
    s.settimeout(timeout_s);
    socks.push_back(std::move(s));
  }
  // Every call must time out: anything else is an error of the workload.
  auto wait_out = [per_task](Socket& s) {
    std::array<char, 64> buf{};
    for (int i = 0; i < per_task; ++i) {
      std::error_code ec;
      s.recv_into(buf, 0, 0, ec);
      if (ec != make_error_code(errc::timeout)) throw std::runtime_error("timeouts: recv did not time out: " + ec.message());
    }
  };
  std::int64_t virtual_ns = 0;
  std::chrono::steady_clock::duration wall{};
  for (auto _ : state) {
    const auto v0 = net.now();
    const auto w0 = std::chrono::steady_clock::now();
    if (tasks == 1) {
      wait_out(socks[0]);
    } else {
      std::vector<std::unique_ptr<Peer>> peers;
      for (int t = 0; t < tasks; ++t)
        peers.push_back(std::make_unique<Peer>(net, "waiter", [&, t] { wait_out(socks[static_cast<std::size_t>(t)]); }));
      for (auto& p : peers) p->join();
    }
    wall += std::chrono::steady_clock::now() - w0;
    virtual_ns += (net.now() - v0).count();
  }
  // Each task waits per_task timeouts one after another; the tasks wait side by side.
  const double expect_s = timeout_s * per_task;
  const double per_iter_s = static_cast<double>(virtual_ns) / 1e9 / static_cast<double>(state.iterations());
  if (per_iter_s < expect_s * (1 - 1e-9)) throw std::runtime_error("timeouts: virtual time moved less than the timeouts add up to");
  const double iters = static_cast<double>(state.iterations());
  state.counters["recv_calls/s"] = benchmark::Counter(iters * per_task * tasks, benchmark::Counter::kIsRate);
  state.counters["calls"] = benchmark::Counter(per_task * tasks);
  state.counters["virtual_s"] = benchmark::Counter(per_iter_s);
  state.counters["virtual_per_wall"] =
      benchmark::Counter(static_cast<double>(virtual_ns) / static_cast<double>(std::chrono::nanoseconds(wall).count()));
}

void udp(benchmark::State& state, Network& net) {
  Socket server_sock = net.socket(AF_INET, SOCK_DGRAM);
  server_sock.bind(Address::inet("127.0.0.1", 0));
  const Address addr = server_sock.getsockname();
  Peer server(net, "udp-echo", [&] {
    Message buf;
    for (;;) {
      auto [n, from] = server_sock.recvfrom_into(buf);
      if (n == 0) return;  // an empty datagram ends the run
      server_sock.sendto(std::string_view(buf.data(), n), from);
    }
  });
  Socket c = net.socket(AF_INET, SOCK_DGRAM);
  c.bind(Address::inet("127.0.0.1", 0));
  const Message msg = make_message('u');
  Message buf;
  for (auto _ : state) {
    c.sendto(view(msg), addr);
    if (c.recvfrom_into(buf).first != msg.size()) throw std::runtime_error("udp: short echo");
  }
  c.sendto("", addr);
  server.join();
  state.counters["datagrams/s"] =
      benchmark::Counter(2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void scale(benchmark::State& state, Network& net, int n, int active) {
  // Client ends bind explicit loopback addresses and ports (127.0.0.2 and up, ports 1024..32767,
  // below the ephemeral range), so that the count is not bounded by the ephemeral ports of one
  // address; a port something else holds is skipped. SO_REUSEADDR lets a later run bind them
  // while this run's connections sit in TIME_WAIT.
  constexpr int kLowPort = 1024;
  constexpr int kHighPort = 32767;
  Socket listener = tcp_listener(net, 128);
  const Address addr = listener.getsockname();
  const std::size_t rss0 = rss_bytes();
  std::vector<Socket> clients, servers;
  clients.reserve(static_cast<std::size_t>(n));
  servers.reserve(static_cast<std::size_t>(n));
  const auto setup0 = std::chrono::steady_clock::now();
  int host = 2, port = kLowPort;
  auto next_port = [&] {
    if (++port > kHighPort) {
      port = kLowPort;
      if (++host > 254) throw std::runtime_error("scale: out of client addresses");
    }
  };
  for (int i = 0; i < n; ++i) {
    Socket c = net.socket(AF_INET, SOCK_STREAM);
    c.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    for (;;) {
      std::error_code ec;
      c.bind(Address::inet("127.0.0." + std::to_string(host), port), ec);
      next_port();
      if (!ec) break;
      if (ec != errno_code(EADDRINUSE)) throw Error(ec, "scale: bind");
    }
    c.connect(addr);
    servers.push_back(listener.accept().first);
    clients.push_back(std::move(c));
  }
  const std::chrono::duration<double> setup = std::chrono::steady_clock::now() - setup0;
  const std::size_t rss1 = rss_bytes();
  // The connection of the k-th round trip: every one in turn, or `active` of them spread evenly
  // over the N (the others stay established and idle).
  const std::size_t total = static_cast<std::size_t>(n);
  const std::size_t used = active > 0 && active < n ? static_cast<std::size_t>(active) : total;
  auto pick = [total, used](std::size_t k) { return (k % used) * (total / used); };
  Peer server(net, "echo", [&] {
    Message buf;
    for (std::size_t j = 0;; ++j) {
      Socket& s = servers[pick(j)];
      if (!recv_exact(s, buf)) throw std::runtime_error("scale: EOF");
      if (buf[0] == 'Q') return;
      s.sendall(view(buf));
    }
  });
  const Message msg = make_message('s');
  Message buf;
  std::size_t i = 0;
  for (auto _ : state) {
    Socket& c = clients[pick(i++)];
    c.sendall(view(msg));
    if (!recv_exact(c, buf)) throw std::runtime_error("scale: EOF");
  }
  clients[pick(i)].sendall(view(make_message('Q')));
  server.join();
  // Server ends close first: their TIME_WAIT is keyed by the listener's port, not the fixed ones.
  servers.clear();
  clients.clear();
  state.counters["round_trips/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["connections"] = benchmark::Counter(n);
  state.counters["active"] = benchmark::Counter(static_cast<double>(used));
  state.counters["setup_us_per_conn"] = benchmark::Counter(setup.count() * 1e6 / n);
  state.counters["rss_mib"] = benchmark::Counter(static_cast<double>(rss1) / (1024.0 * 1024.0));
  state.counters["bytes_per_conn"] =
      benchmark::Counter((static_cast<double>(rss1) - static_cast<double>(rss0)) / static_cast<double>(n));
}

void task_switch(benchmark::State& state, Network& net) {
  std::atomic<bool> stop{false};
  Peer other(net, "yielder", [&] {
    while (!stop.load()) net.sleep(Network::Clock(0));
  });
  for (auto _ : state) net.sleep(Network::Clock(0));
  stop.store(true);
  other.join();
  state.counters["switches/s"] =
      benchmark::Counter(2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace socksim::bench
