// Go's time.Parse for reference layouts ("2006-01-02T15:04:05Z07:00", "Jan _2 15:04:05", ...)
// and Go's named layouts (ANSIC, RFC1123, ...), as Promtail's timestamp stage uses them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::pipeline {

// A time zone read from the system's zoneinfo (TZif) files. Immutable; thread-safe.
class TimeZone {
 public:
  // "UTC", "Local" (/etc/localtime) or an IANA name ("Europe/Berlin").
  static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);
  // The offset from UTC (seconds) in effect at `utc_seconds`.
  int64_t OffsetAt(int64_t utc_seconds) const;
  // The UTC seconds of a local wall-clock time (seconds since the epoch as if local were UTC).
  int64_t LocalToUtc(int64_t local_seconds) const;

 private:
  std::vector<int64_t> transitions_;   // UTC seconds, ascending
  std::vector<int32_t> offsets_;       // offset in effect from transitions_[i]
  int32_t initial_offset_ = 0;         // before the first transition
};

// The Go layout of a named format ("RFC3339" -> "2006-01-02T15:04:05Z07:00"), or the text
// itself when it is not a known name.
std::string_view GoNamedLayout(std::string_view name);

// Parses `value` with a Go reference `layout`. A value without a zone is in `zone` (UTC when
// null). A layout without a year takes the year of `now_ns` (December in January counts as
// last year), as Promtail does. Returns nanoseconds since the epoch.
Result<int64_t> ParseGoTime(std::string_view layout, std::string_view value,
                            const TimeZone* zone, int64_t now_ns);

}  // namespace remediator::pipeline
