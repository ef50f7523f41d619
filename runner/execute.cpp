// The op handlers: JSON arguments in, a call on the socksim interface, a typed result out.
#include "runner/execute.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <new>

#include "runner/values.hpp"
#include "socksim/constants.hpp"
#include "socksim/convert.hpp"
#include "socksim/errors.hpp"

namespace socksim::runner {

namespace {

// An argument the seed's function would refuse (TypeError, OverflowError): the step's outcome.
struct ArgFault {
  std::error_code code;
  std::string message;
};

// The runner will not make the call: the step fails with this message.
struct RunFailure {
  std::string message;
};

[[noreturn]] void type_fault(const char* name, const std::string& expected, const json& v) {
  throw ArgFault{make_error_code(errc::type_error),
                 std::string("args.") + name + ": expected " + expected + ", got " + type_words(v)};
}
[[noreturn]] void overflow_fault(const char* name, const std::string& what) {
  throw ArgFault{make_error_code(errc::overflow_error), std::string("args.") + name + ": " + what};
}

const json* find(const json& args, const char* name) {
  auto it = args.find(name);
  return it == args.end() ? nullptr : &*it;
}

long long int_of(const json& v, const char* name) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(LLONG_MAX))
    overflow_fault(name, "integer too large");
  std::string unknown;
  if (auto x = int_value(v, &unknown)) return *x;
  if (!unknown.empty()) type_fault(name, "an integer (" + quote_word(unknown) + " is not a constant)", v);
  type_fault(name, "an integer or a constant name", v);
}

long long int_arg(const json& args, const char* name, long long fallback) {
  const json* v = find(args, name);
  return v ? int_of(*v, name) : fallback;
}

// A C int argument: outside int's range is an OverflowError, as CPython's "i" format gives.
int c_int_arg(const json& args, const char* name, int fallback) {
  const json* v = find(args, name);
  if (!v) return fallback;
  const long long x = int_of(*v, name);
  if (x < INT_MIN || x > INT_MAX) overflow_fault(name, "signed integer out of range");
  return static_cast<int>(x);
}

Seconds timeout_of(const json& v, const char* name) {
  if (v.is_null()) return std::nullopt;
  if (v.is_number()) return v.get<double>();
  type_fault(name, "seconds (a number) or null", v);
}

std::string bytes_arg(const json& args, const char* name) {
  const json* v = find(args, name);
  if (!v) throw ArgFault{make_error_code(errc::type_error), std::string("missing args.") + name};
  std::string error;
  if (auto b = bytes_of(*v, &error)) return *b;
  if (!error.empty()) throw RunFailure{std::string("args.") + name + ": " + error};
  type_fault(name, "bytes", *v);
}

std::string text_arg(const json& args, const char* name, const std::string& fallback) {
  const json* v = find(args, name);
  if (!v) return fallback;
  if (auto b = bytes_of(*v)) return *b;
  type_fault(name, "a string", *v);
}

std::string required_text(const json& args, const char* name) {
  if (!find(args, name)) throw ArgFault{make_error_code(errc::type_error), std::string("missing args.") + name};
  return text_arg(args, name, "");
}

Outcome null_result() { return Outcome::of_value(nullptr); }
json seconds_value(Seconds s) { return s ? json(*s) : json(nullptr); }

json host_entry_value(const HostEntry& e) {
  json aliases = json::array();
  for (const auto& a : e.aliaslist) aliases.push_back(text_value(a));
  json ips = json::array();
  for (const auto& a : e.ipaddrlist) ips.push_back(text_value(a));
  return json::array({text_value(e.hostname), aliases, ips});
}

// Builds an Address from [host, port], [host, port, flowinfo], [host, port, flowinfo, scope_id]
// or a path; the socket's family settles the rest in the backend (check_address).
Address address_of(const json& v, const char* name) {
  if (auto path = v.is_string() || v.is_binary() ? bytes_of(v) : std::nullopt) return Address::unix_path(*path);
  if (!v.is_array() || v.size() < 2 || v.size() > 4)
    type_fault(name, "an address ([host, port], [host, port, flowinfo, scope_id] or a path)", v);
  auto host = bytes_of(v[0]);
  if (!host || v[0].is_object()) type_fault(name, "a host string as the address's first element", v[0]);
  if (!v[1].is_number_integer()) type_fault(name, "an integer port as the address's second element", v[1]);
  long long port = 0;
  if (v[1].is_number_unsigned() && v[1].get<std::uint64_t>() > static_cast<std::uint64_t>(INT_MAX))
    overflow_fault(name, "port must be 0-65535");
  port = v[1].get<std::int64_t>();
  if (port < INT_MIN || port > INT_MAX) overflow_fault(name, "port must be 0-65535");
  if (v.size() == 2) return Address::inet(*host, static_cast<int>(port));
  std::uint32_t extra[2] = {0, 0};
  for (std::size_t k = 2; k < v.size(); ++k) {
    if (!v[k].is_number_integer()) type_fault(name, "an integer", v[k]);
    if (v[k].is_number_unsigned() ? v[k].get<std::uint64_t>() > UINT32_MAX : v[k].get<std::int64_t>() < 0)
      overflow_fault(name, k == 2 ? "flowinfo must be 0-1048575" : "scope_id out of range");
    extra[k - 2] = static_cast<std::uint32_t>(v[k].get<std::uint64_t>());
  }
  return Address::inet6(*host, static_cast<int>(port), extra[0], extra[1]);
}

