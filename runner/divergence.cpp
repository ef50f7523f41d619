// Comparison keys and the first divergence between two backends.
#include "runner/divergence.hpp"

#include <algorithm>
#include <cctype>

namespace socksim::runner {

namespace {

struct Normalizer {
  const std::set<long long>& asked;
  const std::string& tmpdir;

  bool asked_port(long long p) const { return p == 0 || asked.count(p) > 0; }

  void strings(json& v) const {
    if (tmpdir.empty()) return;
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      for (std::size_t pos = 0; (pos = s.find(tmpdir, pos)) != std::string::npos;) {
        s.replace(pos, tmpdir.size(), "$tmpdir");
        pos += 7;
      }
      v = s;
    } else if (v.is_structured()) {
      for (auto& e : v) strings(e);
    }
  }

  void address(json& a) const {
    if (a.is_array() && (a.size() == 2 || a.size() == 4) && a[1].is_number_integer()) {
      if (!asked_port(a[1].get<long long>())) a[1] = "*";
      return;
    }
    if (a.is_string()) {
      const std::string& s = a.get_ref<const std::string&>();
      if (s.size() == 6 && s[0] == '\0' &&
          std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        a = std::string("\0*", 2);
    }
  }

  // Applies `address` at every node `path` ("", "/1", "/*/4") reaches.
  void at_path(json& v, std::string_view path) const {
    if (path.empty()) {
      address(v);
      return;
    }
    const auto next = path.find('/', 1);
    const std::string_view token = path.substr(1, next == std::string_view::npos ? std::string_view::npos : next - 1);
    const std::string_view rest = next == std::string_view::npos ? std::string_view() : path.substr(next);
    if (!v.is_array()) return;
    if (token == "*") {
      for (auto& e : v) at_path(e, rest);
      return;
    }
    const std::size_t k = static_cast<std::size_t>(std::stoul(std::string(token)));
    if (k < v.size()) at_path(v[k], rest);
  }
};

}  // namespace

json comparison_key(const Step& step, const Outcome& outcome, const std::set<long long>& asked_ports,
                    const std::string& tmpdir) {
  if (step.vary || (step.spec && step.spec->result_varies)) return nullptr;
  switch (outcome.kind) {
    case Outcome::Kind::Error: return json{{"error", outcome.error}};
    case Outcome::Kind::Failure: return json{{"failure", "runner"}};
    case Outcome::Kind::Value: break;
  }
  json v = outcome.value;
  const Normalizer n{asked_ports, tmpdir};
  if (step.spec) {
    for (auto path : step.spec->address_paths) n.at_path(v, path);
    if (step.spec->service_at_1 && v.is_array() && v.size() == 2 && v[1].is_string()) {
      const std::string& s = v[1].get_ref<const std::string&>();
      if (!s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          !n.asked_port(std::stoll(s)))
        v[1] = "*";
    }
  }
  n.strings(v);
  return json{{"value", v}};
}

namespace {
std::string says(const std::string& backend, const Outcome& o) {
  switch (o.kind) {
    case Outcome::Kind::Value: return backend + " returned " + render_text(o.value);
    case Outcome::Kind::Error: return backend + " raised " + o.error;
    case Outcome::Kind::Failure: return backend + " could not run it (" + o.message + ")";
  }
  return backend;
}
}  // namespace

std::optional<Divergence> first_divergence(const BackendResult& first, const BackendResult& second) {
  const std::size_t n = std::min(first.records.size(), second.records.size());
  for (std::size_t i = 0; i < n; ++i) {
    const StepRecord& a = first.records[i];
    const StepRecord& b = second.records[i];
    if (a.key.is_null() || b.key.is_null()) continue;
    if (results_equal(a.key, b.key)) continue;
    Divergence d;
    d.step = a.step;
    d.op = a.op;
    d.first = a.outcome.describe();
    d.second = b.outcome.describe();
    d.message = says(first.backend, a.outcome) + ", " + says(second.backend, b.outcome);
    return d;
  }
  return std::nullopt;
}

}  // namespace socksim::runner
