// echo_demo: the seed's echo server and client in one program on the operating system's
// sockets - the server in a task, the client in the main thread - for both variants of the
// seed (IPv4 only, then IPv4/IPv6). The server's port is picked by the system.
//
//   echo_demo [message]
#include <iostream>
#include <sstream>
#include <string>

#include "echo.hpp"
#include "socksim/real.hpp"

namespace {

// Runs one variant; returns true when the client got its message back.
bool run(socksim::Network& net, bool dual_stack, const std::string& message) {
  std::cout << (dual_stack ? "dual-stack (IPv4 and IPv6)" : "IPv4 only") << ":\n";
  socksim::Socket server =
      dual_stack ? echo::open_server_dual_stack(net, 0) : echo::open_server_ipv4(net, "", 0);
  const int port = server.getsockname().port();
  std::cout << "  server listening on " << server.getsockname() << '\n';
  std::ostringstream server_log;
  socksim::Task task = net.spawn("echo-server", [&] { echo::serve_one_client(server, server_log, !dual_stack); });
  const std::string data = dual_stack ? echo::run_client_dual_stack(net, "localhost", port, message)
                                      : echo::run_client_ipv4(net, "localhost", port, message);
  task.join();
  std::cout << "  server: " << server_log.str();
  std::cout << "  client: Received " << echo::repr(data) << '\n';
  return data == message;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string message = argc > 1 ? argv[1] : "Hello, world";
  try {
    socksim::RealNetwork net;
    const bool ipv4 = run(net, false, message);
    const bool dual = run(net, true, message);
    if (!ipv4 || !dual) {
      std::cerr << "echo_demo: an echo did not match what was sent\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "echo_demo: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
