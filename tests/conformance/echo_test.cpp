// The seed's echo examples, ported: the server (one client, echoes until EOF) runs as a task,
// the client in the test. Ports are chosen by the system (port 0) instead of the seed's 50007.
#include <string>
#include <vector>

#include "conformance.hpp"

namespace socksim::conformance {

namespace {

// The seed's server loop after accept: echo until the client closes.
void echo_until_eof(Socket& conn, bool use_sendall) {
  for (;;) {
    const std::string data = conn.recv(1024);
    if (data.empty()) break;
    if (use_sendall) {
      conn.sendall(data);
    } else {
      // The dual-stack variant uses send; a short send is finished here as the seed's
      // reader would expect the whole echo.
      std::size_t sent = 0;
      while (sent < data.size()) sent += conn.send(std::string_view(data).substr(sent));
    }
  }
  conn.close();
}

// The seed's client reads one recv(1024); a stream may split the echo, so read until all of
// "Hello, world" is back (or EOF).
std::string read_echo(Socket& s, std::size_t expected) {
  std::string data;
  while (data.size() < expected) {
    const std::string chunk = s.recv(1024);
    if (chunk.empty()) break;
    data += chunk;
  }
  return data;
}

}  // namespace

TEST_P(EchoTest, Ipv4EchoServerAndClient) {
  // Echo server program: HOST = '' (all interfaces), a port of the system's choosing.
  Socket s = net().socket(AF_INET, SOCK_STREAM);
  s.bind(Address::inet("", 0));
  s.listen(1);
  const int port = s.getsockname().port();
  Address connected_by;
  Task server = net().spawn("echo-server", [&] {
    auto [conn, addr] = s.accept();
    connected_by = addr;  // print 'Connected by', addr
    echo_until_eof(conn, /*use_sendall=*/true);
  });

  // Echo client program.
  Socket c = net().socket(AF_INET, SOCK_STREAM);
  c.connect(Address::inet("localhost", port));
  c.sendall("Hello, world");
  const std::string data = read_echo(c, 12);
  const Address client_addr = c.getsockname();
  c.close();
  server.join();

  EXPECT_EQ(data, "Hello, world");  // print 'Received', repr(data)
  EXPECT_EQ(connected_by, client_addr);
}

TEST_P(EchoTest, DualStackEchoServerAndClient) {
  // Echo server program: the first address family getaddrinfo offers for a passive socket.
  Socket s;
  for (const AddrInfo& res : net().getaddrinfo(std::nullopt, "0", AF_UNSPEC, SOCK_STREAM, 0, AI_PASSIVE)) {
    std::error_code ec;
    Socket candidate = net().socket(res.family, res.socktype, res.proto, ec);
    if (ec) continue;
    candidate.bind(res.sockaddr, ec);
    if (!ec) candidate.listen(1, ec);
    if (ec) continue;  // candidate closes itself
    s = std::move(candidate);
    break;
  }
  ASSERT_TRUE(s.is_open()) << "could not open socket";
  const int port = s.getsockname().port();
  Address connected_by;
  Task server = net().spawn("echo-server", [&] {
    auto [conn, addr] = s.accept();
    connected_by = addr;
    echo_until_eof(conn, /*use_sendall=*/false);
  });

  // Echo client program: every address of the name in turn until one connects.
  Socket c;
  for (const AddrInfo& res : net().getaddrinfo("localhost", std::to_string(port), AF_UNSPEC, SOCK_STREAM)) {
    std::error_code ec;
    Socket candidate = net().socket(res.family, res.socktype, res.proto, ec);
    if (ec) continue;
    candidate.connect(res.sockaddr, ec);
    if (ec) continue;
    c = std::move(candidate);
    break;
  }
  if (!c.is_open()) {
    net().cancel();  // unblocks the server's accept
    EXPECT_THROW(server.join(), Error);
    FAIL() << "could not open socket";
  }
  c.sendall("Hello, world");
  const std::string data = read_echo(c, 12);
  const Address client_addr = c.getsockname();
  c.close();
  server.join();

  EXPECT_EQ(data, "Hello, world");
  EXPECT_EQ(connected_by, client_addr);
  EXPECT_EQ(connected_by.family(), s.family());
}

}  // namespace socksim::conformance
