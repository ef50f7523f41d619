// socksim/testing.hpp - GoogleTest support: a seeded SimNetwork fixture, error matchers, and
// suites instantiated over both backends.
//
//   class ClientTest : public socksim::testing::SimTest {};
//
//   TEST_F(ClientTest, RefusedWithoutServer) {
//     auto s = net().socket();
//     EXPECT_THAT([&] { s.connect({"127.0.0.1", 9}); },
//                 socksim::testing::ThrowsSocketError(ECONNREFUSED));
//   }
//
// Seeds: each test gets the FNV-1a hash of its full name ("Suite.Test", "Prefix/Suite.Test/param")
// as its seed, so a test's run never depends on which other tests ran. `--socksim_seed=N` (read by
// InitFlags, which socksim::gtest_main calls) or the environment variable SOCKSIM_SEED=N replace
// it for every test; the flag wins over the variable. When a test fails, the fixture prints its
// seed, a command line that replays it, and the last lines of the simulation's trace.
//
// Header-only; link socksim::testing (or socksim::socksim and GTest::gmock).
//
// Everything is in namespace socksim::testing; inside namespace socksim, write ::testing:: for
// GoogleTest's own namespace.
#pragma once

#include <cxxabi.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "socksim/errors.hpp"
#include "socksim/explore.hpp"
#include "socksim/faults.hpp"
#include "socksim/network.hpp"
#include "socksim/real.hpp"
#include "socksim/sim.hpp"

namespace socksim::testing {

// =================================================================================================
// Seeds and the --socksim_seed flag
// =================================================================================================

// FNV-1a, 64 bits, of `text`: the seed a test gets from its full name.
constexpr std::uint64_t SeedFromName(std::string_view text) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// A seed as written on a command line or in SOCKSIM_SEED: decimal, or hexadecimal after "0x",
// within 64 bits, nothing else (no sign, no spaces). nullopt when `text` is not one.
inline std::optional<std::uint64_t> ParseSeed(std::string_view text) noexcept {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (err != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

namespace detail {
struct FlagState {
  std::optional<std::uint64_t> seed;  // --socksim_seed, when given
  std::optional<std::string> faults;  // --socksim_faults, when given
  std::string argv0;                  // the test program as InitFlags saw it (absolute if it had a '/')
};
inline FlagState& flag_state() {
  static FlagState state;
  return state;
}
}  // namespace detail

// Reads and removes socksim's flags from the command line (argv[*argc] stays nullptr), and keeps
// argv[0] for replay lines. Call it before or after ::testing::InitGoogleTest; socksim::gtest_main
// does. Flags:
//   --socksim_seed=N        every SimTest / BackendTest (sim) runs with seed N
//   --socksim_faults=RULES  ... and with these fault rules (text form, ';' between rules)
// Throws std::invalid_argument for a malformed value.
inline void InitFlags(int* argc, char** argv) {
  if (argc == nullptr || argv == nullptr || *argc <= 0) return;
  auto& state = detail::flag_state();
  if (argv[0] != nullptr) {
    state.argv0 = argv[0];
    if (state.argv0.find('/') != std::string::npos) {  // without a '/', the shell found it on PATH
      std::error_code ec;
      auto abs = std::filesystem::absolute(state.argv0, ec);
      if (!ec) state.argv0 = abs.lexically_normal().string();
    }
  }
  constexpr std::string_view kSeed = "--socksim_seed";
  constexpr std::string_view kFaults = "--socksim_faults";
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == kFaults) throw std::invalid_argument("--socksim_faults needs a value: --socksim_faults='RULE; RULE'");
    if (arg.starts_with(kFaults) && arg[kFaults.size()] == '=') {
      const std::string value(arg.substr(kFaults.size() + 1));
      (void)parse_fault_rules(value);  // throws std::invalid_argument naming the bad rule
      state.faults = value;
      continue;
    }
    if (arg == kSeed) throw std::invalid_argument("--socksim_seed needs a value: --socksim_seed=N");
    if (arg.starts_with(kSeed) && arg[kSeed.size()] == '=') {
      const auto value = arg.substr(kSeed.size() + 1);
      const auto seed = ParseSeed(value);
      if (!seed) {
        throw std::invalid_argument("--socksim_seed=" + std::string(value) +
                                    ": not a seed (a decimal number, or hexadecimal after 0x, of 64 bits)");
      }
      state.seed = *seed;
      continue;
    }
    argv[kept++] = argv[i];
  }
  argv[kept] = nullptr;
  *argc = kept;
}

// The text InitFlags' flags add to --help.
inline void PrintFlagHelp(std::ostream& out) {
  out << "\nsocksim:\n"
         "  --socksim_seed=N\n"
         "      Run every socksim::testing::SimTest (and the sim side of BackendTest) with seed N\n"
         "      instead of the one derived from the test's name. The environment variable\n"
         "      SOCKSIM_SEED=N does the same; the flag wins.\n"
         "  --socksim_faults=RULES\n"
         "      Add these fault rules (socksim/faults.hpp's text form, ';' between rules) to every\n"
         "      SimTest's network, and replay them in socksim::testing::Explore. The environment\n"
         "      variable SOCKSIM_FAULTS does the same; the flag wins.\n";
}

// The value of --socksim_seed (nullopt when not given). SetSeedFlag changes it, as the flag would.
inline std::optional<std::uint64_t> SeedFlag() { return detail::flag_state().seed; }
inline void SetSeedFlag(std::optional<std::uint64_t> seed) { detail::flag_state().seed = seed; }

// The fault rules of --socksim_faults, else SOCKSIM_FAULTS (when set and not empty); empty when
// neither is given. Throws std::invalid_argument for a malformed SOCKSIM_FAULTS.
inline std::vector<FaultRule> FaultsFlag() {
  if (detail::flag_state().faults) return parse_fault_rules(*detail::flag_state().faults);
  if (const char* env = std::getenv("SOCKSIM_FAULTS"); env != nullptr && *env != '\0') {
    try {
      return parse_fault_rules(env);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("SOCKSIM_FAULTS: ") + e.what());
    }
  }
  return {};
}
inline void SetFaultsFlag(std::optional<std::string> faults) { detail::flag_state().faults = std::move(faults); }

