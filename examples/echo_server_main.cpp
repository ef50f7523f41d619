// echo_server: the seed's echo server on the operating system's sockets.
//
//   echo_server [--dual-stack] [port]     (port: default 50007, as in the seed; 0 picks one)
//
// Serves one client, echoing until it closes, then exits.
#include <cstdlib>
#include <iostream>
#include <string>

#include "echo.hpp"
#include "socksim/real.hpp"

int main(int argc, char** argv) {
  bool dual_stack = false;
  int port = echo::kSeedPort;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dual-stack") {
      dual_stack = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: echo_server [--dual-stack] [port]\n";
      return 0;
    } else {
      port = std::atoi(arg.c_str());
    }
  }
  try {
    socksim::RealNetwork net;
    // HOST = '' (IPv4 only) or None (dual stack): every interface.
    socksim::Socket s = dual_stack ? echo::open_server_dual_stack(net, port) : echo::open_server_ipv4(net, "", port);
    std::cout << "Listening on " << s.getsockname() << std::endl;
    echo::serve_one_client(s, std::cout, /*use_sendall=*/!dual_stack);
  } catch (const std::exception& e) {
    std::cerr << "echo_server: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
