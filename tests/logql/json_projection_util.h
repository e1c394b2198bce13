// A simple JSON member splitter for tests: what a source acting on
// StreamSelection::json_labels hands the engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "logql/json_projection.h"
#include "logql/log/json_scan.h"

namespace remediator::logql::testing {

namespace json = log::json;

// The projection of `line` to the members whose keys `labels` may use, compact; false when
// the line is not one JSON object this simple splitter reads (then it stays whole).
inline bool ProjectJsonLine(std::string_view line, const std::vector<std::string>& labels, std::string& out) {
  out = "{";
  size_t p = json::SkipWs(line, 0);
  if (p >= line.size() || line[p] != '{') return false;
  p = json::SkipWs(line, p + 1);
  bool first = true;
  if (p < line.size() && line[p] == '}') {
    ++p;
  } else {
    while (true) {
      size_t kend = 0;
      bool kesc = false;
      if (p >= line.size() || line[p] != '"' || !json::ScanString(line, p, kend, kesc)) return false;
      std::string_view key = line.substr(p + 1, kend - p - 2);
      p = json::SkipWs(line, kend);
      if (p >= line.size() || line[p] != ':') return false;
      p = json::SkipWs(line, p + 1);
      size_t vend = 0;
      json::Type type;
      const char* err = nullptr;
      if (!json::ScanValue(line, p, vend, type, err)) return false;
      if (JsonKeyMayYield(key, labels)) {
        if (!first) out += ',';
        first = false;
        out += '"';
        out += key;
        out += "\":";
        out += line.substr(p, vend - p);
      }
      p = json::SkipWs(line, vend);
      if (p >= line.size()) return false;
      if (line[p] == '}') {
        ++p;
        break;
      }
      if (line[p] != ',') return false;
      p = json::SkipWs(line, p + 1);
    }
  }
  if (json::SkipWs(line, p) != line.size()) return false;
  out += '}';
  return true;
}

}  // namespace remediator::logql::testing
