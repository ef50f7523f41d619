// The seed's echo server and client (socket-module.rst, "Example"), as C++, unchanged in
// shape: the server in a task, the client in the root task.
#include <gtest/gtest.h>

#include "helpers.hpp"

namespace socksim::simtest {
namespace {

TEST(SimEcho, TheSeedsEchoPair) {
  SimNetwork net;
  const std::string HOST = "";  // Symbolic name meaning all available interfaces
  const int PORT = 50007;       // Arbitrary non-privileged port
  Task server = net.spawn("echo-server", [&] {
    Socket s = net.socket(AF_INET, SOCK_STREAM);
    s.bind(Address::inet(HOST, PORT));
    s.listen(1);
    auto [conn, addr] = s.accept();
    EXPECT_EQ(addr.host(), "127.0.0.1");
    while (true) {
      std::string data = conn.recv(1024);
      if (data.empty()) break;
      conn.sendall(data);
    }
    conn.close();
  });
  // The client.
  Socket s = net.socket(AF_INET, SOCK_STREAM);
  s.connect(Address::inet("localhost", PORT));
  s.sendall("Hello, world");
  std::string data = s.recv(1024);
  s.close();
  EXPECT_EQ(data, "Hello, world");
  server.join();
}

TEST(SimEcho, TheSeedsDualStackEchoPairOverMakefile) {
  SimNetwork net;
  Task server = net.spawn("echo-server", [&] {
    Socket s = net.socket(AF_INET6, SOCK_STREAM);
    s.bind(Address::inet6("::", 50008));
    s.listen(1);
    Socket conn = s.accept().first;
    auto f = conn.makefile("rwb", 0);
    std::string line = f->readline();
    f->write(line);
    f->flush();
  });
  Socket c = net.create_connection(Address::inet("localhost", 50008));
  c.sendall("one line\n");
  EXPECT_EQ(c.recv(100), "one line\n");
  server.join();
}

}  // namespace
}  // namespace socksim::simtest
