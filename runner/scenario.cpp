// Reading and validating a scenario file: every problem with its file:line:column.
#include "runner/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "runner/values.hpp"
#include "socksim/constants.hpp"

namespace socksim::runner {

bool Step::expects_error() const {
  return expect && expect->is_object() && (expect->contains("error") || expect->contains("error_any"));
}

bool Scenario::lists(std::string_view backend) const {
  return std::find(backends.begin(), backends.end(), backend) != backends.end();
}

std::string Scenario::where(const std::string& pointer) const {
  const Pos p = positions.value(pointer);
  return file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string Diagnostic::format() const {
  if (pos.line == 0) return file + ": " + message;
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + message;
}

namespace {
std::string join_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ScenarioError::ScenarioError(const std::string& file, const std::string& message)
    : ScenarioError(std::vector<Diagnostic>{Diagnostic{file, Pos{0, 0}, message}}) {}

// ---- error names --------------------------------------------------------------------------------

namespace {

const std::vector<std::string>& special_error_names() {
  static const std::vector<std::string> names = {"timeout",        "error",      "value_error", "overflow_error",
                                                 "type_error",     "deadlock",   "gaierror",    "herror"};
  return names;
}

std::vector<std::string> names_in_group(std::string_view group) {
  std::vector<std::string> out;
  for (const auto& e : socksim::constant_table())
    if (e.group == group) out.emplace_back(e.name);
  return out;
}

bool in_group(std::string_view group, std::string_view name) {
  for (const auto& e : socksim::constant_table())
    if (e.group == group && e.name == name) return true;
  return false;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string c = closest(word, candidates);
  return c.empty() ? "" : " (did you mean " + quote_word(c) + "?)";
}

const std::vector<std::string>& constant_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& e : socksim::constant_table()) out.emplace_back(e.name);
    return out;
  }();
  return names;
}

}  // namespace

std::string check_error_name(const std::string& name) {
  if (std::find(special_error_names().begin(), special_error_names().end(), name) != special_error_names().end())
    return "";
  if (socksim::errno_value(name)) return "";
  if (name.rfind("gaierror:", 0) == 0) {
    const std::string code = name.substr(9);
    if (in_group("EAI", code)) return "";
    return "unknown gaierror code " + quote_word(code) + did_you_mean(code, names_in_group("EAI"));
  }
  if (name.rfind("herror:", 0) == 0) {
    const std::string code = name.substr(7);
    if (in_group("herror", code)) return "";
    std::string known;
    for (const auto& n : names_in_group("herror")) known += (known.empty() ? "" : ", ") + n;
    return "unknown herror code " + quote_word(code) + " (expected one of: " + known + ")";
  }
  std::vector<std::string> candidates = names_in_group("errno");
  candidates.insert(candidates.end(), special_error_names().begin(), special_error_names().end());
  const std::string hint = closest(name, candidates);
  return "unknown error " + quote_word(name) + (hint.empty() ? "" : " (did you mean " + quote_word(hint) + "?)") +
         ": expected an errno name such as ECONNREFUSED, or timeout, error, gaierror:EAI_*, herror:*, "
         "value_error, overflow_error, type_error, deadlock";
}

// ---- the validator ------------------------------------------------------------------------------

