#include "logql/template/go_time.h"

#include <array>
#include <cstdlib>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/labels.h"
#include "core/time_format.h"

namespace remediator::logql::tmpl {
namespace {

enum class Chunk {
  kNone,
  kLongMonth,     // January
  kMonth,         // Jan
  kNumMonth,      // 1
  kZeroMonth,     // 01
  kLongWeekDay,   // Monday
  kWeekDay,       // Mon
  kDay,           // 2
  kUnderDay,      // _2
  kZeroDay,       // 02
  kUnderYearDay,  // __2
  kZeroYearDay,   // 002
  kHour,          // 15
  kHour12,        // 3
  kZeroHour12,    // 03
  kMinute,        // 4
  kZeroMinute,    // 04
  kSecond,        // 5
  kZeroSecond,    // 05
  kLongYear,      // 2006
  kYear,          // 06
  kPM,            // PM
  kpm,            // pm
  kTZ,            // MST
  kISO8601TZ,             // Z0700
  kISO8601SecondsTZ,      // Z070000
  kISO8601ShortTZ,        // Z07
  kISO8601ColonTZ,        // Z07:00
  kISO8601ColonSecondsTZ, // Z07:00:00
  kNumTZ,                 // -0700
  kNumSecondsTz,          // -070000
  kNumShortTZ,            // -07
  kNumColonTZ,            // -07:00
  kNumColonSecondsTZ,     // -07:00:00
  kFracSecond0,           // .000 (fixed digits)
  kFracSecond9,           // .999 (trailing zeros trimmed)
};

constexpr std::array<std::string_view, 12> kLongMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday"};

bool StartsWith(std::string_view s, size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }
bool IsDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Finds the chunk at position i of the layout; `len` gets its length in the layout, and
// `digits` the number of fraction digits for kFracSecond*.
Chunk ChunkAt(std::string_view l, size_t i, size_t& len, int& digits) {
  char c = l[i];
  switch (c) {
    case 'J':
      if (StartsWith(l, i, "January")) { len = 7; return Chunk::kLongMonth; }
      if (StartsWith(l, i, "Jan")) { len = 3; return Chunk::kMonth; }
      break;
    case 'M':
      if (StartsWith(l, i, "Monday")) { len = 6; return Chunk::kLongWeekDay; }
      if (StartsWith(l, i, "Mon")) { len = 3; return Chunk::kWeekDay; }
      if (StartsWith(l, i, "MST")) { len = 3; return Chunk::kTZ; }
      break;
    case '0':
      if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
        len = 2;
        switch (l[i + 1]) {
          case '1': return Chunk::kZeroMonth;
          case '2': return Chunk::kZeroDay;
          case '3': return Chunk::kZeroHour12;
          case '4': return Chunk::kZeroMinute;
          case '5': return Chunk::kZeroSecond;
          case '6': return Chunk::kYear;
        }
      }
      if (StartsWith(l, i, "002")) { len = 3; return Chunk::kZeroYearDay; }
      break;
    case '1':
      if (StartsWith(l, i, "15")) { len = 2; return Chunk::kHour; }
      len = 1;
      return Chunk::kNumMonth;
    case '2':
      if (StartsWith(l, i, "2006")) { len = 4; return Chunk::kLongYear; }
      len = 1;
      return Chunk::kDay;
    case '_':
      if (StartsWith(l, i, "_2")) {
        if (StartsWith(l, i, "_2006")) break;  // "_" then a year
        len = 2;
        return Chunk::kUnderDay;
      }
      if (StartsWith(l, i, "__2")) { len = 3; return Chunk::kUnderYearDay; }
      break;
    case '3': len = 1; return Chunk::kHour12;
    case '4': len = 1; return Chunk::kMinute;
    case '5': len = 1; return Chunk::kSecond;
    case 'P':
      if (StartsWith(l, i, "PM")) { len = 2; return Chunk::kPM; }
      break;
    case 'p':
      if (StartsWith(l, i, "pm")) { len = 2; return Chunk::kpm; }
      break;
    case '-':
      if (StartsWith(l, i, "-070000")) { len = 7; return Chunk::kNumSecondsTz; }
      if (StartsWith(l, i, "-07:00:00")) { len = 9; return Chunk::kNumColonSecondsTZ; }
      if (StartsWith(l, i, "-0700")) { len = 5; return Chunk::kNumTZ; }
      if (StartsWith(l, i, "-07:00")) { len = 6; return Chunk::kNumColonTZ; }
      if (StartsWith(l, i, "-07")) { len = 3; return Chunk::kNumShortTZ; }
      break;
    case 'Z':
      if (StartsWith(l, i, "Z070000")) { len = 7; return Chunk::kISO8601SecondsTZ; }
      if (StartsWith(l, i, "Z07:00:00")) { len = 9; return Chunk::kISO8601ColonSecondsTZ; }
      if (StartsWith(l, i, "Z0700")) { len = 5; return Chunk::kISO8601TZ; }
      if (StartsWith(l, i, "Z07:00")) { len = 6; return Chunk::kISO8601ColonTZ; }
      if (StartsWith(l, i, "Z07")) { len = 3; return Chunk::kISO8601ShortTZ; }
      break;
    case '.':
    case ',':
      if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
        char ch = l[i + 1];
        size_t j = i + 1;
        while (j < l.size() && l[j] == ch) ++j;
        if (!IsDigitAt(l, j)) {
          len = j - i;
          digits = static_cast<int>(j - i - 1);
          return ch == '0' ? Chunk::kFracSecond0 : Chunk::kFracSecond9;
        }
      }
      break;
    default:
      break;
  }
  return Chunk::kNone;
}

