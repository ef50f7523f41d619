// sim/fault_text.cpp - the text form of fault rules (socksim/faults.hpp): what replay lines,
// traces and `socksim explore` print, and what --socksim_faults and --faults read back.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "socksim/constants.hpp"
#include "socksim/faults.hpp"

namespace socksim {

namespace {

std::string duration_text(std::chrono::nanoseconds d) {
  const long long ns = d.count();
  if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns != 0 && ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns != 0 && ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string number_text(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string error_text(int error) {
  if (error == fault::kTimeout) return "timeout";
  const std::string_view name = errno_name(error);
  return name.empty() ? std::to_string(error) : std::string(name);
}

std::string gai_text(int error) {
  switch (error) {
    case -2: return "EAI_NONAME";
    case -3: return "EAI_AGAIN";
    case -4: return "EAI_FAIL";
    default: return std::to_string(error);
  }
}

std::string cap_text(const char* name, std::size_t bytes, bool seeded) {
  return std::string(name) + (seeded ? " 1.." : " ") + std::to_string(bytes);
}

std::string action_text(const FaultRule::Action& action) {
  return std::visit(
      [](const auto& a) -> std::string {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, fault::send_cap>) {
          return cap_text("send_cap", a.bytes, a.seeded);
        } else if constexpr (std::is_same_v<A, fault::recv_cap>) {
          return cap_text("recv_cap", a.bytes, a.seeded);
        } else if constexpr (std::is_same_v<A, fault::fail_call>) {
          return "fail_call " + a.op + " " + std::to_string(a.nth) + " " + error_text(a.error) + " " +
                 std::to_string(a.times);
        } else if constexpr (std::is_same_v<A, fault::fail_point>) {
          return "fail_point " + std::to_string(a.index) + " " + error_text(a.error);
        } else if constexpr (std::is_same_v<A, fault::reset_after>) {
          return "reset_after " + std::to_string(a.bytes);
        } else if constexpr (std::is_same_v<A, fault::fin_after>) {
          return "fin_after " + std::to_string(a.bytes);
        } else if constexpr (std::is_same_v<A, fault::stall>) {
          std::string s = "stall " + duration_text(a.duration);
          if (a.after_bytes) s += " after " + std::to_string(a.after_bytes);
          return s;
        } else if constexpr (std::is_same_v<A, fault::half_open>) {
          return "half_open";
        } else if constexpr (std::is_same_v<A, fault::partition>) {
          return a.hold ? "partition hold" : "partition drop";
        } else if constexpr (std::is_same_v<A, fault::loss>) {
          return "loss " + number_text(a.probability);
        } else if constexpr (std::is_same_v<A, fault::duplicate>) {
          return "duplicate " + number_text(a.probability);
        } else if constexpr (std::is_same_v<A, fault::reorder>) {
          return "reorder " + number_text(a.probability) + " " + duration_text(a.max_delay);
        } else if constexpr (std::is_same_v<A, fault::slow_link>) {
          return "slow_link " + duration_text(a.latency) + " " + duration_text(a.jitter) + " " +
                 std::to_string(a.bandwidth);
        } else if constexpr (std::is_same_v<A, fault::dns_fail>) {
          return "dns_fail " + a.name + " " + gai_text(a.error);
        } else {
          static_assert(std::is_same_v<A, fault::dns_delay>);
          return "dns_delay " + a.name + " " + duration_text(a.delay);
        }
      },
      action);
}

// ---- parsing ----

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw std::invalid_argument("fault rule '" + std::string(text) + "': " + why);
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

class Args {
 public:
  Args(std::string_view text, std::vector<std::string_view> w) : text_(text), w_(std::move(w)) {}
  std::size_t size() const { return w_.size(); }
  std::string_view at(std::size_t i) const {
    if (i >= w_.size()) bad(text_, "missing argument " + std::to_string(i));
    return w_[i];
  }
  std::uint64_t count(std::size_t i) const {
    const std::string_view s = at(i);
    std::uint64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(text_, "'" + std::string(s) + "' is not a count");
    return v;
  }
  double probability(std::size_t i) const {
    const std::string_view s = at(i);
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !(v > 0 && v <= 1))
      bad(text_, "'" + std::string(s) + "' is not a probability in (0, 1]");
    return v;
  }
  std::chrono::nanoseconds duration(std::size_t i) const {
    const std::string_view s = at(i);
    std::size_t unit_at = s.size();
    while (unit_at > 0 && ((s[unit_at - 1] >= 'a' && s[unit_at - 1] <= 'z'))) --unit_at;
    const std::string_view unit = s.substr(unit_at);
    double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else bad(text_, "'" + std::string(s) + "' is not a duration (a number with ns, us, ms or s)");
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + unit_at, v);
    if (r.ec != std::errc() || r.ptr != s.data() + unit_at || v < 0 || v * scale > 9e18)
      bad(text_, "'" + std::string(s) + "' is not a duration (a number with ns, us, ms or s)");
    return std::chrono::nanoseconds(static_cast<long long>(std::llround(v * scale)));
  }
  int error(std::size_t i) const {
    const std::string_view s = at(i);
    if (s == "timeout") return fault::kTimeout;
    if (auto v = errno_value(s)) return *v;
    bad(text_, "'" + std::string(s) + "' is not an errno name or timeout");
  }
  int gai(std::size_t i) const {
    const std::string_view s = at(i);
    if (s == "EAI_NONAME") return -2;
    if (s == "EAI_AGAIN") return -3;
    if (s == "EAI_FAIL") return -4;
    bad(text_, "'" + std::string(s) + "' is not EAI_NONAME, EAI_AGAIN or EAI_FAIL");
  }
  void done(std::size_t n) const {
    if (w_.size() > n) bad(text_, "unexpected '" + std::string(w_[n]) + "'");
  }

