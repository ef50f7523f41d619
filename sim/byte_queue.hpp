// sim/byte_queue.hpp - a FIFO of bytes (appended at the back, read and dropped at the front) whose
// bytes can be handed on without copying them.
//
// Bytes live in Blocks. A Block is shared by everything that holds a part of it: the send buffer
// that wrote it, the TCP segments cut from it, the receive buffer that took them over. A `Bytes`
// is one such part: a range of one block, holding a reference to it. A TCP segment's payload is
// a `Bytes` cut from the sender's queue (share()) and taken over by the receiver's queue
// (append(Bytes&&)): each byte is copied twice on its way, from the program's buffer into the
// send queue and from the receive queue into the program's buffer, as on Linux's loopback.
//
// A queue may write into the room left at the end of a block when its last part ends where the
// block's bytes end: whoever else holds parts of that block holds bytes before that point, which
// are never written again. A queue that empties keeps its last block for the next bytes when
// nothing else holds a part of it and it is small. The simulation runs on one thread, so the reference count is a
// plain integer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace socksim::sim {

class Block {
 public:
  // The capacity of the blocks bulk data goes through: one loopback segment (65,483 bytes).
  static constexpr std::size_t kLarge = 65483;

  // A block with room for `capacity` bytes and one reference (the caller's).
  static Block* create(std::size_t capacity) {
    if (capacity == kLarge) {
      if (Block* b = pool().take()) return new (b) Block(capacity);
    }
    void* mem = ::operator new(sizeof(Block) + capacity);
    return new (mem) Block(capacity);
  }
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  void ref() noexcept { ++refs_; }
  void unref() noexcept {
    if (--refs_ == 0) {
      const bool large = capacity_ == kLarge;
      this->~Block();
      if (!large || !pool().give(this)) ::operator delete(this);
    }
  }
  std::size_t refs() const noexcept { return refs_; }
  char* data() noexcept { return reinterpret_cast<char*>(this + 1); }
  const char* data() const noexcept { return reinterpret_cast<const char*>(this + 1); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  friend class Bytes;
  friend class ByteQueue;
  explicit Block(std::size_t capacity) : capacity_(capacity) {}
  ~Block() = default;

  // Large blocks a thread let go, kept for its next ones. A bulk transfer frees blocks in bursts
  // (a program's read of a megabyte frees sixteen) and allocates them again at once; through
  // malloc, the burst would go back to the system (glibc trims the top of the heap above
  // 128 KiB) and the next blocks would be page-faulted in afresh, which doubled the cost of
  // moving a byte. At most 64 are kept (4 MiB), freed when the thread ends.
  class Pool {
   public:
    Pool() = default;
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    ~Pool() {
      for (Block* b : free_) ::operator delete(b);
    }
    Block* take() noexcept {
      if (free_.empty()) return nullptr;
      Block* b = free_.back();
      free_.pop_back();
      return b;
    }
    bool give(Block* b) noexcept {
      if (free_.size() >= kMax) return false;
      free_.push_back(b);  // reserved: no allocation
      return true;
    }

   private:
    static constexpr std::size_t kMax = 64;
    std::vector<Block*> free_ = [] {
      std::vector<Block*> v;
      v.reserve(kMax);
      return v;
    }();
  };
  static Pool& pool() noexcept {
    static thread_local Pool p;
    return p;
  }

  std::size_t refs_ = 1;
  std::size_t size_ = 0;  // bytes written
  std::size_t capacity_;
};

// A range of one block's bytes (or nothing), holding a reference to the block.
class Bytes {
 public:
  Bytes() = default;
  // A copy of `text` in a block of its own.
  explicit Bytes(std::string_view text) {
    if (text.empty()) return;
    block_ = Block::create(text.size());
    std::memcpy(block_->data(), text.data(), text.size());
    block_->size_ = text.size();
    end_ = text.size();
  }
  Bytes(const Bytes& o) noexcept : block_(o.block_), begin_(o.begin_), end_(o.end_) {
    if (block_) block_->ref();
  }
  Bytes(Bytes&& o) noexcept
      : block_(std::exchange(o.block_, nullptr)), begin_(std::exchange(o.begin_, 0)), end_(std::exchange(o.end_, 0)) {}
  Bytes& operator=(Bytes o) noexcept {
    swap(o);
    return *this;
  }
  ~Bytes() {
    if (block_) block_->unref();
  }
  void swap(Bytes& o) noexcept {
    std::swap(block_, o.block_);
    std::swap(begin_, o.begin_);
    std::swap(end_, o.end_);
  }

  std::size_t size() const noexcept { return end_ - begin_; }
  bool empty() const noexcept { return end_ == begin_; }
  const char* data() const noexcept { return block_ ? block_->data() + begin_ : nullptr; }
  std::string_view view() const noexcept { return {data(), size()}; }
  // The block's reference count (tests; 0 for no bytes).
  std::size_t block_refs() const noexcept { return block_ ? block_->refs() : 0; }

