// See restart.hpp.
#include "restart.hpp"

#include <string>

namespace bugs::restart {

socksim::Socket listen_buggy(socksim::Network& net, int port) {
  socksim::Socket s = net.socket();
  s.bind(socksim::Address::inet("127.0.0.1", port));  // BUG: EADDRINUSE while old connections wait
  s.listen(16);
  return s;
}

socksim::Socket listen(socksim::Network& net, int port) {
  socksim::Socket s = net.socket();
  s.setsockopt(socksim::SOL_SOCKET, socksim::SO_REUSEADDR, 1);  // before bind
  s.bind(socksim::Address::inet("127.0.0.1", port));
  s.listen(16);
  return s;
}

void serve_one(socksim::Socket& listener) {
  auto [conn, peer] = listener.accept();
  std::string request;
  while (request.empty() || request.back() != '\n') {
    const std::string chunk = conn.recv(1024);
    if (chunk.empty()) return;
    request += chunk;
  }
  if (request == "PING\n") conn.sendall("PONG\n");
  conn.close();  // the server closes first: its side waits in TIME_WAIT
}

}  // namespace bugs::restart
