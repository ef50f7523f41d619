// AF_UNIX: filesystem paths, abstract names, datagrams, unlink.
#include <cerrno>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(UnixTest, StreamOverAFilesystemPath) {
  const std::string path = tmpdir() + "/server.sock";
  Socket l = net().socket(AF_UNIX, SOCK_STREAM);
  l.bind(Address::unix_path(path));
  l.listen(1);
  EXPECT_EQ(l.getsockname(), Address::unix_path(path));
  Socket c = net().socket(AF_UNIX, SOCK_STREAM);
  c.connect(Address::unix_path(path));
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, Address::unix_path(""));  // the client is unnamed
  EXPECT_EQ(c.getsockname(), Address::unix_path(""));
  EXPECT_EQ(c.getpeername(), Address::unix_path(path));
  c.sendall("over unix");
  EXPECT_EQ(conn.recv(100), "over unix");
}

TEST_P(UnixTest, AbstractNamesKeepTheirLeadingNul) {
  // Abstract names are machine-wide on the real backend: make one unique to this test's
  // directory.
  const std::string name = std::string(1, '\0') + "socksim-test" + tmpdir();
  Socket l = net().socket(AF_UNIX, SOCK_STREAM);
  l.bind(Address::unix_path(name));
  l.listen(1);
  const Address bound = l.getsockname();
  EXPECT_TRUE(bound.is_abstract());
  EXPECT_EQ(bound.path(), name);
  Socket c = net().socket(AF_UNIX, SOCK_STREAM);
  c.connect(Address::unix_path(name));
  auto [conn, peer] = l.accept();
  c.sendall("abstract");
  EXPECT_EQ(conn.recv(100), "abstract");
}

TEST_P(UnixTest, BindingAnExistingPathIsEaddrinuse) {
  const std::string path = tmpdir() + "/taken.sock";
  Socket a = net().socket(AF_UNIX, SOCK_STREAM);
  a.bind(Address::unix_path(path));
  Socket b = net().socket(AF_UNIX, SOCK_STREAM);
  std::error_code ec;
  b.bind(Address::unix_path(path), ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  // The path stays after close until unlinked.
  a.close();
  b.bind(Address::unix_path(path), ec);
  EXPECT_EQ(ec, errno_code(EADDRINUSE));
  net().unlink(path);
  b.bind(Address::unix_path(path), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_P(UnixTest, ConnectErrors) {
  Socket c = net().socket(AF_UNIX, SOCK_STREAM);
  std::error_code ec;
  c.connect(Address::unix_path(tmpdir() + "/missing.sock"), ec);
  EXPECT_EQ(ec, errno_code(ENOENT));
  const std::string path = tmpdir() + "/bound-only.sock";
  Socket bound = net().socket(AF_UNIX, SOCK_STREAM);
  bound.bind(Address::unix_path(path));
  c.connect(Address::unix_path(path), ec);  // bound, not listening
  EXPECT_EQ(ec, errno_code(ECONNREFUSED));
  EXPECT_EQ(c.connect_ex(Address::unix_path(path)), ECONNREFUSED);
}

TEST_P(UnixTest, AddressChecks) {
  Socket s = net().socket(AF_UNIX, SOCK_STREAM);
  std::error_code ec;
  s.bind(Address::unix_path("/" + std::string(107, 'x')), ec);  // 108 bytes: no room for the NUL
  EXPECT_EQ(ec, errno_code(ENAMETOOLONG));
  s.bind(Address::inet("127.0.0.1", 0), ec);
  EXPECT_EQ(ec, make_error_code(errc::type_error));
  EXPECT_EQ(s.getsockname(), Address::unix_path(""));
}

TEST_P(UnixTest, DatagramsBetweenNamedSockets) {
  const std::string pa = tmpdir() + "/a.sock";
  const std::string pb = tmpdir() + "/b.sock";
  Socket a = net().socket(AF_UNIX, SOCK_DGRAM);
  a.bind(Address::unix_path(pa));
  Socket b = net().socket(AF_UNIX, SOCK_DGRAM);
  b.bind(Address::unix_path(pb));
  EXPECT_EQ(a.sendto("first", Address::unix_path(pb)), 5u);
  EXPECT_EQ(a.sendto("second", Address::unix_path(pb)), 6u);
  EXPECT_EQ(b.recvfrom(100), std::make_pair(std::string("first"), Address::unix_path(pa)));
  EXPECT_EQ(b.recv(3), "sec");  // the rest of the datagram is dropped
  std::error_code ec;
  a.sendto("nobody", 0, Address::unix_path(tmpdir() + "/none.sock"), ec);
  EXPECT_EQ(ec, errno_code(ENOENT));
}

TEST_P(UnixTest, UnlinkOfAMissingPathIsEnoent) {
  std::error_code ec;
  net().unlink(tmpdir() + "/never-made", ec);
  EXPECT_EQ(ec, errno_code(ENOENT));
  EXPECT_EQ(thrown_code<Error>([&] { net().unlink(tmpdir() + "/never-made"); }), errno_code(ENOENT));
}

}  // namespace socksim::conformance
