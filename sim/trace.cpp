// sim/trace.cpp - see trace.hpp.
#include "trace.hpp"

#include <charconv>

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

std::uint64_t Trace::fnv1a(std::uint64_t h, std::string_view bytes) noexcept {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

void TraceLine::key(std::string_view k) {
  s_ += ",\"";
  s_ += k;
  s_ += "\":";
}

void TraceLine::append_num(std::string_view k, long long value) {
  key(k);
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  s_.append(buf, r.ptr);
}

void TraceLine::append_str(std::string_view k, std::string_view value) {
  key(k);
  Trace::append_json_string(s_, value);
}

}  // namespace socksim::sim