// Where a test's seed came from.
enum class SeedSource { test_name, environment, flag };

inline const char* to_string(SeedSource source) noexcept {
  switch (source) {
    case SeedSource::test_name: return "derived from the test's name";
    case SeedSource::environment: return "from SOCKSIM_SEED";
    case SeedSource::flag: return "from --socksim_seed";
  }
  return "?";
}

struct SeedChoice {
  std::uint64_t seed = 0;
  SeedSource source = SeedSource::test_name;
};

// The seed of the test named `full_name`: --socksim_seed, else SOCKSIM_SEED (when set and not
// empty), else SeedFromName(full_name). Throws std::invalid_argument for a malformed SOCKSIM_SEED.
inline SeedChoice ChooseSeed(std::string_view full_name) {
  if (auto flag = SeedFlag()) return {*flag, SeedSource::flag};
  if (const char* env = std::getenv("SOCKSIM_SEED"); env != nullptr && *env != '\0') {
    const auto seed = ParseSeed(env);
    if (!seed) {
      throw std::invalid_argument(std::string("SOCKSIM_SEED=") + env +
                                  ": not a seed (a decimal number, or hexadecimal after 0x, of 64 bits)");
    }
    return {*seed, SeedSource::environment};
  }
  return {SeedFromName(full_name), SeedSource::test_name};
}

// The running test's full name, as --gtest_filter takes it: "Suite.Test", or
// "Prefix/Suite.Test/Param" for a value-parameterized test. Empty outside a test.
inline std::string CurrentTestFullName() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return {};
  return std::string(info->test_suite_name()) + "." + info->name();
}

// `text` as one shell word: unchanged when it holds only characters the shell takes literally,
// otherwise in single quotes.
inline std::string ShellQuote(std::string_view text) {
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./=:,+@%").find(c) != std::string_view::npos;
  };
  bool all_plain = !text.empty();
  for (char c : text) all_plain = all_plain && plain(c);
  if (all_plain) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The test program: argv[0] as InitFlags saw it, else /proc/self/exe.
inline std::string ExecutablePath() {
  if (!detail::flag_state().argv0.empty()) return detail::flag_state().argv0;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("<test program>") : self.string();
}

