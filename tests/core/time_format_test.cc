#include "core/time_format.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace remediator {
namespace {

constexpr int64_t k2026 = 1767225600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z

TEST(Rfc3339, ParsesZuluOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2026-01-01T00:00:00Z"), k2026);
  EXPECT_EQ(*ParseRfc3339("2026-01-01T02:00:00+02:00"), k2026);
  EXPECT_EQ(*ParseRfc3339("2026-01-01T00:00:00.5Z"), k2026 + 500 * kNanosPerMilli);
  EXPECT_EQ(*ParseRfc3339("2026-01-01T00:00:00.123456789Z"), k2026 + 123456789);
  EXPECT_EQ(*ParseRfc3339("0001-01-01T00:00:00Z"), INT64_MIN);
}

TEST(Rfc3339, RejectsGarbageWithTheText) {
  Result<int64_t> r = ParseRfc3339("2026-13-01T00:00:00Z");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("2026-13-01"), std::string::npos);
  EXPECT_FALSE(ParseRfc3339("2026-01-01").ok());
  EXPECT_FALSE(ParseRfc3339("2026-01-01T00:00:00").ok());
  EXPECT_FALSE(ParseRfc3339("2026-01-01T00:00:00Zjunk").ok());
}

TEST(Rfc3339, FormatsLikeGo) {
  EXPECT_EQ(FormatRfc3339Nano(k2026), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(k2026 + 500 * kNanosPerMilli), "2026-01-01T00:00:00.5Z");
  EXPECT_EQ(FormatRfc3339(k2026 + 500 * kNanosPerMilli), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(TimeArg, AcceptsUnixSecondsNanosAndRfc3339) {
  EXPECT_EQ(*ParseTimeArg("1767225600"), k2026);
  EXPECT_EQ(*ParseTimeArg("1767225600.5"), k2026 + 500 * kNanosPerMilli);
  EXPECT_EQ(*ParseTimeArg("1767225600000000000"), k2026);
  EXPECT_EQ(*ParseTimeArg("2026-01-01T00:00:00Z"), k2026);
  EXPECT_FALSE(ParseTimeArg("yesterday").ok());
}

}  // namespace
}  // namespace remediator
