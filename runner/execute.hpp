// runner/execute.hpp - inside the engine: the state of one run and the op handlers.
// Not part of the runner's interface.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runner/engine.hpp"
#include "socksim/network.hpp"

namespace socksim::runner {

class RunContext {
 public:
  RunContext(Network& net, const Scenario& scenario, const RunOptions& options);
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;

  // Calls the step's op with its substituted arguments. Never throws.
  Outcome execute(const Step& step, const json& args);

  // Closes every file object and socket the run opened (without blocking on unsent data).
  void close_all() noexcept;

  Network& net;
  const Scenario& scenario;
  const RunOptions& options;
  Vars vars;

 private:
  using Handler = Outcome (RunContext::*)(const Step&, const json&);
  static const std::map<std::string, Handler>& handlers();

  Socket& sock(const Step& step);
  SocketFile& file(const Step& step);
  void add_socket(const std::string& name, Socket socket);

  // Untrusted-input guards; each throws a runner failure when the call must not be made.
  void check_destination(const Address& address, Socket* socket);
  void check_path(const std::string& path, bool unlink);
  void check_fd(int fd);
  bool loopback_host(const std::string& host, int family);

  Address sock_address(const json& v, const char* name);
  Address module_address(const json& v, const char* name);

  // Module functions and the runner's ops.
  Outcome op_socket(const Step&, const json&);
  Outcome op_socketpair(const Step&, const json&);
  Outcome op_fromfd(const Step&, const json&);
  Outcome op_create_connection(const Step&, const json&);
  Outcome op_getaddrinfo(const Step&, const json&);
  Outcome op_getnameinfo(const Step&, const json&);
  Outcome op_gethostbyname(const Step&, const json&);
  Outcome op_gethostbyname_ex(const Step&, const json&);
  Outcome op_gethostbyaddr(const Step&, const json&);
  Outcome op_getfqdn(const Step&, const json&);
  Outcome op_gethostname(const Step&, const json&);
  Outcome op_getservbyname(const Step&, const json&);
  Outcome op_getservbyport(const Step&, const json&);
  Outcome op_getprotobyname(const Step&, const json&);
  Outcome op_has_ipv6(const Step&, const json&);
  Outcome op_getdefaulttimeout(const Step&, const json&);
  Outcome op_setdefaulttimeout(const Step&, const json&);
  Outcome op_inet_aton(const Step&, const json&);
  Outcome op_inet_ntoa(const Step&, const json&);
  Outcome op_inet_pton(const Step&, const json&);
  Outcome op_inet_ntop(const Step&, const json&);
  Outcome op_byte_order(const Step&, const json&);
  Outcome op_sleep(const Step&, const json&);
  Outcome op_select(const Step&, const json&);
  Outcome op_unlink(const Step&, const json&);
  // Socket methods.
  Outcome op_accept(const Step&, const json&);
  Outcome op_bind(const Step&, const json&);
  Outcome op_close(const Step&, const json&);
  Outcome op_connect(const Step&, const json&);
  Outcome op_connect_ex(const Step&, const json&);
  Outcome op_fileno(const Step&, const json&);
  Outcome op_getpeername(const Step&, const json&);
  Outcome op_getsockname(const Step&, const json&);
  Outcome op_getsockopt(const Step&, const json&);
  Outcome op_listen(const Step&, const json&);
  Outcome op_makefile(const Step&, const json&);
  Outcome op_recv(const Step&, const json&);
  Outcome op_recvfrom(const Step&, const json&);
  Outcome op_recv_into(const Step&, const json&);
  Outcome op_recvfrom_into(const Step&, const json&);
  Outcome op_send(const Step&, const json&);
  Outcome op_sendall(const Step&, const json&);
  Outcome op_sendto(const Step&, const json&);
  Outcome op_setblocking(const Step&, const json&);
  Outcome op_settimeout(const Step&, const json&);
  Outcome op_gettimeout(const Step&, const json&);
  Outcome op_setsockopt(const Step&, const json&);
  Outcome op_shutdown(const Step&, const json&);
  Outcome op_family(const Step&, const json&);
  Outcome op_type(const Step&, const json&);
  Outcome op_proto(const Step&, const json&);
  // File object methods.
  Outcome op_file_read(const Step&, const json&);
  Outcome op_file_readline(const Step&, const json&);
  Outcome op_file_write(const Step&, const json&);
  Outcome op_file_flush(const Step&, const json&);
  Outcome op_file_close(const Step&, const json&);

  struct OpenFile {
    std::shared_ptr<SocketFile> file;
    std::weak_ptr<SocketImpl> socket;  // to make it non-blocking before the file goes (not kept alive)
  };
  std::map<std::string, std::shared_ptr<Socket>> sockets_;  // by name (the latest with that name)
  std::vector<std::shared_ptr<Socket>> all_sockets_;        // every socket the run made
  std::map<std::string, std::shared_ptr<SocketFile>> files_;
  std::vector<OpenFile> all_files_;
};

// A JSON value for an address: [host, port], [host, port, flowinfo, scope_id], a path, or null.
json address_value(const Address& a);

}  // namespace socksim::runner
