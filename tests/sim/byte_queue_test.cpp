// The byte queue under TCP's buffers: FIFO order across blocks, shares that copy nothing, and
// blocks that stay intact while anything still holds a part of them.
#include <gtest/gtest.h>

#include <string>

#include "byte_queue.hpp"
#include "tcp.hpp"

namespace socksim::simtest {
namespace {

using sim::ByteQueue;
using sim::Bytes;

std::string pattern(std::size_t n, std::size_t seed = 0) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

std::string read_all(const ByteQueue& q, std::size_t offset = 0) {
  std::string out(q.size() > offset ? q.size() - offset : 0, '\0');
  EXPECT_EQ(q.copy(out, offset), out.size());
  return out;
}

TEST(SimByteQueue, KeepsOrderAcrossBlocksAndConsumes) {
  ByteQueue q;
  const std::string a = pattern(ByteQueue::kBlock + 1000, 1);
  const std::string b = pattern(77, 2);
  q.append(a);
  q.append(b);
  EXPECT_EQ(q.size(), a.size() + b.size());
  EXPECT_EQ(read_all(q), a + b);
  EXPECT_EQ(read_all(q, 5), (a + b).substr(5));
  q.consume(ByteQueue::kBlock - 3);  // into the second block
  EXPECT_EQ(read_all(q), (a + b).substr(ByteQueue::kBlock - 3));
  q.consume(q.size());
  EXPECT_TRUE(q.empty());
  q.append(b);
  EXPECT_EQ(read_all(q), b);
}

TEST(SimByteQueue, ShareCopiesNothingAndStopsAtTheBlocksEnd) {
  ByteQueue q;
  const std::string a = pattern(ByteQueue::kBlock + 10);
  q.append(a);
  Bytes first = q.share(0, 100);
  EXPECT_EQ(first.view(), a.substr(0, 100));
  Bytes again = q.share(0, 100);
  EXPECT_EQ(first.data(), again.data());  // the same bytes, not a copy
  EXPECT_EQ(first.block_refs(), 3u);      // the queue's part and two shares
  // A share across the end of the first block ends there.
  Bytes tail = q.share(ByteQueue::kBlock - 4, 64);
  EXPECT_EQ(tail.size(), 4u);
  EXPECT_EQ(tail.view(), a.substr(ByteQueue::kBlock - 4, 4));
  EXPECT_EQ(q.share(ByteQueue::kBlock, 64).view(), a.substr(ByteQueue::kBlock, 10));
  EXPECT_TRUE(q.share(a.size(), 1).empty());
  EXPECT_TRUE(q.share(0, 0).empty());
}

TEST(SimByteQueue, BytesOutliveTheQueueThatWroteThem) {
  Bytes kept;
  {
    ByteQueue q;
    q.append(pattern(3000, 4));
    kept = q.share(1000, 1500);
    q.consume(q.size());
    // Still held: the emptied queue may not reuse the block.
    q.append(pattern(3000, 9));
    EXPECT_EQ(read_all(q), pattern(3000, 9));
  }
  EXPECT_EQ(kept.view(), pattern(3000, 4).substr(1000, 1500));
  EXPECT_EQ(kept.block_refs(), 1u);
}

TEST(SimByteQueue, TakingOverKeepsBothQueuesIntact) {
  // A sender's queue hands a share to a receiver's queue; both then keep writing.
  ByteQueue snd, rcv;
  const std::string a = pattern(100, 1);
  snd.append(a);
  rcv.append(snd.share(0, 100));  // the receiver's queue is empty: taken over, not copied
  // The receiver's part ends where the block's bytes end: it may write after it, and then the
  // sender's part no longer does, so the sender's next bytes go to a block of their own.
  rcv.append(std::string_view("xyz"));
  snd.append(std::string_view("123"));
  EXPECT_EQ(read_all(rcv), a + "xyz");
  EXPECT_EQ(read_all(snd), a + "123");
  snd.consume(100);
  EXPECT_EQ(read_all(snd), "123");
  EXPECT_EQ(read_all(rcv), a + "xyz");
  rcv.consume(101);
  EXPECT_EQ(read_all(rcv), "yz");
}

TEST(SimByteQueue, SmallPartsAreCopiedIntoRoomAtTheBack) {
  ByteQueue snd, rcv;
  rcv.append(std::string_view("head"));
  snd.append(pattern(64));
  Bytes seg = snd.share(0, 64);
  EXPECT_EQ(seg.block_refs(), 2u);
  rcv.append(std::move(seg));
  EXPECT_EQ(read_all(rcv), "head" + pattern(64));
  // Copied, and the share let go: only the sender's part holds its block.
  EXPECT_TRUE(seg.empty());
  EXPECT_EQ(snd.share(0, 1).block_refs(), 2u);  // the queue's part and this share
}

TEST(SimByteQueue, AnEmptiedQueueReusesItsBlock) {
  ByteQueue q;
  q.append(pattern(64));
  const char* before = q.share(0, 1).data();
  q.consume(64);
  q.append(pattern(64, 3));
  EXPECT_EQ(q.share(0, 1).data(), before);
  EXPECT_EQ(read_all(q), pattern(64, 3));
}

TEST(SimByteQueue, AnEmptiedQueueLetsALargeBlockGo) {
  ByteQueue q;
  q.append(pattern(100000));
  q.consume(100000);
  q.append(pattern(64, 5));
  // A fresh small block (the large one was freed): a 64-byte write fits in a 256-byte block.
  Bytes s = q.share(0, 64);
  EXPECT_EQ(s.view(), pattern(64, 5));
  EXPECT_EQ(s.block_refs(), 2u);
}

TEST(SimByteQueue, SegmentsCutFromBulkDataAreWhole) {
  // A loopback segment fills a block exactly.
  EXPECT_EQ(ByteQueue::kBlock, sim::kMaxSegment);
  ByteQueue q;
  q.append(pattern(3 * ByteQueue::kBlock));
  std::size_t offset = 0, segments = 0;
  while (offset < q.size()) {
    Bytes s = q.share(offset, sim::kMaxSegment);
    EXPECT_EQ(s.size(), sim::kMaxSegment);
    offset += s.size();
    ++segments;
  }
  EXPECT_EQ(segments, 3u);
}

}  // namespace
}  // namespace socksim::simtest
