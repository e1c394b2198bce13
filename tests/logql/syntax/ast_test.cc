#include "logql/syntax/ast.h"

#include <gtest/gtest.h>

namespace remediator::logql::syntax {
namespace {

Expr Selector(std::string value) {
  LogSelectorExpr sel;
  sel.matchers.push_back(LabelMatcher::Create("job", MatchOp::kEqual, std::move(value)).value());
  sel.pipeline.push_back(Stage{LineFilter{LineFilterOp::kContains, {{"x", false}}}});
  return Expr{std::move(sel)};
}

TEST(AstTest, DeepCopyAndEquality) {
  VectorAggregationExpr agg;
  agg.op = VectorOp::kSum;
  RangeAggregationExpr range;
  range.range.selector = std::get<LogSelectorExpr>(Selector("a").node);
  range.range.range_ns = 300'000'000'000;
  agg.inner = Expr{range};
  Expr a{agg};
  Expr b = a;
  EXPECT_EQ(a, b);
  std::get<RangeAggregationExpr>(std::get<VectorAggregationExpr>(b.node).inner->node).range.range_ns = 1;
  EXPECT_NE(a, b);
  EXPECT_NE(Selector("a"), Selector("b"));
  EXPECT_TRUE(IsLogQuery(Selector("a")));
  EXPECT_TRUE(IsMetricQuery(a));
}

}  // namespace
}  // namespace remediator::logql::syntax
