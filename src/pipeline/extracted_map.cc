#include "pipeline/extracted_map.h"

#include <utility>

namespace remediator::pipeline {

ExtractedValue& ExtractedMap::Set(std::string_view key, ValueKind kind) {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].key == key) {
      slots_[i].kind = kind;
      slots_[i].text.clear();
      return slots_[i];
    }
  }
  if (size_ == slots_.size()) slots_.emplace_back();
  ExtractedValue& v = slots_[size_++];
  v.key.assign(key);
  v.kind = kind;
  v.text.clear();
  return v;
}

const ExtractedValue* ExtractedMap::Find(std::string_view key) const {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].key == key) return &slots_[i];
  }
  return nullptr;
}

bool ExtractedMap::GetString(std::string_view key, std::string_view& out) const {
  const ExtractedValue* v = Find(key);
  if (v == nullptr || v->kind == ValueKind::kNull) return false;
  out = v->text;
  return true;
}

void ExtractedMap::Erase(std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].key == key) {
      // Keep insertion order: rotate the erased slot to the end of the live range.
      for (size_t j = i + 1; j < size_; ++j) std::swap(slots_[j - 1], slots_[j]);
      --size_;
      return;
    }
  }
}

}  // namespace remediator::pipeline
