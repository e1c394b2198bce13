// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00", "15:04", "Jan _2"), which the
// template functions date, toDate, toDateInZone and unixToTime use. Times are UTC: the
// zone offset is a parameter for printing and is read back when parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator::logql::tmpl {

// Appends `ns` (Unix nanoseconds) formatted with the Go layout, shown in a zone `offset_s`
// seconds east of UTC named `zone_name`.
void AppendGoTime(std::string& out, std::string_view layout, int64_t ns, int offset_s = 0,
                  std::string_view zone_name = "UTC");

// Parses `text` with the Go layout. A layout without a zone reads the time as being in
// `default_offset_s` east of UTC. Errors read like Go's (`parsing time "x" as "15:04": ...`).
Result<int64_t> ParseGoTime(std::string_view layout, std::string_view text, int default_offset_s = 0);

// Go's time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST" in UTC.
void AppendGoTimeString(std::string& out, int64_t ns);

}  // namespace remediator::logql::tmpl