// A shell command that runs the test named `full_name` alone with `seed`:
//   SOCKSIM_SEED=<seed> <program> --gtest_filter=<full name>
inline std::string ReplayCommand(std::uint64_t seed, std::string_view full_name) {
  std::string line = "SOCKSIM_SEED=" + std::to_string(seed) + " " + ShellQuote(ExecutablePath()) + " " +
                     ShellQuote("--gtest_filter=" + std::string(full_name));
  if (full_name.starts_with("DISABLED_") || full_name.find(".DISABLED_") != std::string_view::npos ||
      full_name.find("/DISABLED_") != std::string_view::npos) {
    line += " --gtest_also_run_disabled_tests";
  }
  return line;
}

// =================================================================================================
// TraceRing: the last lines of a simulation's trace
// =================================================================================================

// An output stream that keeps the last `capacity` lines written to it (without their '\n'),
// oldest first; a line is kept once its '\n' arrives. Hand stream() to SimNetwork::set_trace_output.
// Optionally forwards everything to another stream as well.
class TraceRing {
 public:
  explicit TraceRing(std::size_t capacity = 50) : buf_(capacity), stream_(&buf_) {}
  TraceRing(const TraceRing&) = delete;
  TraceRing& operator=(const TraceRing&) = delete;

  std::ostream& stream() noexcept { return stream_; }

  // The kept lines, oldest first: at most capacity() of them.
  std::vector<std::string> lines() const { return {buf_.lines.begin(), buf_.lines.end()}; }
  // Every complete line written since construction or clear(), kept or not.
  std::uint64_t total() const noexcept { return buf_.total; }
  // Text after the last '\n', not yet a line.
  const std::string& pending() const noexcept { return buf_.current; }
  std::size_t capacity() const noexcept { return buf_.capacity; }
  // Keeps the newest `capacity` lines from now on (dropping older ones at once).
  void set_capacity(std::size_t capacity) {
    buf_.capacity = capacity;
    buf_.trim();
  }
  // Also writes everything to `out` (nullptr: stops).
  void set_forward(std::ostream* out) noexcept { buf_.forward = out; }
  void clear() {
    buf_.lines.clear();
    buf_.current.clear();
    buf_.total = 0;
  }

 private:
  struct Buf : std::streambuf {
    explicit Buf(std::size_t n) : capacity(n) {}
    int_type overflow(int_type c) override {
      if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
      put(traits_type::to_char_type(c));
      if (forward) forward->put(traits_type::to_char_type(c));
      return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      for (std::streamsize i = 0; i < n; ++i) put(s[i]);
      if (forward) forward->write(s, n);
      return n;
    }
    void put(char c) {
      if (c != '\n') {
        current += c;
        return;
      }
      lines.push_back(std::move(current));
      current.clear();
      ++total;
      trim();
    }
    void trim() {
      while (lines.size() > capacity) lines.pop_front();
    }
    std::size_t capacity;
    std::deque<std::string> lines;  // the newest `capacity` complete lines, oldest first
    std::string current;            // the line being written
    std::uint64_t total = 0;        // complete lines ever written (since clear)
    std::ostream* forward = nullptr;
  };
  Buf buf_;
  std::ostream stream_;
};

// =================================================================================================
// SimRun: one test's simulation (seed, network, trace tail, failure report)
// =================================================================================================

// What SimTest and BackendTest share; usable on its own in a fixture of another shape.
class SimRun {
 public:
  explicit SimRun(std::size_t trace_tail = 50) : ring_(trace_tail) {}
  SimRun(const SimRun&) = delete;
  SimRun& operator=(const SimRun&) = delete;
  ~SimRun() { Stop(); }

  // Chooses the seed of the test named `full_name` (see ChooseSeed) and makes its network from
  // make_config(seed), with the trace going to the ring. Throws std::invalid_argument for a
  // malformed SOCKSIM_SEED.
  void Start(std::string full_name, const std::function<SimNetwork::Config(std::uint64_t)>& make_config) {
    Stop();
    full_name_ = std::move(full_name);
    choice_ = ChooseSeed(full_name_);
    ring_.clear();
    net_ = std::make_unique<SimNetwork>(make_config(choice_.seed));
    net_->set_trace_output(&ring_.stream());
    faults_ = FaultsFlag();
    for (const auto& rule : faults_) net_->add_fault(rule);
  }

