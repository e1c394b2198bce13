// SplitCompactJsonObject in two steps:
// 1. Classify (SIMD, 64 bytes a step): two bitmaps of the line, bit i set where byte i is
//    '"' or '\\' ("special") and where it is a digit, and two flags: a byte < 0x20 anywhere
//    (never valid in a compact line: rejected at once) and a byte >= 0x80 anywhere (then the
//    whole line must be valid UTF-8; a multi-byte sequence never holds an ASCII byte, so each
//    string of a valid line is valid too, and non-ASCII outside strings fails the grammar).
// 2. Walk the grammar byte by byte outside strings; a string is skipped to its next special
//    byte with the bitmap (a bit scan, no byte loop), a number's digit runs likewise.
#include "store/json_split.h"

#include <algorithm>
#include <array>
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
  bool control = false;    // a byte < 0x20
  bool non_ascii = false;  // a byte >= 0x80
};

// Bitmaps of 64 bytes (bit j: byte j of the block).
struct BlockBits {
  uint64_t special;
  uint64_t digit;
};

#if defined(__x86_64__)
// 16 bytes with SSE2 (always there on x86-64). `control` / `high` collect the bytes < 0x20 /
// with the top bit set, tested once per line.
inline void Classify16(const char* p, int shift, BlockBits& bits, __m128i& control, __m128i& high) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  // Signed compares: bytes >= 0x80 are negative, below '0'.
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
  control = _mm_or_si128(control, _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
  high = _mm_or_si128(high, v);
  bits.special |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(special))) << shift;
  bits.digit |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(digit))) << shift;
}

struct Sse2 {
  __m128i control = _mm_setzero_si128();
  __m128i high = _mm_setzero_si128();
  BlockBits Block(const char* p) {
    BlockBits bits{0, 0};
    for (int k = 0; k < 64; k += 16) Classify16(p + k, k, bits, control, high);
    return bits;
  }
  ByteFlags Flags() const { return {_mm_movemask_epi8(control) != 0, _mm_movemask_epi8(high) != 0}; }
};

// The same, 32 bytes a step, for CPUs with AVX2 (checked at run time).
__attribute__((target("avx2"))) inline uint64_t Mask32(__m256i m) {
  return static_cast<uint32_t>(_mm256_movemask_epi8(m));
}

struct Avx2 {
  __m256i control;
  __m256i high;
  __attribute__((target("avx2"))) void Init() {
    control = _mm256_setzero_si256();
    high = _mm256_setzero_si256();
  }
  __attribute__((target("avx2"))) BlockBits Block(const char* p) {
    BlockBits bits{0, 0};
    for (int k = 0; k < 64; k += 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k));
      const __m256i special =
          _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')));
      const __m256i digit =
          _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)), _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));
      control = _mm256_or_si256(control, _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v));
      high = _mm256_or_si256(high, v);
      bits.special |= Mask32(special) << k;
      bits.digit |= Mask32(digit) << k;
    }
    return bits;
  }
  __attribute__((target("avx2"))) ByteFlags Flags() const {
    return {_mm256_movemask_epi8(control) != 0, _mm256_movemask_epi8(high) != 0};
  }
};
#else
// Portable fallback, a byte at a time.
struct Portable {
  bool control = false;
  bool high = false;
  BlockBits Block(const char* p) {
    BlockBits bits{0, 0};
    for (int j = 0; j < 64; ++j) {
      const auto c = static_cast<unsigned char>(p[j]);
      bits.special |= static_cast<uint64_t>(c == '"' || c == '\\') << j;
      bits.digit |= static_cast<uint64_t>(c >= '0' && c <= '9') << j;
      control |= c < 0x20;
      high |= c >= 0x80;
    }
    return bits;
  }
  ByteFlags Flags() const { return {control, high}; }
};
#endif

// Fills special[0, words) and digit[0, words) for line[0, n), words = ceil(n / 64); the bits
// past n are 0 (the last block is padded with 'x').
template <class Classifier>
[[gnu::always_inline]] inline ByteFlags ClassifyWith(Classifier& c, const char* line, size_t n, uint64_t* special, uint64_t* digit) {
  const size_t full = n / 64;
  for (size_t w = 0; w < full; ++w) {
    const BlockBits b = c.Block(line + w * 64);
    special[w] = b.special;
    digit[w] = b.digit;
  }
  if (const size_t rest = n % 64; rest != 0) {
    char tail[64];
    std::memset(tail, 'x', sizeof tail);
    std::memcpy(tail, line + full * 64, rest);
    const BlockBits b = c.Block(tail);
    special[full] = b.special;
    digit[full] = b.digit;
  }
  return c.Flags();
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) ByteFlags ClassifyAvx2(const char* line, size_t n, uint64_t* special,
                                                        uint64_t* digit) {
  Avx2 c;
  c.Init();
  return ClassifyWith(c, line, n, special, digit);
}

