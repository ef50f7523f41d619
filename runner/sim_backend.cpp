// runner/sim_backend.cpp - registers the "sim" backend: a SimNetwork made from a scenario's
// `sim` section (documented in docs/scenarios.md, "The `sim` section").
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/backends.hpp"
#include "runner/json_source.hpp"
#include "runner/values.hpp"
#include "socksim/constants.hpp"
#include "socksim/sim.hpp"

namespace socksim::runner {
namespace {

using nlohmann::json;

// Reads the section into a Config; on the first bad value fills `err` (message and JSON pointer
// relative to the section) and returns false.
class SectionReader {
 public:
  explicit SectionReader(BackendError& err) : err_(err) {}

  bool fail(const std::string& pointer, const std::string& message) {
    err_.pointer = pointer;
    err_.message = message;
    return false;
  }

  bool object_keys(const json& j, const std::string& ptr, std::initializer_list<const char*> keys) {
    if (!j.is_object()) return fail(ptr, "must be an object");
    for (const auto& [k, v] : j.items()) {
      bool known = false;
      for (const char* key : keys) known = known || k == key;
      if (!known) return fail(pointer_append(ptr, k), "unknown key " + quote_word(k) + " in the sim section");
    }
    return true;
  }

  bool string(const json& j, const std::string& ptr, std::string& out) {
    if (!j.is_string()) return fail(ptr, "must be a string");
    out = j.get<std::string>();
    return true;
  }

  bool strings(const json& j, const std::string& ptr, std::vector<std::string>& out) {
    if (!j.is_array()) return fail(ptr, "must be an array of strings");
    out.clear();
    for (std::size_t i = 0; i < j.size(); ++i) {
      std::string s;
      if (!string(j[i], ptr + "/" + std::to_string(i), s)) return false;
      out.push_back(std::move(s));
    }
    return true;
  }

  bool seconds(const json& j, const std::string& ptr, std::chrono::nanoseconds& out) {
    if (!j.is_number() || j.get<double>() < 0) return fail(ptr, "must be a non-negative number of seconds");
    out = std::chrono::nanoseconds(static_cast<std::int64_t>(j.get<double>() * 1e9 + 0.5));
    return true;
  }

