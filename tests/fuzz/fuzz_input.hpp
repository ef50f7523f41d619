// tests/fuzz/fuzz_input.hpp - reads typed values from a fuzzer's bytes. When the bytes run out,
// every read returns zero / empty, so any input decodes to some finite program.
// Decoders read each value in its own full expression (never two reads among one call's
// arguments, whose order is unspecified), so that an input decodes the same with every compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace socksim::fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const noexcept { return pos_ >= size_; }
  std::size_t left() const noexcept { return size_ - pos_; }

  std::uint8_t byte() noexcept { return pos_ < size_ ? data_[pos_++] : 0; }
  // Little-endian. (Each read is its own statement: the operands of `|` are unsequenced.)
  std::uint16_t u16() noexcept {
    const unsigned lo = byte();
    const unsigned hi = byte();
    return static_cast<std::uint16_t>(lo | (hi << 8));
  }
  std::uint32_t u32() noexcept {
    const std::uint32_t lo = u16();
    const std::uint32_t hi = u16();
    return lo | (hi << 16);
  }
  std::uint64_t u64() noexcept {
    const std::uint64_t lo = u32();
    const std::uint64_t hi = u32();
    return lo | (hi << 32);
  }
  bool flag() noexcept { return (byte() & 1) != 0; }
  // A value in [0, n) (n > 0).
  std::size_t below(std::size_t n) noexcept { return byte() % n; }
  template <class T, std::size_t N>
  const T& pick(const T (&options)[N]) noexcept {
    return options[below(N)];
  }
  // A string of up to `max` bytes: a length byte, then that many bytes (fewer at the end).
  std::string str(std::size_t max) {
    const std::size_t n = std::min<std::size_t>(byte(), max);
    return bytes(n);
  }
  std::string bytes(std::size_t n) {
    n = std::min(n, left());
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }
  // Whatever is left.
  std::string rest() { return bytes(left()); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace socksim::fuzz
