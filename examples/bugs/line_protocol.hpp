// examples/bugs/line_protocol.hpp - a line protocol client that assumes one recv() is one
// message, and its fix.
//
// The protocol: the client sends "ADD <n>\n", the server adds n to a running total and answers
// "total=<sum>\n". TCP is a byte stream: one recv() returns whatever bytes have arrived, part of a
// line or several lines. The buggy client reads one recv() and takes it as the whole reply; it
// works while every reply arrives in one piece, and breaks as soon as one does not.
#pragma once

#include <string>

#include "socksim/network.hpp"

namespace bugs::line_protocol {

// BUG: sends "ADD <n>\n" and takes what one recv() returns as the reply line.
std::string add_buggy(socksim::Socket& s, long n);

// Reads '\n'-terminated lines from a stream socket, keeping what follows a line for the next one.
class LineReader {
 public:
  explicit LineReader(socksim::Socket& s) : socket_(&s) {}
  // The next line, without its '\n'. Throws std::runtime_error when the peer closes mid-line.
  std::string read_line();
  // True when the peer closed at a line boundary: no line and no partial line left. Reads to find out.
  bool at_end();

 private:
  socksim::Socket* socket_;
  std::string buffer_;  // bytes received and not yet returned as lines
  bool closed_ = false;
};

// The fix: sends "ADD <n>\n" and reads the reply through `reader`, which buffers until '\n'.
std::string add(socksim::Socket& s, LineReader& reader, long n);

// The server: accepts one client on `listener`, answers each "ADD <n>" line with the new total
// (and anything else with "error"), until the client closes or the connection fails.
void serve_adder(socksim::Socket& listener);

}  // namespace bugs::line_protocol
