// What SplitCompactJsonObject is checked against, shared by its tests and its fuzzer: the
// line rebuilt from the members, simdjson's verdict, and the compactness and depth rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "store/json_split.h"

namespace remediator::store::testing {

// "{" + join(",", "\"" + key + "\":" + value) + "}".
inline std::string RebuildFromMembers(const std::vector<JsonMember>& members) {
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    out += members[i].key;
    out += "\":";
    out += members[i].value;
  }
  return out + "}";
}

// Whether simdjson's DOM parser reads `line` as one object.
inline bool SimdjsonObject(std::string_view line) {
  static simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(simdjson::padded_string(line)).get(e) == simdjson::SUCCESS && e.is_object();
}

// Whether `line` has no space, tab, CR or LF outside strings, and its containers are nested
// at most kMaxJsonSplitDepth deep (only meaningful for a line simdjson accepts).
inline bool CompactAndShallow(std::string_view line) {
  bool in_string = false;
  int depth = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '{':
      case '[':
        if (++depth > kMaxJsonSplitDepth) return false;
        break;
      case '}':
      case ']': --depth; break;
      case ' ':
      case '\t':
      case '\r':
      case '\n': return false;
      default: break;
    }
  }
  return true;
}

}  // namespace remediator::store::testing
