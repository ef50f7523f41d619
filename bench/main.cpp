// bench/main.cpp - bench_socksim: every workload registered for every backend, and the floors.
//
//   bench_socksim [--socksim_profile=full|quick|smoke] [Google Benchmark flags]
//
// Benchmark names are <workload>/<backend>[/<size>]: backends "real" (RealNetwork) and "sim"
// (SimNetwork in its default configuration, when the sim library is built), "sim_notrace" (its
// trace switched off), "sim_trace" (its trace lines written out);
// floors "raw_posix", "memcpy", "boost_context". The profile picks sizes and run times:
//   full   the sizes, five runs of 0.3 s per benchmark (the table takes the fastest),
//          scale up to 100k connections;
//   quick  the same sizes, shorter runs, scale up to 10k connections;
//   smoke  one iteration of each workload at a tiny size (to check they still run).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "floors.hpp"
#include "socksim/real.hpp"
#include "workloads.hpp"
#ifdef SOCKSIM_BENCH_HAVE_SIM
#include "socksim/sim.hpp"
#endif

namespace socksim::bench {
namespace {

struct Profile {
  std::string name;
  double min_time = 0.3;           // seconds per benchmark, for those that pick their iterations
  int repetitions = 5;             // of those; the table takes the fastest
  bool one_iteration = false;      // smoke: every benchmark runs exactly one iteration
  std::size_t bulk_volume = 256u << 20;
  int timeout_calls = 10000;
  int timeout_tasks = 100;         // the concurrent variant spreads the calls over this many tasks
  std::vector<int> scale_sizes;    // sim; real takes those its descriptor limit allows
  long long sim_scale_iterations = 0;
  long long real_scale_iterations = 0;
};

Profile make_profile(std::string_view name) {
  Profile p;
  p.name = std::string(name);
  if (name == "full") {
    p.scale_sizes = {10, 1000, 10000, 100000};
    p.sim_scale_iterations = 200000;
    p.real_scale_iterations = 20000;
  } else if (name == "quick") {
    p.min_time = 0.1;
    p.repetitions = 1;
    p.scale_sizes = {10, 1000, 10000};
    p.sim_scale_iterations = 20000;
    p.real_scale_iterations = 2000;
  } else if (name == "smoke") {
    p.one_iteration = true;
    p.repetitions = 1;
    p.bulk_volume = 1u << 20;
    p.timeout_calls = 100;
    p.timeout_tasks = 10;
    p.scale_sizes = {10};
    p.sim_scale_iterations = 1;
    p.real_scale_iterations = 1;
  } else {
    std::fprintf(stderr, "bench_socksim: unknown profile '%.*s' (full, quick, smoke)\n", static_cast<int>(name.size()),
                 name.data());
    std::exit(2);
  }
  return p;
}

// Raises the soft descriptor limit to the hard one; returns the soft limit in force.
rlim_t raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return rl.rlim_cur;
}

using MakeNetwork = std::function<std::unique_ptr<Network>()>;

struct Backend {
  std::string name;
  MakeNetwork make;
};

std::vector<Backend> backends() {
  std::vector<Backend> list;
#ifdef SOCKSIM_BENCH_HAVE_SIM
  list.push_back({"sim", [] { return std::make_unique<SimNetwork>(); }});
#endif
  list.push_back({"real", [] { return std::make_unique<RealNetwork>(); }});
  return list;
}

// iterations 0: the library picks the count (min_time); else exactly that many.
benchmark::internal::Benchmark* add(const Profile& profile, const std::string& name,
                                    std::function<void(benchmark::State&)> fn, long long iterations = 0) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [fn](benchmark::State& state) {
    try {
      fn(state);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
    }
  });
  b->UseRealTime();
  if (profile.one_iteration) {
    b->Iterations(1);
  } else if (iterations > 0) {
    b->Iterations(iterations);
  } else {
    b->MinTime(profile.min_time);
    if (profile.repetitions > 1) b->Repetitions(profile.repetitions)->DisplayAggregatesOnly(true);
  }
  return b;
}

// A workload on a fresh network of the backend for each run.
benchmark::internal::Benchmark* add_workload(const Profile& profile, const std::string& name, const MakeNetwork& make,
                                             std::function<void(benchmark::State&, Network&)> workload,
                                             long long iterations = 0) {
  return add(
      profile, name,
      [make, workload](benchmark::State& state) {
        std::unique_ptr<Network> net = make();
        workload(state, *net);
      },
      iterations);
}