bool numeric_v4(const std::string& host, unsigned char out[4]) {
  std::error_code ec;
  const std::string packed = socksim::inet_pton(AF_INET, host, ec);
  if (ec || packed.size() != 4) return false;
  std::copy(packed.begin(), packed.end(), out);
  return true;
}

// 127.0.0.0/8, 0.0.0.0 (this host), ::1, ::, and their v4-mapped forms.
bool loopback_numeric(const std::string& host_in, bool& numeric) {
  std::string host = host_in;
  if (auto pct = host.find('%'); pct != std::string::npos) host.erase(pct);
  unsigned char v4[4];
  numeric = true;
  if (numeric_v4(host, v4)) return v4[0] == 127 || (v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && v4[3] == 0);
  std::error_code ec;
  const std::string p = socksim::inet_pton(AF_INET6, host, ec);
  if (!ec && p.size() == 16) {
    const bool high_zero = std::all_of(p.begin(), p.begin() + 10, [](char c) { return c == 0; });
    const bool all_zero_12 = high_zero && p[10] == 0 && p[11] == 0;
    if (all_zero_12 && std::all_of(p.begin() + 12, p.begin() + 15, [](char c) { return c == 0; }) &&
        (p[15] == 0 || p[15] == 1))
      return true;  // :: or ::1
    if (high_zero && static_cast<unsigned char>(p[10]) == 0xff && static_cast<unsigned char>(p[11]) == 0xff) {
      const unsigned char a = static_cast<unsigned char>(p[12]);
      return a == 127 || (a == 0 && p[13] == 0 && p[14] == 0 && p[15] == 0);
    }
    return false;
  }
  numeric = false;
  return false;
}

bool is_broadcast(const std::string& host) {
  unsigned char v4[4];
  return host == "<broadcast>" || (numeric_v4(host, v4) && v4[0] == 255 && v4[1] == 255 && v4[2] == 255 && v4[3] == 255);
}

}  // namespace

// ---- outcomes -----------------------------------------------------------------------------------

Outcome Outcome::of_error(const std::error_code& ec, const std::string& context) {
  Outcome o;
  o.kind = Kind::Error;
  o.code = ec;
  o.error = socksim::error_name(ec);
  o.message = context.empty() ? ec.message() : context + ": " + ec.message();
  return o;
}

json Outcome::describe() const {
  switch (kind) {
    case Kind::Value: return json{{"value", render(value)}};
    case Kind::Error: return json{{"error", error}, {"message", message}};
    case Kind::Failure: return json{{"failure", message}};
  }
  return nullptr;
}

json address_value(const Address& a) {
  switch (a.family()) {
    case AF_INET: return json::array({text_value(a.host()), a.port()});
    case AF_INET6: return json::array({text_value(a.host()), a.port(), a.flowinfo(), a.scope_id()});
    case AF_UNIX: return text_value(a.path());
    default: return nullptr;
  }
}

// ---- the run ------------------------------------------------------------------------------------

RunContext::RunContext(Network& n, const Scenario& sc, const RunOptions& opts) : net(n), scenario(sc), options(opts) {}

const std::map<std::string, RunContext::Handler>& RunContext::handlers() {
  static const std::map<std::string, Handler> table = {
      {"socket", &RunContext::op_socket},
      {"socketpair", &RunContext::op_socketpair},
      {"fromfd", &RunContext::op_fromfd},
      {"create_connection", &RunContext::op_create_connection},
      {"getaddrinfo", &RunContext::op_getaddrinfo},
      {"getnameinfo", &RunContext::op_getnameinfo},
      {"gethostbyname", &RunContext::op_gethostbyname},
      {"gethostbyname_ex", &RunContext::op_gethostbyname_ex},
      {"gethostbyaddr", &RunContext::op_gethostbyaddr},
      {"getfqdn", &RunContext::op_getfqdn},
      {"gethostname", &RunContext::op_gethostname},
      {"getservbyname", &RunContext::op_getservbyname},
      {"getservbyport", &RunContext::op_getservbyport},
      {"getprotobyname", &RunContext::op_getprotobyname},
      {"has_ipv6", &RunContext::op_has_ipv6},
      {"getdefaulttimeout", &RunContext::op_getdefaulttimeout},
      {"setdefaulttimeout", &RunContext::op_setdefaulttimeout},
      {"inet_aton", &RunContext::op_inet_aton},
      {"inet_ntoa", &RunContext::op_inet_ntoa},
      {"inet_pton", &RunContext::op_inet_pton},
      {"inet_ntop", &RunContext::op_inet_ntop},
      {"htons", &RunContext::op_byte_order},
      {"ntohs", &RunContext::op_byte_order},
      {"htonl", &RunContext::op_byte_order},
      {"ntohl", &RunContext::op_byte_order},
      {"sleep", &RunContext::op_sleep},
      {"select", &RunContext::op_select},
      {"unlink", &RunContext::op_unlink},
      {"accept", &RunContext::op_accept},
      {"bind", &RunContext::op_bind},
      {"close", &RunContext::op_close},
      {"connect", &RunContext::op_connect},
      {"connect_ex", &RunContext::op_connect_ex},
      {"fileno", &RunContext::op_fileno},
      {"getpeername", &RunContext::op_getpeername},
      {"getsockname", &RunContext::op_getsockname},
      {"getsockopt", &RunContext::op_getsockopt},
      {"listen", &RunContext::op_listen},
      {"makefile", &RunContext::op_makefile},
      {"recv", &RunContext::op_recv},
      {"recvfrom", &RunContext::op_recvfrom},
      {"recv_into", &RunContext::op_recv_into},
      {"recvfrom_into", &RunContext::op_recvfrom_into},
      {"send", &RunContext::op_send},
      {"sendall", &RunContext::op_sendall},
      {"sendto", &RunContext::op_sendto},
      {"setblocking", &RunContext::op_setblocking},
      {"settimeout", &RunContext::op_settimeout},
      {"gettimeout", &RunContext::op_gettimeout},
      {"setsockopt", &RunContext::op_setsockopt},
      {"shutdown", &RunContext::op_shutdown},
      {"family", &RunContext::op_family},
      {"type", &RunContext::op_type},
      {"proto", &RunContext::op_proto},
      {"file.read", &RunContext::op_file_read},
      {"file.readline", &RunContext::op_file_readline},
      {"file.write", &RunContext::op_file_write},
      {"file.flush", &RunContext::op_file_flush},
      {"file.close", &RunContext::op_file_close},
  };
  return table;
}

