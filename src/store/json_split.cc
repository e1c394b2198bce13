// SplitCompactJsonObject in three steps:
// 1. Classify (SIMD, 64 bytes a step): a bitmap of the line, bit i set where byte i is
//    '"' or '\\' ("special"), and two flags: a backslash anywhere, and
//    a byte < 0x20 or >= 0x80 anywhere. Then a byte < 0x20 rejects the line (never valid in a
//    compact line) and a byte >= 0x80 requires the whole line to be valid UTF-8 (a multi-byte
//    sequence never holds an ASCII byte, so each string of a valid line is valid too, and
//    non-ASCII outside strings fails the grammar).
// 2. The flat walk, for lines without backslashes: the positions of all quotes (flattened from
//    the bitmap) give every string's extent, so a member's place does not depend on where the
//    previous member's value ended (the walk is not one long chain of dependent loads); every
//    byte outside strings is still checked. It accepts objects whose values are strings,
//    numbers and literals, and declines anything else.
// 3. The general walk, for what the flat one declines: the grammar byte by byte outside
//    strings; a string is skipped to its next special byte with the bitmap, escapes are checked
//    one by one, nested objects and arrays recurse (at most kMaxJsonSplitDepth deep).
// Numbers (both walks) find their digit runs 16 bytes at a time (SSE2).
#include "store/json_split.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <system_error>

#include <simdjson.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#include <immintrin.h>
#endif

namespace remediator::store {
namespace {

// What Classify found besides the bitmaps.
struct ByteFlags {
  bool odd = false;        // a byte < 0x20 or >= 0x80
  bool backslash = false;  // a '\\'
};


// A classifier turns 64 bytes into the bitmap of their special bytes (bit j: byte j), collects ByteFlags over the blocks, and has the
// bit operations for flattening (intrinsics under AVX2: plain code would make GCC branch on
// a word running out of bits).
#if defined(__x86_64__)
// 16 bytes with SSE2 (always there on x86-64). `odd` / `backslash` collect the bytes < 0x20
// or >= 0x80 / the backslashes, tested once per line. Signed compares: bytes >= 0x80 are
// negative, below 0x20 and below '0'.
inline void Classify16(const char* p, int shift, uint64_t& bits, __m128i& odd, __m128i& backslash) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i bs = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), bs);
  odd = _mm_or_si128(odd, _mm_cmpgt_epi8(_mm_set1_epi8(0x20), v));
  backslash = _mm_or_si128(backslash, bs);
  bits |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(special))) << shift;
}

struct Sse2 {
  __m128i odd = _mm_setzero_si128();
  __m128i backslash = _mm_setzero_si128();
  uint64_t Block(const char* p) {
    uint64_t bits = 0;
    for (int k = 0; k < 64; k += 16) Classify16(p + k, k, bits, odd, backslash);
    return bits;
  }
  ByteFlags Flags() const { return {_mm_movemask_epi8(odd) != 0, _mm_movemask_epi8(backslash) != 0}; }
  static int Count(uint64_t x) { return std::popcount(x); }
  static uint32_t Lowest(uint64_t x) { return static_cast<uint32_t>(std::countr_zero(x)); }
  static uint64_t ClearLowest(uint64_t x) { return x & (x - 1); }
};

// The same, 32 bytes a step, for CPUs with AVX2 (checked at run time; all of them have BMI1
// and POPCNT too). One target for all, so that everything inlines into ClassifyAvx2.
#define JSON_SPLIT_AVX2 __attribute__((target("avx2,bmi,popcnt")))

