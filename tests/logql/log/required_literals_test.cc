// RequiredLineLiterals: the `|=` literals every kept line holds — up to the first stage that
// replaces the line, never from `or` chains, ip(), negative, regex or pattern filters.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "logql/log/required_literals.h"
#include "logql/syntax/parse.h"

namespace remediator::logql::log {
namespace {

struct Case {
  const char* query;
  std::vector<std::string> want;
};

TEST(RequiredLineLiteralsTest, TakesThePlainContainsFiltersBeforeTheLineIsReplaced) {
  const Case cases[] = {
      {R"({job="a"} |= "jellyfin")", {"jellyfin"}},
      {R"({job="a"} |= "x" |= "yz")", {"x", "yz"}},
      {R"({job="a"} | json | status >= 500 |= "GET" | logfmt |= "abc")", {"GET", "abc"}},
      {R"({job="a"} |= "a1" | label_format x="{{.y}}" | drop z | keep x |= "b2")", {"a1", "b2"}},
      {R"({job="a"} |= "before" | line_format "{{.x}}" |= "after")", {"before"}},
      {R"({job="a"} |= "before" | unpack |= "after")", {"before"}},
      {R"({job="a"} |= "before" | decolorize |= "after")", {"before"}},
      {R"({job="a"} |= "a" or "b")", {}},
      {R"({job="a"} != "a" |~ "b.c" |> "<_> x" !~ "d" |= "e")", {"e"}},
      {R"({job="a"} |= ip("10.0.0.0/8"))", {}},
      {R"({job="a"} |= "")", {}},
      {R"({job="a"} | json)", {}},
      {R"(sum(count_over_time({job="a"} |= "q" [5m])))", {"q"}},
  };
  for (const Case& c : cases) {
    auto expr = syntax::Parse(c.query);
    ASSERT_TRUE(expr.ok()) << c.query << ": " << expr.status().ToString();
    const syntax::LogSelectorExpr* sel = std::get_if<syntax::LogSelectorExpr>(&expr->node);
    if (sel == nullptr) {
      const auto& vec = std::get<syntax::VectorAggregationExpr>(expr->node);
      const auto& range = std::get<syntax::RangeAggregationExpr>(vec.inner->node);
      sel = &range.range.selector;
    }
    EXPECT_EQ(RequiredLineLiterals(sel->pipeline), c.want) << c.query;
  }
}

}  // namespace
}  // namespace remediator::logql::log
