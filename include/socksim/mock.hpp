// socksim/mock.hpp - gMock doubles of the interface that delegate to a working backend.
//
// As the gMock cookbook's "Delegating Calls to a Fake": by default every call goes to a real
// implementation (a SimNetwork, a RealNetwork, or a backend socket), so a test overrides only the
// calls it cares about with ON_CALL / EXPECT_CALL and verifies what it means to verify.
//
//   socksim::SimNetwork sim;
//   testing::NiceMock<socksim::MockNetwork> net;
//   net.DelegateToSim(sim);
//   EXPECT_CALL(net, do_gethostbyname_ex("db.internal", testing::_))
//       .WillOnce(socksim::FailWith<socksim::HostEntry>(socksim::herror_code(2)));
//
// Header-only; link GTest::gmock.
#pragma once

#include <gmock/gmock.h>

#include <memory>

#include "socksim/network.hpp"
#include "socksim/real.hpp"
#include "socksim/sim.hpp"
#include "socksim/socket.hpp"

namespace socksim {

// An action for any non-throwing hook: set the error_code argument (the last one) and return a
// default value of R.
template <typename R>
auto FailWith(std::error_code error) {
  return [error](auto&&... args) -> R {
    auto&& ec = std::get<sizeof...(args) - 1>(std::forward_as_tuple(args...));
    ec = error;
    return R{};
  };
}

class MockSocket : public SocketImpl {
 public:
  MockSocket() = default;
  // Delegates every call to `fake` until a test says otherwise.
  explicit MockSocket(std::shared_ptr<SocketImpl> fake) { DelegateTo(std::move(fake)); }

  MOCK_METHOD(std::shared_ptr<SocketImpl>, accept, (Address & peer, std::error_code& ec), (override));
  MOCK_METHOD(void, bind, (const Address& address, std::error_code& ec), (override));
  MOCK_METHOD(void, connect, (const Address& address, std::error_code& ec), (override));
  MOCK_METHOD(int, fileno, (), (const, noexcept, override));
  MOCK_METHOD(Address, getpeername, (std::error_code & ec), (override));
  MOCK_METHOD(Address, getsockname, (std::error_code & ec), (override));
  MOCK_METHOD(int, getsockopt, (int level, int optname, std::error_code& ec), (override));
  MOCK_METHOD(std::string, getsockopt, (int level, int optname, std::size_t buflen, std::error_code& ec), (override));
  MOCK_METHOD(void, listen, (int backlog, std::error_code& ec), (override));
  MOCK_METHOD(std::size_t, recv_into, (std::span<char> buffer, int flags, Address* from, std::error_code& ec),
              (override));
  MOCK_METHOD(std::size_t, send, (std::string_view data, int flags, const Address* to, std::error_code& ec),
              (override));
  MOCK_METHOD(std::size_t, sendall, (std::string_view data, int flags, std::error_code& ec), (override));
  MOCK_METHOD(void, settimeout, (Seconds timeout), (override));
  MOCK_METHOD(Seconds, gettimeout, (), (const, noexcept, override));
  MOCK_METHOD(void, setsockopt, (int level, int optname, int value, std::error_code& ec), (override));
  MOCK_METHOD(void, setsockopt, (int level, int optname, std::string_view value, std::error_code& ec), (override));
  MOCK_METHOD(void, shutdown, (int how, std::error_code& ec), (override));
  MOCK_METHOD(int, family, (), (const, noexcept, override));
  MOCK_METHOD(int, type, (), (const, noexcept, override));
  MOCK_METHOD(int, proto, (), (const, noexcept, override));