void AppendInt(std::string& out, int64_t v, int width, char pad = '0') {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (v < 0) out += '-';
  for (int i = static_cast<int>(s.size()); i < width; ++i) out += pad;
  out += s;
}

void AppendZone(std::string& out, Chunk c, int offset_s) {
  bool iso = c == Chunk::kISO8601TZ || c == Chunk::kISO8601SecondsTZ || c == Chunk::kISO8601ShortTZ ||
             c == Chunk::kISO8601ColonTZ || c == Chunk::kISO8601ColonSecondsTZ;
  if (iso && offset_s == 0) {
    out += 'Z';
    return;
  }
  int z = offset_s / 60;
  int abs_off = offset_s;
  if (z < 0) {
    out += '-';
    z = -z;
    abs_off = -abs_off;
  } else {
    out += '+';
  }
  AppendInt(out, z / 60, 2);
  bool colon = c == Chunk::kISO8601ColonTZ || c == Chunk::kNumColonTZ ||
               c == Chunk::kISO8601ColonSecondsTZ || c == Chunk::kNumColonSecondsTZ;
  if (colon) out += ':';
  if (c != Chunk::kNumShortTZ && c != Chunk::kISO8601ShortTZ) AppendInt(out, z % 60, 2);
  if (c == Chunk::kISO8601SecondsTZ || c == Chunk::kNumSecondsTz || c == Chunk::kNumColonSecondsTZ ||
      c == Chunk::kISO8601ColonSecondsTZ) {
    if (colon) out += ':';
    AppendInt(out, abs_off % 60, 2);
  }
}

int YearDay(const CivilTime& t) {
  return static_cast<int>(DaysFromCivil(t.year, t.month, t.day) - DaysFromCivil(t.year, 1, 1)) + 1;
}

int WeekDay(int64_t ns) {
  int64_t days = ns / kNanosPerDay;
  if (ns % kNanosPerDay < 0) --days;
  int64_t wd = (days + 4) % 7;  // 1970-01-01 was a Thursday
  if (wd < 0) wd += 7;
  return static_cast<int>(wd);
}

}  // namespace

