#include "logql/json_projection.h"

#include "logql/log/pipeline.h"

namespace remediator::logql {

namespace {

// A key the json stage names as written: [A-Za-z0-9_]+ not starting with a digit.
bool IsPlainKey(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

bool JsonKeyMayYield(std::string_view raw_key, std::span<const std::string> labels) {
  if (raw_key.find('\\') != std::string_view::npos) return true;
  std::string sanitized;
  std::string_view s = raw_key;
  if (!IsPlainKey(raw_key)) {
    log::AppendSanitizedKey(sanitized, raw_key, /*is_prefix=*/true);
    s = sanitized;
  }
  if (s.empty()) return true;
  for (const std::string& label : labels) {
    if (label.size() < s.size() || label.compare(0, s.size(), s) != 0) continue;
    // s itself, s_extracted, or a nested member's s_child.
    if (label.size() == s.size() || label[s.size()] == '_') return true;
  }
  return false;
}

}  // namespace remediator::logql
