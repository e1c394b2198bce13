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

// For stages that parse their input: copies it into `copy` (the stage may overwrite the
// extracted value it came from) and returns true; false when the stage has nothing to do,
// counting a null value as a stage error.
inline bool CopySourceText(const PipelineEntry& e, const std::string& source, const StageContext& ctx,
                           std::string& copy) {
  std::string_view in;
  switch (ReadSource(e, source, in)) {
    case SourceRead::kOk:
      copy.assign(in);
      return true;
    case SourceRead::kMissing:
      return false;
    case SourceRead::kNotText:
      CountStageError(ctx);
      return false;
  }
  return false;
}

}  // namespace remediator::pipeline::stages
