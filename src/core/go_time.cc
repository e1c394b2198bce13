#include "core/go_time.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/labels.h"
#include "core/time_format.h"

namespace remediator {

// ---------------------------------------------------------------- TimeZone (TZif reader)

namespace {

int64_t ReadBE(const std::string& data, size_t pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

int64_t FloorSeconds(int64_t ns) {
  int64_t s = ns / kNanosPerSecond;
  if (ns % kNanosPerSecond < 0) --s;
  return s;
}

}  // namespace

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  auto tz = std::shared_ptr<TimeZone>(new TimeZone());
  if (name == "UTC" || name.empty()) return std::shared_ptr<const TimeZone>(tz);
  std::string path;
  if (name == "Local") {
    path = "/etc/localtime";
  } else {
    if (name.find("..") != std::string_view::npos || name[0] == '/') {
      return InvalidArgument(fmt::format("unknown time zone {}", name));
    }
    path = fmt::format("/usr/share/zoneinfo/{}", name);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("unknown time zone {}", name));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string d = buf.str();
  auto bad = [&] { return InvalidArgument(fmt::format("time zone {}: bad zoneinfo file", name)); };
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) return bad();
  // Header counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](size_t at, std::array<size_t, 6>& c) {
    for (size_t i = 0; i < 6; ++i) c[i] = static_cast<size_t>(static_cast<uint32_t>(ReadBE(d, at + 20 + 4 * i, 4)));
  };
  std::array<size_t, 6> c{};
  counts(0, c);
  size_t pos = 44;
  size_t time_size = 4;
  if (d[4] >= '2') {
    // Skip the v1 block and use the 64-bit one.
    size_t v1 = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    pos = 44 + v1;
    if (d.size() < pos + 44 || d.compare(pos, 4, "TZif") != 0) return bad();
    counts(pos, c);
    pos += 44;
    time_size = 8;
  }
  size_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
  if (typecnt == 0 || d.size() < pos + timecnt * time_size + timecnt + typecnt * 6 + charcnt) return bad();
  size_t types_at = pos + timecnt * time_size + timecnt;
  std::string_view chars(d.data() + types_at + typecnt * 6, charcnt);
  tz->types_.clear();
  for (size_t i = 0; i < typecnt; ++i) {
    Type t;
    t.offset = static_cast<int32_t>(ReadBE(d, types_at + i * 6, 4));
    size_t idx = static_cast<unsigned char>(d[types_at + i * 6 + 5]);
    if (idx < chars.size()) {
      std::string_view a = chars.substr(idx);
      t.abbreviation = std::string(a.substr(0, a.find('\0')));
    }
    tz->types_.push_back(std::move(t));
  }
  for (size_t i = 0; i < timecnt; ++i) {
    uint8_t idx = static_cast<uint8_t>(d[pos + timecnt * time_size + i]);
    if (idx >= typecnt) return bad();
    tz->transitions_.push_back(ReadBE(d, pos + i * time_size, time_size));
    tz->type_index_.push_back(idx);
  }
  tz->name_ = std::string(name);
  return std::shared_ptr<const TimeZone>(tz);
}

const TimeZone::Type& TimeZone::TypeAt(int64_t utc_seconds) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) return types_[initial_type_];
  // Past the last transition the last type stays (the POSIX TZ footer is not read; Debian's
  // zoneinfo files list transitions up to 2037).
  return types_[type_index_[static_cast<size_t>(it - transitions_.begin()) - 1]];
}

int64_t TimeZone::OffsetAt(int64_t utc_seconds) const { return TypeAt(utc_seconds).offset; }

std::string_view TimeZone::AbbreviationAt(int64_t utc_seconds) const {
  return TypeAt(utc_seconds).abbreviation;
}

int64_t TimeZone::LocalToUtc(int64_t local_seconds) const {
  int64_t off = OffsetAt(local_seconds);
  int64_t utc = local_seconds - off;
  int64_t off2 = OffsetAt(utc);
  if (off2 != off) utc = local_seconds - off2;
  return utc;
}