Outcome RunContext::execute(const Step& step, const json& args) {
  try {
    const std::string key = (step.spec && step.spec->target == Target::File ? "file." : "") + step.op;
    auto it = handlers().find(key);
    if (it == handlers().end()) return Outcome::of_failure("internal error: no handler for op \"" + step.op + "\"");
    return (this->*(it->second))(step, args);
  } catch (const ArgFault& f) {
    Outcome o = Outcome::of_error(f.code, step.op);
    o.message = step.op + ": " + f.message;
    return o;
  } catch (const RunFailure& f) {
    return Outcome::of_failure(f.message);
  } catch (const socksim::Error& e) {
    Outcome o = Outcome::of_error(e.code(), step.op);
    o.message = e.what();  // already "<op>: <reason>"
    return o;
  } catch (const socksim::ValueError& e) {
    Outcome o = Outcome::of_error(make_error_code(errc::value_error), step.op);
    o.message = e.what();
    return o;
  } catch (const socksim::OverflowError& e) {
    Outcome o = Outcome::of_error(make_error_code(errc::overflow_error), step.op);
    o.message = e.what();
    return o;
  } catch (const socksim::TypeError& e) {
    Outcome o = Outcome::of_error(make_error_code(errc::type_error), step.op);
    o.message = e.what();
    return o;
  } catch (const std::bad_alloc&) {
    return Outcome::of_failure("out of memory running " + step.op);
  } catch (const std::exception& e) {
    return Outcome::of_failure(std::string("internal error in ") + step.op + ": " + e.what());
  } catch (...) {
    return Outcome::of_failure("internal error in " + step.op + ": unknown exception");
  }
}

void RunContext::close_all() noexcept {
  // Non-blocking first, so that flushing a file on its way out cannot wait on a full buffer.
  for (auto& f : all_files_) {
    if (auto s = f.socket.lock()) s->settimeout(Seconds(0.0));
  }
  for (auto& s : all_sockets_) {
    if (s && s->is_open()) s->impl()->settimeout(Seconds(0.0));
  }
  files_.clear();
  for (auto& f : all_files_) {
    try {
      f.file.reset();
    } catch (...) {
    }
  }
  all_files_.clear();
  sockets_.clear();
  for (auto& s : all_sockets_)
    if (s) s->close();
  all_sockets_.clear();
}

Socket& RunContext::sock(const Step& step) {
  auto it = sockets_.find(step.sock);
  if (it == sockets_.end())
    throw RunFailure{"socket " + quote_word(step.sock) + " does not exist: the step that creates it failed or did not run"};
  return *it->second;
}

SocketFile& RunContext::file(const Step& step) {
  auto it = files_.find(step.file);
  if (it == files_.end())
    throw RunFailure{"file object " + quote_word(step.file) + " does not exist: the makefile step that creates it failed"};
  return *it->second;
}

void RunContext::add_socket(const std::string& name, Socket socket) {
  auto p = std::make_shared<Socket>(std::move(socket));
  all_sockets_.push_back(p);
  if (!name.empty()) sockets_[name] = p;
}

// ---- untrusted-input guards ----------------------------------------------------------------------

bool RunContext::loopback_host(const std::string& host, int family) {
  if (host.empty()) return true;  // INADDR_ANY / in6addr_any: this host
  bool numeric = false;
  if (loopback_numeric(host, numeric)) return true;
  if (numeric) return false;
  std::error_code ec;
  auto results = net.getaddrinfo(OptString(host), std::nullopt, family == AF_INET || family == AF_INET6 ? family : AF_UNSPEC,
                                 0, 0, 0, ec);
  if (ec) return true;  // the call will fail to resolve it the same way
  for (const auto& r : results) {
    bool n = false;
    if (!loopback_numeric(r.sockaddr.host(), n)) return false;
  }
  return true;
}