namespace {

const std::vector<std::string> kScenarioKeys = {"name", "description", "tags",  "backends",
                                                "timeout", "sim",       "steps", "comment"};
const std::vector<std::string> kStepKeys = {"op",   "sock", "file",    "as",      "args", "expect",
                                            "save", "vary", "comment", "elapsed", "data"};
const std::vector<std::string> kExpectKeys = {"value", "ok",        "len", "min_len", "max_len",
                                              "error", "error_any", "min", "max",     "contains"};
constexpr double kMaxTimeout = 3600;

bool is_var(const json& v) { return v.is_string() && parse_var_ref(v.get_ref<const std::string&>()).has_value(); }

bool valid_identifier(const std::string& s) {
  if (s.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

class Validator {
 public:
  Validator(Scenario& sc, const json& root) : sc_(sc), root_(root) {}

  void run() {
    if (!root_.is_object()) {
      value_error("", "a scenario is a JSON object, got " + type_words(root_));
      return;
    }
    for (const auto& [key, v] : root_.items()) {
      if (std::find(kScenarioKeys.begin(), kScenarioKeys.end(), key) == kScenarioKeys.end())
        key_error("/" + key, "unknown key " + quote_word(key) + " in the scenario" + did_you_mean(key, kScenarioKeys));
    }
    scenario_fields();
    if (!root_.contains("steps")) {
      value_error("", "missing \"steps\": the scenario's steps, an array");
    } else if (!root_["steps"].is_array()) {
      value_error("/steps", "\"steps\" must be an array, got " + type_words(root_["steps"]));
    } else if (root_["steps"].empty()) {
      value_error("/steps", "\"steps\" is empty: a scenario needs at least one step");
    } else {
      const json& steps = root_["steps"];
      for (std::size_t i = 0; i < steps.size(); ++i) step(i, steps[i]);
    }
    scan_strings(root_);
  }

  std::vector<Diagnostic> diagnostics;

 private:
  void value_error(const std::string& pointer, const std::string& message) {
    diagnostics.push_back({sc_.file, sc_.positions.value(pointer), message});
  }
  void key_error(const std::string& pointer, const std::string& message) {
    diagnostics.push_back({sc_.file, sc_.positions.key(pointer), message});
  }

  // ---- the scenario's own fields ----
  void scenario_fields() {
    if (!root_.contains("name")) {
      value_error("", "missing \"name\": every scenario needs a name, unique across the suite");
    } else if (!root_["name"].is_string() || root_["name"].get<std::string>().empty()) {
      value_error("/name", "\"name\" must be a non-empty string");
    } else {
      sc_.name = root_["name"].get<std::string>();
    }
    if (root_.contains("description")) {
      if (!root_["description"].is_string())
        value_error("/description", "\"description\" must be a string, got " + type_words(root_["description"]));
      else
        sc_.description = root_["description"].get<std::string>();
    }
    if (root_.contains("comment") && !root_["comment"].is_string())
      value_error("/comment", "\"comment\" must be a string, got " + type_words(root_["comment"]));
    if (root_.contains("tags")) {
      const json& tags = root_["tags"];
      if (!tags.is_array()) {
        value_error("/tags", "\"tags\" must be an array of strings, got " + type_words(tags));
      } else {
        for (std::size_t i = 0; i < tags.size(); ++i) {
          if (!tags[i].is_string())
            value_error("/tags/" + std::to_string(i), "a tag must be a string, got " + type_words(tags[i]));
          else
            sc_.tags.push_back(tags[i].get<std::string>());
        }
      }
    }
    if (root_.contains("backends")) {
      const json& b = root_["backends"];
      sc_.backends.clear();
      if (!b.is_array() || b.empty()) {
        value_error("/backends", "\"backends\" must be a non-empty array of \"sim\" and/or \"real\"");
      } else {
        for (std::size_t i = 0; i < b.size(); ++i) {
          const std::string p = "/backends/" + std::to_string(i);
          if (!b[i].is_string() || (b[i] != "sim" && b[i] != "real")) {
            value_error(p, "unknown backend " + (b[i].is_string() ? quote_word(b[i].get<std::string>()) : type_words(b[i])) +
                               ": expected \"sim\" or \"real\"");
          } else if (sc_.lists(b[i].get<std::string>())) {
            value_error(p, "backend " + quote_word(b[i].get<std::string>()) + " is listed twice");
          } else {
            sc_.backends.push_back(b[i].get<std::string>());
          }
        }
      }
    }
    if (root_.contains("timeout")) {
      const json& t = root_["timeout"];
      if (!t.is_number() || !(t.get<double>() > 0) || t.get<double>() > kMaxTimeout)
        value_error("/timeout", "\"timeout\" must be a number of seconds in (0, 3600], got " + brief_text(t));
      else
        sc_.timeout = t.get<double>();
    }
    if (root_.contains("sim")) {
      const json& s = root_["sim"];
      if (!s.is_object()) {
        value_error("/sim", "\"sim\" must be an object, got " + type_words(s));
      } else {
        sc_.sim = s;
        if (s.contains("seed")) {
          const json& seed = s["seed"];
          if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0))
            value_error("/sim/seed", "sim.seed must be a non-negative integer, got " + brief_text(seed));
          else
            sc_.seed = seed.get<std::uint64_t>();
        }
      }
    }
  }

  // ---- steps ----
  std::string prefix(std::size_t i, const std::string& op) const {
    return "step " + std::to_string(i) + (op.empty() ? "" : " (" + op + ")") + ": ";
  }

  void register_names(const Step& st, const json& as_json) {
    // Keeps later steps from cascading errors even when this step has problems.
    auto reg = [&](const json& v, bool file) {
      if (!v.is_string() || v.get<std::string>().empty()) return;
      (file ? files_ : sockets_).insert(v.get<std::string>());
    };
    const bool file = st.spec ? st.spec->creates == Creates::File : false;
    if (as_json.is_array())
      for (const auto& v : as_json) reg(v, file);
    else
      reg(as_json, file);
  }

  void step(std::size_t i, const json& s) {
    const std::string ptr = "/steps/" + std::to_string(i);
    Step st;
    st.index = i;
    st.pointer = ptr;
    if (!s.is_object()) {
      value_error(ptr, prefix(i, "") + "a step must be an object, got " + type_words(s));
      return;
    }
    std::string op;
    if (s.contains("op") && s["op"].is_string()) op = s["op"].get<std::string>();
    const std::string pre = prefix(i, op_exists(op) ? op : "");

    for (const auto& [key, v] : s.items()) {
      if (std::find(kStepKeys.begin(), kStepKeys.end(), key) == kStepKeys.end())
        key_error(ptr + "/" + key, pre + "unknown key " + quote_word(key) + " in a step" + did_you_mean(key, kStepKeys));
    }
    const json no_as;
    const json& as_json = s.contains("as") ? s["as"] : no_as;

    if (!s.contains("op")) {
      value_error(ptr, pre + "missing \"op\": the function or method to call");
      register_names(st, as_json);
      return;
    }
    if (!s["op"].is_string()) {
      value_error(ptr + "/op", pre + "\"op\" must be a string, got " + type_words(s["op"]));
      register_names(st, as_json);
      return;
    }
    if (!op_exists(op)) {
      value_error(ptr + "/op", pre + "unknown op " + quote_word(op) + did_you_mean(op, op_names()));
      register_names(st, as_json);
      return;
    }
    st.op = op;

    // Which target: a file method, a socket method or a module function.
    const OpSpec* file_spec = find_op(op, Target::File);
    const OpSpec* sock_spec = find_op(op, Target::Socket);
    const OpSpec* none_spec = find_op(op, Target::None);
    const bool has_file = s.contains("file");
    const bool has_sock = s.contains("sock");
    if (has_file && has_sock) {
      key_error(ptr + "/file", pre + "a step takes \"sock\" or \"file\", not both");
      return;
    }
    if (has_file) {
      if (file_spec) {
        st.spec = file_spec;
      } else {
        key_error(ptr + "/file", pre + op + " is not a method of a file object" +
                                     (sock_spec ? ": it is a socket method, use \"sock\"" : ": remove \"file\""));
        return;
      }
    } else if (has_sock) {
      if (sock_spec) {
        st.spec = sock_spec;
      } else if (file_spec) {
        key_error(ptr + "/sock", pre + op + " is a method of makefile's file object: use \"file\", not \"sock\"");
        return;
      } else {
        key_error(ptr + "/sock", pre + op + " is not a socket method: remove \"sock\"");
        return;
      }
    } else if (none_spec) {
      st.spec = none_spec;
    } else if (sock_spec) {
      value_error(ptr, pre + "missing \"sock\": the socket to call " + op + " on");
      register_names(st, as_json);
      return;
    } else {
      value_error(ptr, pre + "missing \"file\": the file object (named by makefile's \"as\") to call " + op + " on");
      return;
    }
    const OpSpec& spec = *st.spec;

    // The target's name.
    if (has_sock) target_name(s["sock"], ptr + "/sock", pre, sockets_, "socket", st.sock);
    if (has_file) target_name(s["file"], ptr + "/file", pre, files_, "file object", st.file);

    // The expectation first: a step that expects type_error may pass arguments of any type.
    if (s.contains("expect")) {
      st.expect = s["expect"];
      expect(s["expect"], ptr + "/expect", pre);
    }
    const bool lenient = expects_type_error(st);

    // Arguments.
    bool unknown_args = false;
    if (s.contains("args")) {
      const json& args = s["args"];
      if (!args.is_object()) {
        value_error(ptr + "/args", pre + "\"args\" must be an object, got " + type_words(args));
      } else {
        st.args = args;
        for (const auto& [key, v] : args.items()) {
          const std::string ap = ptr + "/args/" + key;
          const ArgSpec* a = spec.arg(key);
          if (!a) {
            std::vector<std::string> names;
            for (const auto& x : spec.args) names.emplace_back(x.name);
            key_error(ap, pre + "unknown argument " + quote_word(key) + did_you_mean(key, names) + "; " + op +
                              (names.empty() ? " takes no arguments" : " takes: " + spec.arg_names()));
            unknown_args = true;
            continue;
          }
          argument(*a, v, ap, pre + "args." + key + ": ", lenient, spec);
        }
      }
    }
    for (const auto& a : spec.args) {
      if (a.required && !st.args.contains(a.name) && !lenient && !unknown_args)
        value_error(s.contains("args") ? ptr + "/args" : ptr, pre + "missing args." + std::string(a.name));
    }

    // "as".
    if (spec.creates == Creates::None) {
      if (s.contains("as")) key_error(ptr + "/as", pre + op + " creates nothing to name: remove \"as\"");
    } else if (!s.contains("as")) {
      if (!st.expects_error()) {
        const char* what = spec.creates == Creates::SocketPair ? "an array of two names for the new sockets"
                           : spec.creates == Creates::File     ? "the name of the new file object"
                                                               : "the name of the new socket";
        value_error(ptr, pre + "missing \"as\": " + what);
      }
    } else {
      as_names(s["as"], ptr + "/as", pre, spec, st);
    }

    // save, vary, comment, elapsed, data.
    if (s.contains("save")) {
      const json& v = s["save"];
      if (!v.is_string() || !valid_identifier(v.get<std::string>())) {
        value_error(ptr + "/save", pre + "\"save\" must be a variable name (letters, digits and _, not starting "
                                         "with a digit), got " + brief_text(v));
      } else if (v == "tmpdir" || v == "unique") {
        value_error(ptr + "/save", pre + "\"save\": $" + v.get<std::string>() + " is predefined and cannot be saved to");
      } else {
        st.save = v.get<std::string>();
      }
    }
    if (s.contains("vary")) {
      if (!s["vary"].is_boolean())
        value_error(ptr + "/vary", pre + "\"vary\" must be true or false, got " + brief_text(s["vary"]));
      else
        st.vary = s["vary"].get<bool>();
    }
    if (s.contains("comment") && !s["comment"].is_string())
      value_error(ptr + "/comment", pre + "\"comment\" must be a string, got " + type_words(s["comment"]));
    if (s.contains("elapsed")) {
      st.elapsed = s["elapsed"];
      bounds(s["elapsed"], ptr + "/elapsed", pre + "\"elapsed\"", true);
    }
    if (s.contains("data")) {
      if (!spec.takes_data) {
        key_error(ptr + "/data", pre + "\"data\" applies to recv_into and recvfrom_into only");
      } else {
        st.data = s["data"];
        if (st.expects_error()) key_error(ptr + "/data", pre + "\"data\" cannot be checked when an error is expected");
        expected_bytes(s["data"], ptr + "/data", pre + "\"data\": ");
      }
    }
    sc_.steps.push_back(std::move(st));
  }

  static bool expects_type_error(const Step& st) {
    if (!st.expect || !st.expect->is_object()) return false;
    const json& e = *st.expect;
    if (e.contains("error") && e["error"] == "type_error") return true;
    if (e.contains("error_any") && e["error_any"].is_array())
      for (const auto& x : e["error_any"])
        if (x == "type_error") return true;
    return false;
  }

  void target_name(const json& v, const std::string& p, const std::string& pre, const std::set<std::string>& known,
                   const char* what, std::string& out) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      value_error(p, pre + "\"" + (std::string(what) == "socket" ? "sock" : "file") + "\" must be the name of a " +
                         what + ", got " + brief_text(v));
      return;
    }
    out = v.get<std::string>();
    if (!known.count(out)) {
      std::vector<std::string> names(known.begin(), known.end());
      value_error(p, pre + what + " " + quote_word(out) + " is not created by any earlier step" + did_you_mean(out, names));
    }
  }

  void as_names(const json& v, const std::string& p, const std::string& pre, const OpSpec& spec, Step& st) {
    std::vector<std::pair<std::string, std::string>> names;  // (name, pointer)
    if (spec.creates == Creates::SocketPair) {
      if (!v.is_array() || v.size() != 2) {
        value_error(p, pre + "\"as\" must be an array of two socket names, got " + brief_text(v));
        return;
      }
      for (std::size_t k = 0; k < 2; ++k) names.emplace_back(v[k].is_string() ? v[k].get<std::string>() : "", p + "/" + std::to_string(k));
      for (std::size_t k = 0; k < 2; ++k) {
        if (!v[k].is_string() || v[k].get<std::string>().empty()) {
          value_error(p + "/" + std::to_string(k), pre + "\"as\": a socket name must be a non-empty string, got " + brief_text(v[k]));
          return;
        }
      }
      if (names[0].first == names[1].first) {
        value_error(p + "/1", pre + "\"as\" names both sockets " + quote_word(names[0].first));
        return;
      }
    } else {
      if (!v.is_string() || v.get<std::string>().empty()) {
        value_error(p, pre + "\"as\" must be a non-empty name, got " + brief_text(v));
        return;
      }
      names.emplace_back(v.get<std::string>(), p);
    }
    const bool file = spec.creates == Creates::File;
    for (const auto& [name, np] : names) {
      if (file && sockets_.count(name)) {
        value_error(np, pre + quote_word(name) + " already names a socket; a file object needs another name");
        continue;
      }
      if (!file && files_.count(name)) {
        value_error(np, pre + quote_word(name) + " already names a file object; a socket needs another name");
        continue;
      }
      (file ? files_ : sockets_).insert(name);
      st.as.push_back(name);
    }
  }

  // ---- arguments ----
  void type_mismatch(const std::string& p, const std::string& pre, const std::string& expected, const json& v,
                     bool lenient) {
    if (lenient) return;
    value_error(p, pre + "expected " + expected + ", got " + type_words(v));
  }

  void int_arg(const json& v, const std::string& p, const std::string& pre, bool lenient) {
    if (is_var(v)) return;
    if (v.is_array()) {
      for (std::size_t k = 0; k < v.size(); ++k) {
        const json& e = v[k];
        if (is_var(e)) continue;
        if (e.is_array()) {
          type_mismatch(p + "/" + std::to_string(k), pre, "an integer or a constant name", e, lenient);
          continue;
        }
        int_arg(e, p + "/" + std::to_string(k), pre, lenient);
      }
      return;
    }
    std::string unknown;
    if (int_value(v, &unknown)) return;
    if (v.is_number_unsigned()) return;  // beyond long long: an overflow error when run
    if (!unknown.empty()) {
      if (!lenient) value_error(p, pre + "unknown constant " + quote_word(unknown) + did_you_mean(unknown, constant_names()));
      return;
    }
    type_mismatch(p, pre, "an integer or a constant name", v, lenient);
  }

  void note_port(const json& v) {
    if (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() > 0)
      sc_.asked_ports.insert(v.get<std::int64_t>());
    else if (v.is_number_unsigned() && v.get<std::uint64_t>() > 0 && v.get<std::uint64_t>() < (1ull << 62))
      sc_.asked_ports.insert(static_cast<long long>(v.get<std::uint64_t>()));
    else if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (!s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          std::stoll(s) > 0)
        sc_.asked_ports.insert(std::stoll(s));
    }
  }

  void address_arg(const json& v, const std::string& p, const std::string& pre, bool lenient) {
    if (is_var(v)) return;
    static const std::string shape = "an address: [host, port], [host, port, flowinfo, scope_id] or an AF_UNIX path";
    if (v.is_string()) return;
    if (is_bytes_form(v)) {  // an AF_UNIX path as bytes
      bytes_form(v, p, pre);
      return;
    }
    if (!v.is_array() || v.size() < 2 || v.size() > 4) {
      if (!lenient) value_error(p, pre + "expected " + shape + ", got " + (v.is_array() ? "an array of " + std::to_string(v.size()) : type_words(v)));
      return;
    }
    if (!is_var(v[0]) && !v[0].is_string() && !lenient)
      value_error(p + "/0", pre + "the host must be a string, got " + type_words(v[0]));
    if (!is_var(v[1]) && !v[1].is_number_integer() && !lenient)
      value_error(p + "/1", pre + "the port must be an integer, got " + type_words(v[1]));
    note_port(v[1]);
    for (std::size_t k = 2; k < v.size(); ++k) {
      if (!is_var(v[k]) && !v[k].is_number_integer() && !lenient)
        value_error(p + "/" + std::to_string(k), pre + (k == 2 ? "flowinfo" : "scope_id") + " must be an integer, got " +
                                                    type_words(v[k]));
    }
  }

  void bytes_form(const json& v, const std::string& p, const std::string& pre) {
    const std::string e = check_bytes_form(v);
    if (!e.empty()) value_error(p, pre + e);
  }

  void argument(const ArgSpec& a, const json& v, const std::string& p, const std::string& pre, bool lenient,
                const OpSpec& spec) {
    switch (a.kind) {
      case ArgKind::Int:
        int_arg(v, p, pre, lenient);
        if (a.name == "port" && spec.name == "getservbyport") note_port(v);
        break;
      case ArgKind::Timeout:
        if (!is_var(v) && !v.is_number() && !v.is_null()) type_mismatch(p, pre, "seconds (a number) or null", v, lenient);
        break;
      case ArgKind::Number:
        if (!is_var(v) && !v.is_number()) type_mismatch(p, pre, "seconds (a number)", v, lenient);
        break;
      case ArgKind::Bytes:
      case ArgKind::Text:
      case ArgKind::OptText:
        if (is_bytes_form(v))
          bytes_form(v, p, pre);
        else if (!v.is_string() && !(a.kind == ArgKind::OptText && v.is_null()))
          type_mismatch(p, pre, a.kind == ArgKind::Bytes ? "bytes (a string, {\"hex\": ...} or {\"repeat\": ..., \"count\": ...})"
                                : a.kind == ArgKind::OptText ? "a string or null"
                                                             : "a string",
                        v, lenient);
        break;
      case ArgKind::Port:
        if (!is_var(v) && !v.is_number_integer() && !v.is_string() && !v.is_null())
          type_mismatch(p, pre, "a port number, a service name or null", v, lenient);
        note_port(v);
        break;
      case ArgKind::SockAddress:
      case ArgKind::Address:
        address_arg(v, p, pre, lenient);
        break;
      case ArgKind::OptAddress:
        if (!v.is_null()) address_arg(v, p, pre, lenient);
        break;
      case ArgKind::Flag:
        if (!is_var(v) && !v.is_boolean() && !v.is_number_integer())
          type_mismatch(p, pre, "true, false, 0 or 1", v, lenient);
        break;
      case ArgKind::SockList:
        if (!v.is_array()) {
          value_error(p, pre + "expected an array of socket names, got " + type_words(v));
        } else {
          for (std::size_t k = 0; k < v.size(); ++k) {
            std::string ignored;
            target_name(v[k], p + "/" + std::to_string(k), pre, sockets_, "socket", ignored);
          }
        }
        break;
      case ArgKind::OptValue:
        if (is_bytes_form(v))
          bytes_form(v, p, pre);
        else
          int_arg(v, p, pre, lenient);
        break;
    }
  }

  // ---- expectations ----
  void expected_value(const json& v, const std::string& p, const std::string& pre) {
    if (v.is_object()) {
      if (is_bytes_form(v)) {
        bytes_form(v, p, pre);
      } else {
        value_error(p, pre + "an expected value cannot be an object other than {\"hex\": ...} or "
                             "{\"repeat\": ..., \"count\": ...}");
      }
      return;
    }
    if (v.is_array())
      for (std::size_t k = 0; k < v.size(); ++k) expected_value(v[k], p + "/" + std::to_string(k), pre);
  }

  void expected_bytes(const json& v, const std::string& p, const std::string& pre) {
    if (is_var(v) || v.is_string()) return;
    if (is_bytes_form(v)) {
      bytes_form(v, p, pre);
      return;
    }
    value_error(p, pre + "expected bytes (a string, {\"hex\": ...} or {\"repeat\": ..., \"count\": ...}), got " +
                       type_words(v));
  }

  void bounds(const json& v, const std::string& p, const std::string& what, bool seconds) {
    if (!v.is_object()) {
      value_error(p, what + " must be an object {\"min\": A, \"max\": B}, got " + type_words(v));
      return;
    }
    if (v.empty()) value_error(p, what + " needs \"min\", \"max\" or both");
    for (const auto& [key, b] : v.items()) {
      const std::string bp = p + "/" + key;
      if (key != "min" && key != "max") {
        key_error(bp, what + ": unknown key " + quote_word(key) + " (expected \"min\" and/or \"max\")");
        continue;
      }
      if (is_var(b)) continue;
      if (seconds) {
        if (!b.is_number() || b.get<double>() < 0)
          value_error(bp, what + ": " + quote_word(key) + " must be a non-negative number of seconds, got " + brief_text(b));
      }
    }
  }

  void expect(const json& e, const std::string& p, const std::string& pre) {
    if (!e.is_object()) {
      value_error(p, pre + "\"expect\" must be an object, got " + type_words(e));
      return;
    }
    if (e.empty()) {
      value_error(p, pre + "\"expect\" is empty: leave it out to mean \"succeeds\", or say what must happen");
      return;
    }
    bool has_error = false;
    std::string success_key;
    for (const auto& [key, v] : e.items()) {
      const std::string kp = p + "/" + key;
      if (std::find(kExpectKeys.begin(), kExpectKeys.end(), key) == kExpectKeys.end()) {
        key_error(kp, pre + "unknown key " + quote_word(key) + " in \"expect\"" + did_you_mean(key, kExpectKeys));
        continue;
      }
      if (key == "error" || key == "error_any") {
        has_error = true;
      } else if (success_key.empty()) {
        success_key = key;
      }
      if (key == "value" || key == "contains") {
        expected_value(v, kp, pre + "expect." + key + ": ");
      } else if (key == "ok") {
        if (v != true)
          value_error(kp, pre + "\"ok\" must be true (to expect a failure, write \"error\" or \"error_any\")");
      } else if (key == "len" || key == "min_len" || key == "max_len") {
        if (!is_var(v) && !(v.is_number_integer() && (v.is_number_unsigned() || v.get<std::int64_t>() >= 0)))
          value_error(kp, pre + quote_word(key) + " must be a non-negative integer, got " + brief_text(v));
      } else if (key == "min" || key == "max") {
        if (is_var(v) || v.is_number()) continue;
        std::string unknown;
        if (v.is_string() && !int_value(v, &unknown))
          value_error(kp, pre + "unknown constant " + quote_word(unknown) + did_you_mean(unknown, constant_names()));
        else if (!v.is_string())
          value_error(kp, pre + quote_word(key) + " must be a number, got " + type_words(v));
      } else if (key == "error") {
        if (!v.is_string()) {
          value_error(kp, pre + "\"error\" must be a string such as \"ECONNREFUSED\", got " + type_words(v));
        } else {
          const std::string m = check_error_name(v.get<std::string>());
          if (!m.empty()) value_error(kp, pre + m);
        }
      } else if (key == "error_any") {
        if (!v.is_array() || v.empty()) {
          value_error(kp, pre + "\"error_any\" must be a non-empty array of error names");
        } else {
          for (std::size_t k = 0; k < v.size(); ++k) {
            const std::string ep = kp + "/" + std::to_string(k);
            if (!v[k].is_string()) {
              value_error(ep, pre + "\"error_any\": an error name must be a string, got " + type_words(v[k]));
              continue;
            }
            const std::string m = check_error_name(v[k].get<std::string>());
            if (!m.empty()) value_error(ep, pre + m);
          }
        }
      }
    }
    if (e.contains("error") && e.contains("error_any"))
      key_error(p + "/error_any", pre + "\"error\" and \"error_any\" cannot be combined: list every name in \"error_any\"");
    else if (has_error && !success_key.empty())
      key_error(p + "/" + success_key, pre + quote_word(success_key) + " cannot be combined with an expected error");
  }

  void scan_strings(const json& v) {
    if (v.is_string()) {
      if (v.get_ref<const std::string&>().find("$tmpdir") != std::string::npos) sc_.uses_tmpdir = true;
    } else if (v.is_structured()) {
      for (const auto& e : v) scan_strings(e);
    }
  }

  Scenario& sc_;
  const json& root_;
  std::set<std::string> sockets_;
  std::set<std::string> files_;
};

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& file) {
  Scenario sc;
  sc.file = file;
  json root;
  try {
    root = parse_json(text, sc.positions);
  } catch (const JsonSyntaxError& e) {
    throw ScenarioError({Diagnostic{file, e.pos(), e.what()}});
  }
  Validator v(sc, root);
  v.run();
  if (!v.diagnostics.empty()) {
    std::stable_sort(v.diagnostics.begin(), v.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.pos < b.pos; });
    throw ScenarioError(std::move(v.diagnostics));
  }
  return sc;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ScenarioError(path, "cannot read");
  return parse_scenario(text.str(), path);
}

}  // namespace socksim::runner
