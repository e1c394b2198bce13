#include "store/framing.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace remediator::store {
namespace {

std::vector<std::string> ReadAll(std::string_view data, size_t* good = nullptr) {
  FrameReader r(data);
  std::vector<std::string> out;
  std::string_view p;
  while (r.Next(p)) out.emplace_back(p);
  if (good) *good = r.good_bytes();
  return out;
}

TEST(FramingTest, RoundTrip) {
  const std::vector<std::string> records = {"a", "", std::string(1000, 'x'), "last"};
  std::string data;
  for (const auto& r : records) AppendFramed(data, r);
  EXPECT_EQ(ReadAll(data), records);
}

TEST(FramingTest, EveryTruncationYieldsAWholeRecordPrefix) {
  const std::vector<std::string> records = {"first", "second record", "third"};
  std::string data;
  std::vector<size_t> ends;
  for (const auto& r : records) {
    AppendFramed(data, r);
    ends.push_back(data.size());
  }
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    size_t good = 0;
    auto got = ReadAll(std::string_view(data).substr(0, cut), &good);
    size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    ASSERT_EQ(got.size(), whole) << "cut at " << cut;
    EXPECT_EQ(good, whole == 0 ? 0 : ends[whole - 1]);
  }
}

TEST(FramingTest, EveryCorruptedByteStopsAtTheDamagedRecord) {
  const std::vector<std::string> records = {"first", "second record", "third"};
  std::string data;
  std::vector<size_t> ends;
  for (const auto& r : records) {
    AppendFramed(data, r);
    ends.push_back(data.size());
  }
  for (size_t at = 0; at < data.size(); ++at) {
    std::string bad = data;
    bad[at] = static_cast<char>(bad[at] ^ 0x41);
    auto got = ReadAll(bad);
    size_t damaged = 0;
    while (ends[damaged] <= at) ++damaged;
    ASSERT_EQ(got.size(), damaged) << "byte " << at;
  }
}

}  // namespace
}  // namespace remediator::store
