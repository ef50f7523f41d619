// A suite of scenario files: discovery, loading, sharding, filtering and running.
#include "runner/suite.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "runner/backends.hpp"
#include "runner/values.hpp"

namespace socksim::runner {

namespace fs = std::filesystem;

std::vector<std::string> collect_files(const std::vector<std::string>& paths, std::vector<std::string>& errors) {
  std::set<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      errors.push_back(path + ": no such file or directory");
      continue;
    }
    if (fs::is_directory(status)) {
      std::size_t found = 0;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".json") {
          files.insert(it->path().string());
          ++found;
        }
      }
      if (ec) errors.push_back(path + ": cannot list: " + ec.message());
      else if (found == 0) errors.push_back(path + ": no scenario files (*.json) in this folder");
    } else {
      files.insert(path);
    }
  }
  return {files.begin(), files.end()};
}

std::vector<Scenario> load_suite(const std::vector<std::string>& files, std::vector<std::string>& errors) {
  std::vector<Scenario> out;
  std::map<std::string, std::string> names;  // name -> file
  for (const auto& file : files) {
    try {
      Scenario sc = load_scenario(file);
      if (auto it = names.find(sc.name); it != names.end()) {
        errors.push_back(sc.where("/name") + ": duplicate scenario name " + quote_word(sc.name) + " (also in " + it->second +
                         "); names must be unique across the suite");
        continue;
      }
      names[sc.name] = file;
      out.push_back(std::move(sc));
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) errors.push_back(d.format());
    }
  }
  return out;
}

std::vector<std::string> backends_of(const std::string& backend) {
  if (backend == "both") return {"sim", "real"};
  return {backend};
}

namespace {
std::uint64_t seed_for(const Scenario& sc, const SuiteOptions& options) {
  if (options.seed) return *options.seed;
  return sc.seed.value_or(0);
}
}  // namespace

std::vector<std::string> validate_backend_sections(const std::vector<Scenario>& scenarios, const SuiteOptions& options) {
  std::vector<std::string> errors;
  const auto wanted = backends_of(options.backend);
  if (std::find(wanted.begin(), wanted.end(), "sim") == wanted.end() || !backend_available("sim")) return errors;
  for (const auto& sc : scenarios) {
    if (!sc.lists("sim")) continue;
    BackendError err;
    BackendOptions bo;
    bo.scenario_name = sc.name;
    bo.validating = true;
    auto net = make_backend("sim", sim_section(sc, options), seed_for(sc, options), bo, err);
    if (!net) {
      // Where the key was written for a member (an unknown key is the common case), else the value.
      const std::string pointer = sc.sim ? "/sim" + err.pointer : "";
      const Pos p = sc.positions.key(pointer);
      errors.push_back(sc.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": sim: " + err.message);
    }
  }
  return errors;
}

std::vector<const Scenario*> select_scenarios(const std::vector<Scenario>& scenarios, const SuiteOptions& options) {
  // Shards split the sorted file list by index.
  std::vector<std::string> files;
  for (const auto& sc : scenarios) files.push_back(sc.file);
  std::sort(files.begin(), files.end());
  std::vector<const Scenario*> out;
  for (const auto& sc : scenarios) {
    const auto idx = static_cast<std::size_t>(std::lower_bound(files.begin(), files.end(), sc.file) - files.begin());
    if (options.shard_count > 1 && idx % options.shard_count != options.shard_index) continue;
    if (!options.filter.empty() && !glob_match(options.filter, sc.name)) continue;
    out.push_back(&sc);
  }
  return out;
}

bool ScenarioReport::failed() const {
  if (divergence) return true;
  return std::any_of(results.begin(), results.end(), [](const auto& r) { return r.second.status == Status::Fail; });
}

json sim_section(const Scenario& sc, const SuiteOptions& options) {
  json section = sc.sim.value_or(json::object());
  if (options.extra_faults.empty()) return section;
  json& list = section["faults"];
  if (!list.is_array()) list = json::array();
  for (const auto& f : options.extra_faults) list.push_back(json{{"rule", f}});
  return section;
}

