// Go's time layouts ("2006-01-02T15:04:05Z07:00", "15:04", "Jan _2"), Go's named layouts
// (ANSIC, RFC1123, ...) and IANA time zones read from the system's zoneinfo (TZif) files.
// One implementation for the LogQL template functions (date, toDate, toDateInZone, ...) and
// the pipeline's timestamp stage.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator {

// A time zone read from a zoneinfo (TZif) file. Immutable once loaded; thread-safe.
class TimeZone {
 public:
  // "UTC" (or ""), "Local" (/etc/localtime) or an IANA name ("Europe/Berlin"), read from
  // /usr/share/zoneinfo. An unknown name is kInvalidArgument ("unknown time zone X").
  static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);

  // The name it was loaded with ("UTC" for UTC).
  const std::string& name() const { return name_; }
  // The offset from UTC (seconds east) in effect at `utc_seconds`.
  int64_t OffsetAt(int64_t utc_seconds) const;
  // The abbreviation in effect at `utc_seconds` ("CET", "CEST", "UTC").
  std::string_view AbbreviationAt(int64_t utc_seconds) const;
  // The UTC seconds of a local wall-clock time (seconds since the epoch as if local were UTC).
  int64_t LocalToUtc(int64_t local_seconds) const;
  // The offset of a zone abbreviation this zone uses at some time ("CEST" -> 7200), false when
  // the zone never uses it.
  bool OffsetOfAbbreviation(std::string_view abbreviation, int64_t& offset_s) const;

 private:
  struct Type {
    int32_t offset = 0;
    std::string abbreviation;
  };
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<uint8_t> type_index_;   // type in effect from transitions_[i]
  std::vector<Type> types_ = {Type{0, "UTC"}};
  size_t initial_type_ = 0;  // before the first transition

  const Type& TypeAt(int64_t utc_seconds) const;
};

// The Go layout of a named format ("RFC3339" -> "2006-01-02T15:04:05Z07:00"), or the text
// itself when it is not a known name.
std::string_view GoNamedLayout(std::string_view name);

struct GoParseOptions {
  // A value without a zone in it is read in this zone (Go's time.ParseInLocation); UTC when
  // null. A zone abbreviation this zone uses takes its offset; other abbreviations are UTC+0.
  const TimeZone* zone = nullptr;
  // When true, a layout without a year takes the year of `now_ns` (December read in January
  // counts as last year), as Promtail's timestamp stage does; otherwise it is year 0, as in
  // Go's time.Parse.
  bool year_from_now = false;
  int64_t now_ns = 0;
};

// Parses `value` with a Go reference layout. Returns nanoseconds since the epoch. Errors
// read like Go's: `parsing time "x" as "15:04": cannot parse ...`.
Result<int64_t> ParseGoTime(std::string_view layout, std::string_view value,
                            const GoParseOptions& options = {});

// Appends `ns` formatted with the Go layout, shown in `zone` (UTC when null).
void AppendGoTime(std::string& out, std::string_view layout, int64_t ns, const TimeZone* zone = nullptr);

// Go's time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST", in `zone` (UTC when null).
void AppendGoTimeString(std::string& out, int64_t ns, const TimeZone* zone = nullptr);

}  // namespace remediator