struct Avx2 {
  __m256i odd;
  __m256i backslash;
  JSON_SPLIT_AVX2 void Init() {
    odd = _mm256_setzero_si256();
    backslash = _mm256_setzero_si256();
  }
  JSON_SPLIT_AVX2 static uint64_t Mask32(__m256i m) { return static_cast<uint32_t>(_mm256_movemask_epi8(m)); }
  JSON_SPLIT_AVX2 uint64_t Block(const char* p) {
    uint64_t bits = 0;
    for (int k = 0; k < 64; k += 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k));
      const __m256i bs = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'));
      const __m256i special = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), bs);
      odd = _mm256_or_si256(odd, _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v));
      backslash = _mm256_or_si256(backslash, bs);
      bits |= Mask32(special) << k;
    }
    return bits;
  }
  JSON_SPLIT_AVX2 ByteFlags Flags() const {
    return {_mm256_movemask_epi8(odd) != 0, _mm256_movemask_epi8(backslash) != 0};
  }
  JSON_SPLIT_AVX2 static int Count(uint64_t x) { return static_cast<int>(_mm_popcnt_u64(x)); }
  JSON_SPLIT_AVX2 static uint32_t Lowest(uint64_t x) { return static_cast<uint32_t>(_tzcnt_u64(x)); }
  JSON_SPLIT_AVX2 static uint64_t ClearLowest(uint64_t x) { return _blsr_u64(x); }
};
#else
// Portable fallback, a byte at a time.
struct Portable {
  bool odd = false;
  bool backslash = false;
  uint64_t Block(const char* p) {
    uint64_t bits = 0;
    for (int j = 0; j < 64; ++j) {
      const auto c = static_cast<unsigned char>(p[j]);
      bits |= static_cast<uint64_t>(c == '"' || c == '\\') << j;
      odd |= c < 0x20 || c >= 0x80;
      backslash |= c == '\\';
    }
    return bits;
  }
  ByteFlags Flags() const { return {odd, backslash}; }
  static int Count(uint64_t x) { return std::popcount(x); }
  static uint32_t Lowest(uint64_t x) { return static_cast<uint32_t>(std::countr_zero(x)); }
  static uint64_t ClearLowest(uint64_t x) { return x & (x - 1); }
};
#endif

// Appends the positions of the set bits of `bits` (a word at `base`) to `o`, writing up to 8
// slots past them (room for them is the caller's).
template <class Classifier>
[[gnu::always_inline]] inline void FlattenWord(uint64_t bits, uint32_t base, uint32_t*& o) {
  const int count = Classifier::Count(bits);
  // Eight slots whatever the count (no branch per bit; the extra ones are overwritten by the
  // next word), more only for busy words. (Measured on the Traefik lines: better than 16
  // slots for busy words, or 6 per 32-bit half as two independent chains.)
  for (int j = 0; j < 8; ++j) {
    o[j] = base + Classifier::Lowest(bits);
    bits = Classifier::ClearLowest(bits);
  }
  for (int j = 8; j < count; ++j) {
    o[j] = base + Classifier::Lowest(bits);
    bits = Classifier::ClearLowest(bits);
  }
  o += count;
}

// Fills special[0, words) for line[0, n) (words = ceil(n / 64); the bits past n are 0).
template <class Classifier>
[[gnu::always_inline]] inline ByteFlags ClassifyWith(Classifier& c, const char* line, size_t n, uint64_t* special) {
  const size_t words = (n + 63) / 64;
  const size_t full = n / 64;
  // The last partial block: the line's last 64 bytes (overlapping the block before) with the
  // bits of that overlap dropped, or for a line under 64 bytes a copy padded with a byte of
  // no class (either way the bits past n are 0).
  const char* last = line + n - 64;
  unsigned drop = 64 - n % 64;
  char tail[64];
  if (n < 64) {
    std::memset(tail, 'x', sizeof tail);
    std::memcpy(tail, line, n);
    last = tail;
    drop = 0;
  }
  for (size_t w = 0; w < words; ++w) {
    const uint64_t bits = c.Block(w < full ? line + w * 64 : last);
    special[w] = w == full ? bits >> drop : bits;
  }
  return c.Flags();
}

// Writes the positions of the set bits of bits[0, words) to `out` and returns their count
// (`out` has room for 8 more).
template <class Classifier>
[[gnu::always_inline]] inline size_t FlattenWith(const uint64_t* bits, size_t words, uint32_t* out) {
  uint32_t* o = out;
  for (size_t w = 0; w < words; ++w) FlattenWord<Classifier>(bits[w], static_cast<uint32_t>(w * 64), o);
  return static_cast<size_t>(o - out);
}

