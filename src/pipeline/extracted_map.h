// The extracted map of a pipeline entry: Promtail's map[string]interface{} of values that
// parsing stages found and later stages read. Values keep Promtail's kinds (string, number,
// bool, null) and their string form as Promtail's getString would print them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace remediator::pipeline {

enum class ValueKind {
  kString,  // a string
  kNumber,  // a JSON number (Go float64); text is strconv.FormatFloat(v, 'f', -1, 64)
  kBool,    // true/false; text is "true"/"false"
  kNull,    // JSON null or a missing json expression; has no string form
};

struct ExtractedValue {
  std::string key;
  ValueKind kind = ValueKind::kString;
  std::string text;
};

// A small insertion-ordered map that reuses its strings' storage across Clear() so that the
// hot path does not allocate. Not thread-safe.
class ExtractedMap {
 public:
  // Inserts or replaces. Returns the stored value, whose text the caller may fill in.
  ExtractedValue& Set(std::string_view key, ValueKind kind);
  void Set(std::string_view key, ValueKind kind, std::string_view text) {
    Set(key, kind).text.assign(text);
  }
  void SetString(std::string_view key, std::string_view text) {
    Set(key, ValueKind::kString, text);
  }
  // nullptr when absent. The pointer is valid until the next Set/Erase/Clear.
  const ExtractedValue* Find(std::string_view key) const;
  // The string form (Promtail's getString): false when absent or null.
  bool GetString(std::string_view key, std::string_view& out) const;
  void Erase(std::string_view key);
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  const ExtractedValue& at(size_t i) const { return slots_[i]; }

 private:
  std::vector<ExtractedValue> slots_;  // [0, size_) are live; the rest keep their capacity
  size_t size_ = 0;
};

}  // namespace remediator::pipeline
