// ZstdFrameAlphabet: for frames of every kind zstd writes (levels fast to high, raw, RLE and
// Huffman literals, one block and many), the bytes it names include every byte the frame
// decompresses to, and leave out bytes that never occur.
#include "store/zstd_alphabet.h"

#include <zstd.h>

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace remediator::store {
namespace {

std::string Text(size_t n, std::string_view alphabet, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    // Words from the alphabet, some repeated, so there are matches and literals.
    const size_t len = 3 + rng() % 12;
    std::string word;
    for (size_t i = 0; i < len; ++i) word.push_back(alphabet[rng() % alphabet.size()]);
    const int times = 1 + static_cast<int>(rng() % 3);
    for (int t = 0; t < times; ++t) s += word + " ";
  }
  s.resize(n);
  return s;
}

TEST(ZstdAlphabetTest, NamesEveryByteTheFrameHoldsAndNotOthers) {
  struct Case {
    std::string name;
    std::string data;
  };
  std::string random(70000, '\0');
  std::mt19937 rng(3);
  for (char& c : random) c = static_cast<char>(rng() % 200);  // incompressible: raw blocks or literals
  std::vector<Case> cases = {
      {"tiny", "abc"},
      {"empty", ""},
      {"rle", std::string(300000, 'x')},
      {"text", Text(50000, "abcdefgh{}\":,0123456789", 1)},
      {"long text (several blocks)", Text(700000, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghiklmnoprstuvw_-./", 2)},
      {"few symbols", Text(200000, "ab", 4)},
      {"many symbols", Text(200000, std::string(random.substr(0, 240)), 5)},
      {"random", random},
  };
  for (const Case& c : cases) {
    std::bitset<256> actual;
    for (char ch : c.data) actual.set(static_cast<uint8_t>(ch));
    for (int level : {-5, -1, 1, 3, 9, 19}) {
      std::string frame(ZSTD_compressBound(c.data.size()), '\0');
      const size_t n = ZSTD_compress(frame.data(), frame.size(), c.data.data(), c.data.size(), level);
      ASSERT_FALSE(ZSTD_isError(n));
      frame.resize(n);
      std::bitset<256> present;
      ASSERT_TRUE(ZstdFrameAlphabet(frame, present)) << c.name << " level " << level;
      EXPECT_EQ((actual & ~present).count(), 0u) << c.name << " level " << level;
      if (c.name != "random" && c.name != "many symbols") {
        // Only the bytes in the data (Huffman tables name no others for these texts).
        EXPECT_EQ(present, actual) << c.name << " level " << level;
      }
    }
  }
}

TEST(ZstdAlphabetTest, UnknownOrDamagedFramesAreNotUnderstood) {
  std::bitset<256> present;
  EXPECT_FALSE(ZstdFrameAlphabet("", present));
  EXPECT_FALSE(ZstdFrameAlphabet("not a zstd frame", present));
  std::string data = Text(10000, "abc", 9);
  std::string frame(ZSTD_compressBound(data.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), data.data(), data.size(), 1));
  EXPECT_FALSE(ZstdFrameAlphabet(std::string_view(frame).substr(0, frame.size() / 2), present));  // cut short
}

}  // namespace
}  // namespace remediator::store
