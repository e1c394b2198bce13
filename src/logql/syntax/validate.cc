#include "logql/syntax/validate.h"

#include <string>

namespace remediator::logql::syntax {

Status ValidateMatchers(const std::vector<LabelMatcher>& matchers) {
  for (const LabelMatcher& m : matchers) {
    if (!m.MatchesEmpty()) return Status::Ok();
  }
  return InvalidArgument("parse error : " + std::string(kEmptyCompatibleMatchersMessage));
}

Status ValidateExpr(const Expr& expr) {
  struct Visitor {
    Status operator()(const LogSelectorExpr& e) const { return ValidateMatchers(e.matchers); }
    Status operator()(const RangeAggregationExpr& e) const {
      return ValidateMatchers(e.range.selector.matchers);
    }
    Status operator()(const VectorAggregationExpr& e) const { return ValidateExpr(*e.inner); }
    Status operator()(const BinaryExpr& e) const {
      REMEDIATOR_RETURN_IF_ERROR(ValidateExpr(*e.lhs));
      return ValidateExpr(*e.rhs);
    }
    Status operator()(const LiteralExpr&) const { return Status::Ok(); }
    Status operator()(const VectorExpr&) const { return Status::Ok(); }
    Status operator()(const LabelReplaceExpr& e) const { return ValidateExpr(*e.inner); }
  };
  return std::visit(Visitor{}, expr.node);
}

}  // namespace remediator::logql::syntax