void RunContext::check_destination(const Address& address, Socket* socket) {
  if (address.family() == AF_UNIX) {
    // A path handed to an inet socket is refused by the backend (a type error), touching nothing.
    if (!socket || socket->family() == AF_UNIX) check_path(address.path(), false);
    return;
  }
  if (!options.loopback_only) return;
  if (address.family() != AF_INET && address.family() != AF_INET6) return;
  const std::string& host = address.host();
  if (is_broadcast(host)) {
    // Without SO_BROADCAST the system refuses the datagram (EACCES) and nothing leaves.
    std::error_code ec;
    const int on = socket ? socket->getsockopt(SOL_SOCKET, SO_BROADCAST, ec) : 1;
    if (ec || on == 0) return;
    throw RunFailure{"refused by the runner: a broadcast with SO_BROADCAST set would leave this machine "
                     "(scenarios reach only loopback addresses unless --allow-network is given)"};
  }
  const int family = socket ? socket->family() : address.family();
  if (!loopback_host(host, family))
    throw RunFailure{"refused by the runner: \"" + host +
                     "\" is not a loopback address (scenarios reach only 127.0.0.0/8 and ::1 unless "
                     "--allow-network is given)"};
}

void RunContext::check_path(const std::string& path, bool unlink) {
  if (!options.confine) return;
  if (!unlink && (path.empty() || path[0] == '\0')) return;  // autobind, abstract names
  namespace fs = std::filesystem;
  const std::string& tmp = vars.tmpdir;
  const std::string refusal = "refused by the runner: the path \"" + path +
                              "\" lies outside $tmpdir (scenarios may only use paths under \"$tmpdir/\")";
  if (tmp.empty() || path.find('\0') != std::string::npos) throw RunFailure{refusal};
  const fs::path p = fs::path(path).lexically_normal();
  if (!p.is_absolute()) throw RunFailure{refusal};
  for (const auto& part : p)
    if (part == "..") throw RunFailure{refusal};
  const std::string s = p.string();
  const std::string prefix = fs::path(tmp).lexically_normal().string() + "/";
  if (s.size() <= prefix.size() || s.compare(0, prefix.size(), prefix) != 0) throw RunFailure{refusal};
}

void RunContext::check_fd(int fd) {
  if (!options.confine || fd < 0) return;
  for (const auto& s : all_sockets_)
    if (s && s->is_open() && s->fileno() == fd) return;
  throw RunFailure{"refused by the runner: fd " + std::to_string(fd) +
                   " is not an open socket of this scenario (fromfd takes a fileno saved from one)"};
}

Address RunContext::sock_address(const json& v, const char* name) { return address_of(v, name); }
Address RunContext::module_address(const json& v, const char* name) { return address_of(v, name); }

// ---- module functions ---------------------------------------------------------------------------

Outcome RunContext::op_socket(const Step& st, const json& a) {
  const int family = c_int_arg(a, "family", AF_INET);
  const int type = c_int_arg(a, "type", SOCK_STREAM);
  const int proto = c_int_arg(a, "proto", 0);
  std::error_code ec;
  Socket s = net.socket(family, type, proto, ec);
  if (ec) return Outcome::of_error(ec, "socket");
  add_socket(st.as.empty() ? "" : st.as[0], std::move(s));
  return null_result();
}

Outcome RunContext::op_socketpair(const Step& st, const json& a) {
  const int family = c_int_arg(a, "family", AF_UNIX);
  const int type = c_int_arg(a, "type", SOCK_STREAM);
  const int proto = c_int_arg(a, "proto", 0);
  std::error_code ec;
  auto [x, y] = net.socketpair(family, type, proto, ec);
  if (ec) return Outcome::of_error(ec, "socketpair");
  add_socket(st.as.size() > 0 ? st.as[0] : "", std::move(x));
  add_socket(st.as.size() > 1 ? st.as[1] : "", std::move(y));
  return null_result();
}

Outcome RunContext::op_fromfd(const Step& st, const json& a) {
  if (!find(a, "fd") || !find(a, "family") || !find(a, "type"))
    throw ArgFault{make_error_code(errc::type_error), "fromfd takes fd, family and type"};
  const int fd = c_int_arg(a, "fd", -1);
  const int family = c_int_arg(a, "family", 0);
  const int type = c_int_arg(a, "type", 0);
  const int proto = c_int_arg(a, "proto", 0);
  check_fd(fd);
  std::error_code ec;
  Socket s = net.fromfd(fd, family, type, proto, ec);
  if (ec) return Outcome::of_error(ec, "fromfd");
  add_socket(st.as.empty() ? "" : st.as[0], std::move(s));
  return null_result();
}

Outcome RunContext::op_create_connection(const Step& st, const json& a) {
  const json* addr_json = find(a, "address");
  if (!addr_json) throw ArgFault{make_error_code(errc::type_error), "missing args.address"};
  const Address address = module_address(*addr_json, "address");
  TimeoutArg timeout = global_default_timeout;
  if (const json* t = find(a, "timeout")) timeout = timeout_of(*t, "timeout");
  std::optional<Address> source;
  if (const json* s = find(a, "source_address"); s && !s->is_null()) source = module_address(*s, "source_address");
  if (address.family() == AF_INET || address.family() == AF_INET6) check_destination(address, nullptr);
  std::error_code ec;
  Socket s = net.create_connection(address, timeout, source, ec);
  if (ec) return Outcome::of_error(ec, "create_connection");
  add_socket(st.as.empty() ? "" : st.as[0], std::move(s));
  return null_result();
}