void AppendGoTime(std::string& out, std::string_view layout, int64_t ns, int offset_s,
                  std::string_view zone_name) {
  int64_t local = ns + static_cast<int64_t>(offset_s) * kNanosPerSecond;
  CivilTime t = CivilFromUnixNs(local);
  size_t i = 0;
  while (i < layout.size()) {
    size_t len = 0;
    int digits = 0;
    Chunk c = ChunkAt(layout, i, len, digits);
    if (c == Chunk::kNone) {
      out += layout[i++];
      continue;
    }
    i += len;
    switch (c) {
      case Chunk::kNone: break;
      case Chunk::kLongMonth: out += kLongMonths[t.month - 1]; break;
      case Chunk::kMonth: out += kLongMonths[t.month - 1].substr(0, 3); break;
      case Chunk::kNumMonth: AppendInt(out, t.month, 0); break;
      case Chunk::kZeroMonth: AppendInt(out, t.month, 2); break;
      case Chunk::kLongWeekDay: out += kLongDays[WeekDay(local)]; break;
      case Chunk::kWeekDay: out += kLongDays[WeekDay(local)].substr(0, 3); break;
      case Chunk::kDay: AppendInt(out, t.day, 0); break;
      case Chunk::kUnderDay: AppendInt(out, t.day, 2, ' '); break;
      case Chunk::kZeroDay: AppendInt(out, t.day, 2); break;
      case Chunk::kUnderYearDay: AppendInt(out, YearDay(t), 3, ' '); break;
      case Chunk::kZeroYearDay: AppendInt(out, YearDay(t), 3); break;
      case Chunk::kHour: AppendInt(out, t.hour, 2); break;
      case Chunk::kHour12: AppendInt(out, t.hour % 12 == 0 ? 12 : t.hour % 12, 0); break;
      case Chunk::kZeroHour12: AppendInt(out, t.hour % 12 == 0 ? 12 : t.hour % 12, 2); break;
      case Chunk::kMinute: AppendInt(out, t.minute, 0); break;
      case Chunk::kZeroMinute: AppendInt(out, t.minute, 2); break;
      case Chunk::kSecond: AppendInt(out, t.second, 0); break;
      case Chunk::kZeroSecond: AppendInt(out, t.second, 2); break;
      case Chunk::kLongYear: AppendInt(out, t.year, 4); break;
      case Chunk::kYear: AppendInt(out, t.year % 100, 2); break;
      case Chunk::kPM: out += t.hour >= 12 ? "PM" : "AM"; break;
      case Chunk::kpm: out += t.hour >= 12 ? "pm" : "am"; break;
      case Chunk::kTZ:
        if (!zone_name.empty()) {
          out += zone_name;
        } else {
          AppendZone(out, Chunk::kNumShortTZ, offset_s);
        }
        break;
      case Chunk::kISO8601TZ:
      case Chunk::kISO8601SecondsTZ:
      case Chunk::kISO8601ShortTZ:
      case Chunk::kISO8601ColonTZ:
      case Chunk::kISO8601ColonSecondsTZ:
      case Chunk::kNumTZ:
      case Chunk::kNumSecondsTz:
      case Chunk::kNumShortTZ:
      case Chunk::kNumColonTZ:
      case Chunk::kNumColonSecondsTZ: AppendZone(out, c, offset_s); break;
      case Chunk::kFracSecond0:
      case Chunk::kFracSecond9: {
        std::string frac = fmt::format("{:09d}", t.nanos).substr(0, static_cast<size_t>(digits));
        if (c == Chunk::kFracSecond9) {
          while (!frac.empty() && frac.back() == '0') frac.pop_back();
          if (frac.empty()) break;
        }
        out += layout[i - len];
        out += frac;
        break;
      }
    }
  }
}

void AppendGoTimeString(std::string& out, int64_t ns) {
  AppendGoTime(out, "2006-01-02 15:04:05.999999999 -0700 MST", ns, 0, "UTC");
}

namespace {

// Reads up to `max` digits (at least `min`); false when fewer.
bool ReadDigits(std::string_view s, size_t& i, size_t min, size_t max, int64_t& v) {
  size_t start = i;
  v = 0;
  while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  return i - start >= min;
}

bool ReadName(std::string_view s, size_t& i, std::string_view name, size_t len) {
  for (size_t k = 0; k < len; ++k) {
    if (i + k >= s.size()) return false;
    char a = s[i + k], b = name[k];
    if ((a | 0x20) != (b | 0x20)) return false;
  }
  i += len;
  return true;
}

}  // namespace

