// sim/byte_queue.hpp - a FIFO of bytes: appended at the back, read and dropped at the front.
#pragma once

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace socksim::sim {

class ByteQueue {
 public:
  std::size_t size() const noexcept { return buf_.size() - head_; }
  bool empty() const noexcept { return size() == 0; }
  void append(std::string_view data) { buf_.append(data.data(), data.size()); }
  // Copies up to out.size() bytes starting `offset` bytes from the front; returns the count.
  std::size_t copy(std::span<char> out, std::size_t offset = 0) const {
    if (offset >= size()) return 0;
    const std::size_t n = std::min(out.size(), size() - offset);
    std::memcpy(out.data(), buf_.data() + head_ + offset, n);
    return n;
  }
  std::string_view view(std::size_t offset, std::size_t n) const {
    if (offset >= size()) return {};
    return std::string_view(buf_).substr(head_ + offset, std::min(n, size() - offset));
  }
  void consume(std::size_t n) {
    head_ += std::min(n, size());
    if (head_ == buf_.size()) {
      buf_.clear();
      head_ = 0;
    } else if (head_ > 65536 && head_ * 2 > buf_.size()) {
      buf_.erase(0, head_);
      head_ = 0;
    }
  }
  void clear() noexcept {
    buf_.clear();
    head_ = 0;
  }

 private:
  std::string buf_;
  std::size_t head_ = 0;
};

}  // namespace socksim::sim
