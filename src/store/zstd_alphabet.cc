#include "store/zstd_alphabet.h"

#include <algorithm>
#include <cstdint>

namespace remediator::store {
namespace {

uint32_t ReadLE(const uint8_t* p, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

int HighBit(uint32_t v) { return 31 - __builtin_clz(v); }

// Forward, least-significant-bit-first reader (FSE table descriptions).
class ForwardBits {
 public:
  ForwardBits(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool Peek(int bits, uint32_t& v) const {
    if (pos_ + static_cast<size_t>(bits) > n_ * 8) return false;
    v = 0;
    for (int i = 0; i < bits; ++i) {
      const size_t b = pos_ + static_cast<size_t>(i);
      v |= static_cast<uint32_t>((p_[b / 8] >> (b % 8)) & 1) << i;
    }
    return true;
  }
  bool Read(int bits, uint32_t& v) {
    if (!Peek(bits, v)) return false;
    pos_ += static_cast<size_t>(bits);
    return true;
  }
  void Skip(int bits) { pos_ += static_cast<size_t>(bits); }
  size_t bytes_used() const { return (pos_ + 7) / 8; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// Decodes FSE-compressed Huffman weights (RFC 8878 4.2.1.2 with 4.1.1); false when malformed.
bool DecodeFseWeights(const uint8_t* p, size_t n, uint8_t* weights, int& count) {
  // Table description.
  ForwardBits in(p, n);
  uint32_t v;
  if (!in.Read(4, v)) return false;
  const int log = static_cast<int>(v) + 5;
  if (log > 6) return false;  // Huffman weights use at most 6
  const int table_size = 1 << log;
  int remaining = table_size + 1, threshold = table_size, bits = log + 1;
  int norm[16] = {0};
  int symbols = 0;
  bool previous0 = false;
  while (remaining > 1 && symbols <= 15) {
    if (previous0) {
      for (;;) {
        if (!in.Read(2, v)) return false;
        for (uint32_t k = 0; k < v; ++k) {
          if (symbols > 15) return false;
          norm[symbols++] = 0;
        }
        if (v != 3) break;
      }
    }
    if (symbols > 15) return false;
    const int max = (2 * threshold - 1) - remaining;
    uint32_t low;
    int value;
    if (in.Peek(bits - 1, low) && static_cast<int>(low & static_cast<uint32_t>(threshold - 1)) < max) {
      value = static_cast<int>(low & static_cast<uint32_t>(threshold - 1));
      in.Skip(bits - 1);
    } else {
      if (!in.Read(bits, v)) return false;
      value = static_cast<int>(v & static_cast<uint32_t>(2 * threshold - 1));
      if (value >= threshold) value -= max;
    }
    const int c = value - 1;
    remaining -= c < 0 ? -c : c;
    norm[symbols++] = c;
    previous0 = c == 0;
    while (remaining < threshold) {
      --bits;
      threshold >>= 1;
    }
  }
  if (remaining != 1) return false;
  // Decoding table.
  struct Cell {
    uint8_t symbol, bits;
    uint16_t base;
  };
  Cell table[64];
  int next[16];
  int high = table_size - 1;
  for (int s = 0; s < symbols; ++s) {
    if (norm[s] == -1) {
      if (high < 0) return false;
      table[high--].symbol = static_cast<uint8_t>(s);
      next[s] = 1;
    } else {
      next[s] = norm[s];
    }
  }
  const int step = (table_size >> 1) + (table_size >> 3) + 3, mask = table_size - 1;
  int pos = 0;
  for (int s = 0; s < symbols; ++s) {
    for (int i = 0; i < norm[s]; ++i) {
      table[pos].symbol = static_cast<uint8_t>(s);
      do pos = (pos + step) & mask;
      while (pos > high);
    }
  }
  if (pos != 0) return false;
  for (int u = 0; u < table_size; ++u) {
    const int s = table[u].symbol;
    const int ns = next[s]++;
    if (ns <= 0) return false;
    table[u].bits = static_cast<uint8_t>(log - HighBit(static_cast<uint32_t>(ns)));
    table[u].base = static_cast<uint16_t>((ns << table[u].bits) - table_size);
  }
  // The bitstream, read backward from its end marker, with two interleaved states.
  const size_t used = in.bytes_used();
  if (used >= n) return false;
  const uint8_t* s = p + used;
  const size_t len = n - used;
  if (s[len - 1] == 0) return false;
  const int64_t avail = static_cast<int64_t>(8 * (len - 1)) + HighBit(s[len - 1]);
  int64_t consumed = 0;
  auto read = [&](int nb) -> uint32_t {  // bits past the start read as zeros
    uint32_t r = 0;
    for (int i = 0; i < nb; ++i) {
      const int64_t b = avail - consumed - 1 - i;
      r <<= 1;
      if (b >= 0) r |= (s[b / 8] >> (b % 8)) & 1;
    }
    consumed += nb;
    return r;
  };
  uint32_t st[2] = {read(log), read(log)};
  if (consumed > avail) return false;
  count = 0;
  auto emit = [&](int k) -> bool {  // outputs state k's symbol and moves it on
    if (count >= 255) return false;
    const Cell& c = table[st[k]];
    weights[count++] = c.symbol;
    st[k] = c.base + read(c.bits);
    return true;
  };
  for (int k = 0;; k ^= 1) {
    if (!emit(k)) return false;
    if (consumed > avail) return emit(k ^ 1);
  }
}

// Adds the symbols of a Huffman tree description at p (n bytes available); `size` is set to
// the description's length.
bool HuffmanSymbols(const uint8_t* p, size_t n, std::bitset<256>& present, size_t& size) {
  if (n < 1) return false;
  uint8_t weights[256];
  int count = 0;
  const uint8_t header = p[0];
  if (header >= 128) {
    count = header - 127;
    size = 1 + static_cast<size_t>((count + 1) / 2);
    if (size > n) return false;
    for (int i = 0; i < count; ++i) weights[i] = i % 2 == 0 ? p[1 + i / 2] >> 4 : p[1 + i / 2] & 15;
  } else {
    size = 1 + static_cast<size_t>(header);
    if (size > n || !DecodeFseWeights(p + 1, header, weights, count)) return false;
  }
  if (count >= 256) return false;
  for (int i = 0; i < count; ++i) {
    if (weights[i] > 0) present.set(static_cast<size_t>(i));
  }
  present.set(static_cast<size_t>(count));  // the last symbol's weight is implied, never 0
  return true;
}

}  // namespace

bool ZstdFrameAlphabet(std::string_view frame, std::bitset<256>& present) {
  present.reset();
  const auto* p = reinterpret_cast<const uint8_t*>(frame.data());
  const size_t n = frame.size();
  if (n < 6 || ReadLE(p, 4) != 0xFD2FB528u) return false;
  const uint8_t fhd = p[4];
  const bool single = (fhd >> 5) & 1;
  static constexpr int kFcs[4] = {0, 2, 4, 8};
  static constexpr int kDict[4] = {0, 1, 2, 4};
  if ((fhd & 3) != 0) return false;  // a dictionary: its bytes are not in the frame
  int fcs = kFcs[fhd >> 6];
  if (fcs == 0 && single) fcs = 1;
  size_t at = 5 + (single ? 0 : 1) + static_cast<size_t>(kDict[fhd & 3]) + static_cast<size_t>(fcs);
  bool have_table = false;  // a Huffman table earlier in the frame (for treeless literals)
  for (;;) {
    if (at + 3 > n) return false;
    const uint32_t bh = ReadLE(p + at, 3);
    at += 3;
    const bool last = bh & 1;
    const uint32_t type = (bh >> 1) & 3, size = bh >> 3;
    switch (type) {
      case 0:  // raw block
        if (at + size > n) return false;
        for (uint32_t i = 0; i < size; ++i) present.set(p[at + i]);
        at += size;
        break;
      case 1:  // RLE block
        if (at + 1 > n) return false;
        if (size > 0) present.set(p[at]);
        at += 1;
        break;
      case 2: {  // compressed block: its literals section comes first
        if (at + size > n || size < 1) return false;
        const uint8_t* b = p + at;
        const uint8_t lt = b[0] & 3, sf = (b[0] >> 2) & 3;
        if (lt <= 1) {  // raw or RLE literals
          size_t hs;
          uint32_t regen;
          if ((sf & 1) == 0) {
            hs = 1;
            regen = b[0] >> 3;
          } else if (sf == 1) {
            hs = 2;
            if (size < 2) return false;
            regen = (b[0] >> 4) + (static_cast<uint32_t>(b[1]) << 4);
          } else {
            hs = 3;
            if (size < 3) return false;
            regen = (b[0] >> 4) + (static_cast<uint32_t>(b[1]) << 4) + (static_cast<uint32_t>(b[2]) << 12);
          }
          if (lt == 0) {
            if (hs + regen > size) return false;
            for (uint32_t i = 0; i < regen; ++i) present.set(b[hs + i]);
          } else if (regen > 0) {
            if (hs + 1 > size) return false;
            present.set(b[hs]);
          }
        } else {  // Huffman-compressed literals, with a new table or the previous one
          static constexpr size_t kHeader[4] = {3, 3, 4, 5};
          const size_t hs = kHeader[sf];
          if (hs > size) return false;
          const int bits = sf <= 1 ? 10 : sf == 2 ? 14 : 18;
          const uint64_t h = ReadLE(b, static_cast<int>(std::min<size_t>(hs, 4))) |
                             (hs == 5 ? static_cast<uint64_t>(b[4]) << 32 : 0);
          const uint64_t compressed = (h >> (4 + bits)) & ((uint64_t{1} << bits) - 1);
          if (hs + compressed > size) return false;
          if (lt == 2) {
            size_t table_size = 0;
            if (!HuffmanSymbols(b + hs, compressed, present, table_size)) return false;
            have_table = true;
          } else if (!have_table) {
            return false;
          }
        }
        at += size;
        break;
      }
      case 3:
        return false;
    }
    if (last) return true;
  }
}

}  // namespace remediator::store
