// runner/values.hpp - values of the scenario format: typed results, bytes forms, constants,
// variables and comparison.
//
// A value is an nlohmann::json. Results keep their type: bytes (what recv returns, packed
// addresses, buffer options) are JSON *binary* values, text (host names, dotted quads) is a JSON
// string, addresses are arrays or strings, numbers are numbers. In a scenario file bytes are
// written as a string (its UTF-8 bytes), {"hex": "00ff"} or {"repeat": "x", "count": N}.
// Bytes and text compare equal when their bytes are equal.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace socksim::runner {

using json = nlohmann::json;

// The largest payload a scenario may build or ask for ({"repeat"}, recv's bufsize, a buffer).
inline constexpr std::size_t kMaxPayload = 64u << 20;

// ---- bytes ------------------------------------------------------------------------------------

// A binary JSON value holding `bytes`.
json make_bytes(std::string_view bytes);

// True for {"hex": ...} or {"repeat": ..., "count": ...} (any object with one of those keys).
bool is_bytes_form(const json& v);

// Checks a literal bytes form; "" when well formed, else what is wrong.
std::string check_bytes_form(const json& v);

// The bytes a value stands for: a JSON string (its UTF-8 bytes), a binary value, {"hex"} or
// {"repeat"}; nullopt for anything else (numbers, arrays, null, ...). `error` says why for a
// malformed bytes form.
std::optional<std::string> bytes_of(const json& v, std::string* error = nullptr);

std::string to_hex(std::string_view bytes);

// True when `s` is valid UTF-8.
bool valid_utf8(std::string_view s);
// A string from the system (a path, a host name) as a value: text when it is valid UTF-8, else
// bytes.
json text_value(const std::string& s);

// ---- constants ----------------------------------------------------------------------------------

// An integer argument: a JSON integer, a boolean (0/1), a constant's name, or an array of those
// OR'd together (flags). nullopt when the value has another shape; `unknown` receives the first
// unknown constant name met.
std::optional<long long> int_value(const json& v, std::string* unknown = nullptr);

// ---- variables --------------------------------------------------------------------------------

// "$name" or "$name[1][0]" (indexes may be negative, counting from the end).
struct VarRef {
  std::string name;
  std::vector<long long> indexes;
};
// The reference a whole string makes, if it is one.
std::optional<VarRef> parse_var_ref(std::string_view s);
// True if the string refers to a variable at all (a whole reference, or $tmpdir / $unique inside).
bool mentions_variable(std::string_view s);

class Vars {
 public:
  void set(const std::string& name, json value) { values_[name] = std::move(value); }
  const json* get(const std::string& name) const;
  // The predefined ones; $tmpdir is empty until the directory is made.
  std::string tmpdir;
  std::string unique;

  // Replaces every variable reference in `v` (arrays and objects too, not object keys):
  // a string that is a whole reference becomes the saved value (with its type); "$tmpdir" and
  // "$unique" are replaced wherever they occur inside a string; "$$" stands for a literal "$".
  // On an undefined variable or a bad index: nullopt and `error` says what.
  std::optional<json> substitute(const json& v, std::string& error) const;

 private:
  std::optional<json> resolve(const VarRef& ref, std::string& error) const;
  std::map<std::string, json> values_;
};

// ---- comparison and display ---------------------------------------------------------------------

// Does `actual` (a result) equal `expected` (written in a scenario, substituted)? Bytes compare
// as bytes (a string, {"hex"} or {"repeat"} against bytes or text); a string naming a constant
// equals the number it names; numbers compare exactly when both are integers, else within
// 1e-9 (relative for magnitudes above 1); booleans equal 1/0 as in Python; arrays element-wise.
bool values_equal(const json& actual, const json& expected);

// Same as values_equal for two results (no constant names, no bytes forms).
bool results_equal(const json& a, const json& b);

// A JSON value fit for a report: binary values become a string when they are printable UTF-8,
// {"repeat": c, "count": n} when all one byte and long, else {"hex": ...} (cut to a prefix with
// "len" past 4096 bytes).
json render(const json& v);
// render() as compact text.
std::string render_text(const json& v);

// A word from a scenario (a key, an op, a name, a constant) as a diagnostic shows it: in JSON
// quotes with JSON escapes (a newline stays on the line, bytes that are not UTF-8 become U+FFFD),
// and, past 60 bytes, cut at a character boundary with its length after the quotes (the first
// 60 bytes of a 20000-byte word, then `... (20000 bytes)`). One line stays one line.
std::string quote_word(std::string_view word);
// render_text for a diagnostic: past 200 bytes, cut at a character boundary and followed by
// the whole text's length.
std::string brief_text(const json& v);

// The JSON type of a value in words ("a string", "an array", "bytes", ...), for messages.
std::string type_words(const json& v);

// Closest candidate within edit distance 2 ("" if none): for "did you mean" hints.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace socksim::runner
