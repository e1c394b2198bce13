// Trigram presence filters of a block's sections (docs/formats/store.md, "Trigram filters"):
// which 3-byte substrings a section's lines may hold, so a query needing a literal
// (`|= "needle"`, 3 bytes or more) skips sections that cannot contain it, without reading
// them.
//
// Each trigram is hashed to 14 bits. A block keeps one bitset of the hashes that are in more
// than half of its sections ("common": JSON keys, shared values) and, per section, a bitset
// of its other hashes: a section holds a trigram only if the common bitset or its own has the
// trigram's bit. Bitsets are sized to what they hold (5 bits per hash), so they may
// answer "present" wrongly (a false positive costs a read), never "absent".
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"

namespace remediator::store {

struct RawEntry;  // section.h

inline constexpr int kTrigramHashBits = 14;
inline constexpr size_t kMaxTrigramBitsetBytes = (size_t{1} << kTrigramHashBits) / 8;

// The 14-bit hash of the trigram at `p` (3 bytes).
inline uint16_t TrigramHash(const char* p) {
  const uint32_t t = static_cast<uint32_t>(static_cast<uint8_t>(p[0])) |
                     static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8 |
                     static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16;
  return static_cast<uint16_t>((t * 0x9E3779B1u) >> (32 - kTrigramHashBits));
}

// Whether `bits` (a bitset as stored: 1 to kMaxTrigramBitsetBytes bytes, bit i at byte i / 8,
// value 1 << i % 8) has the bit of `hash`, bit hash mod (8 * size).
inline bool TrigramBitSet(std::string_view bits, uint16_t hash) {
  const uint32_t i = hash % static_cast<uint32_t>(bits.size() * 8);
  return (static_cast<uint8_t>(bits[i >> 3]) >> (i & 7)) & 1;
}

// Collects the distinct hashes of the trigrams of sections' lines (inside each line, none
// across lines). One per thread; keeps a 16 KiB table between calls.
class TrigramCollector {
 public:
  // `simd`: use AVX2 when the CPU has it (false: the portable loop; both give the same).
  explicit TrigramCollector(bool simd = true);
  // `out` = the sorted distinct hashes of the lines of `entries`.
  void Collect(std::span<const RawEntry> entries, std::vector<uint16_t>& out);
  // The same in steps: Add each line of a section (best while its bytes are in the cache:
  // EncodeSection adds each line right after copying it), then Finish: `out` = the sorted
  // distinct hashes of the lines added since the last Finish.
  void Add(std::string_view line);
  void Finish(std::vector<uint16_t>& out);

 private:
  std::unique_ptr<uint8_t[]> seen_;  // a flag per hash, all zero between calls
  bool avx2_;
};

// A block's filters built from its sections' hashes (TrigramCollector output, in section
// order): `common` is non-empty; `sections[i]` may be empty (all of its hashes are common).
struct BlockTrigramFilters {
  std::string common;
  std::vector<std::string> sections;
};
void BuildBlockTrigramFilters(std::span<const std::vector<uint16_t>> section_hashes, BlockTrigramFilters& out);

// The hashes of a needle's trigrams, sorted and distinct (none for needles under 3 bytes).
std::vector<uint16_t> NeedleTrigramHashes(std::string_view needle);

// False when a section with these filters cannot hold a needle whose hashes are `needle`:
// one of them has its bit neither in `common` nor in `section`. An empty `common` means the
// block has no filters (written before they existed).
inline bool TrigramsMayBePresent(std::string_view common, std::string_view section,
                                 std::span<const uint16_t> needle) {
  if (common.empty()) return true;
  for (uint16_t h : needle) {
    if (!TrigramBitSet(common, h) && (section.empty() || !TrigramBitSet(section, h))) return false;
  }
  return true;
}

}  // namespace remediator::store
