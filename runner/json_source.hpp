// runner/json_source.hpp - a JSON reader that remembers where every value came from.
//
// nlohmann_json (3.11 as Debian ships it) gives no source positions, so scenario files are read
// by this small strict RFC 8259 parser instead. It builds the same nlohmann::json value and
// records, for every value, the line and column of its first character, keyed by JSON pointer
// ("/steps/3/args/address"); for object members it also records where the key was written, so
// that "unknown key" errors point at the key itself.
//
// Lines and columns count from 1; a column counts characters (UTF-8 code points), a tab being
// one. Beyond RFC 8259 the reader refuses duplicate keys in an object (a later key would silently
// win) and nesting deeper than 256 levels.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace socksim::runner {

struct Pos {
  std::size_t line = 1;
  std::size_t column = 1;
  friend bool operator==(const Pos&, const Pos&) = default;
  friend auto operator<=>(const Pos&, const Pos&) = default;
};

// Where each value (and each object member's key) of one document was written.
class SourceMap {
 public:
  void add_value(const std::string& pointer, Pos pos) { values_[pointer] = pos; }
  void add_key(const std::string& pointer, Pos pos) { keys_[pointer] = pos; }
  // The position of the value at `pointer`; for a pointer the document does not hold, the
  // position of its nearest ancestor that it does (the document's start at worst).
  Pos value(const std::string& pointer) const;
  // The position of the key of the member at `pointer`, or of its value when it has no key
  // (an array element, the root).
  Pos key(const std::string& pointer) const;

 private:
  std::map<std::string, Pos> values_;
  std::map<std::string, Pos> keys_;
};

// A syntax error: where and what.
class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(Pos pos, const std::string& message) : std::runtime_error(message), pos_(pos) {}
  Pos pos() const noexcept { return pos_; }

 private:
  Pos pos_;
};

// Parses one JSON document; throws JsonSyntaxError. `map` receives the positions.
nlohmann::json parse_json(std::string_view text, SourceMap& map);

// JSON pointer helpers: "/a/b" + "c" -> "/a/b/c", with ~ and / escaped as RFC 6901 says.
std::string pointer_append(const std::string& pointer, std::string_view token);
std::string pointer_append(const std::string& pointer, std::size_t index);

}  // namespace socksim::runner
