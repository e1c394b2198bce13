// Range aggregations (count_over_time, rate, quantile_over_time, ...) over a StreamSource:
// runs the log pipeline over the selected entries, builds sample series and evaluates each
// step's left-open window (t - range - offset, t - offset].
#pragma once

#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "logql/eval/step_value.h"
#include "logql/stream_source.h"
#include "logql/syntax/ast.h"

namespace remediator::logql::eval {

struct RangeEvalOptions {
  // Labels the consumer needs (parsers extract only these); nullopt = all.
  std::optional<std::set<std::string, std::less<>>> needed;
  // When set, sample labels are projected to these names right away (the caller aggregates
  // `sum by (these)` over the result, so the projection does not change the answer).
  std::optional<std::vector<std::string>> project_by;
  int parallelism = 2;
};

struct WorkStats {
  std::atomic<int64_t> lines{0};
  std::atomic<int64_t> bytes{0};
};

Result<StepValue> EvalRangeAggregation(const syntax::RangeAggregationExpr& expr, const std::vector<int64_t>& steps,
                                       const StreamSource& source, const RangeEvalOptions& options,
                                       WorkStats& stats);

// The label names a pipeline's stages read after `from` (label filters, templates, unwrap).
// Returns false when a stage may read any label (then hints cannot be used).
bool CollectUsedLabels(const std::vector<syntax::Stage>& stages, const std::optional<syntax::Unwrap>& unwrap,
                       std::set<std::string, std::less<>>& out);

// Loki's pipeline error message for a series carrying __error__.
std::string PipelineErrorMessage(const Labels& series);

}  // namespace remediator::logql::eval
