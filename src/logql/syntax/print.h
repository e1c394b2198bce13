// Printing an AST back to canonical LogQL: Parse(Print(e)) == e for every valid e.
// The layout follows Loki's String() for common queries: `{a="b"} |= "x" | json`,
// `sum by (a)(count_over_time({a="b"}[5m]))`, strings quoted like Go's strconv.Quote.
#pragma once

#include <string>

#include "logql/syntax/ast.h"

namespace remediator::logql::syntax {

std::string Print(const Expr& expr);
std::string Print(const LogSelectorExpr& expr);
std::string Print(const LabelFilter& filter);
std::string Print(const Stage& stage);

}  // namespace remediator::logql::syntax