  // Detaches the trace and destroys the network.
  void Stop() noexcept {
    if (net_) net_->set_trace_output(nullptr);
    net_.reset();
  }

  bool started() const noexcept { return net_ != nullptr; }
  SimNetwork& net() const {
    if (!net_) throw std::logic_error("socksim::testing::SimRun: no network (Start was not called or failed)");
    return *net_;
  }
  std::uint64_t seed() const noexcept { return choice_.seed; }
  SeedSource seed_source() const noexcept { return choice_.source; }
  const std::string& full_name() const noexcept { return full_name_; }
  TraceRing& trace_tail() noexcept { return ring_; }
  const TraceRing& trace_tail() const noexcept { return ring_; }

  // The text printed when a test fails:
  //   socksim: seed 123 (derived from the test's name)
  //   socksim: replay: SOCKSIM_SEED=123 /path/to/tests --gtest_filter=Suite.Test
  //   socksim: trace: 12 lines, hash 0x0123456789abcdef; the last 12:
  //     {"t":0,...}
  //   socksim: deadlock: ...            (when the run ended in a deadlock)
  std::string Report() const {
    std::ostringstream out;
    out << "socksim: seed " << choice_.seed << " (" << to_string(choice_.source) << ")\n";
    out << "socksim: replay: " << ReplayCommand(choice_.seed, full_name_);
    if (!faults_.empty()) out << " --socksim_faults=" << ShellQuote(to_string(faults_));
    out << "\n";
    if (net_ && !net_->config().trace) {
      out << "socksim: trace: off (SimNetwork::Config::trace is false)\n";
    } else if (net_) {
      char hash[19];
      std::snprintf(hash, sizeof hash, "0x%016llx", static_cast<unsigned long long>(net_->trace_hash()));
      const auto kept = ring_.lines();
      out << "socksim: trace: " << net_->trace_lines() << " lines, hash " << hash;
      if (kept.empty()) {
        out << "\n";
      } else if (kept.size() == ring_.total()) {
        out << "; the last " << kept.size() << ":\n";
      } else {
        out << "; the last " << kept.size() << " of " << ring_.total() << ":\n";
      }
      for (const auto& line : kept) out << "  " << line << "\n";
    }
    if (net_) {
      const std::string deadlock = net_->deadlock_report();
      if (!deadlock.empty()) out << "socksim: deadlock: " << deadlock << (deadlock.ends_with('\n') ? "" : "\n");
    }
    return out.str();
  }

 private:
  TraceRing ring_;  // declared before net_: the network writes to it until it is gone
  std::vector<FaultRule> faults_;
  std::string full_name_;
  SeedChoice choice_;
  std::unique_ptr<SimNetwork> net_;
};

// =================================================================================================
// SimTest: a fixture with a fresh, seeded SimNetwork per test
// =================================================================================================

// A derived fixture that overrides SetUp/TearDown calls SimTest::SetUp() first / SimTest::TearDown()
// last. The network lives until the fixture is destroyed, so sockets kept in a derived fixture's
// members close while it still exists.
class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      run_.Start(CurrentTestFullName(), [this](std::uint64_t seed) { return MakeConfig(seed); });
    } catch (const std::invalid_argument& e) {
      GTEST_FAIL() << e.what();
    }
    RecordProperty("socksim_seed", std::to_string(run_.seed()));
  }

  // When the test failed, prints the seed, the replay line and the trace tail (FailureReport).
  void TearDown() override {
    if (HasFailure() && run_.started()) std::cout << FailureReport() << std::flush;
  }

  // The network's configuration for this test. Override it to add hosts, links, DNS records...;
  // keep `seed` as config.seed so that the replay line replays.
  virtual SimNetwork::Config MakeConfig(std::uint64_t seed) {
    SimNetwork::Config config;
    config.seed = seed;
    return config;
  }

  SimNetwork& net() const { return run_.net(); }
  std::uint64_t seed() const noexcept { return run_.seed(); }
  SeedSource seed_source() const noexcept { return run_.seed_source(); }
  // The last trace lines (50 by default; trace_tail().set_capacity(n) changes it).
  TraceRing& trace_tail() noexcept { return run_.trace_tail(); }
  std::string FailureReport() const { return run_.Report(); }

 private:
  SimRun run_;
};

// =================================================================================================
// Explore: socksim::explore from a test, with replay lines that rerun just the failing seed
// =================================================================================================

