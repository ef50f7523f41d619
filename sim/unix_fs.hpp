// sim/unix_fs.hpp - where AF_UNIX sockets find each other: a virtual filesystem of directories
// and socket files, and Linux's abstract namespace (names starting with '\0').
//
// A path bound by a socket stays in the filesystem after the socket closes, until unlink(),
// as on Linux (bind on it again gives EADDRINUSE; connect gives ECONNREFUSED). An abstract name
// goes away with its socket. The filesystem starts with "/" and "/tmp"; mkdtemp() adds
// directories. Relative paths are taken from "/".
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "rng.hpp"

namespace socksim::sim {

class SimSocket;

class UnixNamespace {
 public:
  UnixNamespace();

  // Binds `name` (a path or an abstract name) to `sock`. Returns 0 or an errno: EADDRINUSE,
  // ENOENT (a missing directory), ENOTDIR.
  int bind(const std::string& name, const std::shared_ptr<SimSocket>& sock);
  // The socket bound to `name`; nullptr with `err` ENOENT (no such path), ECONNREFUSED (a path
  // whose socket is gone, a directory, or an unknown abstract name).
  std::shared_ptr<SimSocket> lookup(const std::string& name, int& err) const;
  // Forgets an abstract name when its socket closes (paths stay).
  void release(const std::string& name, const SimSocket* sock);
  // Removes a socket file: 0, ENOENT, or EISDIR.
  int unlink(const std::string& path);
  // A new empty directory under /tmp, named from the seed.
  std::string mkdtemp(Rng& rng);
  // Removes `path` and everything under it.
  void remove_tree(const std::string& path);
  // An autobind name: '\0' and five hex digits, as Linux gives.
  std::string autobind_name();

  static std::string normalize(const std::string& path);

 private:
  std::set<std::string> dirs_;
  std::map<std::string, std::weak_ptr<SimSocket>> files_;
  std::map<std::string, std::weak_ptr<SimSocket>> abstract_;
  unsigned autobind_ = 0;
};

}  // namespace socksim::sim
