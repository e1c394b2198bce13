// A fast path in front of core's AppendJsonString for the strings of decision lines and
// webhook answers, which are nearly always plain printable ASCII: such a string is appended
// in one piece; anything else (escapes, control bytes, UTF-8) goes through AppendJsonString
// unchanged, so the output is byte-for-byte the same.
#pragma once

#include <string>
#include <string_view>

#include "core/json_writer.h"

namespace remediator::remediation {

inline void AppendJsonText(std::string& out, std::string_view s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      AppendJsonString(out, s);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace remediator::remediation