#if defined(__x86_64__)
bool HasAvx2() {
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt");
  }();
  return avx2;
}

JSON_SPLIT_AVX2 ByteFlags ClassifyAvx2(const char* line, size_t n, uint64_t* special) {
  Avx2 c;
  c.Init();
  return ClassifyWith(c, line, n, special);
}

JSON_SPLIT_AVX2 size_t FlattenAvx2(const uint64_t* bits, size_t words, uint32_t* out) {
  return FlattenWith<Avx2>(bits, words, out);
}

ByteFlags Classify(const char* line, size_t n, uint64_t* special) {
  if (HasAvx2()) return ClassifyAvx2(line, n, special);
  Sse2 c;
  return ClassifyWith(c, line, n, special);
}

size_t Flatten(const uint64_t* bits, size_t words, uint32_t* out) {
  return HasAvx2() ? FlattenAvx2(bits, words, out) : FlattenWith<Sse2>(bits, words, out);
}
#else
ByteFlags Classify(const char* line, size_t n, uint64_t* special) {
  Portable c;
  return ClassifyWith(c, line, n, special);
}

size_t Flatten(const uint64_t* bits, size_t words, uint32_t* out) { return FlattenWith<Portable>(bits, words, out); }
#endif

// Hex digit values, -1 for other bytes.
constexpr std::array<int8_t, 256> kHex = [] {
  std::array<int8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) t['a' + i] = t['A' + i] = static_cast<int8_t>(10 + i);
  return t;
}();

// For a line with a byte < 0x20 or >= 0x80: false when it has a byte < 0x20 or is not valid
// UTF-8.
bool OddBytesValid(std::string_view line) {
  unsigned char least = 0xff;  // a min without an early exit: vectorized
  for (char c : line) least = std::min(least, static_cast<unsigned char>(c));
  return least >= 0x20 && simdjson::validate_utf8(line.data(), line.size());
}

// What the flat walk found.
enum class FlatResult {
  kAccepted,  // a valid flat object, split
  kInvalid,   // not valid JSON (in a way no nesting can change)
  kNotFlat,   // a value is an object or array: the general walk decides
};

// The grammar walk over a classified line. Positions are byte offsets; At() reads 0 past the
// end, a byte the grammar never accepts (a real 0 byte was rejected by Classify).
class Walker {
 public:
  // `special` holds words + 2 words, the last two 0.
  Walker(std::string_view line, const uint64_t* special) : s_(line.data()), n_(line.size()), special_(special) {}

  bool Split(std::vector<JsonMember>& members) const {
    if (At(0) != '{') return false;
    if (At(1) == '}') return n_ == 2;
    size_t p = 1;
    for (;;) {
      if (At(p) != '"') return false;
      const size_t key = ++p;
      if (!String(p) || At(p) != ':') return false;
      const size_t key_end = p - 1;
      const size_t value = ++p;
      if (!Value(p, 1)) return false;
      members.push_back({std::string_view(s_ + key, key_end - key), std::string_view(s_ + value, p - value)});
      const char c = At(p++);
      if (c == '}') return p == n_;
      if (c != ',') return false;
    }
  }

