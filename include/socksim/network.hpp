// socksim/network.hpp - the socket module: one abstract interface, two backends.
//
// Production code takes a `Network&`; tests hand it a `SimNetwork` (sim.hpp), production a
// `RealNetwork` (real.hpp). The public methods are non-virtual (each in a throwing and a
// `std::error_code&` form); a backend implements the protected `do_*` hooks, which have the
// non-throwing form only.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "socksim/address.hpp"
#include "socksim/constants.hpp"
#include "socksim/errors.hpp"
#include "socksim/socket.hpp"

namespace socksim {

// create_connection's timeout: the global default (as when the seed's argument is omitted), or
// an explicit value (nullopt = blocking).
struct GlobalDefault {};
inline constexpr GlobalDefault global_default_timeout{};
using TimeoutArg = std::variant<GlobalDefault, Seconds>;

// One getaddrinfo result: (family, socktype, proto, canonname, sockaddr).
struct AddrInfo {
  int family = 0;
  int socktype = 0;
  int proto = 0;
  std::string canonname;
  Address sockaddr;
  friend bool operator==(const AddrInfo&, const AddrInfo&) = default;
};

// gethostbyname_ex / gethostbyaddr: (hostname, aliaslist, ipaddrlist).
struct HostEntry {
  std::string hostname;
  std::vector<std::string> aliaslist;
  std::vector<std::string> ipaddrlist;
  friend bool operator==(const HostEntry&, const HostEntry&) = default;
};

// getaddrinfo's host and port may be None in the seed.
using OptString = std::optional<std::string>;

// poll(): the events asked for and the events that happened, per socket.
inline constexpr short POLL_IN = 0x001;
inline constexpr short POLL_PRI = 0x002;
inline constexpr short POLL_OUT = 0x004;
inline constexpr short POLL_ERR = 0x008;
inline constexpr short POLL_HUP = 0x010;
inline constexpr short POLL_NVAL = 0x020;
struct PollEntry {
  SocketImpl* socket = nullptr;
  short events = 0;
  short revents = 0;
};

// select(): the sockets of each list that are ready, in the order given.
struct SelectResult {
  std::vector<Socket*> readable;
  std::vector<Socket*> writable;
  std::vector<Socket*> exceptional;
};

// A task started by spawn(). join() waits for it and rethrows what escaped it.
class TaskImpl {
 public:
  virtual ~TaskImpl() = default;
  virtual const std::string& name() const noexcept = 0;
  virtual bool done() const noexcept = 0;
  // Waits until the task ends; returns what escaped it (null if it returned normally).
  virtual std::exception_ptr join() = 0;
};

class Task {
 public:
  Task() = default;
  explicit Task(std::shared_ptr<TaskImpl> impl) : impl_(std::move(impl)) {}
  bool joinable() const noexcept { return impl_ != nullptr; }
  const std::string& name() const;
  bool done() const;
  // Waits for the task and rethrows an exception that escaped it. Joining twice is an error.
  void join();
  // The backend task (nullptr once joined); for test doubles.
  const std::shared_ptr<TaskImpl>& impl() const noexcept { return impl_; }

 private:
  std::shared_ptr<TaskImpl> impl_;
};

class Network {
 public:
  using Clock = std::chrono::nanoseconds;

  Network() = default;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  virtual ~Network() = default;

  // "sim" or "real".
  virtual std::string_view backend_name() const noexcept = 0;

  // --- sockets ---------------------------------------------------------------------------------
  Socket socket(int family = AF_INET, int type = SOCK_STREAM, int proto = 0);
  Socket socket(int family, int type, int proto, std::error_code& ec);
  std::pair<Socket, Socket> socketpair(int family = AF_UNIX, int type = SOCK_STREAM, int proto = 0);
  std::pair<Socket, Socket> socketpair(int family, int type, int proto, std::error_code& ec);
  // Duplicates `fd` (a descriptor of this backend: an OS fd on real, a sim fd in the sim).
  Socket fromfd(int fd, int family, int type, int proto = 0);
  Socket fromfd(int fd, int family, int type, int proto, std::error_code& ec);
  // Resolves `address` (AF_UNSPEC, SOCK_STREAM) and tries each result in turn; the last error
  // is reported when none connects.
  Socket create_connection(const Address& address, TimeoutArg timeout = global_default_timeout,
                           const std::optional<Address>& source_address = std::nullopt);
  Socket create_connection(const Address& address, TimeoutArg timeout,
                           const std::optional<Address>& source_address, std::error_code& ec);

  // --- resolution ------------------------------------------------------------------------------
  // `port` is a service name ("http"), a decimal number, or nullopt.
  std::vector<AddrInfo> getaddrinfo(const OptString& host, const OptString& port, int family = 0,
                                    int socktype = 0, int proto = 0, int flags = 0);
  std::vector<AddrInfo> getaddrinfo(const OptString& host, const OptString& port, int family,
                                    int socktype, int proto, int flags, std::error_code& ec);
  std::vector<AddrInfo> getaddrinfo(const OptString& host, int port, int family = 0, int socktype = 0,
                                    int proto = 0, int flags = 0);
  std::pair<std::string, std::string> getnameinfo(const Address& sockaddr, int flags);
  std::pair<std::string, std::string> getnameinfo(const Address& sockaddr, int flags, std::error_code& ec);
  std::string gethostbyname(const std::string& hostname);
  std::string gethostbyname(const std::string& hostname, std::error_code& ec);
  HostEntry gethostbyname_ex(const std::string& hostname);
  HostEntry gethostbyname_ex(const std::string& hostname, std::error_code& ec);
  HostEntry gethostbyaddr(const std::string& ip_address);
  HostEntry gethostbyaddr(const std::string& ip_address, std::error_code& ec);
  // Never fails: falls back to gethostname() / the name itself, as the seed describes.
  std::string getfqdn(const std::string& name = "");
  std::string gethostname();
  std::string gethostname(std::error_code& ec);
  int getservbyname(const std::string& servicename, const std::string& protocolname = "");
  int getservbyname(const std::string& servicename, const std::string& protocolname, std::error_code& ec);
  std::string getservbyport(long long port, const std::string& protocolname = "");
  std::string getservbyport(long long port, const std::string& protocolname, std::error_code& ec);
  int getprotobyname(const std::string& protocolname);
  int getprotobyname(const std::string& protocolname, std::error_code& ec);
  bool has_ipv6();