Outcome RunContext::op_getaddrinfo(const Step&, const json& a) {
  OptString host;
  if (const json* h = find(a, "host"); h && !h->is_null()) {
    auto b = h->is_object() && !is_bytes_form(*h) ? std::nullopt : bytes_of(*h);
    if (!b) type_fault("host", "a string or null", *h);
    host = *b;
  }
  OptString port;
  if (const json* p = find(a, "port"); p && !p->is_null()) {
    if (p->is_number_integer()) {
      if (p->is_number_unsigned() && p->get<std::uint64_t>() > static_cast<std::uint64_t>(LLONG_MAX))
        overflow_fault("port", "Python int too large to convert to C long");
      port = std::to_string(p->get<std::int64_t>());
    } else if (auto b = p->is_string() || p->is_binary() ? bytes_of(*p) : std::nullopt) {
      port = *b;
    } else {
      type_fault("port", "an integer, a string or null", *p);
    }
  }
  const int family = c_int_arg(a, "family", 0);
  const int socktype = c_int_arg(a, "socktype", 0);
  const int proto = c_int_arg(a, "proto", 0);
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  auto results = net.getaddrinfo(host, port, family, socktype, proto, flags, ec);
  if (ec) return Outcome::of_error(ec, "getaddrinfo");
  json out = json::array();
  for (const auto& r : results)
    out.push_back(json::array({r.family, r.socktype, r.proto, text_value(r.canonname), address_value(r.sockaddr)}));
  return Outcome::of_value(std::move(out));
}

Outcome RunContext::op_getnameinfo(const Step&, const json& a) {
  const json* s = find(a, "sockaddr");
  if (!s) throw ArgFault{make_error_code(errc::type_error), "missing args.sockaddr"};
  if (!s->is_array()) type_fault("sockaddr", "a tuple [host, port] or [host, port, flowinfo, scope_id]", *s);
  const Address address = module_address(*s, "sockaddr");
  if (!find(a, "flags")) throw ArgFault{make_error_code(errc::type_error), "missing args.flags"};
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  auto [host, service] = net.getnameinfo(address, flags, ec);
  if (ec) return Outcome::of_error(ec, "getnameinfo");
  return Outcome::of_value(json::array({text_value(host), text_value(service)}));
}

Outcome RunContext::op_gethostbyname(const Step&, const json& a) {
  std::error_code ec;
  auto r = net.gethostbyname(required_text(a, "hostname"), ec);
  if (ec) return Outcome::of_error(ec, "gethostbyname");
  return Outcome::of_value(text_value(r));
}

Outcome RunContext::op_gethostbyname_ex(const Step&, const json& a) {
  std::error_code ec;
  auto r = net.gethostbyname_ex(required_text(a, "hostname"), ec);
  if (ec) return Outcome::of_error(ec, "gethostbyname_ex");
  return Outcome::of_value(host_entry_value(r));
}

Outcome RunContext::op_gethostbyaddr(const Step&, const json& a) {
  std::error_code ec;
  auto r = net.gethostbyaddr(required_text(a, "ip_address"), ec);
  if (ec) return Outcome::of_error(ec, "gethostbyaddr");
  return Outcome::of_value(host_entry_value(r));
}

Outcome RunContext::op_getfqdn(const Step&, const json& a) {
  return Outcome::of_value(text_value(net.getfqdn(text_arg(a, "name", ""))));
}

Outcome RunContext::op_gethostname(const Step&, const json&) {
  std::error_code ec;
  auto r = net.gethostname(ec);
  if (ec) return Outcome::of_error(ec, "gethostname");
  return Outcome::of_value(text_value(r));
}

Outcome RunContext::op_getservbyname(const Step&, const json& a) {
  std::error_code ec;
  const int port = net.getservbyname(required_text(a, "servicename"), text_arg(a, "protocolname", ""), ec);
  if (ec) return Outcome::of_error(ec, "getservbyname");
  return Outcome::of_value(port);
}

Outcome RunContext::op_getservbyport(const Step&, const json& a) {
  if (!find(a, "port")) throw ArgFault{make_error_code(errc::type_error), "missing args.port"};
  const long long port = int_arg(a, "port", 0);
  std::error_code ec;
  auto r = net.getservbyport(port, text_arg(a, "protocolname", ""), ec);
  if (ec) return Outcome::of_error(ec, "getservbyport");
  return Outcome::of_value(text_value(r));
}

Outcome RunContext::op_getprotobyname(const Step&, const json& a) {
  std::error_code ec;
  const int p = net.getprotobyname(required_text(a, "protocolname"), ec);
  if (ec) return Outcome::of_error(ec, "getprotobyname");
  return Outcome::of_value(p);
}

Outcome RunContext::op_has_ipv6(const Step&, const json&) { return Outcome::of_value(net.has_ipv6()); }

Outcome RunContext::op_getdefaulttimeout(const Step&, const json&) {
  return Outcome::of_value(seconds_value(net.getdefaulttimeout()));
}

Outcome RunContext::op_setdefaulttimeout(const Step&, const json& a) {
  const json* t = find(a, "timeout");
  if (!t) throw ArgFault{make_error_code(errc::type_error), "missing args.timeout"};
  std::error_code ec;
  net.setdefaulttimeout(timeout_of(*t, "timeout"), ec);
  if (ec) return Outcome::of_error(ec, "setdefaulttimeout");
  return null_result();
}

Outcome RunContext::op_inet_aton(const Step&, const json& a) {
  std::error_code ec;
  auto r = socksim::inet_aton(required_text(a, "ip_string"), ec);
  if (ec) return Outcome::of_error(ec, "inet_aton");
  return Outcome::of_value(make_bytes(r));
}

