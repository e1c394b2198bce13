#include "logql/log/matchers.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace remediator::logql::log {

namespace {

// The two needle bytes to probe: letters or digits when it has them (quotes, spaces and
// punctuation are everywhere in log lines and would make every position a candidate).
void ProbeBytes(const char* needle, size_t k, size_t& a, size_t& b) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  a = 0;
  b = k - 1;
  while (a < k && !alnum(needle[a])) ++a;
  while (b > a && !alnum(needle[b])) --b;
  if (a >= b) {
    a = 0;
    b = k - 1;
  }
}

// The first position in `mask` (bit j: a candidate at `at + j`) where the needle is.
inline const char* FirstCandidate(const char* at, uint32_t mask, const char* needle, size_t k) {
  while (mask != 0) {
    unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
    if (std::memcmp(at + bit, needle, k) == 0) return at + bit;
    mask &= mask - 1;
  }
  return nullptr;
}

// The byte-by-byte search from `i`, for the tail the vector loops leave.
inline const char* ScalarFind(const char* hay, size_t i, size_t n, const char* needle, size_t k) {
  for (; i + k <= n; ++i) {
    if (hay[i] == needle[0] && std::memcmp(hay + i, needle, k) == 0) return hay + i;
  }
  return nullptr;
}

#if defined(__x86_64__)
// SimdFind with 32 positions at once, for CPUs with AVX2 (checked at run time).
__attribute__((target("avx2"))) const char* Avx2Find(const char* hay, size_t n, const char* needle, size_t k,
                                                      size_t a, size_t b) {
  const __m256i first = _mm256_set1_epi8(needle[a]);
  const __m256i last = _mm256_set1_epi8(needle[b]);
  size_t i = 0;
  for (; i + k - 1 + 32 <= n; i += 32) {
    __m256i bf = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hay + i + a));
    __m256i bl = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hay + i + b));
    auto mask = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(bf, first), _mm256_cmpeq_epi8(bl, last))));
    if (const char* hit = FirstCandidate(hay + i, mask, needle, k)) return hit;
  }
  return ScalarFind(hay, i, n, needle, k);
}

bool HasAvx2() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}
#endif

// The "generic SIMD" substring search: compare the needle's first and last bytes at 16
// positions at once, then memcmp the candidates.
// `a` and `b` are ProbeBytes(needle, k).
const char* SimdFind(const char* hay, size_t n, const char* needle, size_t k, size_t a, size_t b) {
  if (k == 0) return hay;
  if (n < k) return nullptr;
  if (k == 1) return static_cast<const char*>(std::memchr(hay, needle[0], n));
#if defined(__x86_64__)
  if (n >= 64 && HasAvx2()) return Avx2Find(hay, n, needle, k, a, b);
#endif
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle[a]);
  const __m128i last = _mm_set1_epi8(needle[b]);
  size_t i = 0;
  for (; i + k - 1 + 16 <= n; i += 16) {
    __m128i bf = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + a));
    __m128i bl = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + b));
    auto mask = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(bf, first), _mm_cmpeq_epi8(bl, last))));
    if (const char* hit = FirstCandidate(hay + i, mask, needle, k)) return hit;
  }
  return ScalarFind(hay, i, n, needle, k);
#else
  return static_cast<const char*>(memmem(hay, n, needle, k));
#endif
}

}  // namespace

SubstringSearcher::SubstringSearcher(std::string_view needle) : needle_(needle) {
  if (!needle_.empty()) ProbeBytes(needle_.data(), needle_.size(), probe_a_, probe_b_);
}

