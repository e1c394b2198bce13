// Parsing LogQL text into an AST (ast.h), with Loki's post-parse validation.
//
// Errors are InvalidArgument statuses whose message reads like Loki's:
//   "parse error at line 1, col 34: syntax error: unexpected IDENTIFIER, expecting STRING"
// (line and column 1-based, counted in bytes), or "parse error : <msg>" for validation
// errors that have no single position (as Loki prints them).
#pragma once

#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "logql/syntax/ast.h"

namespace remediator::logql::syntax {

// Loki's maximum query size in bytes.
inline constexpr size_t kMaxQueryBytes = 131072;

// Any query (log or metric), validated (Loki's ParseExpr).
Result<Expr> Parse(std::string_view query);

// Syntax and per-node rules only, without the selector rule (Loki's
// ParseExprWithoutValidation).
Result<Expr> ParseWithoutValidation(std::string_view query);

// A metric query; a log query is an error (Loki's ParseSampleExpr).
Result<Expr> ParseSampleExpr(std::string_view query);

// A log query; a metric query is an error. With validate=false the "at least one matcher
// that does not match the empty string" rule is not applied (Loki's ParseLogSelector).
Result<LogSelectorExpr> ParseLogSelector(std::string_view query, bool validate = true);

// A bare selector `{a="b", c=~"d"}`, nothing after it (Loki's ParseMatchers). Like Loki's,
// it does not apply the non-empty-matcher rule (see ValidateMatchers in validate.h).
Result<std::vector<LabelMatcher>> ParseMatchers(std::string_view query);

}  // namespace remediator::logql::syntax