Outcome RunContext::op_inet_ntoa(const Step&, const json& a) {
  std::error_code ec;
  auto r = socksim::inet_ntoa(bytes_arg(a, "packed_ip"), ec);
  if (ec) return Outcome::of_error(ec, "inet_ntoa");
  return Outcome::of_value(text_value(r));
}

Outcome RunContext::op_inet_pton(const Step&, const json& a) {
  if (!find(a, "address_family")) throw ArgFault{make_error_code(errc::type_error), "missing args.address_family"};
  const int family = c_int_arg(a, "address_family", 0);
  std::error_code ec;
  auto r = socksim::inet_pton(family, required_text(a, "ip_string"), ec);
  if (ec) return Outcome::of_error(ec, "inet_pton");
  return Outcome::of_value(make_bytes(r));
}

Outcome RunContext::op_inet_ntop(const Step&, const json& a) {
  if (!find(a, "address_family")) throw ArgFault{make_error_code(errc::type_error), "missing args.address_family"};
  const int family = c_int_arg(a, "address_family", 0);
  std::error_code ec;
  auto r = socksim::inet_ntop(family, bytes_arg(a, "packed_ip"), ec);
  if (ec) return Outcome::of_error(ec, "inet_ntop");
  return Outcome::of_value(text_value(r));
}

Outcome RunContext::op_byte_order(const Step& st, const json& a) {
  const json* x = find(a, "x");
  if (!x) throw ArgFault{make_error_code(errc::type_error), "missing args.x"};
  if (!x->is_number_integer() && !x->is_boolean() && !x->is_string() && !x->is_array())
    type_fault("x", "an integer", *x);
  const long long v = int_of(*x, "x");
  std::error_code ec;
  long long r = 0;
  if (st.op == "htons") r = socksim::htons(v, ec);
  else if (st.op == "ntohs") r = socksim::ntohs(v, ec);
  else if (st.op == "htonl") r = socksim::htonl(v, ec);
  else r = socksim::ntohl(v, ec);
  if (ec) return Outcome::of_error(ec, st.op);
  return Outcome::of_value(r);
}

Outcome RunContext::op_sleep(const Step&, const json& a) {
  const json* s = find(a, "seconds");
  if (!s) throw ArgFault{make_error_code(errc::type_error), "missing args.seconds"};
  if (!s->is_number()) type_fault("seconds", "a number", *s);
  net.sleep(s->get<double>());  // throws on failure (a cancelled network, a negative length)
  return null_result();
}

Outcome RunContext::op_select(const Step&, const json& a) {
  std::vector<Socket*> lists[3];
  std::map<Socket*, std::string> names;
  const char* keys[3] = {"rlist", "wlist", "xlist"};
  for (int k = 0; k < 3; ++k) {
    const json* l = find(a, keys[k]);
    if (!l) continue;
    if (!l->is_array()) type_fault(keys[k], "an array of socket names", *l);
    for (const auto& n : *l) {
      if (!n.is_string()) type_fault(keys[k], "socket names", n);
      auto it = sockets_.find(n.get<std::string>());
      if (it == sockets_.end())
        throw RunFailure{"select: socket " + quote_word(n.get<std::string>()) + " does not exist: the step that creates it failed"};
      lists[k].push_back(it->second.get());
      names[it->second.get()] = n.get<std::string>();
    }
  }
  Seconds timeout;
  if (const json* t = find(a, "timeout")) timeout = timeout_of(*t, "timeout");
  std::error_code ec;
  auto r = net.select(lists[0], lists[1], lists[2], timeout, ec);
  if (ec) return Outcome::of_error(ec, "select");
  auto named = [&](const std::vector<Socket*>& v) {
    json out = json::array();
    for (Socket* s : v) out.push_back(names[s]);
    return out;
  };
  return Outcome::of_value(json::array({named(r.readable), named(r.writable), named(r.exceptional)}));
}

Outcome RunContext::op_unlink(const Step&, const json& a) {
  const std::string path = required_text(a, "path");
  check_path(path, true);
  std::error_code ec;
  net.unlink(path, ec);
  if (ec) return Outcome::of_error(ec, "unlink");
  return null_result();
}

// ---- socket methods -----------------------------------------------------------------------------

Outcome RunContext::op_accept(const Step& st, const json&) {
  std::error_code ec;
  auto [conn, peer] = sock(st).accept(ec);
  if (ec) return Outcome::of_error(ec, "accept");
  add_socket(st.as.empty() ? "" : st.as[0], std::move(conn));
  return Outcome::of_value(address_value(peer));
}

namespace {
const json& required(const json& a, const char* name) {
  const json* v = find(a, name);
  if (!v) throw ArgFault{make_error_code(errc::type_error), std::string("missing args.") + name};
  return *v;
}
}  // namespace

Outcome RunContext::op_bind(const Step& st, const json& a) {
  Socket& s = sock(st);
  const Address address = sock_address(required(a, "address"), "address");
  if (address.family() == AF_UNIX && s.family() == AF_UNIX) check_path(address.path(), false);
  std::error_code ec;
  s.bind(address, ec);
  if (ec) return Outcome::of_error(ec, "bind");
  return null_result();
}

Outcome RunContext::op_close(const Step& st, const json&) {
  sock(st).close();
  return null_result();
}

Outcome RunContext::op_connect(const Step& st, const json& a) {
  Socket& s = sock(st);
  const Address address = sock_address(required(a, "address"), "address");
  check_destination(address, &s);
  std::error_code ec;
  s.connect(address, ec);
  if (ec) return Outcome::of_error(ec, "connect");
  return null_result();
}

