// socksim/sim.hpp - SimNetwork: a deterministic, in-process network stack on a virtual clock.
//
// SimNetwork implements the Network interface without touching the operating system's network:
// sockets, hosts, links and the clock are simulated. Linux is the reference for every
// behaviour (errno values, bind rules, buffer sizes, TIME_WAIT, ...).
//
//   socksim::SimNetwork net;                        // one host, "localhost" (127.0.0.1, ::1)
//   auto server = net.spawn("server", [&] { ... }); // a task: a cooperative fiber
//   socksim::Socket c = net.socket();               // the calling thread is the root task
//   c.connect({"127.0.0.1", port});
//
// Clock: virtual nanoseconds from 0. Time moves only when every task is blocked; the scheduler
// then jumps to the earliest pending deadline (a timeout, a delayed delivery, a TIME_WAIT expiry,
// a sleep). A 60 s timeout costs microseconds of wall time.
//
// Tasks: spawn() starts a fiber and yields to it, so a server task reaches its first blocking
// call (accept) before the spawner goes on. One task runs at a time; a blocking call parks it.
// Ready tasks run in FIFO order, or in an order drawn from the seed (Config::random_schedule).
// An exception escaping a task is rethrown by its join(); when nobody is joining it, it is
// rethrown in the root task from the sim call the root is blocked in. Calls from a thread other
// than the one that made the SimNetwork fail with errc::foreign_thread. When every task is
// blocked and nothing is pending, the root task's call fails with errc::deadlock (the throwing
// forms raise Deadlock); deadlock_report() then names each task, the call it waits in and the
// socket.
//
// Everything that depends on chance (ephemeral ports, link jitter, random scheduling, mkdtemp
// names) is drawn from one generator seeded by Config::seed: the same seed and the same program
// give the same run, and the same trace hash.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "socksim/faults.hpp"
#include "socksim/network.hpp"
#include "socksim/sim_dns.hpp"

namespace socksim {

namespace sim {
class Core;
}

class SimNetwork final : public Network {
 public:
  // A simulated machine. Every host also has its own loopback (127.0.0.0/8 and ::1).
  struct HostConfig {
    std::string name;                    // gethostname() for tasks on this host; a DNS record
    std::vector<std::string> addresses;  // numeric IPv4/IPv6 addresses, in order
    std::vector<std::string> aliases;    // extra DNS names of the host (e.g. an FQDN)
  };

  // Link properties, per direction: from host `from` to host `to` ("*" matches any host; the
  // last matching entry wins; a host's traffic to itself is "loopback" and uses these too when
  // from == to is named explicitly, otherwise it is instantaneous).
  struct LinkConfig {
    std::string from = "*";
    std::string to = "*";
    std::chrono::nanoseconds latency{0};  // one-way delay of every packet
    std::chrono::nanoseconds jitter{0};   // extra delay drawn uniformly from [0, jitter]
    std::uint64_t bandwidth = 0;          // bytes per second; 0 = unlimited
  };

  struct Config {
    std::uint64_t seed = 1;
    // Hosts beside "localhost" (which always exists, with 127.0.0.1 and ::1). A host named
    // "localhost" here replaces the default one's extra addresses and aliases.
    std::vector<HostConfig> hosts{};
    // The host the root task (the thread that owns the network) runs on.
    std::string root_host = "localhost";
    // DNS records, services and protocols; each host's name, aliases and addresses are added as
    // records too.
    DnsConfig dns{};
    std::vector<LinkConfig> links{};
    // Ready tasks run in an order drawn from the seed instead of FIFO.
    bool random_schedule = false;
    // Stack size of each task's fiber.
    std::size_t stack_size = 256 * 1024;
    // Keep the trace (its lines and hash). Off, the simulation runs faster and trace_hash()
    // stays at its initial value.
    bool trace = true;
  };

  SimNetwork();
  explicit SimNetwork(Config config);
  ~SimNetwork() override;

  std::string_view backend_name() const noexcept override { return "sim"; }

  const Config& config() const noexcept;