  void DelegateTo(std::shared_ptr<SocketImpl> fake) {
    using ::testing::_;
    using ::testing::Invoke;
    fake_ = std::move(fake);
    SocketImpl* f = fake_.get();
    ON_CALL(*this, accept).WillByDefault(Invoke(f, &SocketImpl::accept));
    ON_CALL(*this, bind).WillByDefault(Invoke(f, &SocketImpl::bind));
    ON_CALL(*this, connect).WillByDefault(Invoke(f, &SocketImpl::connect));
    ON_CALL(*this, fileno).WillByDefault([f] { return f->fileno(); });
    ON_CALL(*this, getpeername).WillByDefault(Invoke(f, &SocketImpl::getpeername));
    ON_CALL(*this, getsockname).WillByDefault(Invoke(f, &SocketImpl::getsockname));
    ON_CALL(*this, getsockopt(_, _, _)).WillByDefault([f](int l, int o, std::error_code& ec) {
      return f->getsockopt(l, o, ec);
    });
    ON_CALL(*this, getsockopt(_, _, _, _)).WillByDefault([f](int l, int o, std::size_t n, std::error_code& ec) {
      return f->getsockopt(l, o, n, ec);
    });
    ON_CALL(*this, listen).WillByDefault(Invoke(f, &SocketImpl::listen));
    ON_CALL(*this, recv_into).WillByDefault(Invoke(f, &SocketImpl::recv_into));
    ON_CALL(*this, send).WillByDefault(Invoke(f, &SocketImpl::send));
    // sendall goes through this mock's send, so that a test that caps send caps sendall too.
    ON_CALL(*this, sendall).WillByDefault([this, f](std::string_view data, int flags, std::error_code& ec) {
      std::size_t done = 0;
      while (done < data.size()) {
        const std::size_t n = send(data.substr(done), flags, nullptr, ec);
        if (ec) return done;
        if (n == 0) return done + f->sendall(data.substr(done), flags, ec);  // no progress: let the fake wait
        done += n;
      }
      ec.clear();
      return done;
    });
    ON_CALL(*this, settimeout).WillByDefault(Invoke(f, &SocketImpl::settimeout));
    ON_CALL(*this, gettimeout).WillByDefault([f] { return f->gettimeout(); });
    ON_CALL(*this, setsockopt(_, _, ::testing::Matcher<int>(_), _))
        .WillByDefault([f](int l, int o, int v, std::error_code& ec) { f->setsockopt(l, o, v, ec); });
    ON_CALL(*this, setsockopt(_, _, ::testing::Matcher<std::string_view>(_), _))
        .WillByDefault([f](int l, int o, std::string_view v, std::error_code& ec) { f->setsockopt(l, o, v, ec); });
    ON_CALL(*this, shutdown).WillByDefault(Invoke(f, &SocketImpl::shutdown));
    ON_CALL(*this, family).WillByDefault([f] { return f->family(); });
    ON_CALL(*this, type).WillByDefault([f] { return f->type(); });
    ON_CALL(*this, proto).WillByDefault([f] { return f->proto(); });
  }

  const std::shared_ptr<SocketImpl>& fake() const noexcept { return fake_; }

 private:
  std::shared_ptr<SocketImpl> fake_;
};

class MockNetwork : public Network {
 public:
  std::string_view backend_name() const noexcept override { return "mock"; }

  // The backend hooks, public so that tests can name them in ON_CALL / EXPECT_CALL.
  MOCK_METHOD(std::shared_ptr<SocketImpl>, do_socket, (int family, int type, int proto, std::error_code& ec),
              (override));
  using SocketPair = std::pair<std::shared_ptr<SocketImpl>, std::shared_ptr<SocketImpl>>;
  MOCK_METHOD(SocketPair, do_socketpair, (int family, int type, int proto, std::error_code& ec), (override));
  MOCK_METHOD(std::shared_ptr<SocketImpl>, do_fromfd, (int fd, int family, int type, int proto, std::error_code& ec),
              (override));
  MOCK_METHOD(std::vector<AddrInfo>, do_getaddrinfo,
              (const OptString& host, const OptString& port, int family, int socktype, int proto, int flags,
               std::error_code& ec),
              (override));
  using NamePair = std::pair<std::string, std::string>;
  MOCK_METHOD(NamePair, do_getnameinfo, (const Address& sockaddr, int flags, std::error_code& ec), (override));
  MOCK_METHOD(HostEntry, do_gethostbyname_ex, (const std::string& hostname, std::error_code& ec), (override));
  MOCK_METHOD(HostEntry, do_gethostbyaddr, (const std::string& ip_address, std::error_code& ec), (override));
  MOCK_METHOD(std::string, do_gethostname, (std::error_code & ec), (override));
  MOCK_METHOD(int, do_getservbyname, (const std::string& servicename, const std::string& protocolname,
                                      std::error_code& ec),
              (override));
  MOCK_METHOD(std::string, do_getservbyport, (int port, const std::string& protocolname, std::error_code& ec),
              (override));
  MOCK_METHOD(int, do_getprotobyname, (const std::string& protocolname, std::error_code& ec), (override));
  MOCK_METHOD(bool, do_has_ipv6, (), (override));
  MOCK_METHOD(Clock, do_now, (), (const, override));
  MOCK_METHOD(void, do_sleep, (Clock duration, std::error_code& ec), (override));
  MOCK_METHOD(std::shared_ptr<TaskImpl>, do_spawn, (std::string name, std::function<void()> fn), (override));
  MOCK_METHOD(int, do_poll, (std::vector<PollEntry> & entries, Seconds timeout, std::error_code& ec), (override));
  MOCK_METHOD(std::string, do_mkdtemp, (std::error_code & ec), (override));
  MOCK_METHOD(void, do_remove_tree, (const std::string& path), (noexcept, override));
  MOCK_METHOD(void, do_unlink, (const std::string& path, std::error_code& ec), (override));
  MOCK_METHOD(void, do_cancel, (), (noexcept, override));