Outcome RunContext::op_connect_ex(const Step& st, const json& a) {
  Socket& s = sock(st);
  const Address address = sock_address(required(a, "address"), "address");
  check_destination(address, &s);
  std::error_code ec;
  const int r = s.connect_ex(address, ec);
  if (ec) return Outcome::of_error(ec, "connect_ex");
  return Outcome::of_value(r);
}

Outcome RunContext::op_fileno(const Step& st, const json&) { return Outcome::of_value(sock(st).fileno()); }

Outcome RunContext::op_getpeername(const Step& st, const json&) {
  std::error_code ec;
  auto r = sock(st).getpeername(ec);
  if (ec) return Outcome::of_error(ec, "getpeername");
  return Outcome::of_value(address_value(r));
}

Outcome RunContext::op_getsockname(const Step& st, const json&) {
  std::error_code ec;
  auto r = sock(st).getsockname(ec);
  if (ec) return Outcome::of_error(ec, "getsockname");
  return Outcome::of_value(address_value(r));
}

Outcome RunContext::op_getsockopt(const Step& st, const json& a) {
  Socket& s = sock(st);
  required(a, "level");
  required(a, "optname");
  const int level = c_int_arg(a, "level", 0);
  const int optname = c_int_arg(a, "optname", 0);
  const int buflen = c_int_arg(a, "buflen", 0);
  std::error_code ec;
  if (buflen == 0) {
    const int v = s.getsockopt(level, optname, ec);
    if (ec) return Outcome::of_error(ec, "getsockopt");
    return Outcome::of_value(v);
  }
  if (buflen < 0) return Outcome::of_error(errno_code(EINVAL), "getsockopt buflen out of range");
  auto v = s.getsockopt(level, optname, static_cast<std::size_t>(buflen), ec);
  if (ec) return Outcome::of_error(ec, "getsockopt");
  return Outcome::of_value(make_bytes(v));
}

Outcome RunContext::op_listen(const Step& st, const json& a) {
  Socket& s = sock(st);
  // The seed requires backlog; when left out, Python 3's default min(SOMAXCONN, 128) is used.
  const int backlog = c_int_arg(a, "backlog", 128);
  std::error_code ec;
  s.listen(backlog, ec);
  if (ec) return Outcome::of_error(ec, "listen");
  return null_result();
}

Outcome RunContext::op_makefile(const Step& st, const json& a) {
  Socket& s = sock(st);
  const std::string mode = text_arg(a, "mode", "r");
  const int bufsize = c_int_arg(a, "bufsize", -1);
  if (bufsize > static_cast<long long>(kMaxPayload))
    throw RunFailure{"makefile: bufsize " + std::to_string(bufsize) + " exceeds the runner's limit of " +
                     std::to_string(kMaxPayload) + " bytes"};
  std::error_code ec;
  auto f = s.makefile(mode, bufsize, ec);
  if (ec) return Outcome::of_error(ec, "makefile");
  std::shared_ptr<SocketFile> shared(std::move(f));
  all_files_.push_back({shared, s.impl()});
  if (!st.as.empty()) files_[st.as[0]] = shared;
  return null_result();
}

namespace {
long long size_arg(const json& a, const char* name, const char* op) {
  const long long n = int_of(required(a, name), name);
  if (n > static_cast<long long>(kMaxPayload))
    throw RunFailure{std::string(op) + ": " + name + " " + std::to_string(n) + " exceeds the runner's limit of " +
                     std::to_string(kMaxPayload) + " bytes"};
  return n;
}
}  // namespace

Outcome RunContext::op_recv(const Step& st, const json& a) {
  Socket& s = sock(st);
  const long long bufsize = size_arg(a, "bufsize", "recv");
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  auto r = s.recv(bufsize, flags, ec);
  if (ec) return Outcome::of_error(ec, "recv");
  return Outcome::of_value(make_bytes(r));
}

Outcome RunContext::op_recvfrom(const Step& st, const json& a) {
  Socket& s = sock(st);
  const long long bufsize = size_arg(a, "bufsize", "recvfrom");
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  auto [data, from] = s.recvfrom(bufsize, flags, ec);
  if (ec) return Outcome::of_error(ec, "recvfrom");
  return Outcome::of_value(json::array({make_bytes(data), address_value(from)}));
}

namespace {
std::string fresh_buffer(const json& a, const char* op) {
  const long long n = size_arg(a, "buffer", op);
  if (n < 0) throw RunFailure{std::string(op) + ": args.buffer must be a size (bytes), got " + std::to_string(n)};
  return std::string(static_cast<std::size_t>(n), '\0');
}
}  // namespace

Outcome RunContext::op_recv_into(const Step& st, const json& a) {
  Socket& s = sock(st);
  std::string buffer = fresh_buffer(a, "recv_into");
  const long long nbytes = int_arg(a, "nbytes", 0);
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  const std::size_t n = s.recv_into(std::span<char>(buffer.data(), buffer.size()), nbytes, flags, ec);
  if (ec) return Outcome::of_error(ec, "recv_into");
  Outcome o = Outcome::of_value(n);
  o.data = make_bytes(buffer);
  return o;
}

