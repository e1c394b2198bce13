// Parsing and printing of timestamps at the edges; inside, int64 ns since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator {

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
struct CivilTime {
  int64_t year;
  unsigned month, day, hour, minute, second;
  int64_t nanos;
};
CivilTime CivilFromUnixNs(int64_t ns);
// The same from whole seconds and `nanos` in [0, 1e9): for local times (UTC plus a zone's
// offset) whose nanoseconds would not fit int64 at the ends of the range.
CivilTime CivilFromUnixSeconds(int64_t secs, int64_t nanos);

// RFC 3339 with optional fractional seconds and "Z" or "+hh:mm"
// ("2026-01-01T10:00:00.123456789+02:00"). Also accepts a space or lower-case 't'/'z'.
Result<int64_t> ParseRfc3339(std::string_view text);

// Go's RFC3339Nano in UTC: fraction with trailing zeros trimmed ("2026-01-01T10:00:00.5Z").
std::string FormatRfc3339Nano(int64_t ns);
// Go's RFC3339 in UTC, whole seconds ("2026-01-01T10:00:00Z").
std::string FormatRfc3339(int64_t ns);

// A time given as RFC 3339, or as Unix seconds (fractional allowed), or Unix nanoseconds
// (an integer of more than 12 digits) — what Loki's API and our CLI accept.
Result<int64_t> ParseTimeArg(std::string_view text);

}  // namespace remediator