  // Every hook goes to `fake` (a SimNetwork, a RealNetwork, ...) unless a test says otherwise.
  // The fake must outlive the mock. setdefaulttimeout on the mock is passed on to the fake, so
  // that the sockets its accept() makes take the value too.
  void DelegateTo(Network& fake) {
    Network* f = &fake;
    fake_ = f;
    std::error_code ignored;
    f->setdefaulttimeout(getdefaulttimeout(), ignored);
    ON_CALL(*this, do_socket).WillByDefault([f](int family, int type, int proto, std::error_code& ec) {
      return f->socket(family, type, proto, ec).impl();
    });
    ON_CALL(*this, do_socketpair).WillByDefault([f](int family, int type, int proto, std::error_code& ec) {
      auto [a, b] = f->socketpair(family, type, proto, ec);
      return SocketPair{a.impl(), b.impl()};
    });
    ON_CALL(*this, do_fromfd).WillByDefault([f](int fd, int family, int type, int proto, std::error_code& ec) {
      return f->fromfd(fd, family, type, proto, ec).impl();
    });
    ON_CALL(*this, do_getaddrinfo)
        .WillByDefault([f](const OptString& host, const OptString& port, int family, int socktype, int proto,
                           int flags, std::error_code& ec) {
          return f->getaddrinfo(host, port, family, socktype, proto, flags, ec);
        });
    ON_CALL(*this, do_getnameinfo).WillByDefault([f](const Address& a, int flags, std::error_code& ec) {
      return f->getnameinfo(a, flags, ec);
    });
    ON_CALL(*this, do_gethostbyname_ex).WillByDefault([f](const std::string& name, std::error_code& ec) {
      return f->gethostbyname_ex(name, ec);
    });
    ON_CALL(*this, do_gethostbyaddr).WillByDefault([f](const std::string& ip, std::error_code& ec) {
      return f->gethostbyaddr(ip, ec);
    });
    ON_CALL(*this, do_gethostname).WillByDefault([f](std::error_code& ec) { return f->gethostname(ec); });
    ON_CALL(*this, do_getservbyname)
        .WillByDefault([f](const std::string& name, const std::string& proto, std::error_code& ec) {
          return f->getservbyname(name, proto, ec);
        });
    ON_CALL(*this, do_getservbyport).WillByDefault([f](int port, const std::string& proto, std::error_code& ec) {
      return f->getservbyport(port, proto, ec);
    });
    ON_CALL(*this, do_getprotobyname).WillByDefault([f](const std::string& name, std::error_code& ec) {
      return f->getprotobyname(name, ec);
    });
    ON_CALL(*this, do_has_ipv6).WillByDefault([f] { return f->has_ipv6(); });
    ON_CALL(*this, do_now).WillByDefault([f] { return f->now(); });
    ON_CALL(*this, do_sleep).WillByDefault([f](Clock d, std::error_code& ec) {
      ec.clear();
      try {
        f->sleep(d);
      } catch (const Error& e) {
        ec = e.code();
      }
    });
    ON_CALL(*this, do_spawn).WillByDefault([f](std::string name, std::function<void()> fn) {
      return f->spawn(std::move(name), std::move(fn)).impl();
    });
    ON_CALL(*this, do_poll).WillByDefault([f](std::vector<PollEntry>& entries, Seconds timeout, std::error_code& ec) {
      return f->poll(entries, timeout, ec);
    });
    ON_CALL(*this, do_mkdtemp).WillByDefault([f](std::error_code& ec) { return f->mkdtemp(ec); });
    ON_CALL(*this, do_remove_tree).WillByDefault([f](const std::string& path) { f->remove_tree(path); });
    ON_CALL(*this, do_unlink).WillByDefault([f](const std::string& path, std::error_code& ec) {
      f->unlink(path, ec);
    });
    ON_CALL(*this, do_cancel).WillByDefault([f] { f->cancel(); });
  }

  // Delegates to a RealNetwork the mock owns.
  void DelegateToReal() {
    real_ = std::make_unique<RealNetwork>();
    DelegateTo(*real_);
  }

  // Delegates to `sim`, which must outlive the mock.
  void DelegateToSim(SimNetwork& sim) { DelegateTo(sim); }

  // Delegates to a SimNetwork the mock owns, made from `config`; returns it (for its trace, its
  // hosts, add_record, ...).
  SimNetwork& DelegateToSim(SimNetwork::Config config) {
    sim_ = std::make_unique<SimNetwork>(std::move(config));
    DelegateTo(*sim_);
    return *sim_;
  }

  // The network the hooks go to by default (nullptr before DelegateTo*).
  Network* fake() const noexcept { return fake_; }

 protected:
  void do_setdefaulttimeout(Seconds timeout) noexcept override {
    std::error_code ignored;  // the mock's own setdefaulttimeout has validated `timeout`
    if (fake_ != nullptr) fake_->setdefaulttimeout(timeout, ignored);
  }

 private:
  Network* fake_ = nullptr;
  std::unique_ptr<RealNetwork> real_;
  std::unique_ptr<SimNetwork> sim_;
};

}  // namespace socksim
