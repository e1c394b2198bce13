#include "logql/syntax/parse.h"

namespace remediator::logql::syntax {

// Placeholder until the parser lands.
Result<Expr> Parse(std::string_view) { return InvalidArgument("parse error : parser not implemented yet"); }
Result<Expr> ParseSampleExpr(std::string_view q) { return Parse(q); }
Result<LogSelectorExpr> ParseLogSelector(std::string_view, bool) {
  return InvalidArgument("parse error : parser not implemented yet");
}
Result<std::vector<LabelMatcher>> ParseMatchers(std::string_view) {
  return InvalidArgument("parse error : parser not implemented yet");
}

}  // namespace remediator::logql::syntax
