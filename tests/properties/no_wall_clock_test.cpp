// No operation of the sim reads the wall clock.
//
// 1. This program defines clock_gettime, gettimeofday and time itself, so that every call of
//    them in the process (std::chrono's clocks, std::this_thread::sleep_for's clock reads, ...)
//    comes here; each counts while a sim workload runs, then forwards to the system call. A sim
//    workload (tasks on two hosts, links with latency and jitter, timeouts, fault rules) must make
//    no such call. A control checks the interposition works: std::chrono::steady_clock and
//    system_clock are counted.
// 2. The same workload run while the clocks the process sees are frozen, then skewed by hours on
//    every read, gives the same trace hash as with the real clock.
// 3. An audit of sim/'s sources: no wall-clock, sleep or OS randomness call appears there.
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "workloads.hpp"

namespace {

enum class ClockMode { Real, Frozen, Skewed };
std::atomic<bool> counting{false};
std::atomic<long> calls{0};
std::atomic<ClockMode> mode{ClockMode::Real};
std::atomic<long> skew_hours{0};

int real_clock_gettime(clockid_t id, timespec* ts) { return static_cast<int>(::syscall(SYS_clock_gettime, id, ts)); }

void adjust(timespec* ts) {
  switch (mode.load()) {
    case ClockMode::Real: break;
    case ClockMode::Frozen: ts->tv_sec = 1'000'000'000; ts->tv_nsec = 0; break;
    case ClockMode::Skewed: ts->tv_sec += 3600 * skew_hours.fetch_add(7); break;
  }
}

}  // namespace

extern "C" int clock_gettime(clockid_t id, timespec* ts) {
  if (counting.load()) calls.fetch_add(1);
  const int rc = real_clock_gettime(id, ts);
  if (rc == 0) adjust(ts);
  return rc;
}

extern "C" int gettimeofday(struct timeval* tv, void* tz) {
  if (counting.load()) calls.fetch_add(1);
  (void)tz;
  timespec ts{};
  real_clock_gettime(CLOCK_REALTIME, &ts);
  adjust(&ts);
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

extern "C" time_t time(time_t* out) {
  if (counting.load()) calls.fetch_add(1);
  timespec ts{};
  real_clock_gettime(CLOCK_REALTIME, &ts);
  adjust(&ts);
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}

namespace socksim::properties {
namespace {

long clock_reads_during(const std::function<void()>& fn) {
  calls = 0;
  counting = true;
  fn();
  counting = false;
  return calls.load();
}

TEST(NoWallClock, TheInterpositionSeesTheStandardClocks) {
  EXPECT_GE(clock_reads_during([] { (void)std::chrono::steady_clock::now(); }), 1);
  EXPECT_GE(clock_reads_during([] { (void)std::chrono::system_clock::now(); }), 1);
  EXPECT_GE(clock_reads_during([] { (void)::time(nullptr); }), 1);
}

TEST(NoWallClock, SimWorkloadsReadNoClock) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    EXPECT_EQ(clock_reads_during([&] { (void)run_stream(seed, true); }), 0) << "seed " << seed;
    EXPECT_EQ(clock_reads_during([&] { (void)run_datagrams(seed, true); }), 0) << "seed " << seed;
  }
}

TEST(NoWallClock, FrozenOrSkewedClocksGiveTheSameTrace) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    mode = ClockMode::Real;
    const std::uint64_t real = mixed_hash(seed);
    mode = ClockMode::Frozen;
    const std::uint64_t frozen = mixed_hash(seed);
    mode = ClockMode::Skewed;
    const std::uint64_t skewed = mixed_hash(seed);
    mode = ClockMode::Real;
    EXPECT_EQ(real, frozen) << "seed " << seed;
    EXPECT_EQ(real, skewed) << "seed " << seed;
  }
}

TEST(NoWallClock, SimSourcesCallNoClockSleepOrOsRandomness) {
  namespace fs = std::filesystem;
  // Whole words only: "time" as a field name (now(), Nanos time) is fine; calls are not.
  const std::regex forbidden(
      R"(system_clock|steady_clock|high_resolution_clock|sleep_for|sleep_until|\busleep\b|\bnanosleep\b|)"
      R"(clock_gettime|gettimeofday|\btime\s*\(\s*(nullptr|NULL|0)?\s*\)|\bclock\s*\(\s*\)|random_device|)"
      R"(\brand\s*\(|\bsrand\s*\(|getrandom|/dev/u?random)");
  std::size_t files = 0;
  std::vector<fs::path> roots{fs::path(SOCKSIM_SOURCE_DIR) / "sim"};
  for (const auto& root : roots) {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const auto ext = e.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      ++files;
      std::ifstream in(e.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        const std::string code = line.substr(0, line.find("//"));  // comments may name them
        EXPECT_FALSE(std::regex_search(code, forbidden)) << e.path().string() << ":" << n << ": " << line;
      }
    }
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
}  // namespace socksim::properties
