// examples/bugs/restart_test.cpp - the server that cannot restart on its port: after one
// connection it closed first, bind() fails with EADDRINUSE for the 60 virtual seconds of
// TIME_WAIT, unless the server sets SO_REUSEADDR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "restart.hpp"
#include "socksim/sim.hpp"
#include "socksim/testing.hpp"

namespace {

using namespace std::chrono_literals;
using bugs::restart::listen;
using bugs::restart::listen_buggy;
using bugs::restart::serve_one;
using socksim::testing::ThrowsSocketError;

// A client's ping: connect, "PING\n", read the reply to the end.
std::string ping(socksim::Network& net, int port) {
  auto s = net.create_connection(socksim::Address::inet("127.0.0.1", port), 5.0);
  s.sendall("PING\n");
  std::string reply;
  for (std::string chunk = s.recv(1024); !chunk.empty(); chunk = s.recv(1024)) reply += chunk;
  return reply;
}

class RestartTest : public socksim::testing::SimTest {};

TEST_F(RestartTest, RestartFailsWhileTheOldConnectionIsInTimeWait) {
  int port = 0;
  {
    auto listener = listen_buggy(net(), 0);  // the first run: any port
    port = listener.getsockname().port();
    auto server = net().spawn("server", [&] { serve_one(listener); });
    EXPECT_EQ(ping(net(), port), "PONG\n");
    server.join();
  }  // the server stops: its listener closes; the connection it closed waits in TIME_WAIT

  EXPECT_THAT([&] { listen_buggy(net(), port); }, ThrowsSocketError(EADDRINUSE));
  net().sleep(59s);
  EXPECT_THAT([&] { listen_buggy(net(), port); }, ThrowsSocketError(EADDRINUSE));
  net().sleep(1s);  // TIME_WAIT lasts 60 s
  EXPECT_NO_THROW(listen_buggy(net(), port));
}

TEST_F(RestartTest, FixedServerRestartsAtOnce) {
  int port = 0;
  {
    auto listener = listen(net(), 0);
    port = listener.getsockname().port();
    auto server = net().spawn("server", [&] { serve_one(listener); });
    EXPECT_EQ(ping(net(), port), "PONG\n");
    server.join();
  }

  auto listener = listen(net(), port);  // no wait
  auto server = net().spawn("server", [&] { serve_one(listener); });
  EXPECT_EQ(ping(net(), port), "PONG\n");
  server.join();
}

}  // namespace
