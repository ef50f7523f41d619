// See line_protocol.hpp.
#include "line_protocol.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "socksim/errors.hpp"

namespace bugs::line_protocol {

std::string add_buggy(socksim::Socket& s, long n) {
  s.sendall("ADD " + std::to_string(n) + "\n");
  std::string reply = s.recv(1024);  // BUG: one recv() is not one line
  if (!reply.empty() && reply.back() == '\n') reply.pop_back();
  return reply;
}

std::string LineReader::read_line() {
  for (;;) {
    const std::size_t end = buffer_.find('\n');
    if (end != std::string::npos) {  // a whole line is here: return it, keep the rest
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    const std::string chunk = closed_ ? std::string() : socket_->recv(4096);
    if (chunk.empty()) {
      closed_ = true;
      throw std::runtime_error("line protocol: the peer closed in the middle of a line");
    }
    buffer_ += chunk;  // part of a line, or several lines: wait for the '\n'
  }
}

bool LineReader::at_end() {
  while (!closed_ && buffer_.empty()) {
    const std::string chunk = socket_->recv(4096);
    if (chunk.empty()) closed_ = true;
    buffer_ += chunk;
  }
  return closed_ && buffer_.empty();
}

std::string add(socksim::Socket& s, LineReader& reader, long n) {
  s.sendall("ADD " + std::to_string(n) + "\n");
  return reader.read_line();
}

void serve_adder(socksim::Socket& listener) {
  auto [conn, peer] = listener.accept();
  LineReader reader(conn);
  long total = 0;
  try {
    while (!reader.at_end()) {
      const std::string line = reader.read_line();
      const std::string_view text = line;
      long n = 0;
      bool is_add = false;
      if (text.starts_with("ADD ")) {
        const auto [end, error] = std::from_chars(text.data() + 4, text.data() + text.size(), n);
        is_add = error == std::errc{} && end == text.data() + text.size();
      }
      if (is_add) total += n;
      conn.sendall(is_add ? "total=" + std::to_string(total) + "\n" : std::string("error\n"));
    }
  } catch (const socksim::Error&) {
    // the connection failed (the client reset it): the session is over
  }
}

}  // namespace bugs::line_protocol
