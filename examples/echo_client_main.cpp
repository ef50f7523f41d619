// echo_client: the seed's echo client on the operating system's sockets.
//
//   echo_client [--dual-stack] [host [port [message]]]
//
// Defaults: host "localhost", port 50007 (the seed's), message "Hello, world".
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "echo.hpp"
#include "socksim/real.hpp"

int main(int argc, char** argv) {
  bool dual_stack = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dual-stack") {
      dual_stack = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: echo_client [--dual-stack] [host [port [message]]]\n";
      return 0;
    } else {
      args.push_back(arg);
    }
  }
  const std::string host = args.size() > 0 ? args[0] : "localhost";
  const int port = args.size() > 1 ? std::atoi(args[1].c_str()) : echo::kSeedPort;
  const std::string message = args.size() > 2 ? args[2] : "Hello, world";
  try {
    socksim::RealNetwork net;
    const std::string data = dual_stack ? echo::run_client_dual_stack(net, host, port, message)
                                        : echo::run_client_ipv4(net, host, port, message);
    std::cout << "Received " << echo::repr(data) << '\n';  // print 'Received', repr(data)
  } catch (const std::exception& e) {
    std::cerr << "echo_client: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
