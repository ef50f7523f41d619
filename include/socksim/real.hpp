// socksim/real.hpp - the operating system's sockets (Linux) behind the Network interface.
#pragma once

#include <memory>

#include "socksim/network.hpp"

namespace socksim {

class RealNetwork final : public Network {
 public:
  RealNetwork();
  ~RealNetwork() override;

  std::string_view backend_name() const noexcept override { return "real"; }

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
  struct State;
  std::shared_ptr<State> state_;  // shared with the sockets it made (cancellation, default timeout)
};

}  // namespace socksim
