// Fuzz target: a program of socket calls on a SimNetwork, decoded from the input.
//
// The bytes choose the network (seed, a second host, link latency/jitter/bandwidth, random
// scheduling), then a sequence of operations on a few socket and file slots: socket, socketpair,
// bind, listen, connect, connect_ex, accept, send, sendall, sendto, recv, recvfrom, recv_into,
// recvfrom_into, shutdown, close, setsockopt/getsockopt, settimeout/setblocking, getsockname,
// getpeername, fromfd, makefile and its file's read/readline/write/flush, select, poll, sleep,
// create_connection, name lookups, fault rules of every kind (faults.hpp) on every scope, and
// tasks that run a program of their own (on their own slots) and are joined.
//
// Checked: every call returns, or reports an error of socksim's documented categories (an errno
// value, EAI_*, h_errno, or socksim::errc: timeout, value/overflow/type errors, deadlock); the
// throwing forms raise only socksim's exceptions. A blocking call with nothing to wake it fails
// with errc::deadlock (documented), and virtual time makes every timeout return: nothing waits
// forever, so a hang found by libFuzzer's -timeout is a bug too. foreign_thread never appears:
// every call is made from the thread that made the network.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "socksim/errors.hpp"
#include "socksim/faults.hpp"
#include "socksim/network.hpp"
#include "socksim/sim.hpp"
#include "socksim/socket.hpp"

namespace {

using socksim::Address;
using socksim::Socket;
using socksim::SocketFile;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "sim_ops_fuzz: %s\n", what.c_str());
  std::abort();
}

// An error socksim documents, reported from the owning thread.
void check(const std::error_code& ec, const char* op) {
  if (!ec) return;
  const auto& cat = ec.category();
  bool ok = false;
  if (cat == std::generic_category()) {
    ok = ec.value() > 0 && ec.value() < 134;
  } else if (cat == socksim::gai_category() || cat == socksim::herror_category()) {
    ok = true;
  } else if (cat == socksim::socksim_category()) {
    ok = ec.value() >= static_cast<int>(socksim::errc::timeout) && ec.value() <= static_cast<int>(socksim::errc::deadlock);
  }
  if (!ok) fail(std::string(op) + ": undocumented error " + cat.name() + ":" + std::to_string(ec.value()) + " " + ec.message());
}

// The throwing forms: socksim's exceptions only (add_fault's std::invalid_argument included).
template <class Fn>
void throwing(const char* op, Fn&& fn) {
  try {
    fn();
  } catch (const socksim::Error& e) {
    check(e.code(), op);
  } catch (const socksim::ValueError&) {
  } catch (const socksim::OverflowError&) {
  } catch (const socksim::TypeError&) {
  } catch (const std::invalid_argument&) {
  }
}

constexpr std::size_t kSlots = 5;
constexpr std::size_t kFiles = 2;
constexpr int kMaxOps = 96;

struct Slots {
  Socket socks[kSlots];
  std::unique_ptr<SocketFile> files[kFiles];
};

struct World {
  socksim::SimNetwork* net = nullptr;
  std::vector<socksim::Task> tasks;
  std::vector<socksim::FaultId> faults;
  int depth = 0;
};

const int kFamilies[] = {socksim::AF_INET, socksim::AF_INET6, socksim::AF_UNIX, socksim::AF_INET, 99};
const int kTypes[] = {socksim::SOCK_STREAM, socksim::SOCK_DGRAM, socksim::SOCK_STREAM, socksim::SOCK_SEQPACKET, 77};
const int kPorts[] = {0, 7000, 7001, 7000, 65535, 70000, -1};
const char* const kHosts4[] = {"127.0.0.1", "10.0.0.2", "", "<broadcast>", "localhost", "peer", "nowhere.invalid", "127.1"};
const char* const kHosts6[] = {"::1", "::", "fd00::2", "::ffff:127.0.0.1", "localhost", "peer", "bad::host::"};
const double kTimeouts[] = {0.0, 0.001, 0.05, 1.0, 30.0, -1.0};
const int kErrnos[] = {EINTR, EAGAIN, ECONNRESET, ECONNREFUSED, EPIPE, ENOBUFS, ETIMEDOUT};
const char* const kFaultOps[] = {"send", "recv", "connect", "accept", "bogus"};

