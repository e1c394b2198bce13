// The --since / --start / --end options shared by the commands that read a time range:
// the end defaults to now, the start to end - since. Times are RFC 3339 or Unix seconds.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace remediator::cli {

struct TimeRangeArgs {
  std::string since;  // a duration: 24h, 7d
  std::string start;
  std::string end;
};

struct TimeRange {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};

// Errors name the option: "--since: ...".
Result<TimeRange> ResolveTimeRange(const TimeRangeArgs& args, const Clock& clock);

}  // namespace remediator::cli
