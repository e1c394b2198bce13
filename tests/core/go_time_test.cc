#include "core/go_time.h"

#include <string>

#include <gtest/gtest.h>

#include "core/clock.h"

namespace remediator {
namespace {

constexpr int64_t kS = kNanosPerSecond;
constexpr int64_t k2019 = 1562708916LL * kS;  // 2019-07-09T21:48:36Z, a Tuesday

struct ParseCase {
  const char* name;
  std::string_view layout, value;
  int64_t want;
};

TEST(GoTimeParse, ReferenceAndNamedLayouts) {
  const ParseCase cases[] = {
      {"rfc3339", "2006-01-02T15:04:05Z07:00", "2019-07-09T21:48:36+02:00", k2019 - 7200 * kS},
      {"rfc3339_zulu_frac", GoNamedLayout("RFC3339Nano"), "2019-07-09T21:48:36.5Z", k2019 + kS / 2},
      {"rfc1123", GoNamedLayout("RFC1123"), "Tue, 09 Jul 2019 21:48:36 GMT", k2019},
      {"rfc1123z", GoNamedLayout("RFC1123Z"), "Tue, 09 Jul 2019 21:48:36 +0100", k2019 - 3600 * kS},
      {"ansic_under_day", GoNamedLayout("ANSIC"), "Tue Jul  9 21:48:36 2019", k2019},
      {"rubydate", GoNamedLayout("RubyDate"), "Tue Jul 09 21:48:36 -0700 2019", k2019 + 7 * 3600 * kS},
      {"rfc822_two_digit_year", GoNamedLayout("RFC822"), "09 Jul 19 21:48 UTC", k2019 - 36 * kS},
      {"rfc850_long_weekday", GoNamedLayout("RFC850"), "Tuesday, 09-Jul-19 21:48:36 UTC", k2019},
      {"fixed_fraction", "2006-01-02 15:04:05.000", "2019-07-09 21:48:36.123", k2019 + 123'000'000},
      {"fraction_without_layout", "2006-01-02 15:04:05", "2019-07-09 21:48:36.25", k2019 + kS / 4},
      {"pm", "01/02/2006 3:04:05 PM", "07/09/2019 9:48:36 PM", k2019},
      {"lower_pm", "01/02/2006 3:04:05pm", "07/09/2019 9:48:36pm", k2019},
      {"twelve_am", "2006-01-02 3:04:05PM", "2019-07-09 12:00:00AM", k2019 - (21 * 3600 + 48 * 60 + 36) * kS},
      {"year_day", "2006 002 15:04:05", "2019 190 21:48:36", k2019},
      {"gmt_offset", "2006-01-02 15:04:05 MST", "2019-07-09 23:48:36 GMT+2", k2019},
      {"date_only", "2006-01-02", "2026-03-04", 1772582400LL * kS},
      {"comma_fraction", "2006-01-02 15:04:05,999", "2019-07-09 21:48:36,5", k2019 + kS / 2},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<int64_t> r = ParseGoTime(c.layout, c.value);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(GoTimeParse, ErrorsReadLikeGo) {
  const std::pair<std::string_view, std::string_view> bad[] = {
      {"2006-01-02", "2019-13-01"},      {"2006-01-02", "2019-02-30"}, {"2006-01-02", "2019-07-09x"},
      {"15:04", "25:00"},                {"2006-01-02 15:04:05.000", "2019-07-09 21:48:36.12"},
      {"3:04PM", "9:48XM"},              {"Jan 2", "Foo 2"},           {"2006-01-02T15:04:05Z07:00", "2019-07-09T21:48:36"},
  };
  for (auto [layout, value] : bad) {
    SCOPED_TRACE(value);
    Result<int64_t> r = ParseGoTime(layout, value);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(std::string("parsing time \"") + std::string(value)), std::string::npos)
        << r.status().message();
  }
}

TEST(GoTimeParse, MissingYearIsZeroOrTheYearOfNow) {
  // Go's time.Parse: year 0, which lies before int64 nanoseconds: clamped to the oldest time.
  EXPECT_EQ(*ParseGoTime("Jan 02 15:04:05", "Jul 09 21:48:36"), INT64_MIN);
  GoParseOptions promtail;
  promtail.year_from_now = true;
  promtail.now_ns = 1688939316LL * kS;  // 2023-07-09
  EXPECT_EQ(*ParseGoTime("Jan 02 15:04:05", "Jul 09 21:48:36", promtail), 1688939316LL * kS);
  promtail.now_ns = 1672617600LL * kS;  // 2023-01-02: December is last year
  EXPECT_EQ(*ParseGoTime("Jan 02 15:04:05", "Dec 31 00:00:00", promtail), 1672444800LL * kS);
}

// Found by stage_pipeline_fuzz: a day of year in year 0 was turned into nanoseconds
// (signed overflow), and day 366 of a common year rolled over into the next year.
TEST(GoTimeParse, RegressionDayOfYearOutsideNanosecondRange) {
  EXPECT_EQ(*ParseGoTime("002", "360"), INT64_MIN);  // year 0: clamped like other year-0 times
  EXPECT_EQ(*ParseGoTime("2006 002", "2024 366"), 1735603200LL * kS);  // 2024-12-31
  Result<int64_t> common = ParseGoTime("2006 002", "2025 366");
  ASSERT_FALSE(common.ok());
  EXPECT_EQ(common.status().message(), "parsing time \"2025 366\": day-of-year out of range");
}

TEST(GoTimeZone, LoadsZoneinfoAndParsesInLocation) {
  auto ny = TimeZone::Load("America/New_York");
  if (!ny.ok()) GTEST_SKIP() << "no zoneinfo for America/New_York: " << ny.status().ToString();
  GoParseOptions in_ny;
  in_ny.zone = ny->get();
  // Summer (EDT, -4) and winter (EST, -5).
  EXPECT_EQ(*ParseGoTime("2006-01-02 15:04:05", "2019-07-09 17:48:36", in_ny), k2019);
  EXPECT_EQ(*ParseGoTime("2006-01-02 15:04", "2019-01-09 17:48", in_ny), 1547074080LL * kS);
  // A zone in the value wins over the location; an abbreviation of the location has its offset.
  EXPECT_EQ(*ParseGoTime("2006-01-02 15:04:05 -0700", "2019-07-09 21:48:36 +0000", in_ny), k2019);
  EXPECT_EQ(*ParseGoTime("2006-01-02 15:04:05 MST", "2019-07-09 17:48:36 EDT", in_ny), k2019);
  EXPECT_EQ((*ny)->AbbreviationAt(k2019 / kS), "EDT");
  EXPECT_EQ((*ny)->OffsetAt(k2019 / kS), -4 * 3600);
  EXPECT_EQ((*ny)->name(), "America/New_York");
}

TEST(GoTimeZone, UnknownNamesAreErrors) {
  for (std::string_view name : {"Mars/Olympus", "../etc/passwd", "/etc/localtime"}) {
    SCOPED_TRACE(name);
    auto z = TimeZone::Load(name);
    ASSERT_FALSE(z.ok());
    EXPECT_NE(z.status().message().find("unknown time zone"), std::string::npos);
  }
  auto utc = TimeZone::Load("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ((*utc)->OffsetAt(0), 0);
  EXPECT_EQ((*utc)->AbbreviationAt(0), "UTC");
}

struct FormatCase {
  std::string_view layout, want;
};

TEST(GoTimeFormat, AllElementsInUtc) {
  const int64_t t = k2019 + 123'456'789;
  const FormatCase cases[] = {
      {"2006-01-02T15:04:05Z07:00", "2019-07-09T21:48:36Z"},
      {"2006-01-02T15:04:05.999999999Z07:00", "2019-07-09T21:48:36.123456789Z"},
      {"15:04", "21:48"},
      {"3:04PM", "9:48PM"},
      {"03:04:05 pm", "09:48:36 pm"},
      {"Jan _2 2006", "Jul  9 2019"},
      {"January 2, 06", "July 9, 19"},
      {"Mon Monday", "Tue Tuesday"},
      {"002 __2", "190 190"},
      {"1/2", "7/9"},
      {".000 .999 ,00", ".123 .123 ,12"},
      {"-0700 -07:00 -07 Z0700 MST", "+0000 +00:00 +00 Z UTC"},
      {"_2006", "_2019"},
  };
  for (const FormatCase& c : cases) {
    SCOPED_TRACE(c.layout);
    std::string out;
    AppendGoTime(out, c.layout, t);
    EXPECT_EQ(out, c.want);
  }
  std::string s;
  AppendGoTimeString(s, k2019 + kS / 2);
  EXPECT_EQ(s, "2019-07-09 21:48:36.5 +0000 UTC");
}

TEST(GoTimeFormat, InAZone) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  if (!berlin.ok()) GTEST_SKIP() << "no zoneinfo for Europe/Berlin: " << berlin.status().ToString();
  std::string summer, winter;
  AppendGoTimeString(summer, k2019, berlin->get());
  AppendGoTime(winter, "2006-01-02 15:04 Z07:00 MST", 1547074080LL * kS, berlin->get());
  EXPECT_EQ(summer, "2019-07-09 23:48:36 +0200 CEST");
  EXPECT_EQ(winter, "2019-01-09 23:48 +01:00 CET");
}

// Found by stage_pipeline_fuzz: the latest time plus a zone's offset overflowed int64
// nanoseconds.
TEST(GoTimeFormat, RegressionEndsOfRangeInAZone) {
  auto tokyo = TimeZone::Load("Asia/Tokyo");
  if (!tokyo.ok()) GTEST_SKIP() << "no zoneinfo for Asia/Tokyo: " << tokyo.status().ToString();
  std::string latest, oldest;
  AppendGoTime(latest, "Mon 2006-01-02 15:04:05.000000000 MST", INT64_MAX, tokyo->get());
  AppendGoTime(oldest, "Mon 2006-01-02 15:04:05.000000000 Z07:00", INT64_MIN);
  EXPECT_EQ(latest, "Sat 2262-04-12 08:47:16.854775807 JST");
  EXPECT_EQ(oldest, "Tue 1677-09-21 00:12:43.145224192 Z");
}

TEST(GoTimeFormat, RoundTripsThroughParse) {
  for (std::string_view name : {"RFC3339Nano", "RFC1123Z", "RubyDate", "DateTime"}) {
    SCOPED_TRACE(name);
    std::string_view layout = GoNamedLayout(name);
    std::string text;
    AppendGoTime(text, layout, k2019);
    Result<int64_t> back = ParseGoTime(layout, text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, k2019);
  }
  EXPECT_EQ(GoNamedLayout("Kitchen"), "3:04PM");
  EXPECT_EQ(GoNamedLayout("15:04"), "15:04");
}

}  // namespace
}  // namespace remediator
