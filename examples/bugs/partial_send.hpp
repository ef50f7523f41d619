// examples/bugs/partial_send.hpp - a client that ignores what send() returns, and its fix.
//
// The client uploads a blob: it connects, sends the bytes and closes; the server reads to the end
// of the stream. send() may accept fewer bytes than it is given (a full send buffer, a signal, a
// socket with a timeout) and returns how many it took. The buggy client never looks at that
// number, so under short sends the server gets a truncated upload and nobody notices.
#pragma once

#include <string>
#include <string_view>

#include "socksim/network.hpp"

namespace bugs::partial_send {

// BUG: one send(), its count ignored.
void upload_buggy(socksim::Network& net, const socksim::Address& server, std::string_view data);

// The fix: send again from where the last send stopped until every byte is taken (what
// Socket::sendall does).
void upload(socksim::Network& net, const socksim::Address& server, std::string_view data);

// The server side: accepts one client on `listener` and returns everything it sent before closing.
std::string receive_upload(socksim::Socket& listener);

}  // namespace bugs::partial_send
