// Reading each line's time from a field of the line, fast for files whose lines share a
// layout (JSON access logs): the key is looked for where it was in the previous line
// (counted from the line's end, then from its start), then with a SIMD substring search.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "logql/log/matchers.h"

namespace remediator::logql {

class LineTimeReader {
 public:
  // `field`: a JSON key (`"field":`) or a logfmt key (`field=`) whose value is RFC 3339 or
  // Unix seconds (fractional allowed).
  explicit LineTimeReader(std::string_view field);

  // The line's time; false when the line has no readable time. (A key that occurs twice in
  // a line, say nested, may be read at its second place.)
  bool Read(std::string_view line, int64_t& ts_ns);

 private:
  bool ParseValue(std::string_view v, int64_t& out);
  bool ParseRfc3339Fast(std::string_view s, int64_t& out);

  static constexpr size_t kWindow = 96;
  std::string field_;
  std::string pattern_;  // "field"
  log::SubstringSearcher search_;
  size_t hint_ = 0;      // the key's offset in the previous line
  size_t hint_end_ = 0;  // its distance from that line's end (0: none)
  // The previous RFC 3339 value's "YYYY-MM-DDTHH" and its seconds.
  char hour_prefix_[13] = {};
  int64_t hour_secs_ = 0;
  bool hour_valid_ = false;
};

// Reads the time of one line from `field`; false when the line has no readable time.
bool ReadLineTime(std::string_view line, std::string_view field, int64_t& ts_ns);

}  // namespace remediator::logql
