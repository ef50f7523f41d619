// Values of the scenario format: bytes forms, constants, variables, comparison, display.
#include "runner/values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "socksim/constants.hpp"

namespace socksim::runner {

// ---- bytes --------------------------------------------------------------------------------------

json make_bytes(std::string_view bytes) {
  return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

bool is_bytes_form(const json& v) { return v.is_object() && (v.contains("hex") || v.contains("repeat")); }

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes hex digits (spaces between bytes allowed); nullopt with `error` set if malformed.
std::optional<std::string> decode_hex(const std::string& s, std::string& error) {
  std::string out;
  int high = -1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ') {
      if (high >= 0) {
        error = "hex: odd number of digits before the space at offset " + std::to_string(i);
        return std::nullopt;
      }
      continue;
    }
    const int d = hex_digit(c);
    if (d < 0) {
      error = "hex: '" + std::string(1, c) + "' at offset " + std::to_string(i) + " is not a hex digit";
      return std::nullopt;
    }
    if (high < 0) {
      high = d;
    } else {
      out += static_cast<char>(high * 16 + d);
      high = -1;
    }
  }
  if (high >= 0) {
    error = "hex: odd number of digits";
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> decode_form(const json& v, std::string& error) {
  if (v.contains("hex")) {
    if (v.size() != 1) {
      error = "{\"hex\": ...} takes no other key";
      return std::nullopt;
    }
    const json& h = v["hex"];
    if (!h.is_string()) {
      error = "hex: expected a string of hex digits, got " + type_words(h);
      return std::nullopt;
    }
    return decode_hex(h.get<std::string>(), error);
  }
  // {"repeat": unit, "count": n}
  for (const auto& [key, _] : v.items()) {
    if (key != "repeat" && key != "count") {
      error = "unknown key " + quote_word(key) + " in {\"repeat\", \"count\"}";
      return std::nullopt;
    }
  }
  if (!v.contains("count")) {
    error = "repeat: missing \"count\"";
    return std::nullopt;
  }
  const json& unit_json = v["repeat"];
  std::optional<std::string> unit;
  if (unit_json.is_string()) {
    unit = unit_json.get<std::string>();
  } else if (unit_json.is_object() && unit_json.contains("hex")) {
    unit = decode_form(unit_json, error);
    if (!unit) return std::nullopt;
  } else if (unit_json.is_binary()) {
    unit = bytes_of(unit_json);
  } else {
    error = "repeat: expected a string or {\"hex\": ...} to repeat, got " + type_words(unit_json);
    return std::nullopt;
  }
  const json& count = v["count"];
  if (!count.is_number_integer() || (count.is_number_integer() && !count.is_number_unsigned() && count.get<std::int64_t>() < 0)) {
    error = "repeat: \"count\" must be a non-negative integer, got " + count.dump();
    return std::nullopt;
  }
  const std::uint64_t n = count.get<std::uint64_t>();
  if (unit->empty()) {
    error = "repeat: the unit to repeat is empty";
    return std::nullopt;
  }
  if (n > kMaxPayload / unit->size()) {
    error = "repeat: " + std::to_string(n) + " x " + std::to_string(unit->size()) + " bytes exceeds the limit of " +
            std::to_string(kMaxPayload) + " bytes";
    return std::nullopt;
  }
  std::string out;
  out.reserve(unit->size() * n);
  for (std::uint64_t i = 0; i < n; ++i) out += *unit;
  return out;
}

}  // namespace

std::string check_bytes_form(const json& v) {
  std::string error;
  if (v.contains("repeat")) {
    // Check the shape without building a large payload.
    json probe = v;
    if (probe.contains("count") && probe["count"].is_number_unsigned()) {
      const std::uint64_t n = probe["count"].get<std::uint64_t>();
      const json& unit = probe["repeat"];
      std::size_t unit_size = 1;
      if (unit.is_string()) unit_size = std::max<std::size_t>(1, unit.get<std::string>().size());
      if (unit.is_object() && unit.contains("hex") && unit["hex"].is_string())
        unit_size = std::max<std::size_t>(1, unit["hex"].get<std::string>().size() / 2);
      if (n <= kMaxPayload / unit_size) probe["count"] = 1;
      else probe["count"] = n;  // reported as too large below
    }
    return decode_form(probe, error) ? "" : error;
  }
  return decode_form(v, error) ? "" : error;
}

std::optional<std::string> bytes_of(const json& v, std::string* error) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_binary()) {
    const auto& b = v.get_binary();
    return std::string(b.begin(), b.end());
  }
  if (is_bytes_form(v)) {
    std::string e;
    auto out = decode_form(v, e);
    if (!out && error) *error = e;
    return out;
  }
  return std::nullopt;
}

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// ---- constants ----------------------------------------------------------------------------------

