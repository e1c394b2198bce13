#include "core/time_format.h"

#include <climits>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/clock.h"

namespace remediator {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilTime CivilFromUnixNs(int64_t ns) {
  int64_t secs = ns / kNanosPerSecond;
  int64_t nanos = ns % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    --secs;
  }
  return CivilFromUnixSeconds(secs, nanos);
}

CivilTime CivilFromUnixSeconds(int64_t secs, int64_t nanos) {
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime c;
  c.year = y + (m <= 2);
  c.month = m;
  c.day = d;
  c.hour = static_cast<unsigned>(rem / 3600);
  c.minute = static_cast<unsigned>((rem / 60) % 60);
  c.second = static_cast<unsigned>(rem % 60);
  c.nanos = nanos;
  return c;
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view s) {
  auto bad = [&]() { return InvalidArgument(fmt::format("invalid RFC 3339 time \"{}\"", s)); };
  int64_t year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s[7] != '-' || !Digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, hour) || s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' ||
      !Digits(s, 17, 2, second)) {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return bad();
  size_t i = 19;
  int64_t nanos = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (s[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (digits == 0) return bad();
    for (int k = digits; k < 9; ++k) nanos *= 10;
  }
  if (i >= s.size()) return bad();
  int64_t offset_secs = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int64_t oh, om;
    if (!Digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, om))
      return bad();
    offset_secs = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_secs;
  // int64 nanoseconds cover 1677..2262; Go's zero time (0001-01-01, Alertmanager's "no
  // end") and other far dates clamp to the ends of the range.
  constexpr int64_t kMaxSecs = INT64_MAX / kNanosPerSecond - 1;
  if (secs <= -kMaxSecs) return INT64_MIN;
  if (secs >= kMaxSecs) return INT64_MAX;
  return secs * kNanosPerSecond + nanos;
}

std::string FormatRfc3339(int64_t ns) {
  CivilTime c = CivilFromUnixNs(ns);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour,
                     c.minute, c.second);
}

std::string FormatRfc3339Nano(int64_t ns) {
  CivilTime c = CivilFromUnixNs(ns);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day,
                                c.hour, c.minute, c.second);
  if (c.nanos != 0) {
    std::string frac = fmt::format("{:09}", c.nanos);
    while (frac.back() == '0') frac.pop_back();
    out += '.';
    out += frac;
  }
  out += 'Z';
  return out;
}

Result<int64_t> ParseTimeArg(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty time");
  bool numeric = true;
  bool has_dot = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '.') {
      has_dot = true;
    } else if (!(ch >= '0' && ch <= '9') && !(i == 0 && ch == '-')) {
      numeric = false;
      break;
    }
  }
  if (!numeric) return ParseRfc3339(text);
  std::string owned(text);
  if (!has_dot && owned.size() > 12) {
    char* end = nullptr;
    long long v = std::strtoll(owned.c_str(), &end, 10);
    if (*end != '\0') return InvalidArgument(fmt::format("invalid time \"{}\"", text));
    return static_cast<int64_t>(v);
  }
  char* end = nullptr;
  long double secs = std::strtold(owned.c_str(), &end);
  if (*end != '\0') return InvalidArgument(fmt::format("invalid time \"{}\"", text));
  return static_cast<int64_t>(std::llround(secs * kNanosPerSecond));
}

}  // namespace remediator
