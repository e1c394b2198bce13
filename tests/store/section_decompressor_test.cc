// SectionDecompressor: sections decoded into reused memory (smaller, then larger than the
// buffer they inherit, with and without structured metadata) read back exactly what was
// encoded, and a damaged frame is an error that leaves the decompressor usable.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/section.h"

namespace remediator::store {
namespace {

struct Case {
  size_t entries;
  size_t line_bytes;
  bool metadata;
};

TEST(SectionDecompressorTest, ReusedMemoryDecodesEachSectionExactly) {
  const Case cases[] = {{500, 300, false}, {3, 10, true}, {2000, 900, false}, {1, 0, false}, {700, 50, true}};
  SectionDecompressor decompressor;
  SectionCompressor compressor(1);
  const std::vector<Label> sm = {Label{"trace_id", "abc"}, Label{"user", "u1"}};
  for (const Case& c : cases) {
    std::vector<std::string> lines;
    std::vector<RawEntry> raw;
    for (size_t i = 0; i < c.entries; ++i) lines.push_back(fmt::format("{:0>{}}", i, c.line_bytes));
    for (size_t i = 0; i < c.entries; ++i) {
      raw.push_back(RawEntry{static_cast<int64_t>(i / 3), lines[i],
                             c.metadata && i % 2 == 0 ? std::span<const Label>(sm) : std::span<const Label>()});
    }
    std::string frame;
    uint64_t raw_bytes = 0;
    ASSERT_TRUE(compressor.Compress(raw, frame, raw_bytes).ok());
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    ASSERT_TRUE(section.ok()) << section.status().ToString();
    ASSERT_EQ(section->size(), c.entries);
    EXPECT_EQ(section->has_metadata(), c.metadata);
    std::vector<Label> got_sm;
    for (size_t i = 0; i < c.entries; ++i) {
      EXPECT_EQ(section->timestamp(i), static_cast<int64_t>(i / 3));
      EXPECT_EQ(section->line(i), lines[i]);
      section->StructuredMetadata(i, got_sm);
      EXPECT_EQ(got_sm.size(), c.metadata && i % 2 == 0 ? sm.size() : 0u) << i;
    }
    decompressor.Recycle(std::move(section).value());

    std::string damaged = frame;
    damaged[damaged.size() / 2] ^= 0x5a;
    damaged.resize(damaged.size() - 1);
    EXPECT_FALSE(decompressor.DecompressAndDecode(damaged, raw_bytes).ok());
    EXPECT_FALSE(decompressor.DecompressAndDecode(frame, raw_bytes + 1).ok());
  }
}

// Timestamps at both ends of int64 (a difference between them overflows it) read back
// exactly: the deltas are taken and added with wrap-around. And empty lines only (no bytes
// of lines at all). Two findings of section_fuzz under UBSan: a signed overflow while
// decoding a damaged section's times, a memcpy from a null pointer (of 0 bytes).
TEST(SectionDecompressorTest, TimestampsAtTheEndsOfInt64AndEmptyLinesRoundTrip) {
  const std::vector<int64_t> times = {INT64_MIN, INT64_MIN, 5, INT64_MAX};
  std::vector<RawEntry> raw;
  for (int64_t t : times) raw.push_back(RawEntry{t, "", {}});
  for (bool json_columns : {false, true}) {
    SectionCompressor compressor(1, json_columns);
    std::string frame;
    uint64_t raw_bytes = 0;
    ASSERT_TRUE(compressor.Compress(raw, frame, raw_bytes).ok());
    SectionDecompressor decompressor;
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    ASSERT_TRUE(section.ok()) << section.status().ToString();
    ASSERT_EQ(section->size(), times.size());
    for (size_t i = 0; i < times.size(); ++i) {
      EXPECT_EQ(section->timestamp(i), times[i]) << i;
      EXPECT_EQ(section->line(i), "") << i;
    }
  }
}

}  // namespace
}  // namespace remediator::store
