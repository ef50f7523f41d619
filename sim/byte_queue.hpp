// sim/byte_queue.hpp - a FIFO of bytes: appended at the back, read and dropped at the front.
//
// The bytes are kept in chunks. append(string_view) copies into the last chunk, up to kChunk bytes
// a chunk; append(std::string&&) takes the string over as a chunk of its own without copying its
// bytes (a TCP segment's payload reaching the receive buffer), unless it is small enough to copy
// into the room the last chunk has. Bytes read at the front are dropped a whole chunk at a time:
// nothing is ever moved within the queue.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>
#include <span>
#include <string>
#include <string_view>

namespace socksim::sim {

class ByteQueue {
 public:
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  void append(std::string_view data) {
    while (!data.empty()) {
      if (first_ == chunks_.size() || taken_back_ || chunks_.back().size() >= kChunk) {
        chunks_.emplace_back();
        chunks_.back().reserve(std::min(data.size(), kChunk));
        taken_back_ = false;
      }
      std::string& back = chunks_.back();
      const std::size_t k = std::min(data.size(), kChunk - back.size());
      back.append(data.data(), k);
      size_ += k;
      data.remove_prefix(k);
    }
  }
  void append(std::string&& data) {
    if (data.empty()) return;
    if (first_ < chunks_.size() && data.size() <= kCopyBelow) {
      std::string& back = chunks_.back();
      if (back.capacity() - back.size() >= data.size()) {
        back.append(data);
        size_ += data.size();
        return;
      }
    }
    if (size_ == 0 && chunks_.size() - first_ == 1) {  // only an emptied chunk: replace it
      chunks_.clear();
      first_ = 0;
    }
    size_ += data.size();
    chunks_.push_back(std::move(data));
    taken_back_ = true;
  }

  // Copies up to out.size() bytes starting `offset` bytes from the front; returns the count.
  std::size_t copy(std::span<char> out, std::size_t offset = 0) const {
    if (offset >= size_) return 0;
    const std::size_t n = std::min(out.size(), size_ - offset);
    std::size_t done = 0;
    std::size_t skip = head_ + offset;
    for (std::size_t i = first_; i < chunks_.size(); ++i) {
      const std::string& c = chunks_[i];
      if (done == n) break;
      if (skip >= c.size()) {
        skip -= c.size();
        continue;
      }
      const std::size_t k = std::min(c.size() - skip, n - done);
      std::memcpy(out.data() + done, c.data() + skip, k);
      done += k;
      skip = 0;
    }
    return n;
  }
  // Up to n bytes from `offset`, within the chunk that holds `offset` (append_to() takes them
  // across chunks).
  std::string_view view(std::size_t offset, std::size_t n) const {
    if (offset >= size_) return {};
    std::size_t skip = head_ + offset;
    for (std::size_t i = first_; i < chunks_.size(); ++i) {
      const std::string& c = chunks_[i];
      if (skip >= c.size()) {
        skip -= c.size();
        continue;
      }
      return std::string_view(c).substr(skip, std::min(n, size_ - offset));
    }
    return {};
  }
  // Appends n bytes from `offset` to `out` (n at most size() - offset).
  void append_to(std::string& out, std::size_t offset, std::size_t n) const {
    std::size_t skip = head_ + offset;
    for (std::size_t i = first_; i < chunks_.size(); ++i) {
      const std::string& c = chunks_[i];
      if (n == 0) break;
      if (skip >= c.size()) {
        skip -= c.size();
        continue;
      }
      const std::size_t k = std::min(c.size() - skip, n);
      out.append(c.data() + skip, k);
      n -= k;
      skip = 0;
    }
  }

  void consume(std::size_t n) {
    n = std::min(n, size_);
    size_ -= n;
    while (n > 0) {
      std::string& front = chunks_[first_];
      const std::size_t left = front.size() - head_;
      if (n < left) {
        head_ += n;
        break;
      }
      n -= left;
      head_ = 0;
      if (chunks_.size() - first_ == 1) {
        front.clear();  // kept with its room for the next bytes
        taken_back_ = false;
      } else {
        std::string().swap(front);  // freed now; the slot goes when enough have gone
        ++first_;
      }
    }
    if (first_ > 0 && first_ * 2 >= chunks_.size()) {
      chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(first_));
      first_ = 0;
    }
  }
  void clear() noexcept {
    chunks_.clear();
    first_ = 0;
    head_ = 0;
    size_ = 0;
    taken_back_ = false;
  }

 private:
  // A taken-over string at most this long is copied into the last chunk when it has the room.
  static constexpr std::size_t kCopyBelow = 512;
  // append(string_view) starts a new chunk once the last one holds this many bytes.
  static constexpr std::size_t kChunk = 64 * 1024;

  // A vector (an empty queue allocates nothing: a socket has two); chunks before first_ are gone.
  std::vector<std::string> chunks_;
  std::size_t first_ = 0;
  std::size_t head_ = 0;  // bytes of the first chunk already consumed
  std::size_t size_ = 0;
  bool taken_back_ = false;  // the last chunk is a taken-over string (append(string_view) starts a new one)
};

}  // namespace socksim::sim
