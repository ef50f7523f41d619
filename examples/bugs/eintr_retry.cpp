// See eintr_retry.hpp.
#include "eintr_retry.hpp"

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "socksim/errors.hpp"

namespace bugs::eintr_retry {

namespace {

bool interrupted(const std::error_code& ec) { return ec == std::errc::interrupted; }

// Reads up to the next '\n' (returned without it) through c.buffer, with `recv_some` reading;
// nullopt when the peer closes first.
template <class Recv>
std::optional<std::string> read_line(Connection& c, Recv recv_some) {
  for (;;) {
    const std::size_t end = c.buffer.find('\n');
    if (end != std::string::npos) {
      std::string line = c.buffer.substr(0, end);
      c.buffer.erase(0, end + 1);
      return line;
    }
    const std::string chunk = recv_some(c.socket);
    if (chunk.empty()) return std::nullopt;
    c.buffer += chunk;
  }
}

long parse_reply(const std::optional<std::string>& line) {
  if (!line) throw std::runtime_error("counter: the connection closed before the reply");
  return std::stol(*line);
}

// The fixed calls: each one is made again while it fails with EINTR.
void send_all_retrying(socksim::Socket& s, std::string_view data) {
  while (!data.empty()) {
    std::error_code ec;
    const std::size_t sent = s.send(data, 0, ec);
    if (interrupted(ec)) continue;  // nothing was sent: send the same bytes again
    socksim::throw_error(ec, "send");
    data.remove_prefix(sent);
  }
}

std::string recv_retrying(socksim::Socket& s) {
  for (;;) {
    std::error_code ec;
    std::string chunk = s.recv(4096, 0, ec);
    if (interrupted(ec)) continue;  // nothing was received: wait again
    socksim::throw_error(ec, "recv");
    return chunk;
  }
}

}  // namespace

Connection connect_buggy(socksim::Network& net, const socksim::Address& server) {
  return {net.create_connection(server), {}};  // BUG: an interrupted connect is fatal
}

long incr_buggy(Connection& c) {
  for (;;) {
    try {
      c.socket.sendall("INCR\n");
      return parse_reply(read_line(c, [](socksim::Socket& s) { return s.recv(4096); }));
    } catch (const socksim::Error& e) {
      if (!interrupted(e.code())) throw;
      // BUG: starts the request over. If the recv was interrupted, the server already has the
      // request, and now gets it twice.
    }
  }
}

Connection connect(socksim::Network& net, const socksim::Address& server) {
  for (;;) {
    std::error_code ec;
    // A fresh socket per attempt: on Linux an interrupted connect() goes on in the background,
    // so calling connect() again on the same socket would fail with EALREADY.
    socksim::Socket s = net.create_connection(server, socksim::global_default_timeout, std::nullopt, ec);
    if (interrupted(ec)) continue;
    socksim::throw_error(ec, "create_connection");
    return {std::move(s), {}};
  }
}

long incr(Connection& c) {
  send_all_retrying(c.socket, "INCR\n");
  return parse_reply(read_line(c, recv_retrying));
}

void serve_counter(socksim::Socket& listener, long& counter) {
  socksim::Socket conn;
  for (;;) {
    std::error_code ec;
    auto accepted = listener.accept(ec);
    if (interrupted(ec)) continue;
    socksim::throw_error(ec, "accept");
    conn = std::move(accepted.first);
    break;
  }
  Connection c{std::move(conn), {}};
  try {
    while (const auto request = read_line(c, recv_retrying)) {  // until the client closes
      if (*request == "INCR") send_all_retrying(c.socket, std::to_string(++counter) + "\n");
    }
  } catch (const socksim::Error&) {
    // the connection failed (the client reset it): the session is over
  }
}

}  // namespace bugs::eintr_retry