Outcome RunContext::op_recvfrom_into(const Step& st, const json& a) {
  Socket& s = sock(st);
  std::string buffer = fresh_buffer(a, "recvfrom_into");
  const long long nbytes = int_arg(a, "nbytes", 0);
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  auto [n, from] = s.recvfrom_into(std::span<char>(buffer.data(), buffer.size()), nbytes, flags, ec);
  if (ec) return Outcome::of_error(ec, "recvfrom_into");
  Outcome o = Outcome::of_value(json::array({n, address_value(from)}));
  o.data = make_bytes(buffer);
  return o;
}

Outcome RunContext::op_send(const Step& st, const json& a) {
  Socket& s = sock(st);
  const std::string data = bytes_arg(a, "string");
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  const std::size_t n = s.send(data, flags, ec);
  if (ec) return Outcome::of_error(ec, "send");
  return Outcome::of_value(n);
}

Outcome RunContext::op_sendall(const Step& st, const json& a) {
  Socket& s = sock(st);
  const std::string data = bytes_arg(a, "string");
  const int flags = c_int_arg(a, "flags", 0);
  std::error_code ec;
  s.sendall(data, flags, ec);
  if (ec) return Outcome::of_error(ec, "sendall");
  return null_result();
}

Outcome RunContext::op_sendto(const Step& st, const json& a) {
  Socket& s = sock(st);
  const std::string data = bytes_arg(a, "string");
  const int flags = c_int_arg(a, "flags", 0);
  const Address address = sock_address(required(a, "address"), "address");
  check_destination(address, &s);
  std::error_code ec;
  const std::size_t n = s.sendto(data, flags, address, ec);
  if (ec) return Outcome::of_error(ec, "sendto");
  return Outcome::of_value(n);
}

Outcome RunContext::op_setblocking(const Step& st, const json& a) {
  Socket& s = sock(st);
  const json& f = required(a, "flag");
  bool flag = false;
  if (f.is_boolean()) flag = f.get<bool>();
  else if (f.is_number_integer()) flag = int_of(f, "flag") != 0;
  else type_fault("flag", "true, false or an integer", f);
  std::error_code ec;
  s.setblocking(flag, ec);
  if (ec) return Outcome::of_error(ec, "setblocking");
  return null_result();
}

Outcome RunContext::op_settimeout(const Step& st, const json& a) {
  Socket& s = sock(st);
  const Seconds t = timeout_of(required(a, "value"), "value");
  std::error_code ec;
  s.settimeout(t, ec);
  if (ec) return Outcome::of_error(ec, "settimeout");
  return null_result();
}

Outcome RunContext::op_gettimeout(const Step& st, const json&) {
  std::error_code ec;
  auto t = sock(st).gettimeout(ec);
  if (ec) return Outcome::of_error(ec, "gettimeout");
  return Outcome::of_value(seconds_value(t));
}

Outcome RunContext::op_setsockopt(const Step& st, const json& a) {
  Socket& s = sock(st);
  required(a, "level");
  required(a, "optname");
  const int level = c_int_arg(a, "level", 0);
  const int optname = c_int_arg(a, "optname", 0);
  const json& v = required(a, "value");
  std::error_code ec;
  if (v.is_binary() || is_bytes_form(v)) {
    s.setsockopt(level, optname, bytes_arg(a, "value"), ec);
  } else {
    const int value = c_int_arg(a, "value", 0);
    s.setsockopt(level, optname, value, ec);
  }
  if (ec) return Outcome::of_error(ec, "setsockopt");
  return null_result();
}

Outcome RunContext::op_shutdown(const Step& st, const json& a) {
  Socket& s = sock(st);
  required(a, "how");
  std::error_code ec;
  s.shutdown(c_int_arg(a, "how", 0), ec);
  if (ec) return Outcome::of_error(ec, "shutdown");
  return null_result();
}

Outcome RunContext::op_family(const Step& st, const json&) { return Outcome::of_value(sock(st).family()); }
Outcome RunContext::op_type(const Step& st, const json&) { return Outcome::of_value(sock(st).type()); }
Outcome RunContext::op_proto(const Step& st, const json&) { return Outcome::of_value(sock(st).proto()); }

// ---- file objects -------------------------------------------------------------------------------

Outcome RunContext::op_file_read(const Step& st, const json& a) {
  SocketFile& f = file(st);
  const long long size = int_arg(a, "size", -1);
  std::error_code ec;
  auto r = f.read(size, ec);
  if (ec) return Outcome::of_error(ec, "read");
  return Outcome::of_value(make_bytes(r));
}

Outcome RunContext::op_file_readline(const Step& st, const json& a) {
  SocketFile& f = file(st);
  const long long size = int_arg(a, "size", -1);
  std::error_code ec;
  auto r = f.readline(size, ec);
  if (ec) return Outcome::of_error(ec, "readline");
  return Outcome::of_value(make_bytes(r));
}

Outcome RunContext::op_file_write(const Step& st, const json& a) {
  SocketFile& f = file(st);
  std::error_code ec;
  f.write(bytes_arg(a, "string"), ec);
  if (ec) return Outcome::of_error(ec, "write");
  return null_result();
}

Outcome RunContext::op_file_flush(const Step& st, const json&) {
  std::error_code ec;
  file(st).flush(ec);
  if (ec) return Outcome::of_error(ec, "flush");
  return null_result();
}

Outcome RunContext::op_file_close(const Step& st, const json&) {
  std::error_code ec;
  file(st).close(ec);
  if (ec) return Outcome::of_error(ec, "close");
  return null_result();
}

}  // namespace socksim::runner
