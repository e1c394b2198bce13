// ASCII helpers that do not depend on the locale.
#pragma once

#include <cctype>
#include <string_view>

namespace remediator {

// Go's unicode.IsSpace for ASCII: space, \t, \n, \v, \f, \r.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// Whether `a` and `b` are equal ignoring ASCII case (Go's strings.EqualFold for ASCII).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace remediator