Result<int64_t> ParseGoTime(std::string_view layout, std::string_view text, int default_offset_s) {
  auto fail = [&](std::string_view what) -> Status {
    return InvalidArgument(fmt::format("parsing time {} as {}: cannot parse {}", GoQuote(text),
                                       GoQuote(layout), what));
  };
  int64_t year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0;
  bool pm = false, pm_set = false, zone_set = false;
  int64_t offset = default_offset_s;
  size_t i = 0, p = 0;
  while (i < layout.size()) {
    size_t len = 0;
    int digits = 0;
    Chunk c = ChunkAt(layout, i, len, digits);
    if (c == Chunk::kNone) {
      if (p >= text.size() || text[p] != layout[i]) return fail("literal");
      ++p;
      ++i;
      continue;
    }
    i += len;
    int64_t v = 0;
    switch (c) {
      case Chunk::kNone: break;
      case Chunk::kLongMonth:
      case Chunk::kMonth: {
        bool found = false;
        for (size_t m = 0; m < 12 && !found; ++m) {
          size_t n = c == Chunk::kLongMonth ? kLongMonths[m].size() : 3;
          if (ReadName(text, p, kLongMonths[m], n)) {
            month = static_cast<int64_t>(m) + 1;
            found = true;
          }
        }
        if (!found) return fail("month");
        break;
      }
      case Chunk::kLongWeekDay:
      case Chunk::kWeekDay: {
        bool found = false;
        for (size_t d = 0; d < 7 && !found; ++d) {
          size_t n = c == Chunk::kLongWeekDay ? kLongDays[d].size() : 3;
          found = ReadName(text, p, kLongDays[d], n);
        }
        if (!found) return fail("weekday");
        break;
      }
      case Chunk::kNumMonth:
      case Chunk::kZeroMonth:
        if (!ReadDigits(text, p, c == Chunk::kZeroMonth ? 2 : 1, 2, month) || month < 1 || month > 12)
          return fail("month");
        break;
      case Chunk::kDay:
      case Chunk::kUnderDay:
      case Chunk::kZeroDay:
        if (c == Chunk::kUnderDay && p < text.size() && text[p] == ' ') ++p;
        if (!ReadDigits(text, p, c == Chunk::kZeroDay ? 2 : 1, 2, day) || day < 1 || day > 31)
          return fail("day");
        break;
      case Chunk::kUnderYearDay:
      case Chunk::kZeroYearDay:
        while (c == Chunk::kUnderYearDay && p < text.size() && text[p] == ' ') ++p;
        if (!ReadDigits(text, p, 1, 3, v)) return fail("day of year");
        break;
      case Chunk::kHour:
        if (!ReadDigits(text, p, 2, 2, hour) || hour > 23) return fail("hour");
        break;
      case Chunk::kHour12:
      case Chunk::kZeroHour12:
        if (!ReadDigits(text, p, c == Chunk::kZeroHour12 ? 2 : 1, 2, hour) || hour > 12) return fail("hour");
        break;
      case Chunk::kMinute:
      case Chunk::kZeroMinute:
        if (!ReadDigits(text, p, c == Chunk::kZeroMinute ? 2 : 1, 2, minute) || minute > 59)
          return fail("minute");
        break;
      case Chunk::kSecond:
      case Chunk::kZeroSecond:
        if (!ReadDigits(text, p, c == Chunk::kZeroSecond ? 2 : 1, 2, second) || second > 59)
          return fail("second");
        // Go accepts a fraction after seconds even when the layout has none.
        if (p + 1 < text.size() && (text[p] == '.' || text[p] == ',') && IsDigitAt(text, p + 1) &&
            !(i < layout.size() && (layout[i] == '.' || layout[i] == ','))) {
          ++p;
          size_t start = p;
          int64_t frac = 0;
          while (p < text.size() && IsDigitAt(text, p)) {
            if (p - start < 9) frac = frac * 10 + (text[p] - '0');
            ++p;
          }
          for (size_t k = p - start; k < 9; ++k) frac *= 10;
          nanos = frac;
        }
        break;
      case Chunk::kLongYear:
        if (!ReadDigits(text, p, 4, 4, year)) return fail("year");
        break;
      case Chunk::kYear:
        if (!ReadDigits(text, p, 2, 2, year)) return fail("year");
        year += year >= 69 ? 1900 : 2000;
        break;
      case Chunk::kPM:
      case Chunk::kpm:
        if (ReadName(text, p, "PM", 2)) {
          pm = true;
        } else if (!ReadName(text, p, "AM", 2)) {
          return fail("AM/PM");
        }
        pm_set = true;
        break;
      case Chunk::kTZ: {
        if (ReadName(text, p, "UTC", 3)) {
          offset = 0;
        } else {
          size_t start = p;
          while (p < text.size() && text[p] >= 'A' && text[p] <= 'Z') ++p;
          if (p - start < 3) return fail("zone");
          offset = 0;  // an abbreviation we cannot resolve: Go too treats unknown ones as UTC+0
        }
        zone_set = true;
        break;
      }
      case Chunk::kISO8601TZ:
      case Chunk::kISO8601SecondsTZ:
      case Chunk::kISO8601ShortTZ:
      case Chunk::kISO8601ColonTZ:
      case Chunk::kISO8601ColonSecondsTZ:
      case Chunk::kNumTZ:
      case Chunk::kNumSecondsTz:
      case Chunk::kNumShortTZ:
      case Chunk::kNumColonTZ:
      case Chunk::kNumColonSecondsTZ: {
        bool iso = c == Chunk::kISO8601TZ || c == Chunk::kISO8601SecondsTZ || c == Chunk::kISO8601ShortTZ ||
                   c == Chunk::kISO8601ColonTZ || c == Chunk::kISO8601ColonSecondsTZ;
        if (iso && p < text.size() && text[p] == 'Z') {
          ++p;
          offset = 0;
          zone_set = true;
          break;
        }
        if (p >= text.size() || (text[p] != '+' && text[p] != '-')) return fail("zone offset");
        int sign = text[p++] == '-' ? -1 : 1;
        int64_t hh = 0, mm = 0, ss = 0;
        if (!ReadDigits(text, p, 2, 2, hh)) return fail("zone offset");
        bool colon = c == Chunk::kISO8601ColonTZ || c == Chunk::kNumColonTZ ||
                     c == Chunk::kISO8601ColonSecondsTZ || c == Chunk::kNumColonSecondsTZ;
        if (c != Chunk::kNumShortTZ && c != Chunk::kISO8601ShortTZ) {
          if (colon) {
            if (p >= text.size() || text[p] != ':') return fail("zone offset");
            ++p;
          }
          if (!ReadDigits(text, p, 2, 2, mm)) return fail("zone offset");
        }
        if (c == Chunk::kISO8601SecondsTZ || c == Chunk::kNumSecondsTz || c == Chunk::kNumColonSecondsTZ ||
            c == Chunk::kISO8601ColonSecondsTZ) {
          if (colon) {
            if (p >= text.size() || text[p] != ':') return fail("zone offset");
            ++p;
          }
          if (!ReadDigits(text, p, 2, 2, ss)) return fail("zone offset");
        }
        offset = sign * (hh * 3600 + mm * 60 + ss);
        zone_set = true;
        break;
      }
      case Chunk::kFracSecond0:
      case Chunk::kFracSecond9: {
        if (p >= text.size() || (text[p] != '.' && text[p] != ',')) {
          if (c == Chunk::kFracSecond9) break;  // optional
          return fail("fraction");
        }
        ++p;
        size_t start = p;
        int64_t frac = 0;
        while (p < text.size() && IsDigitAt(text, p)) {
          if (p - start < 9) frac = frac * 10 + (text[p] - '0');
          ++p;
        }
        if (c == Chunk::kFracSecond0 && p - start != static_cast<size_t>(digits)) return fail("fraction");
        for (size_t k = p - start; k < 9; ++k) frac *= 10;
        nanos = frac;
        break;
      }
    }
  }
  if (p != text.size()) {
    return InvalidArgument(fmt::format("parsing time {}: extra text: {}", GoQuote(text),
                                       GoQuote(text.substr(p))));
  }
  if (pm_set) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  (void)zone_set;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return secs * kNanosPerSecond + nanos;
}

}  // namespace remediator::logql::tmpl
