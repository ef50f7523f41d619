// sim/trace.hpp - the trace: one JSON object a line, and a stable hash of the lines.
//
// Every socket call and network event is a line {"t":<virtual ns>,"task":..,"ev":..,...}. The
// hash is FNV-1a (64 bits) over each line's bytes and its '\n', kept whether or not the lines are
// written anywhere; the same seed and the same program give the same lines, hence the same hash.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace socksim::sim {

class TraceLine {
 public:
  // An inactive line (tracing off) ignores everything written to it.
  TraceLine(std::int64_t t, std::string_view task, std::string_view ev, bool active = true);
  bool active() const noexcept { return active_; }
  TraceLine& num(std::string_view key, long long value);
  TraceLine& str(std::string_view key, std::string_view value);
  const std::string& text() { return s_; }
  std::string finish();

 private:
  void key(std::string_view k);
  std::string s_;
  bool active_ = true;
};

class Trace {
 public:
  void emit(TraceLine& line);
  void set_output(std::ostream* out) noexcept { out_ = out; }
  // Off: no line is made, the hash stays at its initial value (for speed).
  void set_enabled(bool on) noexcept { enabled_ = on; }
  bool enabled() const noexcept { return enabled_; }
  std::uint64_t hash() const noexcept { return hash_; }
  std::uint64_t lines() const noexcept { return lines_; }

  static void append_json_string(std::string& out, std::string_view s);

 private:
  std::ostream* out_ = nullptr;
  bool enabled_ = true;
  std::uint64_t hash_ = 14695981039346656037ULL;
  std::uint64_t lines_ = 0;
};

}  // namespace socksim::sim
