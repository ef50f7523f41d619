// The seed's echo servers (see echo.hpp).
#include <cerrno>

#include "echo.hpp"

namespace echo {

using socksim::Address;
using socksim::Socket;

Socket open_server_ipv4(socksim::Network& net, const std::string& host, int port) {
  // s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  Socket s = net.socket(socksim::AF_INET, socksim::SOCK_STREAM);
  s.bind(Address::inet(host, port));  // s.bind((HOST, PORT))
  s.listen(1);                        // s.listen(1)
  return s;
}

Socket open_server_dual_stack(socksim::Network& net, int port) {
  // for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
  //                               socket.AI_PASSIVE):
  for (const socksim::AddrInfo& res : net.getaddrinfo(std::nullopt, std::to_string(port), socksim::AF_UNSPEC,
                                                      socksim::SOCK_STREAM, 0, socksim::AI_PASSIVE)) {
    std::error_code ec;
    Socket s = net.socket(res.family, res.socktype, res.proto, ec);
    if (ec) continue;  // except socket.error: s = None; continue
    s.bind(res.sockaddr, ec);
    if (!ec) s.listen(1, ec);
    if (ec) continue;  // except socket.error: s.close(); s = None; continue (s closes itself)
    return s;
  }
  throw socksim::Error(socksim::errno_code(EADDRNOTAVAIL), "could not open socket");
}

Address serve_one_client(Socket& server, std::ostream& log, bool use_sendall) {
  auto [conn, addr] = server.accept();        // conn, addr = s.accept()
  log << "Connected by " << addr << '\n';     // print 'Connected by', addr
  for (;;) {                                  // while 1:
    const std::string data = conn.recv(1024); //     data = conn.recv(1024)
    if (data.empty()) break;                  //     if not data: break
    if (use_sendall) {
      conn.sendall(data);  // conn.sendall(data)
    } else {
      // conn.send(data) - send may take part of the data; finish the job as sendall would.
      std::string_view rest = data;
      while (!rest.empty()) rest.remove_prefix(conn.send(rest));
    }
  }
  conn.close();  // conn.close()
  return addr;
}

}  // namespace echo
