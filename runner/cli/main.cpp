// socksim - the command line: `socksim run` runs scenario files on the sim, the real backend or
// both; `socksim explore` runs them on the sim under many seeds and drawn faults. Exit status:
// 0 every scenario passed, 1 a scenario failed or the backends diverged, 2 a file could not be
// read or the command line is wrong.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "runner/backends.hpp"
#include "runner/report.hpp"
#include "runner/suite.hpp"
#ifdef SOCKSIM_CLI_HAS_SIM
#include "runner/cli/explore.hpp"
#include "socksim/faults.hpp"
#endif

namespace {

using namespace socksim::runner;

constexpr const char* kUsage =
    "usage: socksim run [--backend sim|real|both] [--seed N] [--format text|json|junit] [--filter GLOB]\n"
    "                   [--shard i/n] [-v] [--trace FILE] [--faults RULES] [--allow-network] PATH...\n"
    "       socksim explore [--profile NAME] [--seeds N] [--first-seed N] [--shard i/n] [--no-shrink]\n"
    "                       [--emit-scenario FILE] [--filter GLOB] PATH...";

int usage_error(const std::string& message) {
  std::cerr << "socksim: error: " << message << "\n" << kUsage << "\n";
  return 2;
}

// "i/n" with 0 <= i < n.
bool parse_shard(const std::string& text, std::size_t& index, std::size_t& count, std::string& error) {
  const auto slash = text.find('/');
  auto number = [](const std::string& s, std::size_t& out) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoul(s);
    return true;
  };
  if (slash == std::string::npos || !number(text.substr(0, slash), index) || !number(text.substr(slash + 1), count)) {
    error = "--shard takes i/n (shard i of n, counting from 0), got \"" + text + "\"";
    return false;
  }
  if (count == 0 || index >= count) {
    error = "--shard " + text + ": the index must be below the count (shards count from 0: 0/" + std::to_string(count) +
            " .. " + std::to_string(count == 0 ? 0 : count - 1) + "/" + std::to_string(count) + ")";
    return false;
  }
  return true;
}

bool colour_wanted() {
  if (!::isatty(STDOUT_FILENO)) return false;
  if (std::getenv("NO_COLOR")) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::string(term) == "dumb");
}

struct RunArgs {
  std::string backend = "both";
  std::string seed;
  bool seed_given = false;  // --seed was on the command line (even with an empty value)
  std::string format = "text";
  std::string filter;
  std::string shard;
  bool verbose = false;
  std::string trace;
  bool allow_network = false;
  std::string faults;
  std::vector<std::string> paths;
};