  // The flat walk (see the top of the file) over `quotes`, the positions of the line's
  // `count` quotes (the line has no backslash). Up to a nested value it checks the same
  // grammar as Split, so any failure before one is kInvalid.
  FlatResult SplitFlat(const uint32_t* quotes, size_t count, std::vector<JsonMember>& members) const {
    constexpr FlatResult kInvalid = FlatResult::kInvalid;
    // Locals, not members: the compiler need not reload them after each store to `members`.
    const char* const s = s_;
    const size_t n = n_;
    const auto at = [s, n](size_t p) { return p < n ? s[p] : '\0'; };
    if (s[0] != '{') return kInvalid;
    if (n == 2) return s[1] == '}' ? FlatResult::kAccepted : kInvalid;
    size_t next = 1;  // where the next key's opening quote must be
    size_t i = 0;     // the next quote
    for (;;) {
      if (i + 2 > count || quotes[i] != next) return kInvalid;
      const size_t key = quotes[i] + 1;
      const size_t key_end = quotes[i + 1];
      i += 2;
      if (at(key_end + 1) != ':') return kInvalid;
      const size_t value = key_end + 2;
      size_t end;  // after the value
      const char v = at(value);
      if (v == '"') {
        if (i + 2 > count) return kInvalid;  // quotes[i] is `value`
        end = quotes[i + 1] + 1;
        i += 2;
      } else if (v == '{' || v == '[') {
        return FlatResult::kNotFlat;
      } else {
        // A number or literal, up to the ',' before the next key, or the final '}'.
        end = i < count ? quotes[i] - 1 : n - 1;
        if (!PlainInteger(value, end)) {
          size_t p = value;
          if (!Scalar(p) || p != end) return kInvalid;
        }
      }
      members.push_back({std::string_view(s + key, key_end - key), std::string_view(s + value, end - value)});
      const char c = at(end);
      if (c != ',') return c == '}' && end + 1 == n ? FlatResult::kAccepted : kInvalid;
      next = end + 1;
    }
  }

 private:
  char At(size_t p) const { return p < n_ ? s_[p] : '\0'; }

  // Bits p .. p + 63 of `bits` (p <= n), one load-and-shift whatever p's place in its word
  // (a branch there would be mispredicted at every fourth string or so).
  static uint64_t Window(const uint64_t* bits, size_t p) {
    const size_t w = p >> 6;
    const unsigned shift = p & 63;
    return (bits[w] >> shift) | ((bits[w + 1] << 1) << (63 - shift));
  }

  // The offset of the first '"' or '\\' at or after p (p <= n), n when none.
  size_t NextSpecial(size_t p) const {
    for (; p < n_; p += 64) {
      if (const uint64_t bits = Window(special_, p); bits != 0) return p + __builtin_ctzll(bits);
    }
    return n_;
  }

  // How many digits start at p (p <= n).
  size_t DigitRun(size_t p) const {
    const size_t start = p;
#if defined(__x86_64__)
    for (; p + 16 <= n_; p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_ + p));
      const auto digits = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v))));
      if (digits != 0xffff) return p - start + static_cast<size_t>(std::countr_zero(~digits));
    }
