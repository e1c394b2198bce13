#include "core/duration.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace remediator {
namespace {

TEST(ParseDuration, AcceptsGoAndPrometheusUnits) {
  struct Case {
    const char* text;
    int64_t ns;
  } cases[] = {
      {"0", 0},
      {"90s", 90 * kNanosPerSecond},
      {"5m", 5 * kNanosPerMinute},
      {"1h30m", 90 * kNanosPerMinute},
      {"1.5s", 1500 * kNanosPerMilli},
      {"250ms", 250 * kNanosPerMilli},
      {"7d", 7 * kNanosPerDay},
      {"2w", 14 * kNanosPerDay},
      {"10us", 10 * kNanosPerMicro},
      {"10\xC2\xB5s", 10 * kNanosPerMicro},
      {"-5m", -5 * kNanosPerMinute},
      {"3ns", 3},
  };
  for (const Case& c : cases) {
    Result<int64_t> r = ParseDuration(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.ns) << c.text;
  }
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* text : {"", "5", "m", "5x", "1h5", "-", "1..5s", "abc"}) {
    EXPECT_FALSE(ParseDuration(text).ok()) << text;
  }
}

TEST(FormatDuration, PrometheusStyle) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(90 * kNanosPerMinute), "1h30m");
  EXPECT_EQ(FormatDuration(kNanosPerDay), "1d");
  EXPECT_EQ(FormatDuration(250 * kNanosPerMilli), "250ms");
  EXPECT_EQ(FormatDuration(8 * kNanosPerDay), "1w1d");
}

TEST(FormatGoDuration, GoStyle) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(90 * kNanosPerMinute), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(1500 * kNanosPerMilli), "1.5s");
  EXPECT_EQ(FormatGoDuration(250 * kNanosPerMilli), "250ms");
  EXPECT_EQ(FormatGoDuration(1500), "1.5µs");
}

}  // namespace
}  // namespace remediator
