#include "store/trigram_filter.h"

#include "store/section.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace remediator::store {
namespace {

constexpr size_t kHashes = size_t{1} << kTrigramHashBits;
// Bits per hash of a bitset: about 18% of the bits are set, so a trigram the section lacks
// passes one bitset with that probability (and the common or its own with about 1/3); a
// needle is skipped when, at both parities, one of its trigrams fails.
constexpr size_t kBitsPerHash = 5;

// A bitset for `hashes` (distinct): 1 to kMaxTrigramBitsetBytes bytes.
std::string MakeBitset(std::span<const uint16_t> hashes) {
  const size_t bytes = std::clamp<size_t>((hashes.size() * kBitsPerHash + 7) / 8, 1, kMaxTrigramBitsetBytes);
  std::string out(bytes, '\0');
  const auto bits = static_cast<uint32_t>(bytes * 8);
  for (uint16_t h : hashes) {
    const uint32_t i = h % bits;
    out[i >> 3] = static_cast<char>(static_cast<uint8_t>(out[i >> 3]) | (1u << (i & 7)));
  }
  return out;
}

// Flags the hashes of the trigrams at offsets `from`.. of p[0, n).
void MarkTrigrams(const uint8_t* p, size_t from, size_t n, uint8_t* seen) {
  for (size_t i = from; i + 3 <= n; ++i) {
    seen[TrigramHash(reinterpret_cast<const char*>(p + i))] = 1;
  }
}

// The same, eight trigrams at a time: two 16-byte loads (at i and i + 4) spread into the
// 32-bit lanes b[j] | b[j+1] << 8 | b[j+2] << 16 for j = 0..7, multiplied and shifted in one
// go (about 1.5x faster than the byte loop); the flag stores are then what it waits on.
__attribute__((target("avx2"))) void MarkTrigramsAvx2(const uint8_t* p, size_t n, uint8_t* seen) {
  const __m256i spread = _mm256_setr_epi8(0, 1, 2, -1, 1, 2, 3, -1, 2, 3, 4, -1, 3, 4, 5, -1,   // j = 0-3
                                          0, 1, 2, -1, 1, 2, 3, -1, 2, 3, 4, -1, 3, 4, 5, -1);  // j = 4-7
  const __m256i k = _mm256_set1_epi32(static_cast<int>(0x9E3779B1u));
  alignas(32) uint32_t h[8];
  size_t i = 0;
  for (; i + 20 <= n; i += 8) {
    const __m256i bytes = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(p + i + 4),
                                              reinterpret_cast<const __m128i*>(p + i));
    const __m256i hashes =
        _mm256_srli_epi32(_mm256_mullo_epi32(_mm256_shuffle_epi8(bytes, spread), k), 32 - kTrigramHashBits);
    _mm256_store_si256(reinterpret_cast<__m256i*>(h), hashes);
    for (uint32_t x : h) seen[x] = 1;
  }
  MarkTrigrams(p, i, n, seen);
}

}  // namespace

TrigramCollector::TrigramCollector(bool simd)
    : seen_(new uint8_t[kHashes]()), avx2_(simd && __builtin_cpu_supports("avx2")) {}

void TrigramCollector::Add(std::string_view line) {
  const auto* p = reinterpret_cast<const uint8_t*>(line.data());
  if (avx2_) {
    MarkTrigramsAvx2(p, line.size(), seen_.get());
  } else {
    MarkTrigrams(p, 0, line.size(), seen_.get());
  }
}

void TrigramCollector::Collect(std::span<const RawEntry> entries, std::vector<uint16_t>& out) {
  for (const RawEntry& e : entries) Add(e.line);
  Finish(out);
}

void TrigramCollector::Finish(std::vector<uint16_t>& out) {
  uint8_t* seen = seen_.get();
  // Gather the flagged hashes in order without a branch per flag (each is 0 or 1), then
  // clear the flags.
  out.resize(kHashes);
  uint16_t* o = out.data();
  for (size_t i = 0; i < kHashes; i += 8) {
    uint64_t word;
    std::memcpy(&word, seen + i, 8);
    if (word == 0) continue;
    for (size_t k = 0; k < 8; ++k) {
      *o = static_cast<uint16_t>(i + k);
      o += seen[i + k];
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  // A block writer keeps each section's hashes until it finishes the block (many sections,
  // with a block filled batch by batch): give back the room of the table-sized gather.
  out.shrink_to_fit();
  std::memset(seen, 0, kHashes);
}

void BuildBlockTrigramFilters(std::span<const std::vector<uint16_t>> section_hashes, BlockTrigramFilters& out) {
  std::vector<uint32_t> count(kHashes, 0);
  for (const std::vector<uint16_t>& hashes : section_hashes) {
    for (uint16_t h : hashes) ++count[h];
  }
  // In more than half of the sections: kept once for the block.
  const size_t n = section_hashes.size();
  std::vector<uint16_t> common;
  for (size_t h = 0; h < kHashes; ++h) {
    if (count[h] * 2 > n) common.push_back(static_cast<uint16_t>(h));
  }
  out.common = MakeBitset(common);
  out.sections.clear();
  std::vector<uint16_t> own;
  for (const std::vector<uint16_t>& hashes : section_hashes) {
    own.clear();
    for (uint16_t h : hashes) {
      if (count[h] * 2 <= n) own.push_back(h);
    }
    out.sections.push_back(own.empty() ? std::string() : MakeBitset(own));
  }
}

std::vector<uint16_t> NeedleTrigramHashes(std::string_view needle) {
  std::vector<uint16_t> out;
  for (size_t i = 0; i + 3 <= needle.size(); ++i) out.push_back(TrigramHash(needle.data() + i));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace remediator::store