  // Runs `fn` as a task on host `host` (a name from Config::hosts, or "localhost").
  Task spawn_on(const std::string& host, std::string name, std::function<void()> fn);

  // Lets every ready task run until all are blocked again; virtual time does not move.
  void yield();

  // DNS records can change while the simulation runs.
  void add_record(DnsRecord record);
  void remove_record(const std::string& name);

  // The trace: one JSON object a line for every socket call and network event, with its virtual
  // time. Its hash is always kept: while lines are written (to `out`, or a file) it is FNV-1a,
  // 64 bits, over the lines and their '\n'; while none are, it is a 64-bit hash of the same
  // events' fields, taken without building any text. The same seed and program give the same
  // hash in the same mode; set the output before the run starts, so that one mode covers it all
  // (nullptr stops writing).
  void set_trace_output(std::ostream* out);
  // Appends the lines to a file the network owns; false when it cannot be opened.
  bool set_trace_file(const std::string& path);
  std::uint64_t trace_hash() const noexcept;
  std::uint64_t trace_lines() const noexcept;

  // Fault rules (socksim/faults.hpp), applied from now on to socket calls, streams, packets and
  // name lookups. add_fault throws std::invalid_argument for a rule that cannot fire;
  // remove_fault returns false for an unknown id, and releases, in order, the packets the rule
  // held (a partition heals, a stall or half-open peer ends); clear_faults removes every rule.
  FaultId add_fault(FaultRule rule);
  bool remove_fault(FaultId id);
  void clear_faults() noexcept;
  // The I/O calls (send, recv, connect and accept families) the fault rules have seen: counted
  // while at least one rule is set. fault::fail_point's index counts the same calls.
  std::uint64_t fault_io_calls() const noexcept;
  // How many times rule `id` fired (0 for an unknown id).
  std::uint64_t fault_hits(FaultId id) const noexcept;

  // The report of the last deadlock: every task, the call it waits in and on which socket.
  std::string deadlock_report() const;

  // The number of tasks started and not finished.
  std::size_t live_tasks() const noexcept;

 protected:
  std::shared_ptr<SocketImpl> do_socket(int family, int type, int proto, std::error_code& ec) override;
  std::pair<std::shared_ptr<SocketImpl>, std::shared_ptr<SocketImpl>> do_socketpair(int family, int type, int proto,
                                                                                    std::error_code& ec) override;
  std::shared_ptr<SocketImpl> do_fromfd(int fd, int family, int type, int proto, std::error_code& ec) override;
  std::vector<AddrInfo> do_getaddrinfo(const OptString& host, const OptString& port, int family, int socktype,
                                       int proto, int flags, std::error_code& ec) override;
  std::pair<std::string, std::string> do_getnameinfo(const Address& sockaddr, int flags, std::error_code& ec) override;
  HostEntry do_gethostbyname_ex(const std::string& hostname, std::error_code& ec) override;
  HostEntry do_gethostbyaddr(const std::string& ip_address, std::error_code& ec) override;
  std::string do_gethostname(std::error_code& ec) override;
  int do_getservbyname(const std::string& servicename, const std::string& protocolname, std::error_code& ec) override;
  std::string do_getservbyport(int port, const std::string& protocolname, std::error_code& ec) override;
  int do_getprotobyname(const std::string& protocolname, std::error_code& ec) override;
  bool do_has_ipv6() override;
  Clock do_now() const override;
  void do_sleep(Clock duration, std::error_code& ec) override;
  std::shared_ptr<TaskImpl> do_spawn(std::string name, std::function<void()> fn) override;
  int do_poll(std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec) override;
  std::string do_mkdtemp(std::error_code& ec) override;
  void do_remove_tree(const std::string& path) noexcept override;
  void do_unlink(const std::string& path, std::error_code& ec) override;
  void do_cancel() noexcept override;
  void do_setdefaulttimeout(Seconds timeout) noexcept override;

 private:
  std::shared_ptr<sim::Core> core_;  // shared with the sockets it made
};

}  // namespace socksim
