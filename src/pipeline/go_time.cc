#include "pipeline/go_time.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/time_format.h"

namespace remediator::pipeline {

// ---------------------------------------------------------------- TimeZone (TZif reader)

namespace {

int64_t ReadBE(const std::string& data, size_t pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
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
  auto counts = [&](size_t at, std::array<int64_t, 6>& c) {
    for (size_t i = 0; i < 6; ++i) c[i] = ReadBE(d, at + 20 + 4 * i, 4);
  };
  std::array<int64_t, 6> c{};
  counts(0, c);
  size_t pos = 44;
  size_t time_size = 4;
  char version = d[4];
  if (version >= '2') {
    // Skip the v1 block and use the 64-bit one.
    size_t v1 = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    pos = 44 + v1;
    if (d.size() < pos + 44 || d.compare(pos, 4, "TZif") != 0) return bad();
    counts(pos, c);
    pos += 44;
    time_size = 8;
  }
  size_t timecnt = c[3], typecnt = c[4];
  if (d.size() < pos + timecnt * time_size + timecnt + typecnt * 6) return bad();
  std::vector<int64_t> times(timecnt);
  for (size_t i = 0; i < timecnt; ++i) times[i] = ReadBE(d, pos + i * time_size, time_size);
  pos += timecnt * time_size;
  std::vector<uint8_t> idx(timecnt);
  for (size_t i = 0; i < timecnt; ++i) idx[i] = static_cast<uint8_t>(d[pos + i]);
  pos += timecnt;
  std::vector<int32_t> type_off(typecnt);
  for (size_t i = 0; i < typecnt; ++i) type_off[i] = static_cast<int32_t>(ReadBE(d, pos + i * 6, 4));
  if (typecnt == 0) return bad();
  tz->initial_offset_ = type_off[0];
  for (size_t i = 0; i < timecnt; ++i) {
    if (idx[i] >= typecnt) return bad();
    tz->transitions_.push_back(times[i]);
    tz->offsets_.push_back(type_off[idx[i]]);
  }
  return std::shared_ptr<const TimeZone>(tz);
}

int64_t TimeZone::OffsetAt(int64_t utc_seconds) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) return initial_offset_;
  // Past the last transition the last offset stays (the POSIX TZ footer is not read).
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::LocalToUtc(int64_t local_seconds) const {
  int64_t off = OffsetAt(local_seconds);
  int64_t utc = local_seconds - off;
  int64_t off2 = OffsetAt(utc);
  if (off2 != off) utc = local_seconds - off2;
  return utc;
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

enum class Tok {
  kLiteral,
  kLongMonth, kMonth, kNumMonth, kZeroMonth,
  kLongWeekDay, kWeekDay,
  kDay, kUnderDay, kZeroDay, kYearDay, kZeroYearDay,
  kHour, kHour12, kZeroHour12,
  kMinute, kZeroMinute, kSecond, kZeroSecond,
  kLongYear, kYear,
  kPM, kpm,
  kTZ,
  kISO8601TZ, kISO8601SecondsTZ, kISO8601ShortTZ, kISO8601ColonTZ, kISO8601ColonSecondsTZ,
  kNumTZ, kNumSecondsTz, kNumShortTZ, kNumColonTZ, kNumColonSecondsTZ,
  kFracSecond0, kFracSecond9,
};

bool StartsWith(std::string_view s, size_t i, std::string_view p) {
  return s.size() - i >= p.size() && s.compare(i, p.size(), p) == 0;
}

// The next layout token at `i`: its kind and length; kLiteral with length 1 otherwise.
std::pair<Tok, size_t> NextTok(std::string_view l, size_t i, int* frac_digits) {
  char c = l[i];
  switch (c) {
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
        static constexpr Tok k[] = {Tok::kZeroMonth, Tok::kZeroDay, Tok::kZeroHour12,
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
        if (StartsWith(l, i, "_2006")) return {Tok::kLiteral, 1};
        return {Tok::kUnderDay, 2};
      }
      if (StartsWith(l, i, "__2")) return {Tok::kYearDay, 3};
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
        if (j >= l.size() || !std::isdigit(static_cast<unsigned char>(l[j]))) {
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

bool IsDigit(std::string_view v, size_t i) {
  return i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]));
}

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

bool MatchName(std::string_view v, size_t& i, const std::string_view* names, size_t count,
               size_t len_limit, int& out) {
  for (size_t k = 0; k < count; ++k) {
    std::string_view n = len_limit ? names[k].substr(0, len_limit) : names[k];
    if (v.size() - i < n.size()) continue;
    bool eq = true;
    for (size_t j = 0; j < n.size() && eq; ++j) {
      eq = std::tolower(static_cast<unsigned char>(v[i + j])) ==
           std::tolower(static_cast<unsigned char>(n[j]));
    }
    if (eq) {
      out = static_cast<int>(k);
      i += n.size();
      return true;
    }
  }
  return false;
}

constexpr std::string_view kMonths[] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

}  // namespace

Result<int64_t> ParseGoTime(std::string_view layout, std::string_view value,
                            const TimeZone* zone, int64_t now_ns) {
  auto fail = [&](std::string_view what) {
    return InvalidArgument(
        fmt::format("parsing time \"{}\" as \"{}\": cannot parse {}", value, layout, what));
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
      if (vi >= value.size() || value[vi] != layout[li]) return fail(fmt::format("\"{}\"", layout.substr(li)));
      ++vi;
      ++li;
      continue;
    }
    li += len;
    int n = 0;
    switch (tok) {
      case Tok::kLiteral:
        break;
      case Tok::kLongYear: {
        if (!GetDigits(value, vi, 4, n)) return fail("year");
        year = n;
        have_year = true;
        break;
      }
      case Tok::kYear:
        if (!GetDigits(value, vi, 2, n)) return fail("year");
        year = n >= 69 ? 1900 + n : 2000 + n;
        have_year = true;
        break;
      case Tok::kLongMonth:
        if (!MatchName(value, vi, kMonths, 12, 0, n)) return fail("month");
        month = n + 1;
        break;
      case Tok::kMonth:
        if (!MatchName(value, vi, kMonths, 12, 3, n)) return fail("month");
        month = n + 1;
        break;
      case Tok::kNumMonth:
      case Tok::kZeroMonth:
        if (!GetNum(value, vi, tok == Tok::kZeroMonth, n) || n < 1 || n > 12) return fail("month");
        month = n;
        break;
      case Tok::kLongWeekDay:
        if (!MatchName(value, vi, kDays, 7, 0, n)) return fail("weekday");
        break;
      case Tok::kWeekDay:
        if (!MatchName(value, vi, kDays, 7, 3, n)) return fail("weekday");
        break;
      case Tok::kDay:
      case Tok::kUnderDay:
      case Tok::kZeroDay:
        if (tok == Tok::kUnderDay && vi < value.size() && value[vi] == ' ') ++vi;
        if (!GetNum(value, vi, tok == Tok::kZeroDay, n) || n < 1 || n > 31) return fail("day");
        day = n;
        break;
      case Tok::kYearDay:
      case Tok::kZeroYearDay: {
        while (tok == Tok::kYearDay && vi < value.size() && value[vi] == ' ') ++vi;
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
        if (vi + 1 < value.size() && (value[vi] == '.' || value[vi] == ',') &&
            IsDigit(value, vi + 1)) {
          int dummy = 0;
          auto [next_tok, next_len] = li < layout.size() ? NextTok(layout, li, &dummy)
                                                         : std::pair<Tok, size_t>{Tok::kLiteral, 0};
          (void)next_len;
          if (next_tok != Tok::kFracSecond0 && next_tok != Tok::kFracSecond9) {
            ++vi;
            int64_t scale = 100'000'000;
            while (IsDigit(value, vi)) {
              if (scale > 0) nanos += (value[vi] - '0') * scale;
              scale /= 10;
              ++vi;
            }
          }
        }
        break;
      }
      case Tok::kPM:
      case Tok::kpm: {
        if (value.size() - vi < 2) return fail("AM/PM");
        std::string ap{static_cast<char>(std::toupper(static_cast<unsigned char>(value[vi]))),
                       static_cast<char>(std::toupper(static_cast<unsigned char>(value[vi + 1])))};
        if (ap == "PM") {
          pm = true;
        } else if (ap != "AM") {
          return fail("AM/PM");
        }
        pm_set = true;
        vi += 2;
        break;
      }
      case Tok::kISO8601TZ:
      case Tok::kISO8601SecondsTZ:
      case Tok::kISO8601ShortTZ:
      case Tok::kISO8601ColonTZ:
      case Tok::kISO8601ColonSecondsTZ:
        if (vi < value.size() && value[vi] == 'Z') {
          ++vi;
          have_zone = true;
          zone_offset = 0;
          break;
        }
        [[fallthrough]];
      case Tok::kNumTZ:
      case Tok::kNumSecondsTz:
      case Tok::kNumShortTZ:
      case Tok::kNumColonTZ:
      case Tok::kNumColonSecondsTZ: {
        if (vi >= value.size() || (value[vi] != '+' && value[vi] != '-')) return fail("zone offset");
        int sign = value[vi] == '-' ? -1 : 1;
        ++vi;
        int hh = 0, mm = 0, ss = 0;
        if (!GetDigits(value, vi, 2, hh)) return fail("zone offset");
        bool colon = tok == Tok::kNumColonTZ || tok == Tok::kNumColonSecondsTZ ||
                     tok == Tok::kISO8601ColonTZ || tok == Tok::kISO8601ColonSecondsTZ;
        bool short_tz = tok == Tok::kNumShortTZ || tok == Tok::kISO8601ShortTZ;
        bool with_seconds = tok == Tok::kNumSecondsTz || tok == Tok::kNumColonSecondsTZ ||
                            tok == Tok::kISO8601SecondsTZ || tok == Tok::kISO8601ColonSecondsTZ;
        if (!short_tz) {
          if (colon) {
            if (vi >= value.size() || value[vi] != ':') return fail("zone offset");
            ++vi;
          }
          if (!GetDigits(value, vi, 2, mm)) return fail("zone offset");
          if (with_seconds) {
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
        // A zone abbreviation: three to five upper-case letters (optionally with a trailing
        // T), or UTC/GMT with an offset. Its offset is not known from the name alone; as
        // Go's time.Parse in UTC does, it counts as offset 0.
        size_t start = vi;
        while (vi < value.size() && std::isupper(static_cast<unsigned char>(value[vi]))) ++vi;
        if (vi - start < 3) return fail("zone name");
        if (StartsWith(value, start, "GMT") && vi - start == 3 && vi < value.size() &&
            (value[vi] == '+' || value[vi] == '-')) {
          int sign = value[vi] == '-' ? -1 : 1;
          ++vi;
          int h = 0;
          if (!GetNum(value, vi, false, h)) return fail("zone name");
          have_zone = true;
          zone_offset = sign * h * 3600;
        } else {
          have_zone = true;
          zone_offset = 0;
        }
        break;
      }
      case Tok::kFracSecond0: {
        // The layout's separator is already in `len`; the value must have the same count.
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
      case Tok::kFracSecond9: {
        if (vi >= value.size() || (value[vi] != '.' && value[vi] != ',')) break;  // optional
        if (!IsDigit(value, vi + 1)) break;
        ++vi;
        int64_t scale = 100'000'000;
        while (IsDigit(value, vi)) {
          if (scale > 0) nanos += (value[vi] - '0') * scale;
          scale /= 10;
          ++vi;
        }
        break;
      }
    }
  }
  if (vi != value.size()) {
    return InvalidArgument(fmt::format("parsing time \"{}\" as \"{}\": extra text \"{}\"", value,
                                       layout, value.substr(vi)));
  }
  if (pm_set) {
    if (hour > 12) return fail("hour");
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  if (!have_year) {
    CivilTime now = CivilFromUnixNs(now_ns);
    year = now.year;
    if (now.month == 1 && month == 12) year -= 1;
  }
  if (yday > 0) {
    int64_t days = DaysFromCivil(year, 1, 1) + yday - 1;
    CivilTime c = CivilFromUnixNs(days * kNanosPerDay);
    month = static_cast<int>(c.month);
    day = static_cast<int>(c.day);
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  // Reject days past the month's end (Go does).
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kMonthDays[month - 1] || (month == 2 && day == 29 && !leap)) return fail("day out of range");
  int64_t local = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                  hour * 3600 + minute * 60 + second;
  int64_t utc = local;
  if (have_zone) {
    utc = local - zone_offset;
  } else if (zone != nullptr) {
    utc = zone->LocalToUtc(local);
  }
  return utc * kNanosPerSecond + nanos;
}

}  // namespace remediator::pipeline