bool TimeZone::OffsetOfAbbreviation(std::string_view abbreviation, int64_t& offset_s) const {
  for (const Type& t : types_) {
    if (t.abbreviation == abbreviation) {
      offset_s = t.offset;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- layouts

std::string_view GoNamedLayout(std::string_view name) {
  struct Named {
    std::string_view name, layout;
  };
  static constexpr Named kNamed[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
      {"Kitchen", "3:04PM"},
      {"Stamp", "Jan _2 15:04:05"},
      {"StampMilli", "Jan _2 15:04:05.000"},
      {"StampMicro", "Jan _2 15:04:05.000000"},
      {"StampNano", "Jan _2 15:04:05.000000000"},
      {"DateTime", "2006-01-02 15:04:05"},
      {"DateOnly", "2006-01-02"},
      {"TimeOnly", "15:04:05"},
  };
  for (const Named& n : kNamed) {
    if (n.name == name) return n.layout;
  }
  return name;
}

namespace {

// A layout element (Go's std* constants).
enum class Tok {
  kLiteral,          // one byte copied as is
  kLongMonth,        // January
  kMonth,            // Jan
  kNumMonth,         // 1
  kZeroMonth,        // 01
  kLongWeekDay,      // Monday
  kWeekDay,          // Mon
  kDay,              // 2
  kUnderDay,         // _2
  kZeroDay,          // 02
  kUnderYearDay,     // __2
  kZeroYearDay,      // 002
  kHour,             // 15
  kHour12,           // 3
  kZeroHour12,       // 03
  kMinute,           // 4
  kZeroMinute,       // 04
  kSecond,           // 5
  kZeroSecond,       // 05
  kLongYear,         // 2006
  kYear,             // 06
  kPM,               // PM
  kpm,               // pm
  kTZ,               // MST
  kISO8601TZ,              // Z0700
  kISO8601SecondsTZ,       // Z070000
  kISO8601ShortTZ,         // Z07
  kISO8601ColonTZ,         // Z07:00
  kISO8601ColonSecondsTZ,  // Z07:00:00
  kNumTZ,                  // -0700
  kNumSecondsTz,           // -070000
  kNumShortTZ,             // -07
  kNumColonTZ,             // -07:00
  kNumColonSecondsTZ,      // -07:00:00
  kFracSecond0,            // .000 (fixed digits)
  kFracSecond9,            // .999 (trailing zeros trimmed; optional when parsing)
};

bool StartsWith(std::string_view s, size_t i, std::string_view p) {
  return s.size() - i >= p.size() && s.compare(i, p.size(), p) == 0;
}

bool IsDigit(std::string_view v, size_t i) { return i < v.size() && v[i] >= '0' && v[i] <= '9'; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; }

// The layout element at `i`: its kind and length (kLiteral with length 1 otherwise), and
// the number of fraction digits for kFracSecond*.
std::pair<Tok, size_t> NextTok(std::string_view l, size_t i, int* frac_digits) {
  switch (l[i]) {
    case 'J':
      if (StartsWith(l, i, "January")) return {Tok::kLongMonth, 7};
      if (StartsWith(l, i, "Jan")) return {Tok::kMonth, 3};
      break;
    case 'M':
      if (StartsWith(l, i, "Monday")) return {Tok::kLongWeekDay, 6};
      if (StartsWith(l, i, "Mon")) return {Tok::kWeekDay, 3};
      if (StartsWith(l, i, "MST")) return {Tok::kTZ, 3};
      break;
    case '0':
      if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
        static constexpr Tok k[] = {Tok::kZeroMonth,  Tok::kZeroDay,    Tok::kZeroHour12,
                                    Tok::kZeroMinute, Tok::kZeroSecond, Tok::kYear};
        return {k[l[i + 1] - '1'], 2};
      }
      if (StartsWith(l, i, "002")) return {Tok::kZeroYearDay, 3};
      break;
    case '1':
      if (StartsWith(l, i, "15")) return {Tok::kHour, 2};
      return {Tok::kNumMonth, 1};
    case '2':
      if (StartsWith(l, i, "2006")) return {Tok::kLongYear, 4};
      return {Tok::kDay, 1};
    case '_':
      if (StartsWith(l, i, "_2")) {
        if (StartsWith(l, i, "_2006")) return {Tok::kLiteral, 1};  // "_" then a year
        return {Tok::kUnderDay, 2};
      }
      if (StartsWith(l, i, "__2")) return {Tok::kUnderYearDay, 3};
      break;
    case '3': return {Tok::kHour12, 1};
    case '4': return {Tok::kMinute, 1};
    case '5': return {Tok::kSecond, 1};
    case 'P':
      if (StartsWith(l, i, "PM")) return {Tok::kPM, 2};
      break;
    case 'p':
      if (StartsWith(l, i, "pm")) return {Tok::kpm, 2};
      break;
    case '-':
      if (StartsWith(l, i, "-070000")) return {Tok::kNumSecondsTz, 7};
      if (StartsWith(l, i, "-07:00:00")) return {Tok::kNumColonSecondsTZ, 9};
      if (StartsWith(l, i, "-0700")) return {Tok::kNumTZ, 5};
      if (StartsWith(l, i, "-07:00")) return {Tok::kNumColonTZ, 6};
      if (StartsWith(l, i, "-07")) return {Tok::kNumShortTZ, 3};
      break;
    case 'Z':
      if (StartsWith(l, i, "Z070000")) return {Tok::kISO8601SecondsTZ, 7};
      if (StartsWith(l, i, "Z07:00:00")) return {Tok::kISO8601ColonSecondsTZ, 9};
      if (StartsWith(l, i, "Z0700")) return {Tok::kISO8601TZ, 5};
      if (StartsWith(l, i, "Z07:00")) return {Tok::kISO8601ColonTZ, 6};
      if (StartsWith(l, i, "Z07")) return {Tok::kISO8601ShortTZ, 3};
      break;
    case '.':
    case ',':
      if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
        char ch = l[i + 1];
        size_t j = i + 1;
        while (j < l.size() && l[j] == ch) ++j;
        if (!IsDigit(l, j)) {
          *frac_digits = static_cast<int>(j - i - 1);
          return {ch == '0' ? Tok::kFracSecond0 : Tok::kFracSecond9, j - i};
        }
      }
      break;
    default:
      break;
  }
  return {Tok::kLiteral, 1};
}

bool IsIsoZone(Tok t) {
  return t == Tok::kISO8601TZ || t == Tok::kISO8601SecondsTZ || t == Tok::kISO8601ShortTZ ||
         t == Tok::kISO8601ColonTZ || t == Tok::kISO8601ColonSecondsTZ;
}
bool IsColonZone(Tok t) {
  return t == Tok::kISO8601ColonTZ || t == Tok::kNumColonTZ || t == Tok::kISO8601ColonSecondsTZ ||
         t == Tok::kNumColonSecondsTZ;
}
bool IsShortZone(Tok t) { return t == Tok::kNumShortTZ || t == Tok::kISO8601ShortTZ; }
bool IsSecondsZone(Tok t) {
  return t == Tok::kISO8601SecondsTZ || t == Tok::kNumSecondsTz || t == Tok::kNumColonSecondsTZ ||
         t == Tok::kISO8601ColonSecondsTZ;
}

constexpr std::array<std::string_view, 12> kMonths = {"January", "February", "March",     "April",
                                                       "May",     "June",     "July",      "August",
                                                       "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                   "Thursday", "Friday", "Saturday"};

// ---- formatting

void AppendInt(std::string& out, int64_t v, int width, char pad = '0') {
  if (v < 0) out += '-';
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()); i < width; ++i) out += pad;
  out += s;
}

void AppendZone(std::string& out, Tok t, int64_t offset_s) {
  if (IsIsoZone(t) && offset_s == 0) {
    out += 'Z';
    return;
  }
  int64_t abs_off = offset_s < 0 ? -offset_s : offset_s;
  out += offset_s < 0 ? '-' : '+';
  int64_t minutes = abs_off / 60;
  AppendInt(out, minutes / 60, 2);
  bool colon = IsColonZone(t);
  if (IsShortZone(t)) return;
  if (colon) out += ':';
  AppendInt(out, minutes % 60, 2);
  if (IsSecondsZone(t)) {
    if (colon) out += ':';
    AppendInt(out, abs_off % 60, 2);
  }
}

int YearDay(const CivilTime& t) {
  return static_cast<int>(DaysFromCivil(t.year, t.month, t.day) - DaysFromCivil(t.year, 1, 1)) + 1;
}

int WeekDay(const CivilTime& t) {
  int64_t days = DaysFromCivil(t.year, t.month, t.day);
  int64_t wd = (days + 4) % 7;  // 1970-01-01 was a Thursday
  if (wd < 0) wd += 7;
  return static_cast<int>(wd);
}

}  // namespace

