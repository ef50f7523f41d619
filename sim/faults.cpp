// sim/faults.cpp - see faults.hpp.
#include "faults.hpp"

#include <cerrno>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "host.hpp"

namespace socksim::sim {

namespace {

// The op family a traced call belongs to: "sendto" and "sendall" are sends, "recvfrom" a recv;
// empty for calls that are not I/O.
std::string_view family_of(std::string_view op) {
  if (op == "send" || op == "sendto" || op == "sendall") return "send";
  if (op == "recv" || op == "recvfrom") return "recv";
  if (op == "connect" || op == "accept") return op;
  return {};
}

bool host_matches(const std::string& pattern, const Host* host) {
  return pattern == "*" || (host != nullptr && host->name() == pattern);
}

bool name_matches(const std::string& pattern, std::string_view name) {
  // "*" leaves localhost alone: glibc answers it from /etc/hosts, whatever DNS does.
  if (pattern == "*") return !name_matches("localhost", name);
  if (pattern.size() != name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(pattern[i]) != lower(name[i])) return false;
  }
  return true;
}

bool chance(double probability, Rng& rng) {
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  return static_cast<double>(rng.below(1'000'000'000)) < probability * 1e9;
}

// fail_point's substitutions: an error that does not fit the call becomes the nearest that does.
int fit_error(int error, std::string_view family) {
  if (error == ECONNRESET && family == "connect") return ECONNREFUSED;
  if (error == ECONNRESET && family == "accept") return ECONNABORTED;
  return error;
}

void check_probability(double p, const char* what) {
  if (!(p > 0 && p <= 1)) throw std::invalid_argument(std::string(what) + ": probability must be in (0, 1]");
}

}  // namespace

FaultId Faults::add(FaultRule rule) {
  std::visit(
      [](const auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, fault::send_cap> || std::is_same_v<A, fault::recv_cap>) {
          if (a.bytes == 0) throw std::invalid_argument("send_cap/recv_cap: bytes must be at least 1");
        } else if constexpr (std::is_same_v<A, fault::fail_call>) {
          if (a.op != "send" && a.op != "recv" && a.op != "connect" && a.op != "accept")
            throw std::invalid_argument("fail_call: op '" + a.op + "' is not send, recv, connect or accept");
          if (a.error <= 0 && a.error != fault::kTimeout)
            throw std::invalid_argument("fail_call: error must be a positive errno or fault::kTimeout");
          if (a.nth == 0) throw std::invalid_argument("fail_call: nth counts from 1");
          if (a.times == 0) throw std::invalid_argument("fail_call: times must be at least 1");
        } else if constexpr (std::is_same_v<A, fault::fail_point>) {
          if (a.error <= 0 && a.error != fault::kTimeout)
            throw std::invalid_argument("fail_point: error must be a positive errno or fault::kTimeout");
          if (a.index == 0) throw std::invalid_argument("fail_point: index counts from 1");
        } else if constexpr (std::is_same_v<A, fault::stall>) {
          if (a.duration.count() < 0) throw std::invalid_argument("stall: duration must not be negative");
        } else if constexpr (std::is_same_v<A, fault::loss> || std::is_same_v<A, fault::duplicate>) {
          check_probability(a.probability, std::is_same_v<A, fault::loss> ? "loss" : "duplicate");
        } else if constexpr (std::is_same_v<A, fault::reorder>) {
          check_probability(a.probability, "reorder");
          if (a.max_delay.count() <= 0) throw std::invalid_argument("reorder: max_delay must be positive");
        } else if constexpr (std::is_same_v<A, fault::slow_link>) {
          if (a.latency.count() < 0 || a.jitter.count() < 0)
            throw std::invalid_argument("slow_link: latency and jitter must not be negative");
        } else if constexpr (std::is_same_v<A, fault::dns_fail>) {
          if (a.error != -2 && a.error != -3 && a.error != -4)  // EAI_NONAME, EAI_AGAIN, EAI_FAIL
            throw std::invalid_argument("dns_fail: error must be EAI_NONAME, EAI_AGAIN or EAI_FAIL");
          if (a.name.empty()) throw std::invalid_argument("dns_fail: the name is empty");
        } else if constexpr (std::is_same_v<A, fault::dns_delay>) {
          if (a.delay.count() < 0) throw std::invalid_argument("dns_delay: delay must not be negative");
          if (a.name.empty()) throw std::invalid_argument("dns_delay: the name is empty");
        }
      },
      rule.action);
  if (rule.fd && *rule.fd < 0) throw std::invalid_argument("a fault's fd must not be negative");
  if (rule.fd && rule.path) throw std::invalid_argument("a fault has an fd or a path, not both");
  const FaultId id = next_id_++;
  std::string text = to_string(rule);
  rules_.emplace(id, Rule{std::move(rule), std::move(text), {}, 0, {}, false, false});
  return id;
}

bool Faults::remove(FaultId id) { return rules_.erase(id) > 0; }

std::vector<FaultId> Faults::ids() const {
  std::vector<FaultId> out;
  for (const auto& [id, r] : rules_) out.push_back(id);
  return out;
}

bool Faults::call_in_scope(const Rule& r, int fd, const Host& host) const {
  if (r.rule.fd && *r.rule.fd != fd) return false;
  if (r.rule.path && !host_matches(r.rule.path->from, &host) &&
      !(r.rule.path->both_ways && host_matches(r.rule.path->to, &host)))
    return false;
  return true;
}

bool Faults::packet_in_scope(const Rule& r, const PacketView& p, bool both_ways) const {
  if (r.rule.fd) {
    const SimSocket* s = socket_of ? socket_of(*r.rule.fd) : nullptr;
    return s != nullptr && (s == p.sender || s == p.receiver);
  }
  if (r.rule.path) {
    const Path& path = *r.rule.path;
    if (host_matches(path.from, p.from) && host_matches(path.to, p.to)) return true;
    return (both_ways || path.both_ways) && host_matches(path.from, p.to) && host_matches(path.to, p.from);
  }
  return true;
}

Verdict Faults::consult(std::string_view op, int fd, const Host& host, Rng& rng) {
  Verdict v;
  if (rules_.empty()) return v;
  const std::string_view fam = family_of(op);
  if (!fam.empty()) ++io_calls_;
  for (auto& [id, r] : rules_) {
    if (!call_in_scope(r, fd, host)) continue;
    if (const auto* c = std::get_if<fault::send_cap>(&r.rule.action)) {
      if (fam != "send") continue;
      const std::size_t n = c->seeded ? 1 + rng.below(c->bytes) : c->bytes;
      if (n < v.cap) v.cap = n;
      v.fired.push_back({id, c->seeded ? r.text + " -> " + std::to_string(n) : r.text});
    } else if (const auto* c = std::get_if<fault::recv_cap>(&r.rule.action)) {
      if (fam != "recv") continue;
      const std::size_t n = c->seeded ? 1 + rng.below(c->bytes) : c->bytes;
      if (n < v.cap) v.cap = n;
      v.fired.push_back({id, c->seeded ? r.text + " -> " + std::to_string(n) : r.text});
    } else if (const auto* f = std::get_if<fault::fail_call>(&r.rule.action)) {
      if (fam != f->op) continue;
      const std::uint64_t n = ++r.calls[fd];
      if (n < f->nth || n - f->nth >= f->times) continue;
      if (v.error == 0) v.error = f->error;  // the oldest failing rule decides
      v.fired.push_back({id, r.text});
    } else if (const auto* f = std::get_if<fault::fail_point>(&r.rule.action)) {
      if (fam.empty()) continue;
      if (++r.count != f->index) continue;
      if (v.error == 0) v.error = fit_error(f->error, fam);
      v.fired.push_back({id, r.text});
    }
  }
  return v;
}

StreamVerdict Faults::stream(const PacketView& packet, std::uint64_t offset, std::size_t size) {
  StreamVerdict v;
  for (auto& [id, r] : rules_) {
    std::uint64_t limit = 0;
    StreamVerdict::Cut cut = StreamVerdict::Cut::none;
    if (const auto* a = std::get_if<fault::reset_after>(&r.rule.action)) {
      limit = a->bytes;
      cut = StreamVerdict::Cut::reset;
    } else if (const auto* a = std::get_if<fault::fin_after>(&r.rule.action)) {
      limit = a->bytes;
      cut = StreamVerdict::Cut::fin;
    } else {
      continue;
    }
    if (!packet_in_scope(r, packet, false)) continue;
    if (offset + size <= limit) continue;
    const std::uint64_t keep = limit > offset ? limit - offset : 0;
    // The earliest cut in the stream wins; at the same place, a reset over an end of stream.
    if (v.cut == StreamVerdict::Cut::none || keep < v.keep ||
        (keep == v.keep && cut == StreamVerdict::Cut::reset && v.cut == StreamVerdict::Cut::fin)) {
      v.cut = cut;
      v.keep = keep;
      v.fired.assign(1, Fired{id, r.text});
    }
  }
  return v;
}

LinkVerdict Faults::link(const PacketView& p, Nanos now, Rng& rng) {
  (void)now;
  LinkVerdict v;
  for (auto& [id, r] : rules_) {
    const FaultRule::Action& a = r.rule.action;
    if (const auto* s = std::get_if<fault::stall>(&a)) {
      if (r.stall_over || !packet_in_scope(r, p, false)) continue;
      if (!r.stalling) {
        std::uint64_t& seen = r.stream_bytes[{p.sender, p.receiver}];
        const std::uint64_t before = seen;
        seen += p.bytes;
        if (p.bytes == 0 || before + p.bytes <= s->after_bytes) continue;
        r.stalling = true;
        if (s->duration.count() > 0) v.stall_for = s->duration.count();
      }
      if (v.action != LinkVerdict::Action::drop && v.action != LinkVerdict::Action::hold) {
        v.action = LinkVerdict::Action::hold;
        v.hold_by = id;
      }
      v.fired.push_back({id, r.text});
    } else if (std::holds_alternative<fault::half_open>(a)) {
      if (!packet_in_scope(r, p, true)) continue;
      if (v.action == LinkVerdict::Action::pass) {
        v.action = LinkVerdict::Action::hold;
        v.hold_by = id;
      }
      v.fired.push_back({id, r.text});
    } else if (const auto* part = std::get_if<fault::partition>(&a)) {
      if (!packet_in_scope(r, p, false)) continue;
      const bool lose = !part->hold && (p.datagram || p.syn || p.sender == nullptr);
      if (lose) {
        v.action = LinkVerdict::Action::drop;
      } else if (v.action == LinkVerdict::Action::pass) {
        v.action = LinkVerdict::Action::hold;
        v.hold_by = id;
      }
      v.fired.push_back({id, r.text});
    } else if (const auto* l = std::get_if<fault::loss>(&a)) {
      if (!p.datagram || !packet_in_scope(r, p, false)) continue;
      if (!chance(l->probability, rng)) continue;
      v.action = LinkVerdict::Action::drop;
      v.fired.push_back({id, r.text});
    } else if (const auto* d = std::get_if<fault::duplicate>(&a)) {
      if (!p.datagram || !packet_in_scope(r, p, false)) continue;
      if (!chance(d->probability, rng)) continue;
      v.copies = 2;
      v.fired.push_back({id, r.text});
    } else if (const auto* o = std::get_if<fault::reorder>(&a)) {
      if (!p.datagram || !packet_in_scope(r, p, false)) continue;
      if (!chance(o->probability, rng)) continue;
      v.extra_delay = std::max<Nanos>(v.extra_delay, 1 + static_cast<Nanos>(rng.below(static_cast<std::uint64_t>(o->max_delay.count()))));
      v.fired.push_back({id, r.text});
    } else if (const auto* s = std::get_if<fault::slow_link>(&a)) {
      if (!packet_in_scope(r, p, false)) continue;
      v.latency += s->latency.count();
      v.jitter += s->jitter.count();
      if (s->bandwidth > 0 && (v.bandwidth == 0 || s->bandwidth < v.bandwidth)) v.bandwidth = s->bandwidth;
      v.fired.push_back({id, r.text});
    }
  }
  return v;
}

void Faults::end_stall(FaultId id) {
  auto it = rules_.find(id);
  if (it == rules_.end()) return;
  it->second.stalling = false;
  it->second.stall_over = true;
}

DnsVerdict Faults::dns(std::string_view name) {
  DnsVerdict v;
  for (auto& [id, r] : rules_) {
    if (const auto* f = std::get_if<fault::dns_fail>(&r.rule.action)) {
      if (!name_matches(f->name, name)) continue;
      if (v.error == 0) v.error = f->error;
      v.fired.push_back({id, r.text});
    } else if (const auto* d = std::get_if<fault::dns_delay>(&r.rule.action)) {
      if (!name_matches(d->name, name)) continue;
      v.delay += d->delay.count();
      v.fired.push_back({id, r.text});
    }
  }
  return v;
}

}  // namespace socksim::sim
