// getsockopt (int and buffer forms) and setsockopt (int and bytes forms), with Linux's values.
#include <cerrno>
#include <cstring>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(OptionsTest, IntegerOptionsRoundTrip) {
  Socket s = net().socket();
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 1);
  s.setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_KEEPALIVE), 1);
  s.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  EXPECT_EQ(s.getsockopt(IPPROTO_TCP, TCP_NODELAY), 1);
  std::error_code ec;
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 0, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_REUSEADDR, ec), 0);
  EXPECT_FALSE(ec);
}

TEST_P(OptionsTest, ReadOnlyOptionsDescribeTheSocket) {
  Socket tcp = net().socket();
  Socket udp = net().socket(AF_INET, SOCK_DGRAM);
  EXPECT_EQ(tcp.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  EXPECT_EQ(udp.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
  EXPECT_EQ(tcp.getsockopt(SOL_SOCKET, SO_ERROR), 0);
  EXPECT_EQ(tcp.getsockopt(SOL_SOCKET, SO_ACCEPTCONN), 0);
  tcp.bind(loopback());
  tcp.listen(1);
  EXPECT_EQ(tcp.getsockopt(SOL_SOCKET, SO_ACCEPTCONN), 1);
}

TEST_P(OptionsTest, BufferSizesAreDoubledOnSet) {
  Socket s = net().socket();
  s.setsockopt(SOL_SOCKET, SO_RCVBUF, 8192);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_RCVBUF), 16384);
  s.setsockopt(SOL_SOCKET, SO_SNDBUF, 8192);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_SNDBUF), 16384);
}

TEST_P(OptionsTest, LingerIsReadAndWrittenAsBytes) {
  Socket s = net().socket();
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_LINGER, 8), std::string(8, '\0'));
  const std::string on_zero("\x01\x00\x00\x00\x00\x00\x00\x00", 8);  // struct linger {1, 0}
  s.setsockopt(SOL_SOCKET, SO_LINGER, on_zero);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_LINGER, 8), on_zero);
  // A shorter buffer gets the first bytes.
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_LINGER, 4), std::string("\x01\x00\x00\x00", 4));
  // An integer option in the buffer form: the bytes of the int.
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  const std::string raw = s.getsockopt(SOL_SOCKET, SO_REUSEADDR, 4);
  ASSERT_EQ(raw.size(), 4u);
  int value = 0;
  std::memcpy(&value, raw.data(), 4);
  EXPECT_EQ(value, 1);
}

TEST_P(OptionsTest, LingerZeroResetsThePeerOnClose) {
  auto [c, s] = tcp_pair();
  s.setsockopt(SOL_SOCKET, SO_LINGER, std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8));
  s.close();
  std::error_code ec;
  c.recv(10, 0, ec);
  EXPECT_EQ(ec, errno_code(ECONNRESET));
}

TEST_P(OptionsTest, BytesFormOfAnIntegerOption) {
  Socket s = net().socket();
  int one = 1;
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, std::string(reinterpret_cast<const char*>(&one), sizeof one));
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 1);
}

TEST_P(OptionsTest, Errors) {
  Socket s = net().socket();
  std::error_code ec;
  s.getsockopt(SOL_SOCKET, 9999, ec);
  EXPECT_EQ(ec, errno_code(ENOPROTOOPT));
  s.setsockopt(SOL_SOCKET, 9999, 1, ec);
  EXPECT_EQ(ec, errno_code(ENOPROTOOPT));
  s.setsockopt(SOL_SOCKET, SO_LINGER, std::string("\x01", 1), ec);  // too short for struct linger
  EXPECT_EQ(ec, errno_code(EINVAL));
  s.getsockopt(SOL_SOCKET, SO_LINGER, 0, ec);  // the seed's buflen range is 1..1024
  EXPECT_EQ(ec, errno_code(EINVAL));
  s.getsockopt(SOL_SOCKET, SO_LINGER, 1025, ec);
  EXPECT_EQ(ec, errno_code(EINVAL));
  EXPECT_EQ(thrown_code<Error>([&] { s.getsockopt(SOL_SOCKET, 9999); }), errno_code(ENOPROTOOPT));
  EXPECT_EQ(thrown_code<Error>([&] { s.setsockopt(SOL_SOCKET, 9999, 1); }), errno_code(ENOPROTOOPT));
}

}  // namespace socksim::conformance