std::optional<long long> int_value(const json& v, std::string* unknown) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_unsigned()) {
    const std::uint64_t u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) return std::nullopt;
    return static_cast<long long>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) {
    const std::string name = v.get<std::string>();
    if (auto c = socksim::constant_value(name)) return *c;
    if (auto e = socksim::errno_value(name)) return *e;
    if (unknown && unknown->empty()) *unknown = name;
    return std::nullopt;
  }
  if (v.is_array()) {
    long long out = 0;
    for (const auto& e : v) {
      if (e.is_array()) return std::nullopt;
      auto x = int_value(e, unknown);
      if (!x) return std::nullopt;
      out |= *x;
    }
    return out;
  }
  return std::nullopt;
}

// ---- variables ----------------------------------------------------------------------------------

namespace {
bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
}  // namespace

std::optional<VarRef> parse_var_ref(std::string_view s) {
  if (s.size() < 2 || s[0] != '$' || !ident_start(s[1])) return std::nullopt;
  std::size_t i = 1;
  while (i < s.size() && ident_char(s[i])) ++i;
  VarRef ref;
  ref.name = std::string(s.substr(1, i - 1));
  while (i < s.size()) {
    if (s[i] != '[') return std::nullopt;
    ++i;
    bool negative = false;
    if (i < s.size() && s[i] == '-') {
      negative = true;
      ++i;
    }
    const std::size_t start = i;
    long long n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n > 1'000'000'000) return std::nullopt;
      n = n * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start || i >= s.size() || s[i] != ']') return std::nullopt;
    ++i;
    ref.indexes.push_back(negative ? -n : n);
  }
  return ref;
}

bool mentions_variable(std::string_view s) {
  return parse_var_ref(s).has_value() || s.find("$tmpdir") != std::string_view::npos ||
         s.find("$unique") != std::string_view::npos;
}

const json* Vars::get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

std::optional<json> Vars::resolve(const VarRef& ref, std::string& error) const {
  json value;
  if (ref.name == "tmpdir") {
    value = tmpdir;
  } else if (ref.name == "unique") {
    value = unique;
  } else if (const json* v = get(ref.name)) {
    value = *v;
  } else {
    error = "undefined variable $" + ref.name + " (no earlier step saved it)";
    return std::nullopt;
  }
  std::string shown = "$" + ref.name;
  for (long long index : ref.indexes) {
    if (!value.is_array()) {
      error = shown + " is " + type_words(value) + ", not an array: cannot take [" + std::to_string(index) + "]";
      return std::nullopt;
    }
    const long long size = static_cast<long long>(value.size());
    const long long k = index < 0 ? size + index : index;
    if (k < 0 || k >= size) {
      error = shown + "[" + std::to_string(index) + "]: index out of range (" + shown + " has " + std::to_string(size) +
              " element" + (size == 1 ? "" : "s") + ")";
      return std::nullopt;
    }
    json next = value[static_cast<std::size_t>(k)];
    value = std::move(next);
    shown += "[" + std::to_string(index) + "]";
  }
  return value;
}

