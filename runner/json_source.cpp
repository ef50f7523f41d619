// A strict recursive-descent JSON reader (RFC 8259) that records source positions.
#include "runner/json_source.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include "runner/values.hpp"

namespace socksim::runner {

Pos SourceMap::value(const std::string& pointer) const {
  std::string p = pointer;
  for (;;) {
    if (auto it = values_.find(p); it != values_.end()) return it->second;
    if (p.empty()) return Pos{};
    p.erase(p.rfind('/'));
  }
}

Pos SourceMap::key(const std::string& pointer) const {
  if (auto it = keys_.find(pointer); it != keys_.end()) return it->second;
  return value(pointer);
}

std::string pointer_append(const std::string& pointer, std::string_view token) {
  std::string out = pointer;
  out += '/';
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string pointer_append(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

namespace {

constexpr int kMaxDepth = 256;

std::string describe_char(unsigned char c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

class Parser {
 public:
  Parser(std::string_view text, SourceMap& map) : text_(text), map_(map) {}

  nlohmann::json document() {
    // A UTF-8 byte order mark is tolerated.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
    skip_ws();
    if (at_end()) fail("empty document: expected a JSON value");
    nlohmann::json v = value("", 0);
    skip_ws();
    if (!at_end()) fail("unexpected " + describe_char(peek()) + " after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { throw JsonSyntaxError(pos_, message); }
  [[noreturn]] void fail_at(Pos pos, const std::string& message) const { throw JsonSyntaxError(pos, message); }

  bool at_end() const { return i_ >= text_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(text_[i_]); }

  // Moves past one byte, keeping line and column (columns count code points, so UTF-8
  // continuation bytes do not advance it).
  void advance() {
    const unsigned char c = peek();
    ++i_;
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos_.column;
    }
  }

  void skip_ws() {
    while (!at_end()) {
      const unsigned char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        advance();
      else
        break;
    }
  }

  nlohmann::json value(const std::string& pointer, int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than 256 levels");
    map_.add_value(pointer, pos_);
    if (at_end()) fail("unexpected end of input: expected a JSON value");
    const unsigned char c = peek();
    switch (c) {
      case '{': return object(pointer, depth);
      case '[': return array(pointer, depth);
      case '"': return nlohmann::json(string());
      case 't': literal("true"); return true;
      case 'f': literal("false"); return false;
      case 'n': literal("null"); return nullptr;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail("unexpected " + describe_char(c) + ": expected a JSON value");
    }
  }

  void literal(std::string_view word) {
    const Pos start = pos_;
    if (text_.substr(i_, word.size()) != word) {
      // Name the whole bad word, as far as letters go.
      std::size_t j = i_;
      while (j < text_.size() && j - i_ < 32 &&
             ((text_[j] >= 'a' && text_[j] <= 'z') || (text_[j] >= 'A' && text_[j] <= 'Z')))
        ++j;
      fail_at(start, "invalid literal '" + std::string(text_.substr(i_, j - i_)) +
                         "' (strings need double quotes; literals are true, false and null)");
    }
    for (std::size_t k = 0; k < word.size(); ++k) advance();
    if (!at_end()) {
      const unsigned char c = peek();
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
        fail_at(start, "invalid literal starting with '" + std::string(word) + "'");
    }
  }

  nlohmann::json object(const std::string& pointer, int depth) {
    const Pos open = pos_;
    advance();  // '{'
    nlohmann::json obj = nlohmann::json::object();
    skip_ws();
    if (!at_end() && peek() == '}') {
      advance();
      return obj;
    }
    for (;;) {
      skip_ws();
      if (at_end()) fail_at(open, "unterminated object (no closing '}')");
      if (peek() != '"') {
        if (peek() == '}') fail("trailing comma before '}'");
        fail("expected a string key in double quotes, got " + describe_char(peek()));
      }
      const Pos key_pos = pos_;
      std::string key = string();
      const std::string member = pointer_append(pointer, key);
      if (obj.contains(key)) fail_at(key_pos, "duplicate key " + quote_word(key));
      map_.add_key(member, key_pos);
      skip_ws();
      if (at_end()) fail_at(open, "unterminated object (no closing '}')");
      if (peek() != ':') fail("expected ':' after the key " + quote_word(key) + ", got " + describe_char(peek()));
      advance();
      skip_ws();
      obj[key] = value(member, depth + 1);
      skip_ws();
      if (at_end()) fail_at(open, "unterminated object (no closing '}')");
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == '}') {
        advance();
        return obj;
      }
      fail("expected ',' or '}' after an object member, got " + describe_char(peek()));
    }
  }

  nlohmann::json array(const std::string& pointer, int depth) {
    const Pos open = pos_;
    advance();  // '['
    nlohmann::json arr = nlohmann::json::array();
    skip_ws();
    if (!at_end() && peek() == ']') {
      advance();
      return arr;
    }
    for (;;) {
      skip_ws();
      if (at_end()) fail_at(open, "unterminated array (no closing ']')");
      if (peek() == ']') fail("trailing comma before ']'");
      arr.push_back(value(pointer_append(pointer, arr.size()), depth + 1));
      skip_ws();
      if (at_end()) fail_at(open, "unterminated array (no closing ']')");
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == ']') {
        advance();
        return arr;
      }
      fail("expected ',' or ']' after an array element, got " + describe_char(peek()));
    }
  }

  static int hex_digit(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  std::uint32_t hex4(Pos escape_pos) {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      if (at_end()) fail_at(escape_pos, "unterminated \\u escape");
      const int d = hex_digit(peek());
      if (d < 0) fail("invalid \\u escape: expected 4 hex digits, got " + describe_char(peek()));
      v = v * 16 + static_cast<std::uint32_t>(d);
      advance();
    }
    return v;
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // One UTF-8 encoded character starting at i_ (a lead byte >= 0x80), validated and copied.
  void utf8_char(std::string& out) {
    const unsigned char c = peek();
    int len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      fail("invalid UTF-8 (" + describe_char(c) + ")");
    }
    if (i_ + static_cast<std::size_t>(len) > text_.size()) fail("invalid UTF-8 (truncated sequence)");
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text_[i_ + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) fail("invalid UTF-8 (bad continuation byte)");
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      fail("invalid UTF-8 (overlong form or surrogate)");
    for (int k = 0; k < len; ++k) {
      out += static_cast<char>(peek());
      advance();
    }
  }

  std::string string() {
    const Pos open = pos_;
    advance();  // '"'
    std::string out;
    for (;;) {
      if (at_end()) fail_at(open, "unterminated string");
      const unsigned char c = peek();
      if (c == '"') {
        advance();
        return out;
      }
      if (c == '\n') fail_at(open, "unterminated string (a string cannot span lines; write \\n)");
      if (c < 0x20) fail("control character " + describe_char(c) + " in a string (escape it)");
      if (c >= 0x80) {
        utf8_char(out);
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        advance();
        continue;
      }
      const Pos escape_pos = pos_;
      advance();
      if (at_end()) fail_at(open, "unterminated string");
      const unsigned char e = peek();
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          advance();
          std::uint32_t cp = hex4(escape_pos);
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail_at(escape_pos, "invalid \\u escape: lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (text_.substr(i_, 2) != "\\u") fail_at(escape_pos, "invalid \\u escape: lone high surrogate");
            const Pos low_pos = pos_;
            advance();
            advance();
            const std::uint32_t low = hex4(low_pos);
            if (low < 0xDC00 || low > 0xDFFF) fail_at(low_pos, "invalid \\u escape: expected a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          put_utf8(out, cp);
          continue;
        }
        default:
          fail_at(escape_pos, "invalid escape '\\" + std::string(1, static_cast<char>(e)) + "'");
      }
      advance();
    }
  }

  nlohmann::json number() {
    const Pos start = pos_;
    const std::size_t begin = i_;
    auto digit = [&] { return !at_end() && peek() >= '0' && peek() <= '9'; };
    bool integral = true;
    if (peek() == '-') advance();
    if (!digit()) fail_at(start, "invalid number: expected a digit");
    if (peek() == '0') {
      advance();
      if (digit()) fail_at(start, "invalid number: leading zeros are not allowed");
    } else {
      while (digit()) advance();
    }
    if (!at_end() && peek() == '.') {
      integral = false;
      advance();
      if (!digit()) fail_at(start, "invalid number: expected a digit after '.'");
      while (digit()) advance();
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      advance();
      if (!at_end() && (peek() == '+' || peek() == '-')) advance();
      if (!digit()) fail_at(start, "invalid number: expected a digit in the exponent");
      while (digit()) advance();
    }
    const std::string_view s = text_.substr(begin, i_ - begin);
    if (integral) {
      std::int64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return nlohmann::json(v);
      if (s[0] != '-') {
        std::uint64_t u = 0;
        auto ru = std::from_chars(s.data(), s.data() + s.size(), u);
        if (ru.ec == std::errc() && ru.ptr == s.data() + s.size()) return nlohmann::json(u);
      }
    }
    // std::from_chars for double is in GCC 11+.
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec == std::errc::result_out_of_range) fail_at(start, "number out of range");
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) fail_at(start, "invalid number");
    return nlohmann::json(d);
  }

  std::string_view text_;
  SourceMap& map_;
  std::size_t i_ = 0;
  Pos pos_;
};

}  // namespace

nlohmann::json parse_json(std::string_view text, SourceMap& map) { return Parser(text, map).document(); }

}  // namespace socksim::runner