#endif
    while (p < n_ && s_[p] >= '0' && s_[p] <= '9') ++p;
    return p - start;
  }

  // A string's body from p (after its opening quote); p ends after the closing quote.
  [[gnu::always_inline]] bool String(size_t& p) const {
    const size_t q = NextSpecial(p);
    if (At(q) == '"') {  // no escape: the common case
      p = q + 1;
      return true;
    }
    p = q;
    return EscapedString(p);
  }

  // The rest of a string from p (a backslash, or n).
  bool EscapedString(size_t& p) const {
    while (p < n_ && Escape(p)) {
      const size_t q = NextSpecial(p);
      if (At(q) == '"') {
        p = q + 1;
        return true;
      }
      p = q;
    }
    return false;
  }

  // The escape at p (a backslash); p ends after it.
  bool Escape(size_t& p) const {
    switch (At(p + 1)) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        p += 2;
        return true;
      case 'u': {
        uint32_t unit;
        if (!Hex4(p + 2, unit)) return false;
        p += 6;
        if (unit < 0xd800 || unit > 0xdfff) return true;
        if (unit >= 0xdc00) return false;  // a low surrogate without a high one
        uint32_t low;
        if (At(p) != '\\' || At(p + 1) != 'u' || !Hex4(p + 2, low) || low < 0xdc00 || low > 0xdfff) return false;
        p += 6;
        return true;
      }
      default:
        return false;
    }
  }

  bool Hex4(size_t p, uint32_t& unit) const {
    if (p > n_ || n_ - p < 4) return false;
    unit = 0;
    for (size_t i = 0; i < 4; ++i) {
      const int8_t h = kHex[static_cast<unsigned char>(s_[p + i])];
      if (h < 0) return false;
      unit = unit << 4 | static_cast<uint32_t>(h);
    }
    return true;
  }

  bool Literal(size_t& p, std::string_view word) const {
    if (n_ - p < word.size() || std::memcmp(s_ + p, word.data(), word.size()) != 0) return false;
    p += word.size();
    return true;
  }

  // Whether s_[p, end) is a non-negative integer of 1 to 18 digits without a leading zero (the
  // usual number of a flat line, one digit run); false says nothing.
  bool PlainInteger(size_t p, size_t end) const {
    const size_t digits = end - p;
    return digits - 1 < 18 && DigitRun(p) == digits && (s_[p] != '0' || digits == 1);
  }

  // A number from p ('-' or a digit); p ends after it.
  [[gnu::always_inline]] bool Number(size_t& p) const {
    const size_t start = p;
    const bool negative = s_[p] == '-';
    p += negative;
    const size_t int_digits = DigitRun(p);
    if (int_digits == 0 || (int_digits > 1 && s_[p] == '0')) return false;
    p += int_digits;
    bool integer = true;
    if (At(p) == '.') {
      const size_t fraction = DigitRun(p + 1);
      if (fraction == 0) return false;
      p += 1 + fraction;
      integer = false;
    }
    size_t exponent_at = 0;  // the first digit of the exponent, 0 when none
    if ((At(p) | 0x20) == 'e') {
      ++p;
      if (At(p) == '+' || At(p) == '-') ++p;
      const size_t digits = DigitRun(p);
      if (digits == 0) return false;
      exponent_at = p;
      p += digits;
      integer = false;
    }
    if (integer) return IntegerFits(start, negative, int_digits);
    return FloatFinite(start, p, int_digits, exponent_at);
  }

  // Whether the integer at start fits int64 (negative) or uint64 (simdjson rejects others).
  bool IntegerFits(size_t start, bool negative, size_t digits) const {
    static constexpr std::string_view kInt64 = "9223372036854775808", kUint64 = "18446744073709551615";
    const std::string_view limit = negative ? kInt64 : kUint64;
    if (digits != limit.size()) return digits < limit.size();
    return std::string_view(s_ + start + negative, digits) <= limit;
  }

  // Whether the number s_[start, end) with a fraction or an exponent is finite as a double
  // (simdjson rejects the ones that overflow; those that underflow become 0).
  bool FloatFinite(size_t start, size_t end, size_t int_digits, size_t exponent_at) const {
    int64_t exponent = 0;  // saturates far beyond any double's range
    if (exponent_at != 0) {
      for (size_t i = exponent_at; i < end; ++i) exponent = std::min<int64_t>(exponent * 10 + (s_[i] - '0'), 1 << 30);
      if (s_[exponent_at - 1] == '-') exponent = -exponent;
    }
    // Below 10^(int_digits + exponent) <= 10^308 < DBL_MAX.
    if (static_cast<int64_t>(int_digits) + exponent <= 308) return true;
    double d;
    const std::from_chars_result r = std::from_chars(s_ + start, s_ + end, d);
    if (r.ec == std::errc() && r.ptr == s_ + end) return std::isfinite(d);
    if (r.ec != std::errc::result_out_of_range) return false;
    // Out of range: an overflow when the leading nonzero digit is at 10^k with k > 0, an
    // underflow (to 0) otherwise.
    const size_t digits_at = start + (s_[start] == '-');
    int64_t lead = static_cast<int64_t>(int_digits) - 1;
    if (s_[digits_at] == '0') {
      // 0.000ddd: the lead is at 10^-(zeros + 1); without a nonzero digit the value is 0.
      if (s_[digits_at + 1] != '.') return true;
      size_t i = digits_at + 2;
      lead = -1;
      for (; i < end && s_[i] == '0'; ++i) --lead;
      if (i >= end || s_[i] < '1' || s_[i] > '9') return true;
    }
    return lead + exponent <= 0;
  }

  // A value from p, inside containers `depth` deep; p ends after it.
  [[gnu::always_inline]] bool Value(size_t& p, int depth) const {
    const char c = At(p);
    if (c == '"') {
      ++p;
      return String(p);
    }
    if (c == '{') return Object(p, depth + 1);
    if (c == '[') return Array(p, depth + 1);
    return Scalar(p);
  }

  // A number or a literal from p; p ends after it.
  [[gnu::always_inline]] bool Scalar(size_t& p) const {
    const char c = At(p);
    if ((c >= '0' && c <= '9') || c == '-') return Number(p);
    switch (c) {
      case 't':
        return Literal(p, "true");
      case 'f':
        return Literal(p, "false");
      case 'n':
        return Literal(p, "null");
      default:
        return false;
    }
  }

  // A nested object from p (its '{'), `depth` deep counting itself.
  bool Object(size_t& p, int depth) const {
    if (depth > kMaxJsonSplitDepth) return false;
    if (At(++p) == '}') {
      ++p;
      return true;
    }
    for (;;) {
      if (At(p) != '"') return false;
      ++p;
      if (!String(p) || At(p) != ':') return false;
      ++p;
      if (!Value(p, depth)) return false;
      const char c = At(p++);
      if (c == '}') return true;
      if (c != ',') return false;
    }
  }

  // A nested array from p (its '['), `depth` deep counting itself.
  bool Array(size_t& p, int depth) const {
    if (depth > kMaxJsonSplitDepth) return false;
    if (At(++p) == ']') {
      ++p;
      return true;
    }
    for (;;) {
      if (!Value(p, depth)) return false;
      const char c = At(p++);
      if (c == ']') return true;
      if (c != ',') return false;
    }
  }

  const char* s_;
  size_t n_;
  const uint64_t* special_;
};

