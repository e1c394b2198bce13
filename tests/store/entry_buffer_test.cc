// EntryBuffer: lines copied into chunks (a long line into one of its own) read back exactly;
// buffers emptied in turn reuse their chunks through a ChunkPool, which keeps at most its
// limit of free ones.
#include "store/entry_buffer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace remediator::store {
namespace {

TEST(EntryBufferTest, LinesOfEverySizeReadBackInOrder) {
  std::vector<std::string> lines;
  for (size_t n : {0, 1, 100, 16383, 16384, 16385, 40000, 7, 0, 9000, 9000}) lines.push_back(std::string(n, 'a' + n % 26));
  const std::vector<Label> sm = {{"trace_id", "t1"}};
  ChunkPool pool(4);
  for (ChunkPool* from : {static_cast<ChunkPool*>(nullptr), &pool}) {
    EntryBuffer b(from);
    for (size_t i = 0; i < lines.size(); ++i) {
      b.Add(static_cast<int64_t>(i), lines[i], i % 2 ? std::span<const Label>(sm) : std::span<const Label>());
    }
    ASSERT_EQ(b.size(), lines.size());
    uint64_t bytes = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      const RawEntry e = b.at(i);
      EXPECT_EQ(e.timestamp_ns, static_cast<int64_t>(i));
      EXPECT_EQ(e.line, lines[i]) << i;
      EXPECT_EQ(e.structured_metadata.size(), i % 2);
      bytes += lines[i].size();
    }
    EXPECT_EQ(b.line_bytes(), bytes);
    std::vector<RawEntry> all;
    b.AppendTo(all);
    EXPECT_EQ(all.size(), lines.size());
    b.Clear();
    EXPECT_TRUE(b.empty());
    EXPECT_EQ(b.line_bytes(), 0u);
    b.Add(1, "again", {});
    EXPECT_EQ(b.at(0).line, "again");
    b.Release();
    EXPECT_TRUE(b.empty());
  }
}

TEST(EntryBufferTest, ChunksGoBackToThePoolAndServeTheNextBuffer) {
  ChunkPool pool(1);
  const char* first;
  {
    EntryBuffer a(&pool);
    a.Add(1, "one", {});
    first = a.at(0).line.data();
    EntryBuffer b(&pool);
    b.Add(2, "two", {});
    EXPECT_NE(b.at(0).line.data(), first);
    a.Clear();  // a's chunk is kept by the pool
    b.Clear();  // b's is freed: the pool keeps one
  }
  EntryBuffer c(&pool);
  c.Add(3, "three", {});
  EXPECT_EQ(c.at(0).line.data(), first);
  EXPECT_EQ(c.at(0).line, "three");
  // A line longer than a chunk is not pooled: the next chunk is a new one (the pool is
  // empty now).
  c.Add(4, std::string(EntryBuffer::kChunkBytes + 1, 'x'), {});
  EXPECT_EQ(c.at(1).line.size(), EntryBuffer::kChunkBytes + 1);
}

}  // namespace
}  // namespace remediator::store
