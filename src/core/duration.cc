#include "core/duration.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "core/clock.h"

namespace remediator {
namespace {

// Returns the unit's length in nanoseconds and advances `i`, or 0 when no unit is there.
int64_t TakeUnit(std::string_view s, size_t& i) {
  auto starts = [&](std::string_view u) { return s.substr(i, u.size()) == u; };
  struct Unit {
    std::string_view name;
    int64_t ns;
  };
  // Longer names first so "ms" is not read as "m".
  static constexpr Unit kUnits[] = {
      {"ns", 1},
      {"us", kNanosPerMicro},
      {"\xC2\xB5s", kNanosPerMicro},  // µs (micro sign)
      {"\xCE\xBCs", kNanosPerMicro},  // μs (Greek mu)
      {"ms", kNanosPerMilli},
      {"s", kNanosPerSecond},
      {"m", kNanosPerMinute},
      {"h", kNanosPerHour},
      {"d", kNanosPerDay},
      {"w", 7 * kNanosPerDay},
      {"y", 365 * kNanosPerDay},
  };
  for (const Unit& u : kUnits) {
    if (starts(u.name)) {
      i += u.name.size();
      return u.ns;
    }
  }
  return 0;
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument(fmt::format("invalid duration \"{}\": {}", text, why));
  };
  if (text.empty()) return bad("empty");
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  if (text.substr(i) == "0") return int64_t{0};
  if (i == text.size()) return bad("missing number");
  long double total = 0;
  while (i < text.size()) {
    size_t start = i;
    long double whole = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      whole = whole * 10 + (text[i] - '0');
      ++i;
    }
    bool had_digits = i > start;
    long double frac = 0, scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      size_t fstart = i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        frac = frac * 10 + (text[i] - '0');
        scale *= 10;
        ++i;
      }
      had_digits = had_digits || i > fstart;
    }
    if (!had_digits) return bad("expected a number");
    int64_t unit = TakeUnit(text, i);
    if (unit == 0) return bad("missing or unknown unit");
    total += (whole + frac / scale) * static_cast<long double>(unit);
    if (total > static_cast<long double>(INT64_MAX)) return bad("out of range");
  }
  int64_t ns = static_cast<int64_t>(std::llround(total));
  return negative ? -ns : ns;
}

std::string FormatDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out += '-';
    ns = -ns;
  }
  if (ns % kNanosPerMilli != 0) {
    // Prometheus durations stop at milliseconds; keep exactness with Go's notation.
    return out + FormatGoDuration(ns);
  }
  int64_t ms = ns / kNanosPerMilli;
  struct Unit {
    const char* name;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {
      {"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000}, {"d", 24LL * 3600 * 1000},
      {"h", 3600LL * 1000},            {"m", 60LL * 1000},            {"s", 1000},
      {"ms", 1},
  };
  for (const Unit& u : kUnits) {
    if (ms >= u.ms) {
      out += fmt::format("{}{}", ms / u.ms, u.name);
      ms %= u.ms;
    }
  }
  return out;
}

std::string FormatGoDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (u < 1000) return sign + fmt::format("{}ns", u);
  if (u < 1'000'000) return sign + trim(fmt::format("{}.{:03}", u / 1000, u % 1000)) + "µs";
  if (u < 1'000'000'000)
    return sign + trim(fmt::format("{}.{:06}", u / 1'000'000, u % 1'000'000)) + "ms";
  uint64_t secs = u / 1'000'000'000, frac = u % 1'000'000'000;
  uint64_t h = secs / 3600, m = (secs / 60) % 60, s = secs % 60;
  std::string sec = trim(fmt::format("{}.{:09}", s, frac)) + "s";
  if (h > 0) return sign + fmt::format("{}h{}m", h, m) + sec;
  if (m > 0) return sign + fmt::format("{}m", m) + sec;
  return sign + sec;
}

}  // namespace remediator