  // --- default timeout -------------------------------------------------------------------------
  // Applies to sockets created afterwards (socket, socketpair, fromfd, accept, create_connection).
  Seconds getdefaulttimeout() const noexcept { return default_timeout_; }
  void setdefaulttimeout(Seconds timeout);
  void setdefaulttimeout(Seconds timeout, std::error_code& ec);

  // --- clock and tasks -------------------------------------------------------------------------
  // Time since the network was made: virtual in the sim, the monotonic clock on real.
  Clock now() const { return do_now(); }
  double now_seconds() const { return std::chrono::duration<double>(do_now()).count(); }
  void sleep(Clock duration);
  void sleep(double seconds);
  // Runs `fn` as a task: a fiber of the sim, a thread on real.
  Task spawn(std::string name, std::function<void()> fn);

  // --- readiness -------------------------------------------------------------------------------
  SelectResult select(const std::vector<Socket*>& rlist, const std::vector<Socket*>& wlist,
                      const std::vector<Socket*>& xlist, Seconds timeout = std::nullopt);
  SelectResult select(const std::vector<Socket*>& rlist, const std::vector<Socket*>& wlist,
                      const std::vector<Socket*>& xlist, Seconds timeout, std::error_code& ec);
  // Fills each entry's revents; returns how many entries have some.
  int poll(std::vector<PollEntry>& entries, Seconds timeout);
  int poll(std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec);

  // --- the filesystem of AF_UNIX paths ---------------------------------------------------------
  // A fresh empty directory (a real one on real, a virtual one in the sim) and its removal with
  // everything in it; unlink of one path.
  std::string mkdtemp();
  std::string mkdtemp(std::error_code& ec);
  void remove_tree(const std::string& path) noexcept;
  void unlink(const std::string& path);
  void unlink(const std::string& path, std::error_code& ec);

  // Thread-safe: makes every blocked call, and every later one, fail with ECANCELED. The scenario
  // runner uses it to cut off a scenario that exceeds its wall-clock timeout.
  void cancel() noexcept { do_cancel(); }

 protected:
  // Backend hooks. A socket made by do_socket/do_socketpair/do_fromfd is in blocking mode; the
  // public wrappers apply the default timeout.
  virtual std::shared_ptr<SocketImpl> do_socket(int family, int type, int proto, std::error_code& ec) = 0;
  virtual std::pair<std::shared_ptr<SocketImpl>, std::shared_ptr<SocketImpl>> do_socketpair(
      int family, int type, int proto, std::error_code& ec) = 0;
  virtual std::shared_ptr<SocketImpl> do_fromfd(int fd, int family, int type, int proto, std::error_code& ec) = 0;
  virtual std::vector<AddrInfo> do_getaddrinfo(const OptString& host, const OptString& port, int family,
                                               int socktype, int proto, int flags, std::error_code& ec) = 0;
  virtual std::pair<std::string, std::string> do_getnameinfo(const Address& sockaddr, int flags,
                                                             std::error_code& ec) = 0;
  virtual HostEntry do_gethostbyname_ex(const std::string& hostname, std::error_code& ec) = 0;
  virtual HostEntry do_gethostbyaddr(const std::string& ip_address, std::error_code& ec) = 0;
  virtual std::string do_gethostname(std::error_code& ec) = 0;
  virtual int do_getservbyname(const std::string& servicename, const std::string& protocolname,
                               std::error_code& ec) = 0;
  virtual std::string do_getservbyport(int port, const std::string& protocolname, std::error_code& ec) = 0;
  virtual int do_getprotobyname(const std::string& protocolname, std::error_code& ec) = 0;
  virtual bool do_has_ipv6() = 0;
  virtual Clock do_now() const = 0;
  virtual void do_sleep(Clock duration, std::error_code& ec) = 0;
  virtual std::shared_ptr<TaskImpl> do_spawn(std::string name, std::function<void()> fn) = 0;
  virtual int do_poll(std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec) = 0;
  virtual std::string do_mkdtemp(std::error_code& ec) = 0;
  virtual void do_remove_tree(const std::string& path) noexcept = 0;
  virtual void do_unlink(const std::string& path, std::error_code& ec) = 0;
  virtual void do_cancel() noexcept = 0;
  // Told of every setdefaulttimeout, so that a backend's accept can apply the value.
  virtual void do_setdefaulttimeout(Seconds timeout) noexcept { (void)timeout; }

  // For backends: the timeout new sockets take (accept applies it itself).
  Seconds default_timeout() const noexcept { return default_timeout_; }

 private:
  Seconds default_timeout_;
};

}  // namespace socksim
