// runner/ops.hpp - the table of scenario ops: what each takes, creates and returns.
//
// The parser validates steps against it; the engine dispatches on it; the divergence check reads
// where a result holds addresses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace socksim::runner {

// How an argument is written.
enum class ArgKind {
  Int,          // an integer, a constant's name, an array of them OR'd; booleans are 1/0
  Timeout,      // seconds (a number) or null for "no timeout"
  Number,       // seconds (a number)
  Bytes,        // a string (its UTF-8 bytes), {"hex"}, {"repeat", "count"}, or saved bytes
  Text,         // a string (bytes forms accepted too, as the seed's str is bytes)
  OptText,      // Text or null (getaddrinfo's host)
  Port,         // getaddrinfo's port: an integer, a service name or null
  SockAddress,  // an address shaped by the socket's family
  Address,      // [host, port] (AF_INET), [host, port, flowinfo, scope_id] (AF_INET6), "path" (AF_UNIX)
  OptAddress,   // Address or null
  Flag,         // a boolean or an integer (setblocking)
  SockList,     // an array of socket names (select)
  OptValue,     // setsockopt's value: an integer / constant(s), or bytes ({"hex"}, saved bytes)
};

struct ArgSpec {
  ArgSpec(std::string_view n, ArgKind k, bool r = false) : name(n), kind(k), required(r) {}
  std::string_view name;
  ArgKind kind;
  bool required = false;
};

// What a step is called on.
enum class Target {
  None,    // a module function or an op of the runner
  Socket,  // "sock": a socket method
  File,    // "file": a method of makefile's file object
};

// What a step creates and names with "as".
enum class Creates { None, Socket, SocketPair, File };

struct OpSpec {
  std::string_view name;
  Target target = Target::None;
  Creates creates = Creates::None;
  std::vector<ArgSpec> args;
  // Where the result holds addresses, as JSON-pointer-like paths where "*" stands for every
  // element: "" (the whole result), "/1", "/*/4". Used to ignore unasked ports when comparing.
  std::vector<std::string_view> address_paths;
  // getnameinfo: result[1] is a port as a service string.
  bool service_at_1 = false;
  // The result is a file descriptor number: never compared between backends.
  bool result_varies = false;
  // Takes the step's "data" check (recv_into, recvfrom_into).
  bool takes_data = false;

  const ArgSpec* arg(std::string_view arg_name) const;
  std::string arg_names() const;  // "bufsize, flags"
};

// The op of that name and target (close exists for sockets and files); nullptr if none.
const OpSpec* find_op(std::string_view name, Target target);
// Whether some op has that name, for any target.
bool op_exists(std::string_view name);
// Every op name (sorted, unique): for "did you mean" hints and the docs.
const std::vector<std::string>& op_names();
// Every op, in the table's order.
const std::vector<OpSpec>& all_ops();

}  // namespace socksim::runner