 private:
  std::string_view text_;
  std::vector<std::string_view> w_;
};

template <class Cap>
Cap parse_cap(const Args& a, std::string_view text) {
  Cap c;
  std::string_view n = a.at(1);
  if (n.substr(0, 3) == "1..") {
    c.seeded = true;
    n.remove_prefix(3);
  }
  std::uint64_t v = 0;
  auto r = std::from_chars(n.data(), n.data() + n.size(), v);
  if (r.ec != std::errc() || r.ptr != n.data() + n.size() || v == 0) bad(text, "a cap is N or 1..N with N >= 1");
  c.bytes = static_cast<std::size_t>(v);
  a.done(2);
  return c;
}

FaultRule::Action parse_action(std::string_view text) {
  const Args a(text, words(text));
  if (a.size() == 0) bad(text, "empty");
  const std::string_view name = a.at(0);
  if (name == "send_cap") return parse_cap<fault::send_cap>(a, text);
  if (name == "recv_cap") return parse_cap<fault::recv_cap>(a, text);
  if (name == "fail_call") {
    fault::fail_call f{std::string(a.at(1)), a.count(2), a.error(3), a.size() > 4 ? a.count(4) : 1};
    a.done(5);
    return f;
  }
  if (name == "fail_point") {
    fault::fail_point f{a.count(1), a.error(2)};
    a.done(3);
    return f;
  }
  if (name == "reset_after") {
    a.done(2);
    return fault::reset_after{a.count(1)};
  }
  if (name == "fin_after") {
    a.done(2);
    return fault::fin_after{a.count(1)};
  }
  if (name == "stall") {
    fault::stall s{a.duration(1), 0};
    if (a.size() > 2) {
      if (a.at(2) != "after") bad(text, "expected 'after N'");
      s.after_bytes = a.count(3);
    }
    a.done(4);
    return s;
  }
  if (name == "half_open") {
    a.done(1);
    return fault::half_open{};
  }
  if (name == "partition") {
    fault::partition p;
    if (a.size() > 1) {
      if (a.at(1) == "hold") p.hold = true;
      else if (a.at(1) != "drop") bad(text, "partition is 'drop' or 'hold'");
    }
    a.done(2);
    return p;
  }
  if (name == "loss") {
    a.done(2);
    return fault::loss{a.probability(1)};
  }
  if (name == "duplicate") {
    a.done(2);
    return fault::duplicate{a.probability(1)};
  }
  if (name == "reorder") {
    fault::reorder r;
    r.probability = a.probability(1);
    if (a.size() > 2) r.max_delay = a.duration(2);
    a.done(3);
    return r;
  }
  if (name == "slow_link") {
    fault::slow_link s;
    s.latency = a.duration(1);
    if (a.size() > 2) s.jitter = a.duration(2);
    if (a.size() > 3) s.bandwidth = a.count(3);
    a.done(4);
    return s;
  }
  if (name == "dns_fail") {
    fault::dns_fail d{std::string(a.at(1)), a.gai(2)};
    a.done(3);
    return d;
  }
  if (name == "dns_delay") {
    fault::dns_delay d{std::string(a.at(1)), a.duration(2)};
    a.done(3);
    return d;
  }
  bad(text, "unknown fault '" + std::string(name) +
                "' (send_cap, recv_cap, fail_call, fail_point, reset_after, fin_after, stall, half_open, partition, "
                "loss, duplicate, reorder, slow_link, dns_fail, dns_delay)");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string to_string(const FaultRule& rule) {
  std::string s = action_text(rule.action);
  if (rule.fd) s += " @fd " + std::to_string(*rule.fd);
  if (rule.path) s += " @" + rule.path->from + (rule.path->both_ways ? "<>" : ">") + rule.path->to;
  return s;
}

std::string to_string(const std::vector<FaultRule>& rules) {
  std::string s;
  for (const auto& r : rules) {
    if (!s.empty()) s += "; ";
    s += to_string(r);
  }
  return s;
}

FaultRule parse_fault_rule(std::string_view text) {
  const std::string_view whole = trim(text);
  const std::size_t at = whole.find('@');
  FaultRule rule(parse_action(trim(whole.substr(0, at))));
  if (at == std::string_view::npos) return rule;
  const std::string_view scope = trim(whole.substr(at + 1));
  if (scope.substr(0, 2) == "fd") {
    const std::string_view n = trim(scope.substr(2));
    int fd = -1;
    auto r = std::from_chars(n.data(), n.data() + n.size(), fd);
    if (r.ec != std::errc() || r.ptr != n.data() + n.size() || fd < 0) bad(text, "'@fd N' needs a descriptor number");
    rule.fd = fd;
    return rule;
  }
  Path path;
  std::size_t arrow = scope.find("<>");
  std::size_t len = 2;
  if (arrow == std::string_view::npos) {
    arrow = scope.find('>');
    len = 1;
  } else {
    path.both_ways = true;
  }
  if (arrow == std::string_view::npos) bad(text, "a scope is '@fd N', '@from>to' or '@a<>b'");
  path.from = std::string(trim(scope.substr(0, arrow)));
  path.to = std::string(trim(scope.substr(arrow + len)));
  if (path.from.empty() || path.to.empty()) bad(text, "a path names two hosts (or *)");
  rule.path = std::move(path);
  return rule;
}

std::vector<FaultRule> parse_fault_rules(std::string_view text) {
  std::vector<FaultRule> out;
  while (!text.empty()) {
    const std::size_t semi = text.find(';');
    const std::string_view one = trim(text.substr(0, semi));
    if (!one.empty()) out.push_back(parse_fault_rule(one));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

}  // namespace socksim
