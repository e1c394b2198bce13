// Matching primitives of the log pipeline: substring search, Loki's <_> patterns and ip().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::logql::log {

// Fast substring search (memchr on the rarest byte + memcmp; SSE2 under the hood in glibc).
class SubstringSearcher {
 public:
  explicit SubstringSearcher(std::string_view needle);
  bool Contains(std::string_view hay) const;
  size_t Find(std::string_view hay, size_t from = 0) const;
  const std::string& needle() const { return needle_; }

 private:
  std::string needle_;
  // The two needle bytes the vector loops compare first (alphanumeric when there are such:
  // quotes and punctuation are common in logs), chosen once here rather than per search.
  size_t probe_a_ = 0, probe_b_ = 0;
};

// A Loki pattern: literals and captures (`<name>`, `<_>`).
class Pattern {
 public:
  struct Part {
    bool capture;
    std::string text;  // literal text, or capture name ("_" for unnamed)
  };
  // Errors: "at least one capture is required" (when require_named), "consecutive capture",
  // "named captures are not allowed" (when forbid_named).
  static Result<Pattern> Parse(std::string_view pattern, bool require_named, bool forbid_named);

  // The line-filter test (|>): the whole line must match.
  bool Test(std::string_view line) const;
  // The parser: fills `out` with one view per named capture matched, in order; returns the
  // count of captures filled.
  size_t Match(std::string_view line, std::vector<std::string_view>& out) const;
  std::vector<std::string> Names() const;

 private:
  std::vector<Part> parts_;
};

// ip("..."): one address, a CIDR or a range, IPv4 or IPv6. Error: "ip: invalid pattern".
class IpMatcher {
 public:
  static Result<IpMatcher> Parse(std::string_view pattern);
  bool MatchesAddress(std::string_view text) const;
  // Whether any IP-looking token of `text` matches (Loki's line and label ip filters).
  bool MatchesAnyIn(std::string_view text) const;

 private:
  struct Addr {
    bool v4 = true;
    uint64_t hi = 0, lo = 0;
    bool operator<=(const Addr& o) const { return hi < o.hi || (hi == o.hi && lo <= o.lo); }
  };
  static bool ParseAddr(std::string_view s, Addr& out);
  Addr lo_, hi_;
};

}  // namespace remediator::logql::log
