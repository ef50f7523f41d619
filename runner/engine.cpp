// Running a scenario on one backend: set-up, steps, expectations, watchdog and clean-up.
#include "runner/engine.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "runner/divergence.hpp"
#include "runner/execute.hpp"
#include "socksim/constants.hpp"
#include "socksim/errors.hpp"

namespace socksim::runner {

const char* status_name(Status s) {
  switch (s) {
    case Status::Pass: return "pass";
    case Status::Fail: return "fail";
    case Status::Skip: return "skip";
  }
  return "?";
}

std::string make_unique_token() {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = [] {
    std::random_device rd;
    return rd();
  }();
  std::ostringstream out;
  out << "socksim-" << ::getpid() << "-" << std::hex << salt << "-" << std::dec << counter.fetch_add(1);
  return out.str();
}

namespace {

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// Cancels the network when the scenario exceeds its wall-clock timeout.
class Watchdog {
 public:
  Watchdog(Network& net, double timeout, double grace, std::string scenario)
      : net_(net), timeout_(timeout), grace_(grace), scenario_(std::move(scenario)) {
    thread_ = std::thread([this] { watch(); });
  }
  ~Watchdog() { stop(); }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool fired() const { return fired_.load(); }

 private:
  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto limit = std::chrono::duration<double>(timeout_);
    if (cv_.wait_for(lock, limit, [this] { return done_; })) return;
    fired_ = true;
    net_.cancel();
    if (grace_ < 0) return;
    if (cv_.wait_for(lock, std::chrono::duration<double>(grace_), [this] { return done_; })) return;
    std::fprintf(stderr, "socksim: scenario \"%s\" did not stop %g s after its timeout was cancelled; giving up\n",
                 scenario_.c_str(), grace_);
    std::fflush(stderr);
    std::_Exit(1);
  }

