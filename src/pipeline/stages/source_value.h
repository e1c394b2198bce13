// Reading a stage's input: the line, or the extracted value named by `source`.
#pragma once

#include <string>
#include <string_view>

#include "pipeline/stage.h"

namespace remediator::pipeline::stages {

enum class SourceRead {
  kOk,       // `out` holds the input
  kMissing,  // the source key is absent: the stage does nothing (Promtail)
  kNotText,  // the value is null: a stage error
};

inline SourceRead ReadSource(const PipelineEntry& e, const std::string& source, std::string_view& out) {
  if (source.empty()) {
    out = e.entry.line;
    return SourceRead::kOk;
  }
  const ExtractedValue* v = e.extracted.Find(source);
  if (v == nullptr) return SourceRead::kMissing;
  if (v->kind == ValueKind::kNull) return SourceRead::kNotText;
  out = v->text;
  return SourceRead::kOk;
}

}  // namespace remediator::pipeline::stages