// Loads, validates and selects the scenarios; prints the problems and returns false on any.
bool load_selected(const std::vector<std::string>& paths, const SuiteOptions& options,
                   std::vector<Scenario>& scenarios) {
  std::vector<std::string> errors;
  const auto files = collect_files(paths, errors);
  scenarios = load_suite(files, errors);
  if (errors.empty()) {
    auto more = validate_backend_sections(scenarios, options);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  for (const auto& e : errors) std::cerr << e << "\n";
  return errors.empty();
}

int run_command(const RunArgs& args) {
  SuiteOptions options;
  options.backend = args.backend;
  if (args.seed_given) {
    if (args.seed.empty() || args.seed.size() > 20 || args.seed.find_first_not_of("0123456789") != std::string::npos)
      return usage_error("--seed takes a non-negative integer, got \"" + args.seed + "\"");
    try {
      options.seed = std::stoull(args.seed);
    } catch (const std::exception&) {
      return usage_error("--seed " + args.seed + " is out of range (0 .. 18446744073709551615)");
    }
  }
  options.filter = args.filter;
  options.allow_network = args.allow_network;
  options.hard_exit_grace = 5.0;

  // Sharding: --shard, else GoogleTest's environment variables.
  std::string error;
  if (!args.shard.empty()) {
    if (!parse_shard(args.shard, options.shard_index, options.shard_count, error)) return usage_error(error);
  } else if (const char* total = std::getenv("GTEST_TOTAL_SHARDS")) {
    const char* index = std::getenv("GTEST_SHARD_INDEX");
    const std::string spec = std::string(index ? index : "") + "/" + total;
    if (!parse_shard(spec, options.shard_index, options.shard_count, error))
      return usage_error("GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS: " + error);
    if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE")) std::ofstream(status).flush();
  }

  const bool wants_sim = args.backend != "real";
  if (!args.trace.empty()) {
    if (!wants_sim) return usage_error("--trace needs the sim backend (--backend sim or both)");
    if (!backend_available("sim")) return usage_error("--trace: the sim backend is not available in this build");
    if (!backend_takes_options("sim")) return usage_error("--trace: this build's sim backend does not write traces");
    std::ofstream trace(args.trace, std::ios::trunc);
    if (!trace) return usage_error("--trace: cannot write " + args.trace);
    options.trace_path = args.trace;
  }

  if (!args.faults.empty()) {
#ifdef SOCKSIM_CLI_HAS_SIM
    if (args.backend != "sim") return usage_error("--faults needs --backend sim (fault rules are the sim's)");
    std::vector<socksim::FaultRule> rules;
    try {
      rules = socksim::parse_fault_rules(args.faults);
    } catch (const std::invalid_argument& e) {
      return usage_error(std::string("--faults: ") + e.what());
    }
    for (const auto& r : rules) options.extra_faults.push_back(socksim::to_string(r));
#else
    return usage_error("--faults: the sim backend is not available in this build");
#endif
  }

  std::vector<Scenario> scenarios;
  if (!load_selected(args.paths, options, scenarios)) return 2;
  if (wants_sim && !backend_available("sim"))
    std::cerr << "socksim: note: the sim backend is not available in this build; its results are skipped\n";

  const bool text = args.format == "text";
  std::ostream& step_out = text ? std::cout : std::cerr;
  if (args.verbose) {
    options.on_step = [&](const Scenario& sc, const std::string& backend, const Step& st, const StepRecord& rec) {
      if (st.index == 0) step_out << "[" << backend << "] " << sc.name << "\n";
      step_out << step_line(backend, st, rec) << "\n";
      step_out.flush();
    };
  }

  const auto backends = backends_of(args.backend);
  TextReport text_report(std::cout, colour_wanted());
  std::vector<ScenarioReport> reports;
  for (const Scenario* sc : select_scenarios(scenarios, options)) {
    reports.push_back(run_one(*sc, options));
    if (text) text_report.scenario(reports.back());
  }
  const Summary summary = summarize(reports, backends);
  if (text) {
    text_report.summary(summary);
  } else if (args.format == "json") {
    std::cout << json_report(reports, backends).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << junit_report(reports, backends);
  }
  std::cout.flush();
  return summary.failed > 0 ? 1 : 0;
}

#ifdef SOCKSIM_CLI_HAS_SIM
// "N": a non-negative integer within 64 bits.
bool parse_u64(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  try {
    out = std::stoull(text);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

struct ExploreCliArgs {
  std::string profile = "all";
  std::string seeds = "1000";
  std::string first_seed = "1";
  std::string shard;
  bool no_shrink = false;
  std::string emit;
  std::string filter;
  std::vector<std::string> paths;
};

int explore_cli(const ExploreCliArgs& a) {
  ExploreArgs args;
  args.profile = a.profile;
  bool known = false;
  for (const auto& p : socksim::fault_profiles()) known = known || p == a.profile;
  if (!known) {
    std::string names;
    for (const auto& p : socksim::fault_profiles()) names += (names.empty() ? "" : ", ") + p;
    return usage_error("--profile " + a.profile + " is not a profile (" + names + ")");
  }
  if (!parse_u64(a.seeds, args.seeds) || args.seeds == 0)
    return usage_error("--seeds takes a positive integer, got \"" + a.seeds + "\"");
  if (!parse_u64(a.first_seed, args.first_seed))
    return usage_error("--first-seed takes a non-negative integer, got \"" + a.first_seed + "\"");
  if (args.seeds - 1 > UINT64_MAX - args.first_seed) return usage_error("--first-seed + --seeds goes past 2^64");
  std::string error;
  std::size_t index = 0, count = 1;
  if (!a.shard.empty()) {
    if (!parse_shard(a.shard, index, count, error)) return usage_error(error);
  } else if (const char* total = std::getenv("GTEST_TOTAL_SHARDS")) {
    const char* idx = std::getenv("GTEST_SHARD_INDEX");
    if (!parse_shard(std::string(idx ? idx : "") + "/" + total, index, count, error))
      return usage_error("GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS: " + error);
  }
  args.shard = socksim::Shard{index, count};
  args.shrink = !a.no_shrink;
  args.emit_path = a.emit;
  if (!backend_available("sim")) return usage_error("explore: the sim backend is not available in this build");
  SuiteOptions options;
  options.backend = "sim";
  options.filter = a.filter;
  std::vector<Scenario> scenarios;
  if (!load_selected(a.paths, options, scenarios)) return 2;
  std::vector<Scenario> selected;
  for (const Scenario* sc : select_scenarios(scenarios, options)) selected.push_back(*sc);
  if (selected.empty()) return usage_error("explore: no scenario matches");
  return explore_command(args, selected, std::cout);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"socksim: a deterministic socket simulator; runs JSON scenarios on the sim and the real OS"};
  app.set_version_flag("--version", std::string("socksim 0.1.0"));
  app.require_subcommand(1);

  RunArgs args;
  CLI::App* run = app.add_subcommand("run", "Run scenario files and folders (*.json, recursively)");
  run->add_option("--backend", args.backend, "sim, real or both (default: both)")
      ->check(CLI::IsMember({"sim", "real", "both"}));
  run->add_option("--seed", args.seed, "The sim's seed, overriding each scenario's sim.seed");
  run->add_option("--format", args.format, "text (default), json or junit")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  run->add_option("--filter", args.filter, "Run only the scenarios whose name matches this glob");
  run->add_option("--shard", args.shard,
                  "Run shard i of n (from 0) of the sorted file list; default from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
  run->add_flag("-v,--verbose", args.verbose, "Print every step's outcome");
  run->add_option("--trace", args.trace, "Write the sim's trace of the run to FILE (JSON lines)");
  run->add_flag("--allow-network", args.allow_network, "Let scenarios reach addresses beyond loopback (real backend)");
  run->add_option("--faults", args.faults,
                  "Fault rules for the sim, in their text form, separated by ';' (needs --backend sim)");
  run->add_option("PATH", args.paths, "Scenario files or folders")->required();

#ifdef SOCKSIM_CLI_HAS_SIM
  ExploreCliArgs ex;
  CLI::App* explore = app.add_subcommand(
      "explore", "Run scenarios on the sim under many seeds with drawn faults; report, shrink and replay failures");
  explore->add_option("--profile", ex.profile, "chunking, interrupts, timeouts, resets, dns or all (default)");
  explore->add_option("--seeds", ex.seeds, "How many seeds to try per scenario (default 1000)");
  explore->add_option("--first-seed", ex.first_seed, "The first seed (default 1)");
  explore->add_option("--shard", ex.shard,
                      "Try shard i of n (from 0) of the seeds; default from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
  explore->add_flag("--no-shrink", ex.no_shrink, "Report the faults as drawn, without dropping unneeded ones");
  explore->add_option("--emit-scenario", ex.emit, "Write the minimal failing run as a scenario file");
  explore->add_option("--filter", ex.filter, "Explore only the scenarios whose name matches this glob");
  explore->add_option("PATH", ex.paths, "Scenario files or folders")->required();
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << "socksim 0.1.0\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.find("PATH is required") != std::string::npos || message.find("PATH: ") != std::string::npos)
      message = "no PATH given: name the scenario files or folders to run (for example: socksim run scenarios/)";
    if (message.find("A subcommand is required") != std::string::npos || message.find("subcommand") != std::string::npos)
      message = "no command given: socksim run ... or socksim explore ...";
    return usage_error(message);
  }
  try {
    args.seed_given = run->count("--seed") > 0;
    if (run->parsed()) return run_command(args);
#ifdef SOCKSIM_CLI_HAS_SIM
    if (explore->parsed()) return explore_cli(ex);
#endif
  } catch (const std::exception& e) {
    std::cerr << "socksim: internal error: " << e.what() << "\n";
    return 2;
  }
  return usage_error("no command given");
}
