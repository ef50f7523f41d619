// sim/faults.cpp - see faults.hpp.
#include "faults.hpp"

#include <stdexcept>
#include <string>

#include "socksim/constants.hpp"

namespace socksim::sim {

namespace {

// The op family a traced call belongs to: "sendto" and "sendall" are sends, "recvfrom" a recv.
std::string_view family_of(std::string_view op) {
  if (op == "send" || op == "sendto" || op == "sendall") return "send";
  if (op == "recv" || op == "recvfrom") return "recv";
  return op;
}

}  // namespace

FaultId Faults::add(FaultRule rule) {
  if (const auto* f = std::get_if<fault::fail_call>(&rule.action)) {
    if (f->op != "send" && f->op != "recv" && f->op != "connect" && f->op != "accept")
      throw std::invalid_argument("fail_call: op '" + f->op + "' is not send, recv, connect or accept");
    if (f->error <= 0) throw std::invalid_argument("fail_call: error must be a positive errno");
    if (f->nth == 0) throw std::invalid_argument("fail_call: nth counts from 1");
  }
  const FaultId id = next_id_++;
  rules_.emplace(id, Rule{std::move(rule), {}});
  return id;
}

bool Faults::remove(FaultId id) { return rules_.erase(id) > 0; }

Verdict Faults::consult(std::string_view op, int fd) {
  Verdict v;
  if (rules_.empty()) return v;
  const std::string_view fam = family_of(op);
  for (auto& [id, r] : rules_) {
    if (r.rule.fd && *r.rule.fd != fd) continue;
    if (const auto* c = std::get_if<fault::send_cap>(&r.rule.action)) {
      if (fam != "send") continue;
      if (c->bytes < v.cap) v.cap = c->bytes;
      v.fired.push_back({id, "send_cap " + std::to_string(c->bytes)});
    } else if (const auto* c = std::get_if<fault::recv_cap>(&r.rule.action)) {
      if (fam != "recv") continue;
      if (c->bytes < v.cap) v.cap = c->bytes;
      v.fired.push_back({id, "recv_cap " + std::to_string(c->bytes)});
    } else if (const auto* f = std::get_if<fault::fail_call>(&r.rule.action)) {
      if (fam != f->op) continue;
      const std::uint64_t n = ++r.calls[fd];
      if (n < f->nth || n - f->nth >= f->times) continue;
      if (v.error == 0) v.error = f->error;  // the oldest failing rule decides
      const std::string_view name = errno_name(f->error);
      const std::string err = name.empty() ? std::to_string(f->error) : std::string(name);
      v.fired.push_back({id, "fail_call " + f->op + " " + err});
    }
  }
  return v;
}

}  // namespace socksim::sim
