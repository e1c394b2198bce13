#include "logql/syntax/literals.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace remediator::logql::syntax {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Prometheus model.ParseDuration: ([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?
// ([0-9]+s)?([0-9]+ms)?, or "0".
bool ParsePromDuration(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  if (s == "0") {
    out = 0;
    return true;
  }
  struct Unit {
    std::string_view name;
    int64_t ns;
  };
  static constexpr Unit kUnits[] = {
      {"y", 365 * 24 * 3600 * kSecond}, {"w", 7 * 24 * 3600 * kSecond},
      {"d", 24 * 3600 * kSecond},       {"h", 3600 * kSecond},
      {"m", 60 * kSecond},              {"s", kSecond},
      {"ms", 1'000'000},
  };
  size_t i = 0;
  size_t next_unit = 0;  // units must appear in order, each at most once
  __int128 total = 0;
  while (i < s.size()) {
    size_t start = i;
    __int128 n = 0;
    while (i < s.size() && IsDigit(s[i])) {
      n = n * 10 + (s[i] - '0');
      if (n > std::numeric_limits<int64_t>::max()) return false;
      ++i;
    }
    if (i == start) return false;
    // Longest unit name that matches here ("ms" before "m").
    size_t found = std::size(kUnits);
    for (size_t u = next_unit; u < std::size(kUnits); ++u) {
      std::string_view name = kUnits[u].name;
      if (s.substr(i, name.size()) == name) {
        // "m" must not swallow the "m" of "ms".
        if (name == "m" && s.substr(i, 2) == "ms") continue;
        found = u;
        break;
      }
    }
    if (found == std::size(kUnits)) return false;
    i += kUnits[found].name.size();
    next_unit = found + 1;
    total += n * kUnits[found].ns;
    if (total > std::numeric_limits<int64_t>::max()) return false;
  }
  out = static_cast<int64_t>(total);
  return true;
}

}  // namespace

Result<int64_t> ParseGoDuration(std::string_view orig) {
  std::string_view s = orig;
  auto invalid = [&] {
    return InvalidArgument(fmt::format("time: invalid duration \"{}\"", orig));
  };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  unsigned __int128 total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return invalid();
    unsigned __int128 v = 0;
    size_t i = 0;
    while (i < s.size() && IsDigit(s[i])) {
      v = v * 10 + (s[i] - '0');
      if (v > (static_cast<unsigned __int128>(1) << 63)) return invalid();
      ++i;
    }
    bool pre = i > 0;
    unsigned __int128 frac = 0, scale = 1;
    bool post = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t fs = i;
      while (i < s.size() && IsDigit(s[i])) {
        if (scale < static_cast<unsigned __int128>(1e18)) {
          frac = frac * 10 + (s[i] - '0');
          scale *= 10;
        }
        ++i;
      }
      post = i > fs;
    }
    if (!pre && !post) return invalid();
    size_t us = i;
    while (i < s.size() && s[i] != '.' && !IsDigit(s[i])) ++i;
    std::string_view unit = s.substr(us, i - us);
    if (unit.empty()) {
      return InvalidArgument(fmt::format("time: missing unit in duration \"{}\"", orig));
    }
    uint64_t mult = 0;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1000;
    else if (unit == "ms") mult = 1'000'000;
    else if (unit == "s") mult = kSecond;
    else if (unit == "m") mult = 60 * kSecond;
    else if (unit == "h") mult = 3600 * kSecond;
    else {
      return InvalidArgument(
          fmt::format("time: unknown unit \"{}\" in duration \"{}\"", unit, orig));
    }
    total += v * mult + frac * mult / scale;
    if (total > (static_cast<unsigned __int128>(1) << 63)) return invalid();
    s.remove_prefix(i);
  }
  if (!neg && total > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) {
    return invalid();
  }
  int64_t r = total == (static_cast<unsigned __int128>(1) << 63)
                  ? std::numeric_limits<int64_t>::min()
                  : static_cast<int64_t>(total);
  return neg ? (r == std::numeric_limits<int64_t>::min() ? r : -r) : r;
}

Result<int64_t> ParseLokiDuration(std::string_view text) {
  int64_t ns = 0;
  if (ParsePromDuration(text, ns)) return ns;
  return ParseGoDuration(text);
}

