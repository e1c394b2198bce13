// The per-entry log pipeline compiled from a query's stages: line filters, parsers, label
// filters, formatters, drop/keep, decolorize — in query order, with Loki's semantics.
//
// Compile once (Pipeline::Compile); the Pipeline is immutable and shared across threads.
// Each thread owns a PipelineRunner, which holds the reusable buffers.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "logql/log/labels_builder.h"
#include "logql/syntax/ast.h"

namespace remediator::logql::log {

// Reusable per-thread buffers for stages that rewrite the line.
struct LineScratch {
  std::string buf[2];
  int next = 0;
  std::string& Take() {
    next ^= 1;
    buf[next].clear();
    return buf[next];
  }
};

class Stage {
 public:
  virtual ~Stage() = default;
  // Returns false to drop the entry. May point `line` at a scratch buffer.
  virtual bool Process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, LineScratch& scratch) const = 0;
};

// Which labels the caller needs once the pipeline has run; parsers extract only those (and
// the ones later stages read). nullopt = all labels (log queries, ungrouped metrics).
struct LabelHints {
  std::optional<std::set<std::string, std::less<>>> needed;
};

class Pipeline {
 public:
  // Compiles the stages. Errors are the query's (a bad regex, template, ip pattern), with
  // Loki's messages.
  static Result<std::shared_ptr<const Pipeline>> Compile(const std::vector<syntax::Stage>& stages,
                                                         const LabelHints& hints = {});

  // Runs the stages over one entry. On true, `line` is the (possibly rewritten) line and
  // `lbs` holds the labels. `original` is the entry's line (for __line__).
  bool Process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, LineScratch& scratch) const {
    for (const auto& s : stages_) {
      if (!s->Process(ts, line, lbs, scratch)) return false;
    }
    return true;
  }

  bool empty() const { return stages_.empty(); }
  // Whether any stage may change labels (parsers, label_format, drop, keep, label filters
  // that can set __error__). When false, an entry's labels are its stream's plus metadata.
  bool changes_labels() const { return changes_labels_; }

 private:
  std::vector<std::unique_ptr<Stage>> stages_;
  bool changes_labels_ = false;
};

// Label filters, compiled (shared by the pipeline and unwrap's post-filters).
Result<std::unique_ptr<Stage>> CompileLabelFilter(const syntax::LabelFilter& filter);

// Loki's sanitizeLabelKey: trim, prefix "_" before a leading digit, every byte outside
// [A-Za-z0-9_] becomes "_". Appends to `out`.
void AppendSanitizedKey(std::string& out, std::string_view key, bool is_prefix);

}  // namespace remediator::logql::log