// Lines up to this size are classified into buffers on the stack, longer ones on the heap.
constexpr size_t kStackLine = 4096;
constexpr size_t kStackWords = kStackLine / 64;

}  // namespace

bool SplitCompactJsonObjectWith(std::string_view line, std::vector<JsonMember>& members, JsonSplitPath path) {
  members.clear();
  const size_t n = line.size();
  if (n < 2 || n > UINT32_MAX) return false;
  // The bitmap with two 0 words past the line's (Walker::Window reads them), then the quote
  // positions with 64 slots of room (FlattenWord writes past its count).
  const size_t words = (n + 63) / 64;
  uint64_t stack_bits[kStackWords + 2];
  uint32_t stack_quotes[kStackLine + 64];
  std::unique_ptr<uint64_t[]> heap;
  uint64_t* special = stack_bits;
  uint32_t* quotes = stack_quotes;
  if (n > kStackLine) {
    heap.reset(new uint64_t[words + 2 + (n + 64 + 1) / 2]);
    special = heap.get();
    quotes = reinterpret_cast<uint32_t*>(special + words + 2);
  }
  special[words] = special[words + 1] = 0;
  const ByteFlags flags = Classify(line.data(), n, special);
  if (flags.odd && !OddBytesValid(line)) return false;
  // Without backslashes the special bytes are the quotes.
  const size_t quote_count = flags.backslash || path == JsonSplitPath::kGeneral ? 0 : Flatten(special, words, quotes);
  const Walker walker(line, special);
  switch (path) {
    case JsonSplitPath::kAuto:
      if (!flags.backslash) {
        switch (walker.SplitFlat(quotes, quote_count, members)) {
          case FlatResult::kAccepted: return true;
          case FlatResult::kInvalid: return false;
          case FlatResult::kNotFlat: break;
        }
        members.clear();
      }
      return walker.Split(members);
    case JsonSplitPath::kGeneral:
      return walker.Split(members);
    case JsonSplitPath::kFlat:
      return !flags.backslash && walker.SplitFlat(quotes, quote_count, members) == FlatResult::kAccepted;
  }
  return false;
}

bool SplitCompactJsonObject(std::string_view line, std::vector<JsonMember>& members) {
  return SplitCompactJsonObjectWith(line, members, JsonSplitPath::kAuto);
}

}  // namespace remediator::store
