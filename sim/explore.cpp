// sim/explore.cpp - explore(), replay() and enumerate_fault_points(): see socksim/explore.hpp.
//
// The faults of a run are drawn from their own generator, seeded from the run's seed, so they are
// a pure function of (profile, seed); the simulation itself gets the same seed. Nothing here reads
// a clock: progress is counted in runs.
#include "socksim/explore.hpp"

#include <cxxabi.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <exception>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <typeinfo>

#include "rng.hpp"

namespace socksim {

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

std::optional<std::uint64_t> parse_count(std::string_view s) noexcept {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

template <class T>
T pick(sim::Rng& rng, std::initializer_list<T> items) {
  return items.begin()[rng.below(items.size())];
}

const char* pick_op(sim::Rng& rng) { return pick(rng, {"send", "recv", "connect", "accept"}); }

// ---- the profiles: one rule each draw ----

FaultRule draw_chunking(sim::Rng& rng) {
  const std::size_t n = pick<std::size_t>(rng, {1, 2, 3, 7, 16, 64, 512});
  switch (rng.below(4)) {
    case 0: return fault::send_cap{n, true};
    case 1: return fault::recv_cap{n, true};
    case 2: return fault::send_cap{n, false};
    default: return fault::recv_cap{n, false};
  }
}

FaultRule draw_interrupts(sim::Rng& rng) {
  return fault::fail_call{pick_op(rng), 1 + rng.below(4), EINTR, 1 + rng.below(2)};
}

FaultRule draw_timeouts(sim::Rng& rng) {
  switch (rng.below(3)) {
    case 0: {
      const auto d = pick<nanoseconds>(rng, {seconds(1), seconds(5), seconds(30), seconds(120)});
      return fault::stall{d, rng.below(65)};
    }
    case 1: return fault::half_open{};
    default: {
      const auto lat = pick<nanoseconds>(rng, {milliseconds(10), milliseconds(200), seconds(2)});
      return fault::slow_link{lat, lat / 2, 0};
    }
  }
}

FaultRule draw_resets(sim::Rng& rng) {
  switch (rng.below(5)) {
    case 0: return fault::reset_after{rng.below(257)};
    case 1: return fault::fin_after{rng.below(257)};
    case 2: return fault::fail_call{"recv", 1 + rng.below(3), ECONNRESET, 1};
    case 3: return fault::fail_call{"send", 1 + rng.below(3), pick(rng, {ECONNRESET, EPIPE}), 1};
    default: return fault::fail_call{"connect", 1, ECONNREFUSED, 1 + rng.below(3)};
  }
}

FaultRule draw_dns(sim::Rng& rng) {
  if (rng.below(3) == 0) return fault::dns_delay{"*", pick<nanoseconds>(rng, {seconds(1), seconds(5), seconds(30)})};
  return fault::dns_fail{"*", pick(rng, {-2, -3, -4})};  // EAI_NONAME, EAI_AGAIN, EAI_FAIL
}

using Drawer = FaultRule (*)(sim::Rng&);

Drawer drawer_of(std::string_view profile) {
  if (profile == "chunking") return draw_chunking;
  if (profile == "interrupts") return draw_interrupts;
  if (profile == "timeouts") return draw_timeouts;
  if (profile == "resets") return draw_resets;
  if (profile == "dns") return draw_dns;
  return nullptr;
}

std::string exception_text(std::exception_ptr p) {
  try {
    std::rethrow_exception(p);
  } catch (const std::exception& e) {
    int status = 0;
    const char* mangled = typeid(e).name();
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    return std::string(status == 0 && name ? name.get() : mangled) + ": " + e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

// `s` as one shell word: unchanged when every character is one the shell takes literally.
std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_-./=:,+@%").find(c) != std::string_view::npos);
  if (plain) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string replay_line(const std::string& command, std::uint64_t seed, const std::vector<FaultRule>& faults) {
  const std::string text = to_string(faults);
  if (command.empty()) {
    std::string q;
    for (char c : text) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return "socksim::replay(body, " + std::to_string(seed) + ", socksim::parse_fault_rules(\"" + q + "\"))";
  }
  return command + " --socksim_seed=" + std::to_string(seed) + " --socksim_faults=" + shell_quote(text);
}

bool in_shard(const std::optional<Shard>& shard, std::uint64_t position) {
  return !shard || position % shard->count == shard->index;
}

}  // namespace

// ---- Shard ----

std::optional<Shard> Shard::parse(std::string_view text) noexcept {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto i = parse_count(text.substr(0, slash));
  auto n = parse_count(text.substr(slash + 1));
  if (!i || !n || *n == 0 || *i >= *n) return std::nullopt;
  return Shard{*i, *n};
}

std::optional<Shard> Shard::from_environment() {
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (total == nullptr && index == nullptr) return std::nullopt;
  if (total == nullptr || index == nullptr)
    throw std::invalid_argument("GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must be set together");
  auto n = parse_count(total);
  auto i = parse_count(index);
  if (!n || !i || *n == 0 || *i >= *n)
    throw std::invalid_argument(std::string("GTEST_SHARD_INDEX=") + index + " GTEST_TOTAL_SHARDS=" + total +
                                " is not a shard (0 <= index < total)");
  return Shard{*i, *n};
}

// ---- profiles ----

const std::vector<std::string>& fault_profiles() {
  static const std::vector<std::string> names = {"chunking", "interrupts", "timeouts", "resets", "dns", "all"};
  return names;
}

std::vector<FaultRule> draw_faults(std::string_view profile, std::uint64_t seed) {
  // A stream of its own: the sim's generator, seeded with `seed` too, stays as it would be.
  sim::Rng rng(seed ^ 0x6a09e667f3bcc909ULL);
  std::vector<FaultRule> out;
  if (profile == "all") {
    static constexpr std::string_view kinds[] = {"chunking", "interrupts", "timeouts", "resets", "dns"};
    const std::uint64_t n = 1 + rng.below(3);
    for (std::uint64_t k = 0; k < n; ++k) out.push_back(drawer_of(kinds[rng.below(5)])(rng));
    return out;
  }
  Drawer draw = drawer_of(profile);
  if (!draw) {
    std::string names;
    for (const auto& p : fault_profiles()) names += (names.empty() ? "" : ", ") + p;
    throw std::invalid_argument("unknown fault profile '" + std::string(profile) + "' (" + names + ")");
  }
  const std::uint64_t n = profile == "chunking" ? 1 + rng.below(2) : 1;
  for (std::uint64_t k = 0; k < n; ++k) out.push_back(draw(rng));
  return out;
}

// ---- runs ----

std::string ExploreResult::report() const {
  std::ostringstream out;
  if (!failed) {
    out << "socksim explore: no failure in " << runs << " runs\n";
    return out.str();
  }
  out << "socksim explore: seed " << seed << " failed\n";
  out << "  faults: " << (faults.empty() ? "(none)" : to_string(faults)) << "\n";
  if (drawn.size() != faults.size()) out << "  drawn:  " << to_string(drawn) << "\n";
  for (const auto& f : fired) out << "  fired:  " << f << "\n";
  out << "  error:  " << error << "\n";
  char hash[32];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(trace_hash));
  out << "  trace hash: " << hash << "\n";
  out << "  replay: " << replay << "\n";
  return out.str();
}

ExploreResult replay(const ExploreBody& body, std::uint64_t seed, const std::vector<FaultRule>& faults,
                     const SimNetwork::Config& config) {
  ExploreResult result;
  result.runs = 1;
  result.seed = seed;
  result.faults = faults;
  result.drawn = faults;
  SimNetwork::Config cfg = config;
  cfg.seed = seed;
  cfg.trace = true;
  std::vector<FaultId> ids;
  {
    SimNetwork net(cfg);
    for (const auto& rule : faults) ids.push_back(net.add_fault(rule));
    try {
      body(net);
    } catch (...) {
      result.failed = true;
      result.error = exception_text(std::current_exception());
    }
    result.trace_hash = net.trace_hash();
    for (std::size_t i = 0; i < faults.size(); ++i) {
      const std::uint64_t hits = net.fault_hits(ids[i]);
      if (hits > 0) result.fired.push_back(to_string(faults[i]) + " (" + std::to_string(hits) + (hits == 1 ? " time)" : " times)"));
    }
  }
  result.replay = replay_line({}, seed, faults);
  return result;
}

namespace {

// Drops the faults the failure does not need, one at a time, until every remaining one is needed.
ExploreResult shrink(const ExploreBody& body, ExploreResult failing, const SimNetwork::Config& config,
                     std::uint64_t& runs) {
  bool changed = true;
  while (changed && failing.faults.size() > 1) {
    changed = false;
    for (std::size_t i = 0; i < failing.faults.size(); ++i) {
      std::vector<FaultRule> fewer = failing.faults;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
      ExploreResult r = replay(body, failing.seed, fewer, config);
      ++runs;
      if (r.failed) {
        r.drawn = failing.drawn;
        failing = std::move(r);
        changed = true;
        break;
      }
    }
  }
  // Without any fault at all?
  if (!failing.faults.empty()) {
    ExploreResult r = replay(body, failing.seed, {}, config);
    ++runs;
    if (r.failed) {
      r.drawn = failing.drawn;
      failing = std::move(r);
    }
  }
  return failing;
}

ExploreResult finish(ExploreResult r, std::uint64_t runs, const std::string& command) {
  r.runs = runs;
  r.replay = replay_line(command, r.seed, r.faults);
  return r;
}

}  // namespace

ExploreResult explore(const ExploreBody& body, const ExploreOptions& options) {
  if (!body) throw std::invalid_argument("explore: the body is empty");
  if (options.profile != "all" && !drawer_of(options.profile)) draw_faults(options.profile, 0);  // throws
  if (options.shard && (options.shard->count == 0 || options.shard->index >= options.shard->count))
    throw std::invalid_argument("explore: the shard's index must be below its count");
  if (options.seeds > std::numeric_limits<std::uint64_t>::max() - options.first_seed)
    throw std::invalid_argument("explore: first_seed + seeds overflows");
  std::uint64_t runs = 0;
  std::uint64_t total = options.seeds;
  if (options.shard) total = options.seeds / options.shard->count + (options.shard->index < options.seeds % options.shard->count ? 1 : 0);
  for (std::uint64_t k = 0; k < options.seeds; ++k) {
    if (!in_shard(options.shard, k)) continue;
    const std::uint64_t seed = options.first_seed + k;
    const std::vector<FaultRule> faults = draw_faults(options.profile, seed);
    ExploreResult r = replay(body, seed, faults, options.config);
    ++runs;
    if (options.on_progress) options.on_progress(ExploreProgress{runs, total, seed});
    if (!r.failed) continue;
    if (options.shrink) r = shrink(body, std::move(r), options.config, runs);
    return finish(std::move(r), runs, options.replay_command);
  }
  ExploreResult ok;
  ok.runs = runs;
  return ok;
}

ExploreResult enumerate_fault_points(const ExploreBody& body, const FaultPointOptions& options) {
  if (!body) throw std::invalid_argument("enumerate_fault_points: the body is empty");
  if (options.errors.empty()) throw std::invalid_argument("enumerate_fault_points: no errors to inject");
  for (int e : options.errors)
    if (e <= 0 && e != fault::kTimeout)
      throw std::invalid_argument("enumerate_fault_points: " + std::to_string(e) + " is not an errno or kTimeout");
  // The counting run: a rule that never fires makes the sim count the I/O calls.
  std::uint64_t calls = 0;
  std::uint64_t runs = 1;
  {
    SimNetwork::Config cfg = options.config;
    cfg.seed = options.seed;
    cfg.trace = true;
    SimNetwork net(cfg);
    net.add_fault(fault::fail_point{std::numeric_limits<std::uint64_t>::max(), EINTR});
    try {
      body(net);
    } catch (...) {
      ExploreResult r;
      r.failed = true;
      r.seed = options.seed;
      r.error = "the run without faults failed: " + exception_text(std::current_exception());
      r.trace_hash = net.trace_hash();
      return finish(std::move(r), runs, options.replay_command);
    }
    calls = net.fault_io_calls();
  }
  const std::uint64_t total = calls * options.errors.size();
  std::uint64_t position = 0;
  std::uint64_t done = 0;
  for (std::uint64_t index = 1; index <= calls; ++index) {
    for (int error : options.errors) {
      if (!in_shard(options.shard, position++)) continue;
      const std::vector<FaultRule> faults = {FaultRule(fault::fail_point{index, error})};
      ExploreResult r = replay(body, options.seed, faults, options.config);
      ++runs;
      ++done;
      if (options.on_progress) options.on_progress(ExploreProgress{done, total, options.seed});
      if (r.failed) return finish(std::move(r), runs, options.replay_command);
    }
  }
  ExploreResult ok;
  ok.runs = runs;
  return ok;
}

}  // namespace socksim