  Network& net_;
  double timeout_;
  double grace_;
  std::string scenario_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

bool error_matches(const std::string& name, const std::error_code& ec) {
  const auto& cat = ec.category();
  const bool errno_error = cat == std::generic_category() || cat == std::system_category();
  auto socksim_is = [&](errc e) { return cat == socksim_category() && ec.value() == static_cast<int>(e); };
  if (name == "timeout") return socksim_is(errc::timeout);
  if (name == "value_error") return socksim_is(errc::value_error);
  if (name == "overflow_error") return socksim_is(errc::overflow_error);
  if (name == "type_error") return socksim_is(errc::type_error);
  if (name == "deadlock") return socksim_is(errc::deadlock);
  if (name == "error") return errno_error;
  if (name == "gaierror") return cat == gai_category();
  if (name == "herror") return cat == herror_category();
  if (name.rfind("gaierror:", 0) == 0) {
    auto v = socksim::constant_value(name.substr(9));
    return cat == gai_category() && v && *v == ec.value();
  }
  if (name.rfind("herror:", 0) == 0) {
    auto v = socksim::constant_value(name.substr(7));
    return cat == herror_category() && v && *v == ec.value();
  }
  auto v = socksim::errno_value(name);
  return errno_error && v && *v == ec.value();
}

std::optional<std::size_t> length_of(const json& v) {
  if (v.is_binary()) return v.get_binary().size();
  if (v.is_string()) return v.get_ref<const std::string&>().size();
  if (v.is_array()) return v.size();
  return std::nullopt;
}

// A bound of min/max/len written in a scenario (substituted): a number or a constant's name.
std::optional<double> bound_value(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (auto x = int_value(v)) return static_cast<double>(*x);
  return std::nullopt;
}

struct Verdict {
  bool ok = true;
  std::string message;
  json got;
};

Verdict fail(std::string message, json got) { return {false, std::move(message), std::move(got)}; }

std::string error_list(const json& expect) {
  if (expect.contains("error")) return expect["error"].get<std::string>();
  std::string out;
  for (const auto& e : expect["error_any"]) out += (out.empty() ? "" : " or ") + e.get<std::string>();
  return out;
}

Verdict check_value(const Step& st, const Outcome& o, const json& e) {
  const json got = o.describe();
  const json& v = o.value;
  if (e.contains("value") && !values_equal(v, e["value"]))
    return fail("expected " + render_text(e["value"]) + ", got " + render_text(v), got);
  if (e.contains("len") || e.contains("min_len") || e.contains("max_len")) {
    auto n = length_of(v);
    if (!n) return fail("expected a result with a length (bytes, a string or an array), got " + type_words(v), got);
    for (const char* key : {"len", "min_len", "max_len"}) {
      if (!e.contains(key)) continue;
      auto b = bound_value(e[key]);
      if (!b) return fail(std::string("expect.") + key + " is not a number: " + render_text(e[key]), got);
      const double len = static_cast<double>(*n);
      const bool holds = std::string(key) == "len" ? len == *b : std::string(key) == "min_len" ? len >= *b : len <= *b;
      if (!holds)
        return fail(std::string("expected ") + (std::string(key) == "len" ? "length " : std::string(key) == "min_len" ? "length at least " : "length at most ") +
                        render_text(e[key]) + ", got length " + std::to_string(*n),
                    got);
    }
  }
  if (e.contains("min") || e.contains("max")) {
    if (!v.is_number()) return fail("expected a number, got " + type_words(v) + " " + render_text(v), got);
    const double x = v.get<double>();
    for (const char* key : {"min", "max"}) {
      if (!e.contains(key)) continue;
      auto b = bound_value(e[key]);
      if (!b) return fail(std::string("expect.") + key + " is not a number: " + render_text(e[key]), got);
      const bool holds = std::string(key) == "min" ? x >= *b - 1e-9 : x <= *b + 1e-9;
      if (!holds)
        return fail("expected a number " + std::string(std::string(key) == "min" ? ">= " : "<= ") + render_text(e[key]) +
                        ", got " + render_text(v),
                    got);
    }
  }
  if (e.contains("contains")) {
    if (!v.is_array()) return fail("expected an array containing " + render_text(e["contains"]) + ", got " + type_words(v), got);
    bool found = false;
    for (const auto& x : v)
      if (values_equal(x, e["contains"])) found = true;
    if (!found) return fail("expected an array containing " + render_text(e["contains"]) + ", got " + render_text(v), got);
  }
  (void)st;
  return {};
}

Verdict check(const Step& st, const Outcome& o, const std::optional<json>& expect) {
  if (o.kind == Outcome::Kind::Failure) return fail(o.message, o.describe());
  const bool wants_error = expect && (expect->contains("error") || expect->contains("error_any"));
  if (wants_error) {
    const std::string wanted = error_list(*expect);
    if (o.kind == Outcome::Kind::Value)
      return fail("expected " + wanted + ", but " + st.op + " returned " + render_text(o.value), o.describe());
    std::vector<std::string> names;
    if (expect->contains("error")) names.push_back((*expect)["error"].get<std::string>());
    else
      for (const auto& x : (*expect)["error_any"]) names.push_back(x.get<std::string>());
    for (const auto& n : names)
      if (error_matches(n, o.code)) return {};
    return fail("expected " + wanted + ", got " + o.error + " (" + o.message + ")", o.describe());
  }
  if (o.kind == Outcome::Kind::Error) return fail("unexpected error " + o.error + " (" + o.message + ")", o.describe());
  if (expect) return check_value(st, o, *expect);
  return {};
}

Verdict check_elapsed(const json& bounds, double took) {
  const json got = {{"elapsed", took}};
  for (const char* key : {"min", "max"}) {
    if (!bounds.contains(key)) continue;
    if (!bounds[key].is_number()) return fail(std::string("elapsed.") + key + " is not a number: " + render_text(bounds[key]), got);
    const double b = bounds[key].get<double>();
    const bool holds = std::string(key) == "min" ? took >= b : took <= b;
    if (!holds)
      return fail("took " + seconds_text(took) + " s, expected " + (std::string(key) == "min" ? "at least " : "at most ") +
                      seconds_text(b) + " s",
                  got);
  }
  return {};
}

Verdict check_data(const Outcome& o, const json& expected) {
  if (o.kind != Outcome::Kind::Value || !o.data.is_binary()) return {};
  const json& r = o.value;
  const json& nj = r.is_array() ? r[0] : r;
  const std::string buffer = *bytes_of(o.data);
  const std::size_t n = nj.is_number_unsigned() || nj.is_number_integer() ? nj.get<std::size_t>() : buffer.size();
  const std::string written = n <= buffer.size() ? buffer.substr(0, n) : buffer;
  std::string error;
  auto want = bytes_of(expected, &error);
  if (!want) return fail("data: expected bytes, got " + type_words(expected) + (error.empty() ? "" : ": " + error), nullptr);
  if (*want != written)
    return fail("expected data " + render_text(make_bytes(*want)) + ", got " + render_text(make_bytes(written)),
                json{{"data", render(make_bytes(written))}});
  return {};
}

}  // namespace

BackendResult run_scenario(const Scenario& sc, Network& net, const RunOptions& options) {
  BackendResult result;
  result.backend = std::string(net.backend_name());
  const auto wall_start = std::chrono::steady_clock::now();

  RunContext ctx(net, sc, options);
  ctx.vars.unique = options.unique.empty() ? make_unique_token() : options.unique;

  auto fail_at = [&](const Step* st, std::string message, json expected, json got) {
    result.status = Status::Fail;
    if (st) {
      result.step = st->index;
      result.op = st->op;
    }
    result.message = std::move(message);
    result.expected = std::move(expected);
    result.got = std::move(got);
  };

  Watchdog dog(net, sc.timeout, options.hard_exit_grace, sc.name);
  const std::string timed_out = "timed out after " + seconds_text(sc.timeout) + " s (the scenario's timeout)";
  try {
    std::error_code ec;
    net.setdefaulttimeout(std::nullopt, ec);
    bool ready = true;
    if (sc.uses_tmpdir) {
      ctx.vars.tmpdir = net.mkdtemp(ec);
      if (ec) {
        ready = false;
        fail_at(nullptr, "cannot make $tmpdir: " + ec.message(), nullptr, nullptr);
      }
    }
    for (std::size_t i = 0; ready && i < sc.steps.size(); ++i) {
      const Step& st = sc.steps[i];
      StepRecord rec;
      rec.step = st.index;
      rec.op = st.op;

      json expected = st.expect ? *st.expect : json{{"ok", true}};
      std::string error;
      std::optional<json> args = ctx.vars.substitute(st.args, error);
      std::optional<json> expect, elapsed, data;
      bool substituted = args.has_value();
      if (substituted && st.expect) substituted = (expect = ctx.vars.substitute(*st.expect, error)).has_value();
      if (substituted && st.elapsed) substituted = (elapsed = ctx.vars.substitute(*st.elapsed, error)).has_value();
      if (substituted && st.data) substituted = (data = ctx.vars.substitute(*st.data, error)).has_value();
      if (!substituted) {
        rec.outcome = Outcome::of_failure(error);
        rec.key = comparison_key(st, rec.outcome, sc.asked_ports, ctx.vars.tmpdir);
        result.records.push_back(rec);
        if (options.on_step) options.on_step(st, rec);
        fail_at(&st, error, render(expected), rec.outcome.describe());
        break;
      }
      if (expect) expected = *expect;
      if (elapsed) expected["elapsed"] = *elapsed;
      if (data) expected["data"] = *data;

      const double t0 = net.now_seconds();
      rec.outcome = ctx.execute(st, *args);
      const double t1 = net.now_seconds();
      rec.elapsed = t1 - t0;
      rec.key = comparison_key(st, rec.outcome, sc.asked_ports, ctx.vars.tmpdir);
      result.records.push_back(rec);
      if (options.on_step) options.on_step(st, rec);

      if (dog.fired()) {
        fail_at(&st, timed_out, render(expected), rec.outcome.describe());
        break;
      }
      Verdict v = check(st, rec.outcome, expect);
      if (v.ok && elapsed) v = check_elapsed(*elapsed, rec.elapsed);
      if (v.ok && data) v = check_data(rec.outcome, *data);
      if (!v.ok) {
        fail_at(&st, v.message, render(expected), v.got);
        break;
      }
      if (!st.save.empty() && rec.outcome.kind == Outcome::Kind::Value) ctx.vars.set(st.save, rec.outcome.value);
    }
  } catch (const std::exception& e) {
    fail_at(nullptr, std::string("internal error: ") + e.what(), nullptr, nullptr);
  } catch (...) {
    fail_at(nullptr, "internal error: unknown exception", nullptr, nullptr);
  }

  // Clean-up, whatever happened.
  ctx.close_all();
  if (!ctx.vars.tmpdir.empty()) net.remove_tree(ctx.vars.tmpdir);
  {
    std::error_code ec;
    net.setdefaulttimeout(std::nullopt, ec);
  }
  dog.stop();
  if (result.status != Status::Fail) result.status = Status::Pass;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace socksim::runner
