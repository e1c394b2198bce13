// A fast path in front of core's AppendJsonString for the strings of decision lines and
// webhook answers, which are nearly always plain printable ASCII: such a string is appended
// in one piece; anything else (escapes, control bytes, UTF-8) goes through AppendJsonString
// unchanged, so the output is byte-for-byte the same.
#pragma once

#include <string>
#include <string_view>

#include "core/json_writer.h"

namespace remediator::remediation {

// True for the bytes a JSON string can hold as they are, in the output AppendJsonString gives.
inline constexpr struct PlainJsonBytes {
  bool plain[256] = {};
  constexpr PlainJsonBytes() {
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  }
} kPlainJsonBytes;

inline void AppendJsonText(std::string& out, std::string_view s) {
  for (char ch : s) {
    if (!kPlainJsonBytes.plain[static_cast<unsigned char>(ch)]) {
      AppendJsonString(out, s);
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace remediator::remediation