Address address_of(socksim::fuzz::Input& in) {
  const int port = in.pick(kPorts);
  switch (in.below(4)) {
    case 0:
    case 1: return Address::inet(in.pick(kHosts4), port);
    case 2: {
      const char* host = in.pick(kHosts6);
      const std::uint32_t flowinfo = in.flag() ? 0 : 0x100000;
      return Address::inet6(host, port, flowinfo, static_cast<std::uint32_t>(in.below(3)));
    }
    default: {
      static const std::string long_path(120, 'p');
      const std::string paths[] = {"/s1", "/s2", std::string("\0abs", 4), "", long_path, "/no/such/dir/s"};
      return Address::unix_path(paths[in.below(std::size(paths))]);
    }
  }
}

std::string payload(socksim::fuzz::Input& in, std::size_t max) {
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(in.u16()) % (max + 1), max);
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

socksim::Seconds timeout_of(socksim::fuzz::Input& in) {
  if (in.below(4) == 0) return std::nullopt;
  return in.pick(kTimeouts);
}

void run_ops(World& w, Slots& s, socksim::fuzz::Input& in);

// One operation. Everything goes through the error_code forms unless the op byte's top bit asks
// for the throwing form.
void step(World& w, Slots& s, socksim::fuzz::Input& in) {
  socksim::SimNetwork& net = *w.net;
  const std::uint8_t op = in.byte();
  const bool throws = (op & 0x80) != 0;
  Socket& a = s.socks[in.below(kSlots)];
  std::error_code ec;
  switch (op & 0x3f) {
    case 0: {
      const int family = in.pick(kFamilies), type = in.pick(kTypes);
      if (throws) {
        throwing("socket", [&] { a = net.socket(family, type); });
      } else {
        Socket made = net.socket(family, type, 0, ec);
        check(ec, "socket");
        if (!ec) a = std::move(made);
      }
      break;
    }
    case 1: {
      Socket& b = s.socks[in.below(kSlots)];
      const int family = in.flag() ? socksim::AF_UNIX : socksim::AF_INET;
      auto pair = net.socketpair(family, in.pick(kTypes), 0, ec);
      check(ec, "socketpair");
      if (!ec) {
        a = std::move(pair.first);
        b = std::move(pair.second);
      }
      break;
    }
    case 2: {
      const Address addr = address_of(in);
      if (throws) throwing("bind", [&] { a.bind(addr); });
      else a.bind(addr, ec), check(ec, "bind");
      break;
    }
    case 3: a.listen(static_cast<int>(in.byte()) - 2, ec), check(ec, "listen"); break;
    case 4: {
      const Address addr = address_of(in);
      if (throws) throwing("connect", [&] { a.connect(addr); });
      else a.connect(addr, ec), check(ec, "connect");
      break;
    }
    case 5: {
      const int r = a.connect_ex(address_of(in), ec);
      check(ec, "connect_ex");
      if (!ec && r < 0) fail("connect_ex: a negative errno without an error");
      break;
    }
    case 6: {
      Socket& into = s.socks[in.below(kSlots)];
      if (throws) {
        throwing("accept", [&] { into = a.accept().first; });
      } else {
        auto [conn, peer] = a.accept(ec);
        check(ec, "accept");
        if (!ec) into = std::move(conn);
      }
      break;
    }
    case 7: {
      const std::string data = payload(in, 4096);
      const std::size_t n = a.send(data, in.flag() ? socksim::MSG_DONTWAIT : 0, ec);
      check(ec, "send");
      if (!ec && n > data.size()) fail("send: more bytes accepted than given");
      break;
    }
    case 8: {
      const std::string data = payload(in, 16384);
      if (throws) throwing("sendall", [&] { a.sendall(data); });
      else a.sendall(data, 0, ec), check(ec, "sendall");
      break;
    }
    case 9: {
      const std::string data = payload(in, 2048);
      const std::size_t n = a.sendto(data, 0, address_of(in), ec);
      check(ec, "sendto");
      if (!ec && n > data.size()) fail("sendto: more bytes accepted than given");
      break;
    }
    case 10: {
      long long size = static_cast<long long>(in.u16() % 9000);
      if (in.below(8) == 0) size -= 9000;
      const int flags = in.pick({0, socksim::MSG_DONTWAIT, socksim::MSG_PEEK, socksim::MSG_WAITALL, socksim::MSG_TRUNC});
      if (throws) {
        throwing("recv", [&] { (void)a.recv(size, flags); });
      } else {
        const std::string got = a.recv(size, flags, ec);
        check(ec, "recv");
        if (!ec && static_cast<long long>(got.size()) > size) fail("recv: more bytes than asked for");
      }
      break;
    }
    case 11: {
      auto [data, from] = a.recvfrom(static_cast<long long>(in.u16() % 4096), in.flag() ? socksim::MSG_DONTWAIT : 0, ec);
      check(ec, "recvfrom");
      break;
    }
    case 12: {
      std::string buffer(in.below(200), 'z');
      const long long nbytes = static_cast<long long>(in.byte()) - 20;
      const std::size_t n = a.recv_into(buffer, nbytes, in.flag() ? socksim::MSG_TRUNC : 0, ec);
      check(ec, "recv_into");
      (void)n;  // with MSG_TRUNC a datagram's whole length, possibly beyond the buffer
      break;
    }
    case 13: {
      std::string buffer(in.below(200), 'z');
      auto r = a.recvfrom_into(buffer, static_cast<long long>(in.byte()) - 20, 0, ec);
      check(ec, "recvfrom_into");
      (void)r;
      break;
    }
    case 14: a.shutdown(static_cast<int>(in.below(5)) - 1, ec), check(ec, "shutdown"); break;
    case 15: a.close(); break;
    case 16: {
      const int opts[][2] = {{socksim::SOL_SOCKET, socksim::SO_REUSEADDR}, {socksim::SOL_SOCKET, socksim::SO_RCVBUF},
                             {socksim::SOL_SOCKET, socksim::SO_SNDBUF},    {socksim::SOL_SOCKET, socksim::SO_KEEPALIVE},
                             {socksim::SOL_SOCKET, socksim::SO_BROADCAST}, {socksim::IPPROTO_TCP, socksim::TCP_NODELAY},
                             {socksim::SOL_SOCKET, socksim::SO_ERROR},     {socksim::SOL_SOCKET, 9999}};
      const auto& o = opts[in.below(std::size(opts))];
      const int value = in.flag() ? static_cast<int>(in.u32()) : static_cast<int>(in.byte());
      a.setsockopt(o[0], o[1], value, ec);
      check(ec, "setsockopt");
      (void)a.getsockopt(o[0], o[1], ec);
      check(ec, "getsockopt");
      break;
    }
    case 17: {
      // SO_LINGER as bytes, of a random length.
      std::string value = in.bytes(in.below(12));
      a.setsockopt(socksim::SOL_SOCKET, socksim::SO_LINGER, value, ec);
      check(ec, "setsockopt(SO_LINGER)");
      (void)a.getsockopt(socksim::SOL_SOCKET, socksim::SO_LINGER, in.below(1100), ec);
      check(ec, "getsockopt(SO_LINGER)");
      break;
    }
    case 18: {
      const socksim::Seconds t = timeout_of(in);
      if (throws) throwing("settimeout", [&] { a.settimeout(t); });
      else a.settimeout(t, ec), check(ec, "settimeout");
      break;
    }
    case 19: a.setblocking(in.flag(), ec), check(ec, "setblocking"); break;
    case 20: (void)a.getsockname(ec), check(ec, "getsockname"); break;
    case 21: (void)a.getpeername(ec), check(ec, "getpeername"); break;
    case 22: {
      Socket& into = s.socks[in.below(kSlots)];
      const int fd = in.flag() ? a.fileno() : static_cast<int>(in.byte()) - 1;
      const int family = in.pick(kFamilies);
      const int type = in.pick(kTypes);
      Socket dup = net.fromfd(fd, family, type, 0, ec);
      check(ec, "fromfd");
      if (!ec) into = std::move(dup);
      break;
    }
    case 23: {
      auto& f = s.files[in.below(kFiles)];
      f = a.makefile(in.flag() ? "rb" : "w", static_cast<int>(in.below(4)) - 1, ec);
      check(ec, "makefile");
      break;
    }
    case 24: {
      auto& f = s.files[in.below(kFiles)];
      if (!f) break;
      switch (in.below(5)) {
        case 0: (void)f->read(static_cast<long long>(in.byte()) - 1, ec), check(ec, "file.read"); break;
        case 1: (void)f->readline(static_cast<long long>(in.byte()) - 1, ec), check(ec, "file.readline"); break;
        case 2: f->write(payload(in, 3000), ec), check(ec, "file.write"); break;
        case 3: f->flush(ec), check(ec, "file.flush"); break;
        default: f->close(ec), check(ec, "file.close"); break;
      }
      break;
    }
    case 25: {
      std::vector<Socket*> r, wl;
      for (auto& sock : s.socks) {
        if (in.flag()) r.push_back(&sock);
        if (in.flag()) wl.push_back(&sock);
      }
      const socksim::Seconds t = in.flag() ? socksim::Seconds(0.01) : timeout_of(in);
      auto res = net.select(r, wl, {}, t, ec);
      check(ec, "select");
      if (!ec && (res.readable.size() > r.size() || res.writable.size() > wl.size())) fail("select: too many ready");
      break;
    }
    case 26: {
      std::vector<socksim::PollEntry> entries;
      for (auto& sock : s.socks)
        if (sock && in.flag()) entries.push_back({sock.impl().get(), static_cast<short>(in.below(8)), 0});
      const int n = net.poll(entries, in.flag() ? socksim::Seconds(0.0) : timeout_of(in), ec);
      check(ec, "poll");
      if (!ec && (n < 0 || static_cast<std::size_t>(n) > entries.size())) fail("poll: bad count");
      break;
    }
    case 27: net.sleep(std::chrono::nanoseconds(static_cast<long long>(in.u32()) * 1000)); break;
    case 28: {
      const Address addr = address_of(in);
      Socket& into = s.socks[in.below(kSlots)];
      Socket c = net.create_connection(addr, timeout_of(in), std::nullopt, ec);
      check(ec, "create_connection");
      if (!ec) into = std::move(c);
      break;
    }
    case 29: {
      const char* host = in.pick(kHosts4);
      (void)net.getaddrinfo(std::string(host), std::optional<std::string>(in.flag() ? "http" : "7000"), 0, 0, 0, 0, ec);
      check(ec, "getaddrinfo");
      (void)net.gethostbyname_ex(host, ec);
      check(ec, "gethostbyname_ex");
      (void)net.gethostbyaddr(in.pick(kHosts6), ec);
      check(ec, "gethostbyaddr");
      const Address addr = address_of(in);
      (void)net.getnameinfo(addr, static_cast<int>(in.below(32)), ec);
      check(ec, "getnameinfo");
      break;
    }
    case 30: {
      // A fault rule of any kind, for every socket, one descriptor or a path between hosts.
      const int scope = static_cast<int>(in.below(3));
      const int fd = a.fileno();
      const socksim::Path path{in.flag() ? "localhost" : "peer", in.flag() ? "peer" : "*", in.flag()};
      const auto ms = [&] { return std::chrono::milliseconds(in.below(200)); };
      const auto probability = [&] { return static_cast<double>(in.byte()) / 200.0; };
      socksim::FaultRule::Action action = socksim::fault::send_cap{in.below(64), false};
      switch (in.below(16)) {
        case 0: break;
        case 1: action = socksim::fault::send_cap{in.below(64), true}; break;
        case 2: action = socksim::fault::recv_cap{in.below(64), in.flag()}; break;
        case 3: action = socksim::fault::fail_call{in.pick(kFaultOps), in.below(4), in.pick(kErrnos), in.below(3)}; break;
        case 4: action = socksim::fault::fail_point{in.below(8), in.pick(kErrnos)}; break;
        case 5: action = socksim::fault::reset_after{in.u16()}; break;
        case 6: action = socksim::fault::fin_after{in.u16()}; break;
        case 7: action = socksim::fault::stall{ms(), in.u16()}; break;
        case 8: action = socksim::fault::half_open{}; break;
        case 9: action = socksim::fault::partition{in.flag()}; break;
        case 10: action = socksim::fault::loss{probability()}; break;
        case 11: action = socksim::fault::duplicate{probability()}; break;
        case 12: action = socksim::fault::reorder{probability(), ms()}; break;
        case 13: action = socksim::fault::slow_link{ms(), ms(), static_cast<std::uint64_t>(in.u16()) * 10}; break;
        case 14: action = socksim::fault::dns_fail{in.flag() ? "*" : "peer", in.flag() ? socksim::EAI_AGAIN : socksim::EAI_NONAME}; break;
        default: action = socksim::fault::dns_delay{in.flag() ? "*" : "localhost", ms()}; break;
      }
      throwing("add_fault", [&] {
        switch (scope) {
          case 0: w.faults.push_back(net.add_fault(socksim::FaultRule(action))); break;
          case 1: w.faults.push_back(net.add_fault(socksim::FaultRule(fd, action))); break;
          default: w.faults.push_back(net.add_fault(socksim::FaultRule(path, action))); break;
        }
      });
      break;
    }
    case 31: {
      if (w.faults.empty()) break;
      const std::size_t i = in.below(w.faults.size());
      if (!net.remove_fault(w.faults[i])) fail("remove_fault: a rule it made is unknown");
      w.faults.erase(w.faults.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    case 32: {
      // A task with a program of its own, on its own slots, on this host or on "peer" (which
      // exists only in some networks: spawn_on refuses an unknown host).
      const bool on_peer = in.flag();
      const std::string program = in.str(96);
      if (w.depth > 0 || w.tasks.size() >= 4) break;
      World* wp = &w;
      throwing("spawn_on", [&] {
        w.tasks.push_back(net.spawn_on(on_peer ? "peer" : "localhost", "task" + std::to_string(w.tasks.size()),
                                       [wp, program] {
                                         Slots own;
                                         socksim::fuzz::Input tin(reinterpret_cast<const std::uint8_t*>(program.data()),
                                                                  program.size());
                                         ++wp->depth;
                                         run_ops(*wp, own, tin);
                                         --wp->depth;
                                       }));
      });
      break;
    }
    case 33: {
      if (w.tasks.empty() || w.depth > 0) break;
      const std::size_t i = in.below(w.tasks.size());
      throwing("join", [&] { w.tasks[i].join(); });
      w.tasks.erase(w.tasks.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    case 34: {
      std::error_code ignored;
      net.setdefaulttimeout(timeout_of(in), ignored);
      check(ignored, "setdefaulttimeout");
      break;
    }
    case 35: net.yield(); break;
    default: break;
  }
}

void run_ops(World& w, Slots& s, socksim::fuzz::Input& in) {
  for (int i = 0; i < kMaxOps && !in.empty(); ++i) step(w, s, in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  socksim::fuzz::Input in(data, size);
  socksim::SimNetwork::Config config;
  config.seed = in.u16();
  const std::uint8_t shape = in.byte();
  config.random_schedule = (shape & 1) != 0;
  if (shape & 2) config.hosts.push_back({"peer", {"10.0.0.2", "fd00::2"}, {}});
  if (shape & 4) {
    socksim::SimNetwork::LinkConfig link;
    link.latency = std::chrono::microseconds(in.byte() * 10);
    link.jitter = std::chrono::microseconds(in.byte() * 10);
    link.bandwidth = static_cast<std::uint64_t>(in.byte()) * 1000;
    config.links.push_back(link);
  }
  config.stack_size = 128 * 1024;
  {
    socksim::SimNetwork net(config);
    World w;
    w.net = &net;
    {
      Slots root;
      run_ops(w, root, in);
      // Join what is left; a task blocked for good makes the root's join report a deadlock.
      for (auto& t : w.tasks) throwing("join", [&] { t.join(); });
      w.tasks.clear();
    }
  }
  return 0;
}
