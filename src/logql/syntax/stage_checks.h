// Checks Loki makes on stage operands while parsing (ast.go newLabelParserExpr): a `regexp`
// parser needs a compiling RE2 with named, valid, unique captures; a `pattern` parser needs
// at least one named capture, no two captures in a row and unique names. Exposed so the
// evaluator can reuse the same pattern tokenisation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::logql::syntax {

// One piece of a `pattern` expression: literal text or a capture `<name>` (`<_>` unnamed).
struct PatternNode {
  bool is_capture = false;
  std::string text;  // literal text, or the capture name ("_" when unnamed)
  bool operator==(const PatternNode&) const = default;
};

// Splits a pattern into literal and capture nodes (adjacent literal text merged). A capture
// is `<` [A-Za-z_][A-Za-z0-9_]* `>`; any other `<` is literal text.
std::vector<PatternNode> SplitPattern(std::string_view pattern);

// Loki's pattern.New validation; the error text is Loki's.
Status CheckPatternParser(std::string_view pattern);

// Loki's log.NewRegexpParser validation; the error text is Loki's.
Status CheckRegexpParser(const std::string& regex);

// Prometheus label name rule: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

}  // namespace remediator::logql::syntax