ScenarioReport run_one(const Scenario& sc, const SuiteOptions& options) {
  ScenarioReport report;
  report.name = sc.name;
  report.file = sc.file;
  const auto backends = backends_of(options.backend);
  // $unique must be unique machine-wide wherever the real backend runs (abstract AF_UNIX names
  // are shared by every process). The sim alone has no one to collide with, and there the token
  // is derived from the scenario and its seed, so that a --trace of the same seed and files is
  // the same bytes.
  const bool sim_only = backends.size() == 1 && backends.front() == "sim";
  const std::string unique = sim_only ? "socksim-sim-" + std::to_string(seed_for(sc, options)) : make_unique_token();
  for (const auto& backend : backends) {
    BackendResult r;
    r.backend = backend;
    if (!sc.lists(backend)) {
      r.status = Status::Skip;
      r.message = "the scenario does not list the " + backend + " backend";
      report.results[backend] = std::move(r);
      continue;
    }
    const std::uint64_t seed = seed_for(sc, options);
    BackendOptions bo;
    bo.trace_path = options.trace_path;
    bo.scenario_name = sc.name;
    BackendError err;
    auto net = make_backend(backend, sim_section(sc, options), seed, bo, err);
    if (!net) {
      r.status = backend_available(backend) ? Status::Fail : Status::Skip;
      r.message = err.message;
      report.results[backend] = std::move(r);
      continue;
    }
    const BackendTraits traits = backend_traits(backend);
    RunOptions ro;
    ro.confine = traits.untrusted;
    ro.loopback_only = traits.untrusted && !options.allow_network;
    ro.unique = unique;
    ro.hard_exit_grace = options.hard_exit_grace;
    if (options.on_step) {
      ro.on_step = [&](const Step& st, const StepRecord& rec) { options.on_step(sc, backend, st, rec); };
    }
    r = run_scenario(sc, *net, ro);
    r.backend = backend;
    if (backend == "sim") r.seed = seed;
    net.reset();
    report.results[backend] = std::move(r);
  }
  if (backends.size() == 2) {
    const auto& a = report.results[backends[0]];
    const auto& b = report.results[backends[1]];
    if (a.status != Status::Skip && b.status != Status::Skip && !a.records.empty() && !b.records.empty()) {
      report.compared = true;
      report.divergence = first_divergence(a, b);
    }
  }
  return report;
}

Summary summarize(const std::vector<ScenarioReport>& reports, const std::vector<std::string>& backends) {
  Summary s;
  for (const auto& b : backends) s.per_backend[b] = {{"pass", 0}, {"fail", 0}, {"skip", 0}};
  for (const auto& r : reports) {
    for (const auto& [backend, result] : r.results) {
      s.per_backend[backend][status_name(result.status)]++;
      switch (result.status) {
        case Status::Pass: ++s.passed; break;
        case Status::Fail: ++s.failed; break;
        case Status::Skip: ++s.skipped; break;
      }
    }
    if (r.divergence) {
      ++s.diverged;
      ++s.failed;
    }
  }
  return s;
}

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative matcher with backtracking on the last '*'.
  std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  auto class_match = [&](std::size_t& pp, char c) -> bool {
    // pattern[pp] == '['; on return pp is past the closing ']'.
    std::size_t q = pp + 1;
    bool negate = false;
    if (q < pattern.size() && (pattern[q] == '!' || pattern[q] == '^')) {
      negate = true;
      ++q;
    }
    bool matched = false;
    bool first = true;
    while (q < pattern.size() && (first || pattern[q] != ']')) {
      first = false;
      if (q + 2 < pattern.size() && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
        if (pattern[q] <= c && c <= pattern[q + 2]) matched = true;
        q += 3;
      } else {
        if (pattern[q] == c) matched = true;
        ++q;
      }
    }
    if (q >= pattern.size()) {  // no closing ']': a literal '['
      pp += 1;
      return c == '[';
    }
    pp = q + 1;
    return matched != negate;
  };
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
      continue;
    }
    if (p < pattern.size()) {
      if (pattern[p] == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pattern[p] == '[') {
        std::size_t pp = p;
        if (class_match(pp, text[t])) {
          p = pp;
          ++t;
          continue;
        }
      } else if (pattern[p] == text[t]) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
      continue;
    }
    return false;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace socksim::runner