  bool integer(const json& j, const std::string& ptr, long long lo, long long hi, long long& out) {
    if (!j.is_number_integer() && !j.is_number_unsigned()) return fail(ptr, "must be an integer");
    const long long v = j.get<long long>();
    if (v < lo || v > hi) return fail(ptr, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    out = v;
    return true;
  }

 private:
  BackendError& err_;
};

// One entry of "faults": {"rule": "<text form>"} (every kind, its scope in the text), or
// {"fd": N (optional), and one of "send_cap": N, "recv_cap": N,
// "fail_call": {"op", "nth", "error", "times"}}.
bool read_fault(SectionReader& r, const json& j, const std::string& p, std::vector<FaultRule>& out) {
  if (!r.object_keys(j, p, {"fd", "send_cap", "recv_cap", "fail_call", "rule"})) return false;
  if (j.contains("rule")) {
    if (j.size() != 1) return r.fail(p, "\"rule\" stands alone: its scope is part of its text (\"... @fd 4\")");
    std::string text;
    if (!r.string(j["rule"], p + "/rule", text)) return false;
    try {
      out.push_back(parse_fault_rule(text));
    } catch (const std::invalid_argument& e) {
      return r.fail(p + "/rule", e.what());
    }
    return true;
  }
  const int actions = static_cast<int>(j.contains("send_cap")) + static_cast<int>(j.contains("recv_cap")) +
                      static_cast<int>(j.contains("fail_call"));
  if (actions != 1)
    return r.fail(p, "a fault needs exactly one of \"send_cap\", \"recv_cap\", \"fail_call\" and \"rule\"");
  FaultRule::Action action;
  long long n = 0;
  if (j.contains("send_cap")) {
    if (!r.integer(j["send_cap"], p + "/send_cap", 1, (1LL << 62), n)) return false;
    action = fault::send_cap{static_cast<std::size_t>(n)};
  } else if (j.contains("recv_cap")) {
    if (!r.integer(j["recv_cap"], p + "/recv_cap", 1, (1LL << 62), n)) return false;
    action = fault::recv_cap{static_cast<std::size_t>(n)};
  } else {
    const std::string q = p + "/fail_call";
    const json& f = j["fail_call"];
    if (!r.object_keys(f, q, {"op", "nth", "error", "times"})) return false;
    fault::fail_call call;
    if (!f.contains("op") || !f.contains("error")) return r.fail(q, "fail_call needs \"op\" and \"error\"");
    if (!r.string(f["op"], q + "/op", call.op)) return false;
    if (call.op != "send" && call.op != "recv" && call.op != "connect" && call.op != "accept")
      return r.fail(q + "/op", "must be \"send\", \"recv\", \"connect\" or \"accept\"");
    std::string name;
    if (!r.string(f["error"], q + "/error", name)) return false;
    const auto value = errno_value(name);
    if (!value || *value <= 0) return r.fail(q + "/error", "must be an errno name such as \"EINTR\"");
    call.error = *value;
    if (f.contains("nth")) {
      if (!r.integer(f["nth"], q + "/nth", 1, (1LL << 62), n)) return false;
      call.nth = static_cast<std::uint64_t>(n);
    }
    if (f.contains("times")) {
      if (!r.integer(f["times"], q + "/times", 1, (1LL << 62), n)) return false;
      call.times = static_cast<std::uint64_t>(n);
    }
    action = std::move(call);
  }
  if (j.contains("fd")) {
    if (!r.integer(j["fd"], p + "/fd", 0, 1 << 30, n)) return false;
    out.emplace_back(static_cast<int>(n), std::move(action));
  } else {
    out.emplace_back(std::move(action));
  }
  return true;
}

bool read_section(const json& sim, SimNetwork::Config& config, std::vector<FaultRule>& faults, BackendError& err) {
  SectionReader r(err);
  if (!r.object_keys(sim, "", {"seed", "hosts", "root_host", "dns", "links", "random_schedule", "faults"}))
    return false;
  if (auto it = sim.find("faults"); it != sim.end()) {
    if (!it->is_array()) return r.fail("/faults", "must be an array of faults");
    for (std::size_t i = 0; i < it->size(); ++i)
      if (!read_fault(r, (*it)[i], "/faults/" + std::to_string(i), faults)) return false;
  }
  if (auto it = sim.find("hosts"); it != sim.end()) {
    if (!it->is_array()) return r.fail("/hosts", "must be an array of hosts");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string p = "/hosts/" + std::to_string(i);
      const json& h = (*it)[i];
      if (!r.object_keys(h, p, {"name", "addresses", "aliases"})) return false;
      SimNetwork::HostConfig host;
      if (!h.contains("name")) return r.fail(p, "a host needs a \"name\"");
      if (!r.string(h["name"], p + "/name", host.name)) return false;
      if (host.name.empty()) return r.fail(p + "/name", "must not be empty");
      if (h.contains("addresses") && !r.strings(h["addresses"], p + "/addresses", host.addresses)) return false;
      if (h.contains("aliases") && !r.strings(h["aliases"], p + "/aliases", host.aliases)) return false;
      config.hosts.push_back(std::move(host));
    }
  }
  if (auto it = sim.find("root_host"); it != sim.end() && !r.string(*it, "/root_host", config.root_host)) return false;
  if (auto it = sim.find("random_schedule"); it != sim.end()) {
    if (!it->is_boolean()) return r.fail("/random_schedule", "must be true or false");
    config.random_schedule = it->get<bool>();
  }
  if (auto it = sim.find("dns"); it != sim.end()) {
    if (!r.object_keys(*it, "/dns", {"records", "services", "protocols"})) return false;
    if (auto rec = it->find("records"); rec != it->end()) {
      if (!rec->is_array()) return r.fail("/dns/records", "must be an array of records");
      for (std::size_t i = 0; i < rec->size(); ++i) {
        const std::string p = "/dns/records/" + std::to_string(i);
        const json& j = (*rec)[i];
        if (!r.object_keys(j, p, {"name", "ipv4", "ipv6", "aliases"})) return false;
        DnsRecord record;
        if (!j.contains("name")) return r.fail(p, "a record needs a \"name\"");
        if (!r.string(j["name"], p + "/name", record.name)) return false;
        if (j.contains("ipv4") && !r.strings(j["ipv4"], p + "/ipv4", record.ipv4)) return false;
        if (j.contains("ipv6") && !r.strings(j["ipv6"], p + "/ipv6", record.ipv6)) return false;
        if (j.contains("aliases") && !r.strings(j["aliases"], p + "/aliases", record.aliases)) return false;
        config.dns.records.push_back(std::move(record));
      }
    }
    if (auto svc = it->find("services"); svc != it->end()) {
      if (!svc->is_array()) return r.fail("/dns/services", "must be an array of services");
      for (std::size_t i = 0; i < svc->size(); ++i) {
        const std::string p = "/dns/services/" + std::to_string(i);
        const json& j = (*svc)[i];
        if (!r.object_keys(j, p, {"name", "port", "proto", "aliases"})) return false;
        ServiceEntry s;
        long long port = 0;
        if (!j.contains("name") || !j.contains("port") || !j.contains("proto"))
          return r.fail(p, "a service needs \"name\", \"port\" and \"proto\"");
        if (!r.string(j["name"], p + "/name", s.name) || !r.integer(j["port"], p + "/port", 0, 65535, port) ||
            !r.string(j["proto"], p + "/proto", s.proto))
          return false;
        s.port = static_cast<int>(port);
        if (j.contains("aliases") && !r.strings(j["aliases"], p + "/aliases", s.aliases)) return false;
        config.dns.services.push_back(std::move(s));
      }
    }
    if (auto pro = it->find("protocols"); pro != it->end()) {
      if (!pro->is_array()) return r.fail("/dns/protocols", "must be an array of protocols");
      for (std::size_t i = 0; i < pro->size(); ++i) {
        const std::string p = "/dns/protocols/" + std::to_string(i);
        const json& j = (*pro)[i];
        if (!r.object_keys(j, p, {"name", "number", "aliases"})) return false;
        ProtocolEntry e;
        long long number = 0;
        if (!j.contains("name") || !j.contains("number")) return r.fail(p, "a protocol needs \"name\" and \"number\"");
        if (!r.string(j["name"], p + "/name", e.name) || !r.integer(j["number"], p + "/number", 0, 255, number))
          return false;
        e.number = static_cast<int>(number);
        if (j.contains("aliases") && !r.strings(j["aliases"], p + "/aliases", e.aliases)) return false;
        config.dns.protocols.push_back(std::move(e));
      }
    }
  }
  if (auto it = sim.find("links"); it != sim.end()) {
    if (!it->is_array()) return r.fail("/links", "must be an array of links");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string p = "/links/" + std::to_string(i);
      const json& j = (*it)[i];
      if (!r.object_keys(j, p, {"from", "to", "latency", "jitter", "bandwidth"})) return false;
      SimNetwork::LinkConfig link;
      if (j.contains("from") && !r.string(j["from"], p + "/from", link.from)) return false;
      if (j.contains("to") && !r.string(j["to"], p + "/to", link.to)) return false;
      if (j.contains("latency") && !r.seconds(j["latency"], p + "/latency", link.latency)) return false;
      if (j.contains("jitter") && !r.seconds(j["jitter"], p + "/jitter", link.jitter)) return false;
      if (j.contains("bandwidth")) {
        long long bw = 0;
        if (!r.integer(j["bandwidth"], p + "/bandwidth", 0, (1LL << 62), bw)) return false;
        link.bandwidth = static_cast<std::uint64_t>(bw);
      }
      config.links.push_back(std::move(link));
    }
  }
  return true;
}

std::unique_ptr<Network> make_sim(const json& sim, std::uint64_t seed, const BackendOptions& options,
                                  BackendError& err) {
  SimNetwork::Config config;
  std::vector<FaultRule> faults;
  if (!read_section(sim, config, faults, err)) return nullptr;
  config.seed = seed;
  std::unique_ptr<SimNetwork> net;
  try {
    net = std::make_unique<SimNetwork>(std::move(config));
  } catch (const std::invalid_argument& e) {
    // Names and addresses that do not fit together (an unknown root_host, a link to an unknown
    // host, an address that is not numeric).
    err.pointer = "";
    err.message = e.what();
    return nullptr;
  }
  for (auto& rule : faults) net->add_fault(std::move(rule));
  if (!options.validating && !options.trace_path.empty()) {
    if (!net->set_trace_file(options.trace_path)) {
      err.pointer = "";
      err.message = "cannot write the trace to " + options.trace_path;
      return nullptr;
    }
  }
  return net;
}

const BackendRegistrar sim_registrar("sim", BackendFactoryWithOptions(make_sim), BackendTraits{false});

}  // namespace
}  // namespace socksim::runner
