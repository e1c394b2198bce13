// Loki's post-parse validation that needs the whole tree (parser.go validateExpr). The
// per-node rules (range/vector aggregation parameters, grouping, unwrap, binary operation
// legs) are checked by the parser as it builds each node, in Loki's order.
#pragma once

#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "logql/syntax/ast.h"

namespace remediator::logql::syntax {

// The message Loki gives for a selector whose matchers all accept the empty string.
inline constexpr std::string_view kEmptyCompatibleMatchersMessage =
    "queries require at least one regexp or equality matcher that does not have an "
    "empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but "
    "app=~\".+\" will";

// At least one matcher must reject the empty string.
Status ValidateMatchers(const std::vector<LabelMatcher>& matchers);

// Applies ValidateMatchers to every selector in the query.
Status ValidateExpr(const Expr& expr);

}  // namespace remediator::logql::syntax