size_t SubstringSearcher::Find(std::string_view hay, size_t from) const {
  if (needle_.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (from >= hay.size()) return std::string_view::npos;
  const char* p = SimdFind(hay.data() + from, hay.size() - from, needle_.data(), needle_.size(), probe_a_, probe_b_);
  if (p == nullptr) return std::string_view::npos;
  return static_cast<size_t>(p - hay.data());
}

bool SubstringSearcher::Contains(std::string_view hay) const {
  if (needle_.empty()) return true;
  return SimdFind(hay.data(), hay.size(), needle_.data(), needle_.size(), probe_a_, probe_b_) != nullptr;
}

// ---- Pattern

Result<Pattern> Pattern::Parse(std::string_view s, bool require_named, bool forbid_named) {
  Pattern p;
  size_t i = 0;
  std::string lit;
  auto is_ident_start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto is_ident = [&](char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); };
  while (i < s.size()) {
    if (s[i] == '<' && i + 1 < s.size() && is_ident_start(s[i + 1])) {
      size_t j = i + 1;
      while (j < s.size() && is_ident(s[j])) ++j;
      if (j < s.size() && s[j] == '>') {
        if (!lit.empty()) {
          p.parts_.push_back(Part{false, lit});
          lit.clear();
        }
        std::string name(s.substr(i + 1, j - i - 1));
        if (!p.parts_.empty() && p.parts_.back().capture) {
          return InvalidArgument("found consecutive capture '" + name + "': invalid pattern");
        }
        p.parts_.push_back(Part{true, name});
        i = j + 1;
        continue;
      }
    }
    lit += s[i++];
  }
  if (!lit.empty()) p.parts_.push_back(Part{false, lit});
  size_t named = 0;
  for (const Part& part : p.parts_) {
    if (part.capture && part.text != "_") ++named;
  }
  if (forbid_named && named > 0) return InvalidArgument("invalid pattern: named captures are not allowed");
  if (require_named && named == 0) return InvalidArgument("at least one capture is required");
  // Duplicate names.
  for (size_t a = 0; a < p.parts_.size(); ++a) {
    for (size_t b = a + 1; b < p.parts_.size(); ++b) {
      if (p.parts_[a].capture && p.parts_[b].capture && p.parts_[a].text != "_" &&
          p.parts_[a].text == p.parts_[b].text) {
        return InvalidArgument("duplicate capture name (" + p.parts_[a].text + "): invalid pattern");
      }
    }
  }
  return p;
}

std::vector<std::string> Pattern::Names() const {
  std::vector<std::string> out;
  for (const Part& p : parts_) {
    if (p.capture && p.text != "_") out.push_back(p.text);
  }
  return out;
}

bool Pattern::Test(std::string_view in) const {
  if (parts_.empty()) return in.empty();
  size_t off = 0;
  size_t n = parts_.size();
  for (size_t i = 0; i < n; ++i) {
    const Part& p = parts_[i];
    if (p.capture) continue;
    if (i == 0) {
      if (in.substr(0, p.text.size()) != p.text) return false;
      off = p.text.size();
      if (n == 1) return off == in.size();
      continue;
    }
    if (i == n - 1) {
      // The last literal must end the line (and follow a non-empty capture).
      if (in.size() < off + p.text.size() + 1) return false;
      return in.substr(in.size() - p.text.size()) == p.text;
    }
    size_t j = in.find(p.text, off);
    if (j == std::string_view::npos) return false;
    if (j == off) {
      // A capture between literals must match something; look for a later occurrence.
      j = in.find(p.text, off + 1);
      if (j == std::string_view::npos) return false;
    }
    off = j + p.text.size();
  }
  return true;
}

size_t Pattern::Match(std::string_view in, std::vector<std::string_view>& out) const {
  out.clear();
  if (in.empty() || parts_.empty()) return 0;
  size_t idx = 0;
  if (!parts_[0].capture) {
    if (in.substr(0, parts_[0].text.size()) != parts_[0].text) return 0;
    in.remove_prefix(parts_[0].text.size());
    idx = 1;
  }
  while (idx < parts_.size()) {
    const Part& cap = parts_[idx];
    if (idx + 1 >= parts_.size()) {
      if (cap.text != "_") out.push_back(in);
      return out.size();
    }
    const std::string& lit = parts_[idx + 1].text;
    idx += 2;
    size_t i = in.find(lit);
    if (i == std::string_view::npos) {
      if (cap.text != "_") out.push_back(in);
      return out.size();
    }
    if (cap.text != "_") out.push_back(in.substr(0, i));
    in.remove_prefix(i + lit.size());
  }
  return out.size();
}

// ---- IpMatcher

namespace {

bool ParseV4(std::string_view s, uint32_t& out) {
  uint32_t v = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    uint32_t octet = 0;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      octet = octet * 10 + static_cast<uint32_t>(s[i] - '0');
      ++i;
      if (i - start > 3) return false;
    }
    if (octet > 255) return false;
    if (i - start > 1 && s[start] == '0') return false;  // no leading zeros (netip)
    v = (v << 8) | octet;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  if (i != s.size()) return false;
  out = v;
  return true;
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseV6(std::string_view s, uint16_t (&g)[8]) {
  int n = 0, gap = -1;
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    gap = 0;
    i = 2;
    if (i == s.size()) {
      for (auto& x : g) x = 0;
      return true;
    }
  }
  uint16_t parts[8] = {};
  while (i < s.size() && n < 8) {
    // An embedded IPv4 at the end.
    size_t rest_dot = s.find('.', i);
    if (rest_dot != std::string_view::npos && s.find(':', i) == std::string_view::npos) {
      uint32_t v4 = 0;
      if (!ParseV4(s.substr(i), v4) || n > 6) return false;
      parts[n++] = static_cast<uint16_t>(v4 >> 16);
      parts[n++] = static_cast<uint16_t>(v4 & 0xFFFF);
      i = s.size();
      break;
    }
    int v = 0, digits = 0;
    while (i < s.size() && HexVal(s[i]) >= 0 && digits < 5) {
      v = v * 16 + HexVal(s[i]);
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 4) return false;
    parts[n++] = static_cast<uint16_t>(v);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;
      gap = n;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;
    }
  }
  if (i != s.size()) return false;
  if (gap < 0) {
    if (n != 8) return false;
    for (int k = 0; k < 8; ++k) g[k] = parts[k];
    return true;
  }
  if (n > 7) return false;
  int zeros = 8 - n;
  int k = 0;
  for (int a = 0; a < gap; ++a) g[k++] = parts[a];
  for (int z = 0; z < zeros; ++z) g[k++] = 0;
  for (int a = gap; a < n; ++a) g[k++] = parts[a];
  return true;
}

}  // namespace