std::optional<json> Vars::substitute(const json& v, std::string& error) const {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.find('$') == std::string::npos) return v;
    if (auto ref = parse_var_ref(s)) return resolve(*ref, error);
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      if (s[i] != '$') {
        out += s[i++];
      } else if (s.compare(i, 2, "$$") == 0) {
        out += '$';
        i += 2;
      } else if (s.compare(i, 7, "$tmpdir") == 0) {
        out += tmpdir;
        i += 7;
      } else if (s.compare(i, 7, "$unique") == 0) {
        out += unique;
        i += 7;
      } else {
        out += s[i++];
      }
    }
    return json(out);
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) {
      auto r = substitute(e, error);
      if (!r) return std::nullopt;
      out.push_back(std::move(*r));
    }
    return out;
  }
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [key, e] : v.items()) {
      auto r = substitute(e, error);
      if (!r) return std::nullopt;
      out[key] = std::move(*r);
    }
    return out;
  }
  return v;
}

// ---- comparison ---------------------------------------------------------------------------------

namespace {

bool numbers_equal(const json& a, const json& b) {
  const bool ai = a.is_number_integer() || a.is_boolean();
  const bool bi = b.is_number_integer() || b.is_boolean();
  if (ai && bi) {
    auto as_wide = [](const json& x) -> std::pair<bool, std::uint64_t> {
      // (negative, magnitude)
      if (x.is_boolean()) return {false, x.get<bool>() ? 1u : 0u};
      if (x.is_number_unsigned()) return {false, x.get<std::uint64_t>()};
      const std::int64_t s = x.get<std::int64_t>();
      if (s < 0) return {true, static_cast<std::uint64_t>(-(s + 1)) + 1};
      return {false, static_cast<std::uint64_t>(s)};
    };
    return as_wide(a) == as_wide(b);
  }
  const double x = a.is_boolean() ? (a.get<bool>() ? 1.0 : 0.0) : a.get<double>();
  const double y = b.is_boolean() ? (b.get<bool>() ? 1.0 : 0.0) : b.get<double>();
  if (std::isnan(x) || std::isnan(y)) return false;
  const double scale = std::max({1.0, std::fabs(x), std::fabs(y)});
  return std::fabs(x - y) <= 1e-9 * scale;
}

bool is_num(const json& v) { return v.is_number() || v.is_boolean(); }

bool compare(const json& actual, const json& expected, bool scenario_forms) {
  if (expected.is_string()) {
    const std::string& e = expected.get_ref<const std::string&>();
    if (actual.is_string()) return actual.get_ref<const std::string&>() == e;
    if (actual.is_binary()) return *bytes_of(actual) == e;
    if (scenario_forms && actual.is_number()) {
      std::string unknown;
      auto c = int_value(expected, &unknown);
      return c && numbers_equal(actual, json(*c));
    }
    return false;
  }
  if (expected.is_binary() || (scenario_forms && is_bytes_form(expected))) {
    if (!actual.is_string() && !actual.is_binary()) return false;
    auto e = bytes_of(expected);
    return e && *bytes_of(actual) == *e;
  }
  if (is_num(expected)) {
    if (expected.is_boolean() && actual.is_boolean()) return actual.get<bool>() == expected.get<bool>();
    return is_num(actual) && numbers_equal(actual, expected);
  }
  if (expected.is_null()) return actual.is_null();
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) return false;
    for (std::size_t i = 0; i < actual.size(); ++i)
      if (!compare(actual[i], expected[i], scenario_forms)) return false;
    return true;
  }
  if (expected.is_object()) {
    if (!actual.is_object() || actual.size() != expected.size()) return false;
    for (const auto& [key, e] : expected.items()) {
      if (!actual.contains(key) || !compare(actual[key], e, scenario_forms)) return false;
    }
    return true;
  }
  return actual == expected;
}

bool utf8_check(std::string_view s, bool printable) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (printable && c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
      if (printable && c == 0x7f) return false;
      ++i;
      continue;
    }
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + static_cast<std::size_t>(len) > s.size()) return false;
    std::uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

bool printable_utf8(std::string_view s) { return utf8_check(s, true); }

