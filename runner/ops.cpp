// The op table: every function and method of the seed, and the runner's own ops.
#include "runner/ops.hpp"

#include <algorithm>
#include <set>

namespace socksim::runner {

namespace {

using K = ArgKind;
constexpr bool req = true;

OpSpec make(std::string_view name, Target target, Creates creates, std::vector<ArgSpec> args,
            std::vector<std::string_view> address_paths = {}) {
  OpSpec s;
  s.name = name;
  s.target = target;
  s.creates = creates;
  s.args = std::move(args);
  s.address_paths = std::move(address_paths);
  return s;
}

std::vector<OpSpec> make_table() {
  std::vector<OpSpec> t;
  auto add = [&](OpSpec spec) { t.push_back(std::move(spec)); };

  // ---- module functions that create sockets ----
  add(make("socket", Target::None, Creates::Socket, {{"family", K::Int}, {"type", K::Int}, {"proto", K::Int}}));
  add(make("socketpair", Target::None, Creates::SocketPair, {{"family", K::Int}, {"type", K::Int}, {"proto", K::Int}}));
  add(make("fromfd", Target::None, Creates::Socket,
       {{"fd", K::Int, req}, {"family", K::Int, req}, {"type", K::Int, req}, {"proto", K::Int}}));
  add(make("create_connection", Target::None, Creates::Socket,
       {{"address", K::Address, req}, {"timeout", K::Timeout}, {"source_address", K::OptAddress}}));

  // ---- resolution ----
  add(make("getaddrinfo", Target::None, Creates::None,
       {{"host", K::OptText, req},
        {"port", K::Port, req},
        {"family", K::Int},
        {"socktype", K::Int},
        {"proto", K::Int},
        {"flags", K::Int}},
       {"/*/4"}));
  {
    OpSpec s = make("getnameinfo", Target::None, Creates::None, {{"sockaddr", K::Address, req}, {"flags", K::Int, req}});
    s.service_at_1 = true;
    add(std::move(s));
  }
  add(make("gethostbyname", Target::None, Creates::None, {{"hostname", K::Text, req}}));
  add(make("gethostbyname_ex", Target::None, Creates::None, {{"hostname", K::Text, req}}));
  add(make("gethostbyaddr", Target::None, Creates::None, {{"ip_address", K::Text, req}}));
  add(make("getfqdn", Target::None, Creates::None, {{"name", K::Text}}));
  add(make("gethostname", Target::None, Creates::None, {}));
  add(make("getservbyname", Target::None, Creates::None, {{"servicename", K::Text, req}, {"protocolname", K::Text}}));
  add(make("getservbyport", Target::None, Creates::None, {{"port", K::Int, req}, {"protocolname", K::Text}}));
  add(make("getprotobyname", Target::None, Creates::None, {{"protocolname", K::Text, req}}));
  add(make("has_ipv6", Target::None, Creates::None, {}));

  // ---- default timeout ----
  add(make("getdefaulttimeout", Target::None, Creates::None, {}));
  add(make("setdefaulttimeout", Target::None, Creates::None, {{"timeout", K::Timeout, req}}));

  // ---- conversions ----
  add(make("inet_aton", Target::None, Creates::None, {{"ip_string", K::Text, req}}));
  add(make("inet_ntoa", Target::None, Creates::None, {{"packed_ip", K::Bytes, req}}));
  add(make("inet_pton", Target::None, Creates::None, {{"address_family", K::Int, req}, {"ip_string", K::Text, req}}));
  add(make("inet_ntop", Target::None, Creates::None, {{"address_family", K::Int, req}, {"packed_ip", K::Bytes, req}}));
  for (std::string_view name : {"htons", "ntohs", "htonl", "ntohl"})
    add(make(name, Target::None, Creates::None, {{"x", K::Int, req}}));

  // ---- the runner's own ops ----
  add(make("sleep", Target::None, Creates::None, {{"seconds", K::Number, req}}));
  add(make("select", Target::None, Creates::None,
       {{"rlist", K::SockList}, {"wlist", K::SockList}, {"xlist", K::SockList}, {"timeout", K::Timeout}}));
  add(make("unlink", Target::None, Creates::None, {{"path", K::Text, req}}));

  // ---- socket methods ----
  add(make("accept", Target::Socket, Creates::Socket, {}, {""}));
  add(make("bind", Target::Socket, Creates::None, {{"address", K::SockAddress, req}}));
  add(make("close", Target::Socket, Creates::None, {}));
  add(make("connect", Target::Socket, Creates::None, {{"address", K::SockAddress, req}}));
  add(make("connect_ex", Target::Socket, Creates::None, {{"address", K::SockAddress, req}}));
  {
    OpSpec s = make("fileno", Target::Socket, Creates::None, {});
    s.result_varies = true;
    add(std::move(s));
  }
  add(make("getpeername", Target::Socket, Creates::None, {}, {""}));
  add(make("getsockname", Target::Socket, Creates::None, {}, {""}));
  add(make("getsockopt", Target::Socket, Creates::None,
       {{"level", K::Int, req}, {"optname", K::Int, req}, {"buflen", K::Int}}));
  add(make("listen", Target::Socket, Creates::None, {{"backlog", K::Int}}));
  add(make("makefile", Target::Socket, Creates::File, {{"mode", K::Text}, {"bufsize", K::Int}}));
  add(make("recv", Target::Socket, Creates::None, {{"bufsize", K::Int, req}, {"flags", K::Int}}));
  add(make("recvfrom", Target::Socket, Creates::None, {{"bufsize", K::Int, req}, {"flags", K::Int}}, {"/1"}));
  {
    OpSpec s = make("recv_into", Target::Socket, Creates::None,
             {{"buffer", K::Int, req}, {"nbytes", K::Int}, {"flags", K::Int}});
    s.takes_data = true;
    add(std::move(s));
  }
  {
    OpSpec s = make("recvfrom_into", Target::Socket, Creates::None,
             {{"buffer", K::Int, req}, {"nbytes", K::Int}, {"flags", K::Int}}, {"/1"});
    s.takes_data = true;
    add(std::move(s));
  }
  add(make("send", Target::Socket, Creates::None, {{"string", K::Bytes, req}, {"flags", K::Int}}));
  add(make("sendall", Target::Socket, Creates::None, {{"string", K::Bytes, req}, {"flags", K::Int}}));
  add(make("sendto", Target::Socket, Creates::None,
       {{"string", K::Bytes, req}, {"flags", K::Int}, {"address", K::SockAddress, req}}));
  add(make("setblocking", Target::Socket, Creates::None, {{"flag", K::Flag, req}}));
  add(make("settimeout", Target::Socket, Creates::None, {{"value", K::Timeout, req}}));
  add(make("gettimeout", Target::Socket, Creates::None, {}));
  add(make("setsockopt", Target::Socket, Creates::None,
       {{"level", K::Int, req}, {"optname", K::Int, req}, {"value", K::OptValue, req}}));
  add(make("shutdown", Target::Socket, Creates::None, {{"how", K::Int, req}}));
  add(make("family", Target::Socket, Creates::None, {}));
  add(make("type", Target::Socket, Creates::None, {}));
  add(make("proto", Target::Socket, Creates::None, {}));

  // ---- makefile's file object ----
  add(make("read", Target::File, Creates::None, {{"size", K::Int}}));
  add(make("readline", Target::File, Creates::None, {{"size", K::Int}}));
  add(make("write", Target::File, Creates::None, {{"string", K::Bytes, req}}));
  add(make("flush", Target::File, Creates::None, {}));
  add(make("close", Target::File, Creates::None, {}));
  return t;
}

}  // namespace

const ArgSpec* OpSpec::arg(std::string_view arg_name) const {
  for (const auto& a : args)
    if (a.name == arg_name) return &a;
  return nullptr;
}

std::string OpSpec::arg_names() const {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ", ";
    out += a.name;
  }
  return out;
}

const std::vector<OpSpec>& all_ops() {
  static const std::vector<OpSpec> table = make_table();
  return table;
}

const OpSpec* find_op(std::string_view name, Target target) {
  for (const auto& op : all_ops())
    if (op.name == name && op.target == target) return &op;
  return nullptr;
}

bool op_exists(std::string_view name) {
  return std::any_of(all_ops().begin(), all_ops().end(), [&](const OpSpec& op) { return op.name == name; });
}

const std::vector<std::string>& op_names() {
  static const std::vector<std::string> names = [] {
    std::set<std::string> s;
    for (const auto& op : all_ops()) s.insert(std::string(op.name));
    return std::vector<std::string>(s.begin(), s.end());
  }();
  return names;
}

}  // namespace socksim::runner