 private:
  friend class ByteQueue;
  struct Adopt {};
  static constexpr Adopt adopt{};
  // Takes over the reference the caller holds to an empty block.
  Bytes(Adopt, Block* block) noexcept : block_(block) {}
  Bytes(Block* block, std::size_t begin, std::size_t end) noexcept : block_(block), begin_(begin), end_(end) {
    block_->ref();
  }
  Block* block_ = nullptr;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

class ByteQueue {
 public:
  // append(string_view) starts blocks of at most this many bytes: one loopback segment (65,483
  // bytes), so that segments cut from bulk data are whole; and the block stays under glibc's
  // mmap threshold (128 KiB), so that blocks are reused from the heap, not mapped afresh.
  static constexpr std::size_t kBlock = Block::kLarge;
  // A taken-over part at most this long is copied into the room of the last block instead.
  static constexpr std::size_t kCopyBelow = 512;

  ByteQueue() = default;
  ByteQueue(const ByteQueue&) = delete;
  ByteQueue& operator=(const ByteQueue&) = delete;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Copies `data` in, into the room of the last block where it may write, then into new blocks.
  void append(std::string_view data) {
    while (!data.empty()) {
      Block* b = writable_back();
      if (!b || b->size_ == b->capacity_) {
        // A large write gets a whole block (its segments are then whole), a small one a small
        // block (a connection's idle buffers stay small).
        b = Block::create(data.size() > kSmall ? kBlock : std::max(data.size(), kMinBlock));
        parts_.push_back(Bytes(Bytes::adopt, b));  // the part holds its one reference
      }
      const std::size_t k = std::min(data.size(), b->capacity_ - b->size_);
      std::memcpy(b->data() + b->size_, data.data(), k);
      b->size_ += k;
      parts_.back().end_ += k;
      size_ += k;
      data.remove_prefix(k);
    }
  }
  // Takes `bytes` over without copying them (a small part is copied into room at the back).
  void append(Bytes&& bytes) {
    if (bytes.empty()) return;
    if (bytes.size() <= kCopyBelow) {
      if (Block* b = writable_back(); b && b->capacity_ - b->size_ >= bytes.size()) {
        append(bytes.view());
        bytes = Bytes();
        return;
      }
    }
    if (size_ == 0) parts_.clear();  // an emptied block kept for writing: the new part replaces it
    size_ += bytes.size();
    parts_.push_back(std::move(bytes));
  }

  // Copies up to out.size() bytes starting `offset` bytes from the front; returns the count.
  std::size_t copy(std::span<char> out, std::size_t offset = 0) const {
    if (offset >= size_) return 0;
    const std::size_t n = std::min(out.size(), size_ - offset);
    std::size_t done = 0;
    std::size_t skip = offset;
    for (std::size_t i = first_; i < parts_.size() && done < n; ++i) {
      const Bytes& p = parts_[i];
      if (skip >= p.size()) {
        skip -= p.size();
        continue;
      }
      const std::size_t k = std::min(p.size() - skip, n - done);
      std::memcpy(out.data() + done, p.data() + skip, k);
      done += k;
      skip = 0;
    }
    return n;
  }
  // Up to n bytes from `offset`, as a share of the one block that holds them: fewer than n where
  // that block's part ends. Nothing is copied.
  Bytes share(std::size_t offset, std::size_t n) const {
    if (offset >= size_ || n == 0) return {};
    std::size_t skip = offset;
    for (std::size_t i = first_; i < parts_.size(); ++i) {
      const Bytes& p = parts_[i];
      if (skip >= p.size()) {
        skip -= p.size();
        continue;
      }
      const std::size_t begin = p.begin_ + skip;
      return Bytes(p.block_, begin, begin + std::min(n, p.size() - skip));
    }
    return {};
  }

  void consume(std::size_t n) {
    n = std::min(n, size_);
    size_ -= n;
    while (n > 0) {
      Bytes& front = parts_[first_];
      if (n < front.size()) {
        front.begin_ += n;
        break;
      }
      n -= front.size();
      if (parts_.size() - first_ == 1) {
        // The last part: its block is kept for the next bytes when nothing else holds it.
        if (front.block_->refs_ == 1 && front.block_->capacity_ <= kSmall) {
          front.block_->size_ = 0;
          front.begin_ = front.end_ = 0;
          if (first_ > 0) {
            parts_.erase(parts_.begin(), parts_.begin() + static_cast<std::ptrdiff_t>(first_));
            first_ = 0;
          }
        } else {
          parts_.clear();
          first_ = 0;
        }
        return;
      }
      front = Bytes();  // its block is let go now; the slot goes when enough have gone
      ++first_;
    }
    if (first_ > 0 && first_ * 2 >= parts_.size()) {
      parts_.erase(parts_.begin(), parts_.begin() + static_cast<std::ptrdiff_t>(first_));
      first_ = 0;
    }
  }
  void clear() noexcept {
    parts_.clear();
    first_ = 0;
    size_ = 0;
  }

 private:
  // The smallest block append(string_view) starts.
  static constexpr std::size_t kMinBlock = 256;
  // Writes up to this long get blocks of their size; only blocks up to this size are kept for
  // reuse by a queue that empties.
  static constexpr std::size_t kSmall = 4096;

  // The last block, when this queue may write into its room (its last part ends where the
  // block's bytes end); else nullptr.
  Block* writable_back() noexcept {
    if (first_ == parts_.size()) return nullptr;
    Bytes& back = parts_.back();
    return back.end_ == back.block_->size_ ? back.block_ : nullptr;
  }

  // A vector (an empty queue allocates nothing: a socket has two); parts before first_ are gone.
  std::vector<Bytes> parts_;
  std::size_t first_ = 0;
  std::size_t size_ = 0;
};

}  // namespace socksim::sim