void register_all(const Profile& p, rlim_t fd_limit) {
  // ping-pong, and its floor: the same loop on raw POSIX sockets.
  for (const Backend& b : backends()) add_workload(p, "pingpong/" + b.name, b.make, pingpong);
  add(p, "pingpong/raw_posix", raw_posix_pingpong);
#ifdef SOCKSIM_BENCH_HAVE_SIM
  // The sim's trace: "sim" is the default configuration (the trace kept as a hash, no lines
  // written); beside it the trace switched off (Config::trace = false) and the trace written out
  // line by line (to /dev/null: the cost of producing and writing the lines, not of a disk).
  const MakeNetwork sim_notrace = [] {
    SimNetwork::Config config;
    config.trace = false;
    return std::unique_ptr<Network>(std::make_unique<SimNetwork>(config));
  };
  add_workload(p, "pingpong/sim_notrace", sim_notrace, pingpong);
  add_workload(
      p, "pingpong/sim_trace",
      [] {
        auto net = std::make_unique<SimNetwork>();
        if (!net->set_trace_file("/dev/null")) throw std::runtime_error("cannot open /dev/null for the trace");
        return std::unique_ptr<Network>(std::move(net));
      },
      pingpong);
#endif

  for (const Backend& b : backends()) add_workload(p, "churn/" + b.name, b.make, churn);
#ifdef SOCKSIM_BENCH_HAVE_SIM
  add_workload(p, "churn/sim_notrace", sim_notrace, churn);
#endif

  const std::size_t volume = p.bulk_volume;
  for (const Backend& b : backends())
    add_workload(p, "bulk/" + b.name, b.make, [volume](benchmark::State& s, Network& n) { bulk(s, n, volume); })
        ->Unit(benchmark::kMillisecond);
  add(p, "bulk/memcpy", [volume](benchmark::State& s) { memcpy_volume(s, volume); })->Unit(benchmark::kMillisecond);

  for (const Backend& b : backends()) add_workload(p, "udp/" + b.name, b.make, udp);

#ifdef SOCKSIM_BENCH_HAVE_SIM
  // Timeouts: the sim only (on real, 10,000 x 30 s is three and a half days).
  const MakeNetwork sim = [] { return std::make_unique<SimNetwork>(); };
  const int calls = p.timeout_calls;
  const int tasks = p.timeout_tasks;
  add_workload(p, "timeouts/sim/serial", sim, [calls](benchmark::State& s, Network& n) { timeouts(s, n, calls, 1); })
      ->Unit(benchmark::kMillisecond);
  // The same calls with a 1 ms timeout: the wall cost of a timeout does not depend on its length.
  add_workload(p, "timeouts/sim/serial_1ms", sim,
               [calls](benchmark::State& s, Network& n) { timeouts(s, n, calls, 1, 0.001); })
      ->Unit(benchmark::kMillisecond);
  add_workload(p, "timeouts/sim/tasks_" + std::to_string(tasks), sim,
               [calls, tasks](benchmark::State& s, Network& n) { timeouts(s, n, calls, tasks); })
      ->Unit(benchmark::kMillisecond);

  // The task switch alone: two fibers taking turns through sleep(0); beside it, two bare
  // Boost.Context fibers.
  add_workload(p, "switch/sim", sim, task_switch);
#endif
#ifdef SOCKSIM_BENCH_HAVE_BOOST_CONTEXT
  add(p, "switch/boost_context", fiber_switch);
#endif

  // Scale: fixed iteration counts, so that each size sets up its connections once.
  for (const Backend& b : backends()) {
    const bool is_real = b.name == "real";
    std::vector<int> sizes = p.scale_sizes;
    if (is_real) {
      // Two descriptors a connection, and some spare for the listener, stdio and the library.
      const long long fit = (static_cast<long long>(fd_limit) - 64) / 2;
      const bool cut = std::any_of(sizes.begin(), sizes.end(), [fit](int n) { return n > fit; });
      std::erase_if(sizes, [fit](int n) { return n > fit; });
      const int most = static_cast<int>(fit / 100 * 100);
      if (cut && most > 0 && (sizes.empty() || most > sizes.back())) sizes.push_back(most);
    }
    const long long iterations = is_real ? p.real_scale_iterations : p.sim_scale_iterations;
    for (int n : sizes) {
      add_workload(
          p, "scale/" + b.name + "/" + std::to_string(n), b.make,
          [n](benchmark::State& s, Network& net) { scale(s, net, n); }, iterations);
    }
    // The same with ten connections active among the N (sim): what a round trip costs the
    // simulation's bookkeeping as N grows (descriptors, ports, timers), without the cache misses
    // of touching every connection in turn.
    if (b.name == "sim") {
      for (int n : sizes) {
        add_workload(
            p, "scale_active10/" + b.name + "/" + std::to_string(n), b.make,
            [n](benchmark::State& s, Network& net) { scale(s, net, n, 10); }, iterations);
      }
    }
  }
}

}  // namespace
}  // namespace socksim::bench

int main(int argc, char** argv) {
  std::string profile_name = "full";
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr std::string_view flag = "--socksim_profile=";
    if (i > 0 && std::string_view(argv[i]).starts_with(flag)) {
      profile_name = std::string(std::string_view(argv[i]).substr(flag.size()));
    } else {
      args.push_back(argv[i]);
    }
  }
  int args_count = static_cast<int>(args.size());
  const auto profile = socksim::bench::make_profile(profile_name);
  const rlim_t fd_limit = socksim::bench::raise_fd_limit();
  benchmark::AddCustomContext("socksim_profile", profile.name);
  benchmark::AddCustomContext("fd_limit", std::to_string(fd_limit));
  // The source tree measured, when the caller says (scripts/run-bench: the git commit).
  if (const char* tree = std::getenv("SOCKSIM_BENCH_TREE")) benchmark::AddCustomContext("socksim_tree", tree);
  socksim::bench::register_all(profile, fd_limit);
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