// Runs socksim::explore(body, options) from the running test, with options.replay_command set
// (when empty) to run this test alone. When the test runs with --socksim_faults (or with
// SOCKSIM_FAULTS set, even to nothing), it replays one seed - --socksim_seed's, else
// SOCKSIM_SEED's, else the test name's - with those faults instead of sweeping: that is what the
// replay line does. A seed alone does not stop the sweep.
//
//   TEST(Client, SurvivesShortSends) {
//     EXPECT_TRUE(socksim::testing::ExploreSucceeds(client_body, {.profile = "chunking"}));
//   }
inline ExploreResult Explore(const ExploreBody& body, ExploreOptions options = {}) {
  if (options.replay_command.empty())
    options.replay_command = ShellQuote(ExecutablePath()) + " " + ShellQuote("--gtest_filter=" + CurrentTestFullName());
  const bool replaying = detail::flag_state().faults.has_value() || std::getenv("SOCKSIM_FAULTS") != nullptr;
  if (replaying) {
    const SeedChoice choice = ChooseSeed(CurrentTestFullName());
    ExploreResult r = replay(body, choice.seed, FaultsFlag(), options.config);
    r.replay = options.replay_command + " --socksim_seed=" + std::to_string(r.seed) +
               " --socksim_faults=" + ShellQuote(to_string(r.faults));
    return r;
  }
  return explore(body, options);
}

// An assertion: success when Explore finds no failure; else the report (seed, faults, error,
// replay line) as the failure message.
inline ::testing::AssertionResult ExploreSucceeds(const ExploreBody& body, ExploreOptions options = {}) {
  const ExploreResult r = Explore(body, std::move(options));
  if (!r.failed) return ::testing::AssertionSuccess() << r.runs << " runs";
  return ::testing::AssertionFailure() << "\n" << r.report();
}

// =================================================================================================
// BackendTest: one suite, both backends
// =================================================================================================

// The backends SOCKSIM_INSTANTIATE_BACKENDS runs a suite on.
inline const std::vector<std::string>& BackendNames() {
  static const std::vector<std::string> names{"sim", "real"};
  return names;
}

// The test-name suffix: the backend's name.
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// A value-parameterized fixture whose parameter is a backend name, "sim" or "real". net() is a
// fresh network of that backend per test; on the sim it is seeded, and reported on failure, as
// SimTest's.
//
//   class EchoTest : public socksim::testing::BackendTest {};
//   TEST_P(EchoTest, RoundTrip) { auto s = net().socket(); ... }
//   SOCKSIM_INSTANTIATE_BACKENDS(EchoTest);   // EchoTest.RoundTrip/sim and .../real
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string& backend = GetParam();
    if (backend == "real") {
      real_ = MakeRealNetwork();
      ASSERT_NE(real_, nullptr) << "MakeRealNetwork() returned no network";
    } else if (backend == "sim") {
      try {
        run_.Start(CurrentTestFullName(), [this](std::uint64_t seed) { return MakeConfig(seed); });
      } catch (const std::invalid_argument& e) {
        GTEST_FAIL() << e.what();
      }
      RecordProperty("socksim_seed", std::to_string(run_.seed()));
    } else {
      GTEST_FAIL() << "unknown socksim backend \"" << backend << "\" (expected \"sim\" or \"real\")";
    }
  }

  void TearDown() override {
    if (HasFailure() && run_.started()) std::cout << FailureReport() << std::flush;
  }

  // The sim's configuration (see SimTest::MakeConfig).
  virtual SimNetwork::Config MakeConfig(std::uint64_t seed) {
    SimNetwork::Config config;
    config.seed = seed;
    return config;
  }
  // The real backend's network.
  virtual std::unique_ptr<Network> MakeRealNetwork() { return std::make_unique<RealNetwork>(); }

  Network& net() const {
    if (real_) return *real_;
    return run_.net();
  }
  const std::string& backend() const { return GetParam(); }
  bool is_sim() const noexcept { return run_.started(); }
  // The SimNetwork on the sim backend; nullptr on the real one.
  SimNetwork* sim() const noexcept { return run_.started() ? &run_.net() : nullptr; }
  // The sim's seed (meaningless on the real backend).
  std::uint64_t seed() const noexcept { return run_.seed(); }
  TraceRing& trace_tail() noexcept { return run_.trace_tail(); }
  std::string FailureReport() const { return run_.Report(); }

 private:
  SimRun run_;
  std::unique_ptr<Network> real_;
};

