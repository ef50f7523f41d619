// sim/unix_fs.cpp - see unix_fs.hpp.
#include "unix_fs.hpp"

#include <cerrno>
#include <cstdio>
#include <vector>

namespace socksim::sim {

UnixNamespace::UnixNamespace() {
  dirs_.insert("/");
  dirs_.insert("/tmp");
}

std::string UnixNamespace::normalize(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

namespace {
std::string parent_of(const std::string& norm) {
  const auto slash = norm.rfind('/');
  return slash == 0 ? "/" : norm.substr(0, slash);
}
bool abstract(const std::string& name) { return !name.empty() && name[0] == '\0'; }
}  // namespace

int UnixNamespace::bind(const std::string& name, const std::shared_ptr<SimSocket>& sock) {
  if (abstract(name)) {
    auto it = abstract_.find(name);
    if (it != abstract_.end() && !it->second.expired()) return EADDRINUSE;
    abstract_[name] = sock;
    return 0;
  }
  const std::string p = normalize(name);
  if (dirs_.count(p) || files_.count(p)) return EADDRINUSE;
  const std::string parent = parent_of(p);
  if (!dirs_.count(parent)) return files_.count(parent) ? ENOTDIR : ENOENT;
  files_[p] = sock;
  return 0;
}

std::shared_ptr<SimSocket> UnixNamespace::lookup(const std::string& name, int& err) const {
  err = 0;
  if (abstract(name)) {
    auto it = abstract_.find(name);
    auto s = it == abstract_.end() ? nullptr : it->second.lock();
    if (!s) err = ECONNREFUSED;
    return s;
  }
  const std::string p = normalize(name);
  if (dirs_.count(p)) {
    err = ECONNREFUSED;
    return nullptr;
  }
  auto it = files_.find(p);
  if (it == files_.end()) {
    err = dirs_.count(parent_of(p)) || !files_.count(parent_of(p)) ? ENOENT : ENOTDIR;
    return nullptr;
  }
  auto s = it->second.lock();
  if (!s) err = ECONNREFUSED;
  return s;
}

void UnixNamespace::release(const std::string& name, const SimSocket* sock) {
  if (!abstract(name)) return;
  auto it = abstract_.find(name);
  if (it == abstract_.end()) return;
  auto s = it->second.lock();
  if (!s || s.get() == sock) abstract_.erase(it);
}

int UnixNamespace::unlink(const std::string& path) {
  const std::string p = normalize(path);
  if (dirs_.count(p)) return EISDIR;
  if (files_.erase(p) == 0) return ENOENT;
  return 0;
}

std::string UnixNamespace::mkdtemp(Rng& rng) {
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (;;) {
    std::string name = "/tmp/socksim-";
    for (int i = 0; i < 8; ++i) name += chars[rng.below(sizeof chars - 1)];
    if (!dirs_.count(name) && !files_.count(name)) {
      dirs_.insert(name);
      return name;
    }
  }
}

void UnixNamespace::remove_tree(const std::string& path) {
  const std::string p = normalize(path);
  if (p == "/") return;
  const std::string prefix = p + "/";
  for (auto it = files_.begin(); it != files_.end();)
    it = (it->first == p || it->first.rfind(prefix, 0) == 0) ? files_.erase(it) : std::next(it);
  for (auto it = dirs_.begin(); it != dirs_.end();)
    it = (*it == p || it->rfind(prefix, 0) == 0) ? dirs_.erase(it) : std::next(it);
}

std::string UnixNamespace::autobind_name() {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%05x", autobind_++ & 0xfffff);
  return std::string(1, '\0') + buf;
}

}  // namespace socksim::sim
