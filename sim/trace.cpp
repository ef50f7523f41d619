// sim/trace.cpp - see trace.hpp.
#include "trace.hpp"

namespace socksim::sim {

void Trace::append_json_string(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  bool plain = true;
  for (unsigned char c : s) plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  if (plain) {
    out.append(s.data(), s.size());
    out += '"';
    return;
  }
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

TraceLine::TraceLine(std::int64_t t, std::string_view task, std::string_view ev, bool active) : active_(active) {
  if (!active_) return;
  s_.reserve(160);
  s_ += "{\"t\":";
  s_ += std::to_string(t);
  str("task", task);
  str("ev", ev);
}

void TraceLine::key(std::string_view k) {
  s_ += ",\"";
  s_ += k;
  s_ += "\":";
}

TraceLine& TraceLine::num(std::string_view k, long long value) {
  if (!active_) return *this;
  key(k);
  s_ += std::to_string(value);
  return *this;
}

TraceLine& TraceLine::str(std::string_view k, std::string_view value) {
  if (!active_) return *this;
  key(k);
  Trace::append_json_string(s_, value);
  return *this;
}

std::string TraceLine::finish() {
  s_ += '}';
  return std::move(s_);
}

void Trace::emit(TraceLine& line) {
  if (!line.active()) return;
  const std::string s = line.finish();
  for (unsigned char c : s) {
    hash_ ^= c;
    hash_ *= 1099511628211ULL;
  }
  hash_ ^= static_cast<unsigned char>('\n');
  hash_ *= 1099511628211ULL;
  ++lines_;
  if (out_) *out_ << s << '\n';
}

}  // namespace socksim::sim