// =================================================================================================
// Matchers
// =================================================================================================

namespace detail {

enum class ErrorKind { errno_value, gai, herror, timeout };

// The dynamic type of an exception, demangled.
inline std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

// "ECONNREFUSED (Connection refused)", "gaierror:EAI_NONAME (Name or service not known)", ...
inline std::string describe_code(const std::error_code& ec) {
  if (!ec) return "no error";
  std::string name = error_name(ec);
  if (name.empty()) name = std::string(ec.category().name()) + ":" + std::to_string(ec.value());
  return name + " (" + ec.message() + ")";
}

struct ErrorSpec {
  ErrorKind kind;
  int value;  // errno / EAI / h_errno value (unused for timeout)

  std::error_code expected() const {
    switch (kind) {
      case ErrorKind::errno_value: return errno_code(value);
      case ErrorKind::gai: return gai_code(value);
      case ErrorKind::herror: return herror_code(value);
      case ErrorKind::timeout: return make_error_code(errc::timeout);
    }
    return {};
  }
  bool code_matches(const std::error_code& ec) const {
    switch (kind) {
      case ErrorKind::errno_value:
        return (ec.category() == std::generic_category() || ec.category() == std::system_category()) &&
               ec.value() == value;
      case ErrorKind::gai: return ec.category() == gai_category() && ec.value() == value;
      case ErrorKind::herror: return ec.category() == herror_category() && ec.value() == value;
      case ErrorKind::timeout: return ec == make_error_code(errc::timeout);
    }
    return false;
  }
  // The exception class a call must throw.
  const char* exception_name() const {
    switch (kind) {
      case ErrorKind::errno_value: return "socksim::Error";
      case ErrorKind::gai: return "socksim::GaiError";
      case ErrorKind::herror: return "socksim::HostError";
      case ErrorKind::timeout: return "socksim::Timeout";
    }
    return "?";
  }
  bool class_matches(const Error& e) const {
    switch (kind) {
      case ErrorKind::errno_value: return true;
      case ErrorKind::gai: return dynamic_cast<const GaiError*>(&e) != nullptr;
      case ErrorKind::herror: return dynamic_cast<const HostError*>(&e) != nullptr;
      case ErrorKind::timeout: return dynamic_cast<const Timeout*>(&e) != nullptr;
    }
    return false;
  }
  // "errno ECONNREFUSED (Connection refused)", "a timeout", ...
  std::string what() const {
    switch (kind) {
      case ErrorKind::errno_value: return "errno " + describe_code(expected());
      case ErrorKind::gai: return "gaierror " + describe_code(expected());
      case ErrorKind::herror: return "herror " + describe_code(expected());
      case ErrorKind::timeout: return "a timeout (\"timed out\")";
    }
    return "?";
  }
};

template <class T>
constexpr bool is_code_v = std::is_same_v<T, std::error_code>;
template <class T>
constexpr bool is_exception_value_v = std::is_base_of_v<std::system_error, T>;
template <class T>
constexpr bool is_call_v = !is_code_v<T> && !is_exception_value_v<T> && std::is_invocable_v<const T&>;

// Matches a value (std::error_code, or an exception object derived from std::system_error) whose
// code is the expected one, or a callable that throws the expected exception with that code.
template <class T>
class ErrorMatcherImpl : public ::testing::MatcherInterface<T> {
  using Value = std::remove_cvref_t<T>;

 public:
  explicit ErrorMatcherImpl(ErrorSpec spec) : spec_(spec) {}

  bool MatchAndExplain(T x, ::testing::MatchResultListener* listener) const override {
    if constexpr (is_code_v<Value>) {
      *listener << "which is " << describe_code(x);
      return spec_.code_matches(x);
    } else if constexpr (is_exception_value_v<Value>) {
      *listener << "which is a " << type_name(typeid(x)) << " with " << describe_code(x.code());
      return spec_.code_matches(x.code());
    } else {
      try {
        std::invoke(x);
      } catch (const Error& e) {
        const bool ok = spec_.class_matches(e) && spec_.code_matches(e.code());
        *listener << "which throws " << type_name(typeid(e)) << " with " << describe_code(e.code()) << ": \""
                  << e.what() << "\"";
        return ok;
      } catch (const std::exception& e) {
        *listener << "which throws " << type_name(typeid(e)) << ": \"" << e.what() << "\"";
        return false;
      } catch (...) {
        *listener << "which throws an exception of an unknown type";
        return false;
      }
      *listener << "which throws nothing";
      return false;
    }
  }

