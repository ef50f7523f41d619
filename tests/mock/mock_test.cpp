// MockNetwork and MockSocket: delegation by default, overrides where a test asks.
#include "socksim/mock.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace {

using ::testing::_;
using ::testing::Return;

TEST(MockNetwork, DelegatesToRealByDefault) {
  ::testing::NiceMock<socksim::MockNetwork> net;
  net.DelegateToReal();
  EXPECT_CALL(net, do_socket(socksim::AF_INET, socksim::SOCK_STREAM, 0, _)).Times(1);
  auto s = net.socket(socksim::AF_INET, socksim::SOCK_STREAM);
  s.bind(socksim::Address::inet("127.0.0.1", 0));
  EXPECT_EQ(s.getsockname().host(), "127.0.0.1");
  EXPECT_GT(s.getsockname().port(), 0);
}

TEST(MockNetwork, OverridesOneResolverCallAndKeepsTheRest) {
  ::testing::NiceMock<socksim::MockNetwork> net;
  net.DelegateToReal();
  EXPECT_CALL(net, do_gethostbyname_ex("db.internal", _))
      .WillOnce(socksim::FailWith<socksim::HostEntry>(socksim::herror_code(1)));
  try {
    net.gethostbyname_ex("db.internal");
    FAIL() << "expected a HostError";
  } catch (const socksim::HostError& e) {
    EXPECT_EQ(e.value(), 1);
  }
  // Not overridden: the real resolver answers.
  EXPECT_EQ(net.gethostbyname("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(net.getservbyname("http", "tcp"), 80);
}

TEST(MockNetwork, DefaultTimeoutIsAppliedOverTheFake) {
  ::testing::NiceMock<socksim::MockNetwork> net;
  net.DelegateToReal();
  net.setdefaulttimeout(1.5);
  auto s = net.socket();
  ASSERT_TRUE(s.gettimeout().has_value());
  EXPECT_DOUBLE_EQ(*s.gettimeout(), 1.5);
}

TEST(MockSocket, CappedSendMakesSendallLoop) {
  socksim::RealNetwork real;
  auto listener = real.socket();
  listener.bind(socksim::Address::inet("127.0.0.1", 0));
  listener.listen(1);
  auto client = real.socket();
  client.connect(listener.getsockname());
  auto [server, peer] = listener.accept();

  // The client's socket, wrapped: every send accepts at most 3 bytes.
  auto mock = std::make_shared<::testing::NiceMock<socksim::MockSocket>>(client.impl());
  ON_CALL(*mock, send).WillByDefault([real_impl = client.impl()](std::string_view data, int flags,
                                                                  const socksim::Address* to, std::error_code& ec) {
    return real_impl->send(data.substr(0, 3), flags, to, ec);
  });
  socksim::Socket capped(mock);
  EXPECT_CALL(*mock, send).Times(1);
  EXPECT_EQ(capped.send("hello world"), 3u);
  ::testing::Mock::VerifyAndClearExpectations(mock.get());  // keeps the ON_CALL above
  EXPECT_CALL(*mock, send).Times(4);  // 10 bytes in chunks of 3, 3, 3, 1
  capped.sendall("0123456789");

  std::string got;
  while (got.size() < 13) got += server.recv(64);
  EXPECT_EQ(got, "hel0123456789");
}

TEST(MockSocket, ScriptedErrorReachesTheCaller) {
  socksim::RealNetwork real;
  auto s = real.socket(socksim::AF_INET, socksim::SOCK_DGRAM);
  auto mock = std::make_shared<::testing::NiceMock<socksim::MockSocket>>(s.impl());
  EXPECT_CALL(*mock, recv_into).WillOnce(socksim::FailWith<std::size_t>(socksim::errno_code(EINTR)));
  socksim::Socket wrapped(mock);
  std::error_code ec;
  wrapped.recv(16, 0, ec);
  EXPECT_EQ(ec, socksim::errno_code(EINTR));
  EXPECT_THROW(wrapped.recv(-1), socksim::ValueError);  // checked before the backend is called
}

}  // namespace