bool IpMatcher::ParseAddr(std::string_view s, Addr& out) {
  uint32_t v4 = 0;
  if (ParseV4(s, v4)) {
    out.v4 = true;
    out.hi = 0;
    out.lo = v4;
    return true;
  }
  if (s.find(':') == std::string_view::npos) return false;
  uint16_t g[8];
  if (!ParseV6(s, g)) return false;
  out.v4 = false;
  out.hi = 0;
  out.lo = 0;
  for (int k = 0; k < 4; ++k) out.hi = (out.hi << 16) | g[k];
  for (int k = 4; k < 8; ++k) out.lo = (out.lo << 16) | g[k];
  return true;
}

Result<IpMatcher> IpMatcher::Parse(std::string_view pattern) {
  IpMatcher m;
  auto bad = [] { return InvalidArgument("ip: invalid pattern"); };
  size_t slash = pattern.find('/');
  size_t dash = pattern.find('-');
  if (slash != std::string_view::npos) {
    Addr a;
    if (!ParseAddr(pattern.substr(0, slash), a)) return bad();
    std::string_view bits_s = pattern.substr(slash + 1);
    if (bits_s.empty() || bits_s.size() > 3) return bad();
    int bits = 0;
    for (char c : bits_s) {
      if (c < '0' || c > '9') return bad();
      bits = bits * 10 + (c - '0');
    }
    int total = a.v4 ? 32 : 128;
    if (bits > total) return bad();
    m.lo_ = a;
    m.hi_ = a;
    int host = total - bits;
    // Clear / set the host bits.
    for (int b = 0; b < host; ++b) {
      if (b < 64) {
        m.lo_.lo &= ~(uint64_t{1} << b);
        m.hi_.lo |= (uint64_t{1} << b);
      } else {
        m.lo_.hi &= ~(uint64_t{1} << (b - 64));
        m.hi_.hi |= (uint64_t{1} << (b - 64));
      }
    }
    return m;
  }
  if (dash != std::string_view::npos) {
    Addr a, b;
    if (!ParseAddr(pattern.substr(0, dash), a) || !ParseAddr(pattern.substr(dash + 1), b)) return bad();
    if (a.v4 != b.v4 || !(a <= b)) return bad();
    m.lo_ = a;
    m.hi_ = b;
    return m;
  }
  Addr a;
  if (!ParseAddr(pattern, a)) return bad();
  m.lo_ = a;
  m.hi_ = a;
  return m;
}

bool IpMatcher::MatchesAddress(std::string_view text) const {
  Addr a;
  if (!ParseAddr(text, a)) return false;
  if (a.v4 != lo_.v4) return false;
  return lo_ <= a && a <= hi_;
}

bool IpMatcher::MatchesAnyIn(std::string_view text) const {
  auto ipchar = [](char c) { return HexVal(c) >= 0 || c == '.' || c == ':'; };
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !ipchar(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && ipchar(text[i])) ++i;
    if (i == start) break;
    std::string_view tok = text.substr(start, i - start);
    if (MatchesAddress(tok)) return true;
    // "10.0.0.7:80": try the part before the last colon for IPv4 with a port.
    size_t colon = tok.rfind(':');
    if (colon != std::string_view::npos && tok.find('.') != std::string_view::npos &&
        MatchesAddress(tok.substr(0, colon))) {
      return true;
    }
    // Trim leading/trailing punctuation.
    while (!tok.empty() && (tok.front() == '.' || tok.front() == ':')) tok.remove_prefix(1);
    while (!tok.empty() && (tok.back() == '.' || tok.back() == ':')) tok.remove_suffix(1);
    if (MatchesAddress(tok)) return true;
  }
  return false;
}

}  // namespace remediator::logql::log