  void DescribeTo(std::ostream* os) const override {
    if constexpr (is_call_v<Value>) {
      *os << "throws " << spec_.exception_name() << " with " << spec_.what();
    } else {
      *os << "is " << spec_.what();
    }
  }
  void DescribeNegationTo(std::ostream* os) const override {
    if constexpr (is_call_v<Value>) {
      *os << "doesn't throw " << spec_.exception_name() << " with " << spec_.what();
    } else {
      *os << "isn't " << spec_.what();
    }
  }

 private:
  ErrorSpec spec_;
};

// The polymorphic matcher: becomes an ErrorMatcherImpl<T> for what it is matched against.
// `values`/`calls` say which kinds of argument the matcher's name reads right with.
template <bool values, bool calls>
class ErrorMatcher {
 public:
  explicit ErrorMatcher(ErrorSpec spec) : spec_(spec) {}

  template <class T>
  operator ::testing::Matcher<T>() const {  // NOLINT(google-explicit-constructor): gMock's protocol
    using Value = std::remove_cvref_t<T>;
    static_assert(is_code_v<Value> || is_exception_value_v<Value> || is_call_v<Value>,
                  "socksim matchers take a std::error_code, a socksim::Error (or another std::system_error), "
                  "or a callable with no arguments");
    static_assert(values || is_call_v<Value>,
                  "ThrowsSocketError takes a callable; for a std::error_code or an Error use HasErrno");
    static_assert(calls || !is_call_v<Value>,
                  "HasErrno takes a std::error_code or an Error; for a callable use ThrowsSocketError");
    return ::testing::Matcher<T>(new ErrorMatcherImpl<T>(spec_));
  }

 private:
  ErrorSpec spec_;
};

}  // namespace detail

// A callable that throws socksim::Error (or a subclass) with errno `errno_value`:
//   EXPECT_THAT([&] { s.connect(closed); }, ThrowsSocketError(ECONNREFUSED));
inline auto ThrowsSocketError(int errno_value) {
  return detail::ErrorMatcher<false, true>({detail::ErrorKind::errno_value, errno_value});
}

// A std::error_code or a socksim::Error carrying errno `errno_value`:
//   std::error_code ec; s.send("x", 0, ec); EXPECT_THAT(ec, HasErrno(EPIPE));
inline auto HasErrno(int errno_value) {
  return detail::ErrorMatcher<true, false>({detail::ErrorKind::errno_value, errno_value});
}

// The seed's socket.timeout: a callable that throws socksim::Timeout, or a std::error_code /
// Error whose code is errc::timeout.
inline auto IsTimeout() { return detail::ErrorMatcher<true, true>({detail::ErrorKind::timeout, 0}); }

// getaddrinfo/getnameinfo's errors: a callable that throws socksim::GaiError with `eai` (an EAI_*
// value), or a std::error_code / Error of gai_category() with that value.
inline auto IsGaiError(int eai) { return detail::ErrorMatcher<true, true>({detail::ErrorKind::gai, eai}); }

// gethostbyname_ex/gethostbyaddr's errors: a callable that throws socksim::HostError with
// `h_errno_value` (HOST_NOT_FOUND, TRY_AGAIN, ...), or a std::error_code / Error of
// herror_category() with it.
inline auto IsHostError(int h_errno_value) {
  return detail::ErrorMatcher<true, true>({detail::ErrorKind::herror, h_errno_value});
}

}  // namespace socksim::testing

// Instantiates the value-parameterized suite `Suite` (a fixture derived from
// socksim::testing::BackendTest, with TEST_P bodies) on the sim and on the real backend; the
// tests are named Backends/Suite.Test/sim and Backends/Suite.Test/real. Use at namespace scope.
#define SOCKSIM_INSTANTIATE_BACKENDS(Suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(::socksim::testing::BackendNames()), \
                           ::socksim::testing::BackendName)
