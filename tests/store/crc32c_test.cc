#include "store/crc32c.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace remediator::store {
namespace {

TEST(Crc32cTest, KnownVectors) {
  struct Case {
    std::string input;
    uint32_t crc;
  };
  const Case cases[] = {
      {"", 0x00000000u},
      {"123456789", 0xE3069283u},
      {std::string(32, '\0'), 0x8A9136AAu},
      {std::string(32, '\xff'), 0x62A8AB43u},
      {"The quick brown fox jumps over the lazy dog", 0x22620404u},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Crc32c(c.input), c.crc) << c.input;
    EXPECT_EQ(Crc32cExtendPortable(0, c.input.data(), c.input.size()), c.crc) << c.input;
  }
}

TEST(Crc32cTest, FastAndPortableAgreeAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 7) {
      EXPECT_EQ(Crc32cExtend(0, data.data() + start, len),
                Crc32cExtendPortable(0, data.data() + start, len));
    }
  }
}

TEST(Crc32cTest, ExtendIsConcatenation) {
  const std::string a = "hello, ", b = "world";
  EXPECT_EQ(Crc32cExtend(Crc32c(a), b.data(), b.size()), Crc32c(a + b));
  EXPECT_EQ(Crc32cExtendPortable(Crc32c(a), b.data(), b.size()), Crc32c(a + b));
}

}  // namespace
}  // namespace remediator::store