void AppendGoTime(std::string& out, std::string_view layout, int64_t ns, const TimeZone* zone) {
  int64_t secs = FloorSeconds(ns);
  int64_t offset_s = zone != nullptr ? zone->OffsetAt(secs) : 0;
  std::string_view zone_name = zone != nullptr ? zone->AbbreviationAt(secs) : "UTC";
  int64_t nanos = ns % kNanosPerSecond;
  if (nanos < 0) nanos += kNanosPerSecond;
  // In seconds: near the ends of the int64 range, ns plus the offset would overflow.
  CivilTime t = CivilFromUnixSeconds(secs + offset_s, nanos);
  size_t i = 0;
  while (i < layout.size()) {
    int digits = 0;
    auto [tok, len] = NextTok(layout, i, &digits);
    if (tok == Tok::kLiteral) {
      out += layout[i++];
      continue;
    }
    i += len;
    switch (tok) {
      case Tok::kLiteral: break;
      case Tok::kLongMonth: out += kMonths[t.month - 1]; break;
      case Tok::kMonth: out += kMonths[t.month - 1].substr(0, 3); break;
      case Tok::kNumMonth: AppendInt(out, t.month, 0); break;
      case Tok::kZeroMonth: AppendInt(out, t.month, 2); break;
      case Tok::kLongWeekDay: out += kDays[WeekDay(t)]; break;
      case Tok::kWeekDay: out += kDays[WeekDay(t)].substr(0, 3); break;
      case Tok::kDay: AppendInt(out, t.day, 0); break;
      case Tok::kUnderDay: AppendInt(out, t.day, 2, ' '); break;
      case Tok::kZeroDay: AppendInt(out, t.day, 2); break;
      case Tok::kUnderYearDay: AppendInt(out, YearDay(t), 3, ' '); break;
      case Tok::kZeroYearDay: AppendInt(out, YearDay(t), 3); break;
      case Tok::kHour: AppendInt(out, t.hour, 2); break;
      case Tok::kHour12: AppendInt(out, t.hour % 12 == 0 ? 12 : t.hour % 12, 0); break;
      case Tok::kZeroHour12: AppendInt(out, t.hour % 12 == 0 ? 12 : t.hour % 12, 2); break;
      case Tok::kMinute: AppendInt(out, t.minute, 0); break;
      case Tok::kZeroMinute: AppendInt(out, t.minute, 2); break;
      case Tok::kSecond: AppendInt(out, t.second, 0); break;
      case Tok::kZeroSecond: AppendInt(out, t.second, 2); break;
      case Tok::kLongYear: AppendInt(out, t.year, 4); break;
      case Tok::kYear: AppendInt(out, t.year % 100, 2); break;
      case Tok::kPM: out += t.hour >= 12 ? "PM" : "AM"; break;
      case Tok::kpm: out += t.hour >= 12 ? "pm" : "am"; break;
      case Tok::kTZ:
        if (!zone_name.empty()) {
          out += zone_name;
        } else {
          AppendZone(out, Tok::kNumShortTZ, offset_s);
        }
        break;
      case Tok::kISO8601TZ:
      case Tok::kISO8601SecondsTZ:
      case Tok::kISO8601ShortTZ:
      case Tok::kISO8601ColonTZ:
      case Tok::kISO8601ColonSecondsTZ:
      case Tok::kNumTZ:
      case Tok::kNumSecondsTz:
      case Tok::kNumShortTZ:
      case Tok::kNumColonTZ:
      case Tok::kNumColonSecondsTZ: AppendZone(out, tok, offset_s); break;
      case Tok::kFracSecond0:
      case Tok::kFracSecond9: {
        std::string frac = fmt::format("{:09d}", t.nanos).substr(0, static_cast<size_t>(digits));
        if (tok == Tok::kFracSecond9) {
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

void AppendGoTimeString(std::string& out, int64_t ns, const TimeZone* zone) {
  AppendGoTime(out, "2006-01-02 15:04:05.999999999 -0700 MST", ns, zone);
}

// ---- parsing

namespace {

// Go's getnum: one or two digits; `fixed` requires two.
bool GetNum(std::string_view v, size_t& i, bool fixed, int& out) {
  if (!IsDigit(v, i)) return false;
  if (!IsDigit(v, i + 1)) {
    if (fixed) return false;
    out = v[i] - '0';
    i += 1;
    return true;
  }
  out = (v[i] - '0') * 10 + (v[i + 1] - '0');
  i += 2;
  return true;
}

bool GetDigits(std::string_view v, size_t& i, size_t n, int& out) {
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!IsDigit(v, i + k)) return false;
    out = out * 10 + (v[i + k] - '0');
  }
  i += n;
  return true;
}

// Case-insensitive match of one of `names` (cut to `len_limit` bytes when non-zero).
template <size_t N>
bool MatchName(std::string_view v, size_t& i, const std::array<std::string_view, N>& names, size_t len_limit,
               int& out) {
  for (size_t k = 0; k < N; ++k) {
    std::string_view n = len_limit ? names[k].substr(0, len_limit) : names[k];
    if (v.size() - i < n.size()) continue;
    bool eq = true;
    for (size_t j = 0; j < n.size() && eq; ++j) eq = Lower(v[i + j]) == Lower(n[j]);
    if (eq) {
      out = static_cast<int>(k);
      i += n.size();
      return true;
    }
  }
  return false;
}

// Reads a fraction's digits after the separator at `i` into nanoseconds (digits past 9 are
// read and dropped).
int64_t ReadFraction(std::string_view v, size_t& i) {
  int64_t nanos = 0, scale = 100'000'000;
  while (IsDigit(v, i)) {
    if (scale > 0) nanos += (v[i] - '0') * scale;
    scale /= 10;
    ++i;
  }
  return nanos;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// The month and day of day-of-year `yday` (1-based); false past the year's last day. Works
// on the calendar alone: years far from 1970 do not fit in int64 nanoseconds.
bool MonthDayOfYearDay(int64_t year, int yday, int& month, int& day) {
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 0; m < 12; ++m) {
    int length = kMonthDays[m] + (m == 1 && IsLeapYear(year) ? 1 : 0);
    if (yday <= length) {
      month = m + 1;
      day = yday;
      return true;
    }
    yday -= length;
  }
  return false;
}

}  // namespace

Result<int64_t> ParseGoTime(std::string_view layout, std::string_view value, const GoParseOptions& options) {
  auto fail = [&](std::string_view what) {
    return InvalidArgument(
        fmt::format("parsing time {} as {}: cannot parse {}", GoQuote(value), GoQuote(layout), what));
  };
  int64_t year = 0;
  bool have_year = false;
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  bool pm_set = false, pm = false;
  bool have_zone = false;
  int64_t zone_offset = 0;
  size_t vi = 0;
  for (size_t li = 0; li < layout.size();) {
    int frac_digits = 0;
    auto [tok, len] = NextTok(layout, li, &frac_digits);
    if (tok == Tok::kLiteral) {
      if (vi >= value.size() || value[vi] != layout[li]) return fail(GoQuote(value.substr(std::min(vi, value.size()))));
      ++vi;
      ++li;
      continue;
    }
    li += len;
    int n = 0;
    switch (tok) {
      case Tok::kLiteral:
        break;
      case Tok::kLongYear:
        if (!GetDigits(value, vi, 4, n)) return fail("year");
        year = n;
        have_year = true;
        break;
      case Tok::kYear:
        if (!GetDigits(value, vi, 2, n)) return fail("year");
        year = n >= 69 ? 1900 + n : 2000 + n;
        have_year = true;
        break;
      case Tok::kLongMonth:
        if (!MatchName(value, vi, kMonths, 0, n)) return fail("month");
        month = n + 1;
        break;
      case Tok::kMonth:
        if (!MatchName(value, vi, kMonths, 3, n)) return fail("month");
        month = n + 1;
        break;
      case Tok::kNumMonth:
      case Tok::kZeroMonth:
        if (!GetNum(value, vi, tok == Tok::kZeroMonth, n) || n < 1 || n > 12) return fail("month");
        month = n;
        break;
      case Tok::kLongWeekDay:
        if (!MatchName(value, vi, kDays, 0, n)) return fail("weekday");
        break;
      case Tok::kWeekDay:
        if (!MatchName(value, vi, kDays, 3, n)) return fail("weekday");
        break;
      case Tok::kDay:
      case Tok::kUnderDay:
      case Tok::kZeroDay:
        if (tok == Tok::kUnderDay && vi < value.size() && value[vi] == ' ') ++vi;
        if (!GetNum(value, vi, tok == Tok::kZeroDay, n) || n < 1 || n > 31) return fail("day");
        day = n;
        break;
      case Tok::kUnderYearDay:
      case Tok::kZeroYearDay: {
        while (tok == Tok::kUnderYearDay && vi < value.size() && value[vi] == ' ') ++vi;
        int digits = 0;
        n = 0;
        while (digits < 3 && IsDigit(value, vi)) {
          n = n * 10 + (value[vi++] - '0');
          ++digits;
        }
        if (digits == 0 || n < 1 || n > 366) return fail("day of year");
        yday = n;
        break;
      }
      case Tok::kHour:
        if (!GetNum(value, vi, false, n) || n > 23) return fail("hour");
        hour = n;
        break;
      case Tok::kHour12:
      case Tok::kZeroHour12:
        if (!GetNum(value, vi, tok == Tok::kZeroHour12, n) || n > 12) return fail("hour");
        hour = n;
        break;
      case Tok::kMinute:
      case Tok::kZeroMinute:
        if (!GetNum(value, vi, tok == Tok::kZeroMinute, n) || n > 59) return fail("minute");
        minute = n;
        break;
      case Tok::kSecond:
      case Tok::kZeroSecond: {
        if (!GetNum(value, vi, tok == Tok::kZeroSecond, n) || n > 59) return fail("second");
        second = n;
        // Go accepts a fractional second after the seconds even when the layout has none.
        if (vi + 1 < value.size() && (value[vi] == '.' || value[vi] == ',') && IsDigit(value, vi + 1)) {
          int ignored = 0;
          Tok next = li < layout.size() ? NextTok(layout, li, &ignored).first : Tok::kLiteral;
          if (next != Tok::kFracSecond0 && next != Tok::kFracSecond9) {
            ++vi;
            nanos = ReadFraction(value, vi);
          }
        }
        break;
      }
      case Tok::kPM:
      case Tok::kpm: {
        if (value.size() - vi < 2) return fail("AM/PM");
        char a = Lower(value[vi]), b = Lower(value[vi + 1]);
        if (b != 'm' || (a != 'a' && a != 'p')) return fail("AM/PM");
        pm = a == 'p';
        pm_set = true;
        vi += 2;
        break;
      }
      case Tok::kISO8601TZ:
      case Tok::kISO8601SecondsTZ:
      case Tok::kISO8601ShortTZ:
      case Tok::kISO8601ColonTZ:
      case Tok::kISO8601ColonSecondsTZ:
      case Tok::kNumTZ:
      case Tok::kNumSecondsTz:
      case Tok::kNumShortTZ:
      case Tok::kNumColonTZ:
      case Tok::kNumColonSecondsTZ: {
        if (IsIsoZone(tok) && vi < value.size() && value[vi] == 'Z') {
          ++vi;
          have_zone = true;
          zone_offset = 0;
          break;
        }
        if (vi >= value.size() || (value[vi] != '+' && value[vi] != '-')) return fail("zone offset");
        int sign = value[vi] == '-' ? -1 : 1;
        ++vi;
        int hh = 0, mm = 0, ss = 0;
        if (!GetDigits(value, vi, 2, hh)) return fail("zone offset");
        bool colon = IsColonZone(tok);
        if (!IsShortZone(tok)) {
          if (colon) {
            if (vi >= value.size() || value[vi] != ':') return fail("zone offset");
            ++vi;
          }
          if (!GetDigits(value, vi, 2, mm)) return fail("zone offset");
          if (IsSecondsZone(tok)) {
            if (colon) {
              if (vi >= value.size() || value[vi] != ':') return fail("zone offset");
              ++vi;
            }
            if (!GetDigits(value, vi, 2, ss)) return fail("zone offset");
          }
        }
        have_zone = true;
        zone_offset = sign * (hh * 3600 + mm * 60 + ss);
        break;
      }
      case Tok::kTZ: {
        // A zone abbreviation: upper-case letters, or GMT with an offset. Its offset is the
        // one the location uses for that name (Go's ParseInLocation); other names count as
        // UTC+0, as Go's time.Parse does.
        size_t start = vi;
        while (vi < value.size() && value[vi] >= 'A' && value[vi] <= 'Z') ++vi;
        if (vi - start < 3) return fail("zone name");
        std::string_view abbr = value.substr(start, vi - start);
        have_zone = true;
        zone_offset = 0;
        if (abbr == "GMT" && vi < value.size() && (value[vi] == '+' || value[vi] == '-')) {
          int sign = value[vi] == '-' ? -1 : 1;
          ++vi;
          int h = 0;
          if (!GetNum(value, vi, false, h)) return fail("zone name");
          zone_offset = sign * h * 3600;
        } else if (options.zone != nullptr && abbr != "UTC") {
          int64_t off = 0;
          if (options.zone->OffsetOfAbbreviation(abbr, off)) zone_offset = off;
        }
        break;
      }
      case Tok::kFracSecond0: {
        // The value must have the same number of digits as the layout.
        if (vi >= value.size() || (value[vi] != '.' && value[vi] != ',')) return fail("fractional second");
        ++vi;
        int64_t scale = 100'000'000;
        for (int k = 0; k < frac_digits; ++k) {
          if (!IsDigit(value, vi)) return fail("fractional second");
          nanos += (value[vi++] - '0') * scale;
          scale /= 10;
        }
        break;
      }
      case Tok::kFracSecond9:
        if (vi + 1 >= value.size() || (value[vi] != '.' && value[vi] != ',') || !IsDigit(value, vi + 1)) {
          break;  // optional
        }
        ++vi;
        nanos = ReadFraction(value, vi);
        break;
    }
  }
  if (vi != value.size()) {
    return InvalidArgument(fmt::format("parsing time {}: extra text: {}", GoQuote(value),
                                       GoQuote(value.substr(vi))));
  }
  if (pm_set) {
    if (hour > 12) return fail("hour");
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  if (!have_year && options.year_from_now) {
    CivilTime now = CivilFromUnixNs(options.now_ns);
    year = now.year;
    if (now.month == 1 && month == 12) year -= 1;
  }
  if (yday > 0 && !MonthDayOfYearDay(year, yday, month, day)) {
    return InvalidArgument(fmt::format("parsing time {}: day-of-year out of range", GoQuote(value)));
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  // Days past the month's end are an error (Go's "day out of range").
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kMonthDays[month - 1] || (month == 2 && day == 29 && !IsLeapYear(year))) return fail("day out of range");
  int64_t local = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                  hour * 3600 + minute * 60 + second;
  int64_t utc = local;
  if (have_zone) {
    utc = local - zone_offset;
  } else if (options.zone != nullptr) {
    utc = options.zone->LocalToUtc(local);
  }
  // Year 0 and the like lie before what int64 nanoseconds hold: clamp rather than overflow.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (utc < kMin / kNanosPerSecond + 1) return kMin;
  if (utc > kMax / kNanosPerSecond - 1) return kMax;
  return utc * kNanosPerSecond + nanos;
}

}  // namespace remediator