ByteFlags Classify(const char* line, size_t n, uint64_t* special, uint64_t* digit) {
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  if (avx2) return ClassifyAvx2(line, n, special, digit);
  Sse2 c;
  return ClassifyWith(c, line, n, special, digit);
}
#else
ByteFlags Classify(const char* line, size_t n, uint64_t* special, uint64_t* digit) {
  Portable c;
  return ClassifyWith(c, line, n, special, digit);
}
#endif

// Hex digit values, -1 for other bytes.
constexpr std::array<int8_t, 256> kHex = [] {
  std::array<int8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) t['a' + i] = t['A' + i] = static_cast<int8_t>(10 + i);
  return t;
}();

// The grammar walk over a classified line. Positions are byte offsets; At() reads 0 past the
// end, a byte the grammar never accepts (a real 0 byte was rejected by Classify).
class Walker {
 public:
  // `special` and `digit` hold words + 1 words, the last one 0.
  Walker(std::string_view line, const uint64_t* special, const uint64_t* digit)
      : s_(line.data()), n_(line.size()), words_((line.size() + 63) / 64), special_(special), digit_(digit) {}

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

 private:
  char At(size_t p) const { return p < n_ ? s_[p] : '\0'; }

  // The offset of the first '"' or '\\' at or after p (p <= n), n when none.
  size_t NextSpecial(size_t p) const {
    size_t w = p >> 6;
    if (const uint64_t bits = special_[w] >> (p & 63); bits != 0) return p + __builtin_ctzll(bits);
    for (++w; w < words_; ++w) {
      if (special_[w] != 0) return w * 64 + __builtin_ctzll(special_[w]);
    }
    return n_;
  }

  // How many digits start at p (p <= n).
  size_t DigitRun(size_t p) const {
    size_t w = p >> 6;
    const unsigned shift = p & 63;
    const uint64_t stop = ~(digit_[w] >> shift);  // the top `shift` bits are set
    if (stop != 0) {
      const size_t run = __builtin_ctzll(stop);
      if (run < 64 - shift) return run;
    }
    size_t run = 64 - shift;
    for (++w;; ++w, run += 64) {  // digit_[words_] is 0: ends there at the latest
      if (const uint64_t s = ~digit_[w]; s != 0) return run + __builtin_ctzll(s);
    }
  }

  // A string's body from p (after its opening quote); p ends after the closing quote.
  bool String(size_t& p) const {
    for (;;) {
      const size_t q = NextSpecial(p);
      if (q >= n_) return false;
      if (s_[q] == '"') {
        p = q + 1;
        return true;
      }
      p = q;
      if (!Escape(p)) return false;
    }
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

  // A number from p ('-' or a digit); p ends after it.
  bool Number(size_t& p) const {
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
    const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
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
  bool Value(size_t& p, int depth) const {
    switch (At(p)) {
      case '"':
        ++p;
        return String(p);
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        return Number(p);
      case 't':
        return Literal(p, "true");
      case 'f':
        return Literal(p, "false");
      case 'n':
        return Literal(p, "null");
      case '{':
        return Object(p, depth + 1);
      case '[':
        return Array(p, depth + 1);
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
  size_t words_;
  const uint64_t* special_;
  const uint64_t* digit_;
};

// Bitmap words kept on the stack: lines up to 8 KiB.
constexpr size_t kStackWords = 128;

}  // namespace

bool SplitCompactJsonObject(std::string_view line, std::vector<JsonMember>& members) {
  members.clear();
  if (line.size() < 2) return false;
  const size_t words = (line.size() + 63) / 64;
  uint64_t stack_bits[2 * (kStackWords + 1)];
  std::unique_ptr<uint64_t[]> heap_bits;
  uint64_t* bits = stack_bits;
  if (words > kStackWords) {
    heap_bits.reset(new uint64_t[2 * (words + 1)]);
    bits = heap_bits.get();
  }
  uint64_t* special = bits;
  uint64_t* digit = bits + words + 1;
  special[words] = 0;
  digit[words] = 0;
  const ByteFlags flags = Classify(line.data(), line.size(), special, digit);
  if (flags.control) return false;
  if (flags.non_ascii && !simdjson::validate_utf8(line.data(), line.size())) return false;
  return Walker(line, special, digit).Split(members);
}

}  // namespace remediator::store