Result<uint64_t> ParseHumanBytes(std::string_view s) {
  size_t last = 0;
  bool comma = false;
  while (last < s.size() && (IsDigit(s[last]) || s[last] == '.' || s[last] == ',')) {
    if (s[last] == ',') comma = true;
    ++last;
  }
  std::string num(s.substr(0, last));
  if (comma) std::erase(num, ',');
  auto value = ParseFloatLiteral(num);
  if (!value.ok()) return InvalidArgument(fmt::format("invalid bytes \"{}\"", s));
  std::string unit;
  for (char c : s.substr(last)) {
    if (c != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  struct Unit {
    std::string_view name;
    double mult;
  };
  static const Unit kUnits[] = {
      {"", 1},          {"b", 1},
      {"k", 1e3},       {"kb", 1e3},       {"ki", 0x1p10}, {"kib", 0x1p10},
      {"m", 1e6},       {"mb", 1e6},       {"mi", 0x1p20}, {"mib", 0x1p20},
      {"g", 1e9},       {"gb", 1e9},       {"gi", 0x1p30}, {"gib", 0x1p30},
      {"t", 1e12},      {"tb", 1e12},      {"ti", 0x1p40}, {"tib", 0x1p40},
      {"p", 1e15},      {"pb", 1e15},      {"pi", 0x1p50}, {"pib", 0x1p50},
      {"e", 1e18},      {"eb", 1e18},      {"ei", 0x1p60}, {"eib", 0x1p60},
  };
  for (const Unit& u : kUnits) {
    if (unit == u.name) {
      double f = *value * u.mult;
      if (!(f < 18446744073709551615.0)) {
        return InvalidArgument(fmt::format("too large: \"{}\"", s));
      }
      return static_cast<uint64_t>(f);
    }
  }
  return InvalidArgument(fmt::format("unhandled size name: {}", unit));
}

Result<double> ParseFloatLiteral(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument(fmt::format(
        "unable to parse literal as a float: strconv.ParseFloat: parsing \"{}\": invalid syntax",
        text));
  };
  // Go accepts hexadecimal floats with a binary exponent ("0x1.8p3"), not hex integers.
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    size_t j = 2, mant = 0;
    while (j < text.size() && std::isxdigit(static_cast<unsigned char>(text[j]))) ++j, ++mant;
    if (j < text.size() && text[j] == '.') {
      ++j;
      while (j < text.size() && std::isxdigit(static_cast<unsigned char>(text[j]))) ++j, ++mant;
    }
    if (mant == 0 || j >= text.size() || (text[j] != 'p' && text[j] != 'P')) return bad();
    ++j;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    size_t exp_digits = 0;
    while (j < text.size() && IsDigit(text[j])) ++j, ++exp_digits;
    if (exp_digits == 0 || j != text.size()) return bad();
    double v = std::strtod(std::string(text).c_str(), nullptr);
    if (std::isinf(v)) return bad();
    return v;
  }
  // Otherwise only plain decimal forms: digits, optional '.', optional exponent.
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return bad();
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < text.size() && IsDigit(text[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return bad();
  }
  if (i != text.size()) return bad();
  std::string copy(text);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (std::isinf(v)) {
    return InvalidArgument(fmt::format(
        "unable to parse literal as a float: strconv.ParseFloat: parsing \"{}\": value out of "
        "range",
        text));
  }
  return v;
}

std::string FormatFloat(double value) {
  // "-0" would lex as a (zero) duration, as in Loki; "-0.0" stays a number.
  if (value == 0 && std::signbit(value)) return "-0.0";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return fmt::format("{}", value);
  return std::string(buf, ptr);
}

std::string FormatBytes(uint64_t bytes) {
  // Not "0B": the lexer, like Go's scanner, reads "0B"/"0b" as a binary-literal prefix.
  if (bytes == 0) return "0KB";
  struct Unit {
    const char* name;
    uint64_t mult;
  };
  static constexpr Unit kUnits[] = {
      {"PB", 1'000'000'000'000'000ULL}, {"PiB", 1ULL << 50}, {"TB", 1'000'000'000'000ULL},
      {"TiB", 1ULL << 40},              {"GB", 1'000'000'000ULL}, {"GiB", 1ULL << 30},
      {"MB", 1'000'000ULL},             {"MiB", 1ULL << 20},      {"KB", 1000ULL},
      {"KiB", 1ULL << 10},
  };
  for (const Unit& u : kUnits) {
    // Values printed with a unit must stay exact after the float multiplication in
    // ParseHumanBytes: keep the mantissa small.
    if (bytes % u.mult == 0 && bytes / u.mult < (1ULL << 52) / u.mult + 1) {
      return fmt::format("{}{}", bytes / u.mult, u.name);
    }
  }
  if (bytes < (1ULL << 53)) return fmt::format("{}B", bytes);
  // Larger values without an exact unit: the float path cannot represent them exactly
  // anyway; print the closest representable number of bytes.
  return fmt::format("{}B", static_cast<uint64_t>(static_cast<double>(bytes)));
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Multi-byte UTF-8: copy a valid sequence, escape anything else byte by byte.
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    uint32_t cp = 0;
    if (valid) {
      cp = c & (0x7F >> len);
      for (size_t k = 1; k < len; ++k) {
        unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) {
          valid = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (valid) {
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (valid) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  out += '"';
  return out;
}

}  // namespace remediator::logql::syntax
