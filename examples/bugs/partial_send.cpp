// See partial_send.hpp.
#include "partial_send.hpp"

namespace bugs::partial_send {

void upload_buggy(socksim::Network& net, const socksim::Address& server, std::string_view data) {
  socksim::Socket s = net.create_connection(server);
  s.send(data);  // BUG: send() may take only part of `data`; the rest is never sent
  s.close();
}

void upload(socksim::Network& net, const socksim::Address& server, std::string_view data) {
  socksim::Socket s = net.create_connection(server);
  while (!data.empty()) {
    const std::size_t sent = s.send(data);  // how many bytes this send took
    data.remove_prefix(sent);               // send the rest next time round
  }
  s.close();
}

std::string receive_upload(socksim::Socket& listener) {
  auto [conn, peer] = listener.accept();
  std::string received;
  for (;;) {
    const std::string chunk = conn.recv(4096);
    if (chunk.empty()) break;  // the client closed: the upload is complete
    received += chunk;
  }
  return received;
}

}  // namespace bugs::partial_send
