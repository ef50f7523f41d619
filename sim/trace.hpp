// sim/trace.hpp - the trace: one JSON object a line, and a stable hash of the lines.
//
// Every socket call and network event is a line {"t":<virtual ns>,"task":..,"ev":..,...}, and the
// trace keeps a 64-bit hash of them, in one of two ways:
//  - while its lines are written somewhere (set_output): FNV-1a over each line's bytes and its
//    '\n', so that the hash can be checked against the lines;
//  - otherwise (the common case): a hash over each line's fields as they are given (the time, the
//    task, the event, then each field's number, its string's length and bytes, or the parts a
//    described field stands for, with a tag of its key), one 64-bit word at a time. No text is
//    made for such a line: it costs a few multiplications.
// Either way the same seed and the same program give the same hash; compare hashes of runs that
// both wrote their lines or both did not.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>

namespace socksim::sim {

class Trace;

// The hash's steps (exposed for the fields that hash their own parts).
namespace trace_hash {
inline constexpr std::uint64_t kInitial = 14695981039346656037ULL;  // FNV-1a's offset basis
inline constexpr std::uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;  // odd
// One word into a line's running hash (order matters). For a given word it is a bijection of the
// running value, so two lines whose fields differ never end up with the same value.
inline std::uint64_t step(std::uint64_t h, std::uint64_t v) noexcept { return (h ^ v) * kMultiplier; }
// One line's hash into the trace's hash (with its high bits folded down).
inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  h = step(h, v);
  return h ^ (h >> 29);
}
// A field's key, folded into the field's first word rather than hashed on its own: its length
// and first byte (keys are fixed by the code that writes the line; this tells fields apart).
inline std::uint64_t key_tag(std::string_view key) noexcept {
  const std::uint64_t first = key.empty() ? 0 : static_cast<unsigned char>(key[0]);
  return (static_cast<std::uint64_t>(key.size()) << 8 | first) << 40;
}
// The bytes of a string of fewer than 8 as one word, without a loop (overlapping loads).
inline std::uint64_t short_word(const char* p, std::size_t n) noexcept {
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return static_cast<std::uint64_t>(b) << 32 | a;
  }
  if (n == 0) return 0;
  const auto u = [p](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
  return u(0) | u(n / 2) << 8 | u(n - 1) << 16;
}
// A string: its length (with `tag` folded in) and bytes, eight at a time (little-endian
// words); a string of fewer than 8 bytes is one word with its length in the top byte.
inline std::uint64_t mix_bytes(std::uint64_t h, std::string_view s, std::uint64_t tag = 0) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  if (n < 8) return step(h, short_word(p, n) ^ static_cast<std::uint64_t>(n) << 56 ^ tag);
  h = step(h, n ^ tag);
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = step(h, w);
  }
  if (n) h = step(h, short_word(p, n));
  return h;
}
}  // namespace trace_hash

class TraceLine {
 public:
  // A line of `trace`: inactive (ignores everything written to it) when the trace is off; its
  // text is made only when the trace writes its lines.
  TraceLine(const Trace& trace, std::int64_t t, std::string_view task, std::string_view ev);
  // A line whose text is always made (inactive: tracing off).
  TraceLine(std::int64_t t, std::string_view task, std::string_view ev, bool active = true);

  bool active() const noexcept { return active_; }
  // The line will be written: its text is being made.
  bool writes_text() const noexcept { return text_; }

  TraceLine& num(std::string_view key, long long value) {
    if (!active_) return *this;
    h_ = trace_hash::step(h_, static_cast<std::uint64_t>(value) ^ trace_hash::key_tag(key));
    if (text_) append_num(key, value);
    return *this;
  }
  TraceLine& str(std::string_view key, std::string_view value) {
    if (!active_) return *this;
    h_ = trace_hash::mix_bytes(h_, value, trace_hash::key_tag(key));
    if (text_) append_str(key, value);
    return *this;
  }
  // A field whose text is a description made by `describe()` (a string) only when the line is
  // written; `parts` stand for it in the hash and must determine the description.
  template <class Describe>
  TraceLine& described(std::string_view key, std::initializer_list<std::uint64_t> parts, Describe&& describe) {
    if (!active_) return *this;
    std::uint64_t tag = trace_hash::key_tag(key);
    for (std::uint64_t p : parts) {
      h_ = trace_hash::step(h_, p ^ tag);
      tag = 0;
    }
    if (text_) append_str(key, describe());
    return *this;
  }

 private:
  friend class Trace;
  void start(std::int64_t t, std::string_view task, std::string_view ev);
  void key(std::string_view k);
  void append_num(std::string_view key, long long value);
  void append_str(std::string_view key, std::string_view value);

  std::uint64_t h_ = trace_hash::kInitial;
  std::string s_;
  bool active_ = true;
  bool text_ = true;
};

class Trace {
 public:
  void emit(TraceLine& line);
  void set_output(std::ostream* out) noexcept { out_ = out; }
  // Off: no line is made, the hash stays at its initial value (for speed).
  void set_enabled(bool on) noexcept { enabled_ = on; }
  bool enabled() const noexcept { return enabled_; }
  bool writes_text() const noexcept { return enabled_ && out_ != nullptr; }
  std::uint64_t hash() const noexcept { return hash_; }
  std::uint64_t lines() const noexcept { return lines_; }

  static void append_json_string(std::string& out, std::string_view s);
  static std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) noexcept;

 private:
  std::ostream* out_ = nullptr;
  bool enabled_ = true;
  std::uint64_t hash_ = trace_hash::kInitial;
  std::uint64_t lines_ = 0;
};

inline TraceLine::TraceLine(const Trace& trace, std::int64_t t, std::string_view task, std::string_view ev)
    : active_(trace.enabled()), text_(trace.writes_text()) {
  if (active_) start(t, task, ev);
}

inline TraceLine::TraceLine(std::int64_t t, std::string_view task, std::string_view ev, bool active)
    : active_(active), text_(active) {
  if (active_) start(t, task, ev);
}

inline void TraceLine::start(std::int64_t t, std::string_view task, std::string_view ev) {
  h_ = trace_hash::mix_bytes(trace_hash::mix_bytes(trace_hash::step(h_, static_cast<std::uint64_t>(t)), task), ev);
  if (!text_) return;
  s_.reserve(160);
  s_ += "{\"t\":";
  s_ += std::to_string(t);
  append_str("task", task);
  append_str("ev", ev);
}

inline void Trace::emit(TraceLine& line) {
  if (!line.active_) return;
  ++lines_;
  if (out_ && line.text_) {
    line.s_ += "}\n";
    hash_ = fnv1a(hash_, line.s_);
    out_->write(line.s_.data(), static_cast<std::streamsize>(line.s_.size()));
  } else {
    hash_ = trace_hash::mix(hash_, line.h_);
  }
}

}  // namespace socksim::sim
