// The seed's echo clients (see echo.hpp).
#include <cerrno>
#include <cstdio>

#include "echo.hpp"

namespace echo {

using socksim::Address;
using socksim::Socket;

namespace {
// The seed reads the echo with one recv(1024). A stream may deliver it in pieces, so read until
// as many bytes came back as were sent, or the server closed.
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

std::string run_client_ipv4(socksim::Network& net, const std::string& host, int port, std::string_view message) {
  Socket s = net.socket(socksim::AF_INET, socksim::SOCK_STREAM);  // s = socket.socket(AF_INET, SOCK_STREAM)
  s.connect(Address::inet(host, port));                           // s.connect((HOST, PORT))
  s.sendall(message);                                             // s.sendall('Hello, world')
  std::string data = read_echo(s, message.size());               // data = s.recv(1024)
  s.close();                                                      // s.close()
  return data;
}

std::string run_client_dual_stack(socksim::Network& net, const std::string& host, int port,
                                  std::string_view message) {
  Socket s;
  // for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM):
  for (const socksim::AddrInfo& res :
       net.getaddrinfo(host, std::to_string(port), socksim::AF_UNSPEC, socksim::SOCK_STREAM)) {
    std::error_code ec;
    Socket candidate = net.socket(res.family, res.socktype, res.proto, ec);
    if (ec) continue;
    candidate.connect(res.sockaddr, ec);
    if (ec) continue;  // the next address (candidate closes itself)
    s = std::move(candidate);
    break;
  }
  if (!s.is_open()) throw socksim::Error(socksim::errno_code(ECONNREFUSED), "could not open socket");
  s.sendall(message);
  std::string data = read_echo(s, message.size());
  s.close();
  return data;
}

std::string repr(std::string_view data) {
  const bool has_single = data.find('\'') != std::string_view::npos;
  const bool has_double = data.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (const char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += quote;
  return out;
}

}  // namespace echo