constexpr std::size_t kShownBytes = 256;
constexpr std::size_t kShownText = 4096;

json render_bytes(std::string_view b) {
  if (b.size() >= 32 && std::all_of(b.begin(), b.end(), [&](char c) { return c == b[0]; })) {
    json unit = printable_utf8(b.substr(0, 1)) ? json(std::string(1, b[0])) : json{{"hex", to_hex(b.substr(0, 1))}};
    return json{{"repeat", unit}, {"count", b.size()}};
  }
  if (printable_utf8(b)) {
    if (b.size() <= kShownText) return json(std::string(b));
    return json{{"text", std::string(b.substr(0, kShownText))}, {"len", b.size()}, {"truncated", true}};
  }
  if (b.size() <= kShownBytes * 4) return json{{"hex", to_hex(b)}};
  return json{{"hex", to_hex(b.substr(0, kShownBytes))}, {"len", b.size()}, {"truncated", true}};
}

}  // namespace

bool valid_utf8(std::string_view s) { return utf8_check(s, false); }

json text_value(const std::string& s) { return valid_utf8(s) ? json(s) : make_bytes(s); }

bool values_equal(const json& actual, const json& expected) { return compare(actual, expected, true); }
bool results_equal(const json& a, const json& b) { return compare(a, b, false); }

json render(const json& v) {
  if (v.is_binary()) return render_bytes(*bytes_of(v));
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (valid_utf8(s) && s.size() <= kShownText) return v;
    return render_bytes(s);
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) out.push_back(render(e));
    return out;
  }
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [key, e] : v.items()) out[key] = render(e);
    return out;
  }
  return v;
}

std::string render_text(const json& v) {
  return render(v).dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// The longest prefix of text no longer than n bytes that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t n) {
  if (text.size() <= n) return text;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

std::string json_quoted(std::string_view text) {
  return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string quote_word(std::string_view word) {
  constexpr std::size_t kShown = 60;
  if (word.size() <= kShown) return json_quoted(word);
  return json_quoted(utf8_prefix(word, kShown)) + "... (" + std::to_string(word.size()) + " bytes)";
}

std::string brief_text(const json& v) {
  constexpr std::size_t kShown = 200;
  const std::string text = render_text(v);
  if (text.size() <= kShown) return text;
  return std::string(utf8_prefix(text, kShown)) + "... (" + std::to_string(text.size()) + " bytes in all)";
}

std::string type_words(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::binary: return "bytes";
    case json::value_t::discarded: return "nothing";
  }
  return "a value";
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() <= 2) return "";  // too short to guess from
  const std::size_t limit = word.size() <= 4 ? 1 : 2;
  // Optimal string alignment distance (a transposition counts as one edit), on three rows. It is
  // at least the difference of the lengths, so a candidate of a length too far off is not
  // measured: an unknown word of thousands of characters costs a glance at each candidate.
  std::vector<std::size_t> rows[3];
  auto distance = [&rows](std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    for (auto& r : rows) r.assign(m + 1, 0);
    for (std::size_t j = 0; j <= m; ++j) rows[1][j] = j;
    std::vector<std::size_t>* before = &rows[0];  // row i - 2
    std::vector<std::size_t>* prev = &rows[1];    // row i - 1
    std::vector<std::size_t>* cur = &rows[2];     // row i
    for (std::size_t i = 1; i <= n; ++i) {
      (*cur)[0] = i;
      for (std::size_t j = 1; j <= m; ++j) {
        const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        std::size_t d = std::min({(*prev)[j] + 1, (*cur)[j - 1] + 1, (*prev)[j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, (*before)[j - 2] + 1);
        (*cur)[j] = d;
      }
      std::swap(before, prev);  // the old i - 2 row is overwritten next
      std::swap(prev, cur);
    }
    return (*prev)[m];
  };
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t gap = word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
    if (gap >= best_d) continue;
    const std::size_t dd = distance(word, c);
    if (dd < best_d) {
      best_d = dd;
      best = c;
    }
  }
  return best;
}

}  // namespace socksim::runner
