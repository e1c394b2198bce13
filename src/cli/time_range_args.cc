#include "cli/time_range_args.h"

#include "core/duration.h"
#include "core/time_format.h"

namespace remediator::cli {

Result<TimeRange> ResolveTimeRange(const TimeRangeArgs& args, const Clock& clock) {
  TimeRange range;
  range.end_ns = clock.NowNs();
  if (!args.end.empty()) {
    auto t = ParseTimeArg(args.end);
    if (!t.ok()) return t.status().WithPrefix("--end");
    range.end_ns = *t;
  }
  if (!args.start.empty()) {
    auto t = ParseTimeArg(args.start);
    if (!t.ok()) return t.status().WithPrefix("--start");
    range.start_ns = *t;
  } else {
    auto since = ParseDuration(args.since);
    if (!since.ok()) return since.status().WithPrefix("--since");
    range.start_ns = range.end_ns - *since;
  }
  return range;
}

}  // namespace remediator::cli
