// See no_timeout.hpp.
#include "no_timeout.hpp"

#include <algorithm>

#include "socksim/errors.hpp"

namespace bugs::no_timeout {

namespace {

// Reads one '\n'-terminated line (without it); an empty string when the peer closes first.
std::string read_line(socksim::Socket& s) {
  std::string line;
  while (line.empty() || line.back() != '\n') {
    const std::string chunk = s.recv(1024);
    if (chunk.empty()) return {};
    line += chunk;
  }
  line.pop_back();
  return line;
}

}  // namespace

std::string greet_buggy(socksim::Network& net, const socksim::Address& server) {
  socksim::Socket s = net.create_connection(server);  // BUG: no timeout: blocks for ever
  s.sendall("HELLO\n");
  return read_line(s);  // BUG: waits for ever when the server never answers
}

std::optional<std::string> greet(socksim::Network& net, const socksim::Address& server,
                                 std::chrono::milliseconds budget) {
  const auto deadline = net.now() + budget;
  // What is left of the budget, in seconds, for the next call (never 0: that is non-blocking).
  auto left = [&] {
    const std::chrono::duration<double> rest = deadline - net.now();
    return std::max(rest.count(), 1e-9);
  };
  try {
    socksim::Socket s = net.create_connection(server, left());
    s.settimeout(left());
    s.sendall("HELLO\n");
    std::string line;
    while (line.empty() || line.back() != '\n') {
      s.settimeout(left());
      const std::string chunk = s.recv(1024);
      if (chunk.empty()) return std::nullopt;  // the server closed without answering
      line += chunk;
    }
    line.pop_back();
    return line;
  } catch (const socksim::Timeout&) {
    return std::nullopt;  // the server did not answer in time
  }
}

void serve_greetings(socksim::Socket& listener, int clients) {
  for (int served = 0; served < clients;) {
    socksim::Socket conn;
    try {
      conn = listener.accept().first;
    } catch (const socksim::Error&) {
      continue;  // this accept failed; the client still waits in the backlog
    }
    ++served;
    try {
      if (read_line(conn) == "HELLO") conn.sendall("hi\n");
    } catch (const socksim::Error&) {
      // this client's connection failed: go on with the next one
    }
  }
}

}  // namespace bugs::no_timeout
