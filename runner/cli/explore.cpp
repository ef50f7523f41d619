// socksim explore - runs scenarios on the sim under many seeds with faults drawn from a profile,
// stops each scenario at its first failing seed, shrinks the faults, and prints the replay line
// (optionally writing the minimal failing run as a scenario file).
#include "runner/cli/explore.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "runner/json_source.hpp"
#include "runner/suite.hpp"
#include "socksim/explore.hpp"
#include "socksim/faults.hpp"

namespace socksim::runner {

namespace {

struct Attempt {
  bool failed = false;
  std::string why;  // the failing step, as one line
};

// The scenario with `faults` added to its sim section's faults.
Scenario with_faults(const Scenario& sc, const std::vector<FaultRule>& faults) {
  Scenario copy = sc;
  json section = sc.sim.value_or(json::object());
  json& list = section["faults"];
  if (!list.is_array()) list = json::array();
  for (const auto& f : faults) list.push_back(json{{"rule", to_string(f)}});
  copy.sim = std::move(section);
  return copy;
}

Attempt attempt(const Scenario& sc, std::uint64_t seed, const std::vector<FaultRule>& faults) {
  SuiteOptions options;
  options.backend = "sim";
  options.seed = seed;
  const Scenario patched = with_faults(sc, faults);
  const ScenarioReport report = run_one(patched, options);
  Attempt a;
  auto it = report.results.find("sim");
  if (it == report.results.end() || it->second.status != Status::Fail) return a;
  const BackendResult& r = it->second;
  a.failed = true;
  std::ostringstream why;
  if (r.step) why << "step " << *r.step << " (" << r.op << "): ";
  if (!r.message.empty()) {
    why << r.message;
  } else {
    why << "expected " << r.expected.dump(-1, ' ', false, json::error_handler_t::replace) << ", got "
        << r.got.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  a.why = why.str();
  return a;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The original file's JSON with the failing seed and faults in its sim section.
bool emit(const Scenario& sc, std::uint64_t seed, const std::vector<FaultRule>& faults, const std::string& path,
          std::string& error) {
  std::ifstream in(sc.file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const std::exception& e) {
    error = "cannot re-read " + sc.file + ": " + e.what();
    return false;
  }
  json& section = doc["sim"];
  if (!section.is_object()) section = json::object();
  section["seed"] = seed;
  json& list = section["faults"];
  if (!list.is_array()) list = json::array();
  for (const auto& f : faults) list.push_back(json{{"rule", to_string(f)}});
  doc["backends"] = json::array({"sim"});
  const std::string note = "replays seed " + std::to_string(seed) + " of socksim explore with faults: " + to_string(faults);
  doc["description"] = doc.contains("description") && doc["description"].is_string()
                           ? doc["description"].get<std::string>() + " (" + note + ")"
                           : note;
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  out << doc.dump(2) << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int explore_command(const ExploreArgs& args, const std::vector<Scenario>& scenarios, std::ostream& out) {
  const bool progress = args.progress && ::isatty(STDERR_FILENO);
  int failures = 0;
  std::uint64_t total_runs = 0;
  int explored = 0;
  for (const Scenario& sc : scenarios) {
    if (!sc.lists("sim")) continue;
    ++explored;
    // A scenario that fails without faults is reported as it is: nothing to explore.
    const Attempt plain = attempt(sc, args.first_seed, {});
    ++total_runs;
    if (plain.failed) {
      ++failures;
      out << "FAIL " << sc.name << ": fails without faults (seed " << args.first_seed << "): " << plain.why << "\n";
      continue;
    }
    std::optional<std::uint64_t> found;
    std::vector<FaultRule> faults;
    Attempt failure;
    std::uint64_t runs = 0;
    for (std::uint64_t k = 0; k < args.seeds; ++k) {
      if (k % args.shard.count != args.shard.index) continue;
      const std::uint64_t seed = args.first_seed + k;
      const auto drawn = draw_faults(args.profile, seed);
      Attempt a = attempt(sc, seed, drawn);
      ++runs;
      if (progress && (runs % 16 == 0 || a.failed))
        std::cerr << "\rexplore " << sc.name << ": " << runs << " runs, seed " << seed << "   " << std::flush;
      if (a.failed) {
        found = seed;
        faults = drawn;
        failure = std::move(a);
        break;
      }
    }
    if (progress) std::cerr << "\r\033[K" << std::flush;
    total_runs += runs;
    if (!found) {
      out << "ok   " << sc.name << ": " << runs << " seeds, no failure\n";
      continue;
    }
    ++failures;
    const std::vector<FaultRule> drawn = faults;
    if (args.shrink) {
      bool changed = true;
      while (changed && !faults.empty()) {
        changed = false;
        for (std::size_t i = 0; i < faults.size(); ++i) {
          std::vector<FaultRule> fewer = faults;
          fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
          Attempt a = attempt(sc, *found, fewer);
          ++total_runs;
          if (a.failed) {
            faults = std::move(fewer);
            failure = std::move(a);
            changed = true;
            break;
          }
        }
      }
    }
    out << "FAIL " << sc.name << ": seed " << *found << " fails\n";
    out << "  faults: " << (faults.empty() ? "(none)" : to_string(faults)) << "\n";
    if (drawn.size() != faults.size()) out << "  drawn:  " << to_string(drawn) << "\n";
    out << "  " << failure.why << "\n";
    out << "  replay: socksim run --backend sim --seed " << *found;
    if (!faults.empty()) out << " --faults " << quote(to_string(faults));
    out << " " << sc.file << "\n";
    if (!args.emit_path.empty()) {
      std::string path = args.emit_path;
      if (scenarios.size() > 1) path += "." + sc.name + ".json";
      std::string error;
      if (!emit(sc, *found, faults, path, error)) {
        std::cerr << "socksim: error: --emit-scenario: " << error << "\n";
        return 2;
      }
      out << "  wrote " << path << "\n";
    }
  }
  out << explored << " scenarios explored, " << total_runs << " runs, " << failures << " failed (profile "
      << args.profile << ", seeds " << args.first_seed << ".." << args.first_seed + args.seeds - 1;
  if (args.shard.count > 1) out << ", shard " << args.shard.index << "/" << args.shard.count;
  out << ")\n";
  return failures > 0 ? 1 : 0;
}

}  // namespace socksim::runner
