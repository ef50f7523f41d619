// The backend registry; "real" is built in.
#include "runner/backends.hpp"

#include <map>
#include <mutex>

#include "socksim/real.hpp"

namespace socksim::runner {

namespace {

struct Entry {
  BackendFactoryWithOptions factory;
  bool takes_options = false;
  BackendTraits traits;
};

struct Registry {
  std::mutex mutex;
  std::map<std::string, Entry> entries;

  Registry() {
    entries["real"] = Entry{[](const nlohmann::json&, std::uint64_t, const BackendOptions&,
                               BackendError&) -> std::unique_ptr<socksim::Network> {
                              return std::make_unique<socksim::RealNetwork>();
                            },
                            false, BackendTraits{true}};
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_backend(const std::string& name, BackendFactory factory, BackendTraits traits) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.entries[name] = Entry{[f = std::move(factory)](const nlohmann::json& sim, std::uint64_t seed, const BackendOptions&,
                                                   BackendError& err) { return f(sim, seed, err); },
                          false, traits};
}

void register_backend_with_options(const std::string& name, BackendFactoryWithOptions factory, BackendTraits traits) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.entries[name] = Entry{std::move(factory), true, traits};
}

bool backend_available(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.entries.count(name) > 0;
}

bool backend_takes_options(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.entries.find(name);
  return it != r.entries.end() && it->second.takes_options;
}

BackendTraits backend_traits(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.entries.find(name);
  return it == r.entries.end() ? BackendTraits{} : it->second.traits;
}

std::vector<std::string> backend_names() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& [name, _] : r.entries) out.push_back(name);
  return out;
}

std::unique_ptr<socksim::Network> make_backend(const std::string& name, const nlohmann::json& sim_section,
                                               std::uint64_t seed, const BackendOptions& options, BackendError& err) {
  BackendFactoryWithOptions factory;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.entries.find(name);
    if (it == r.entries.end()) {
      err.message = "the " + name + " backend is not available in this build";
      err.pointer.clear();
      return nullptr;
    }
    factory = it->second.factory;
  }
  try {
    auto net = factory(sim_section, seed, options, err);
    if (!net && err.message.empty()) err.message = "the " + name + " backend could not be made";
    return net;
  } catch (const std::exception& e) {
    err.message = "the " + name + " backend could not be made: " + e.what();
    return nullptr;
  }
}

}  // namespace socksim::runner
