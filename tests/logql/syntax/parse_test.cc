#include "logql/syntax/parse.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "logql/syntax/print.h"

namespace remediator::logql::syntax {
namespace {

void ExpectRoundTrip(const Expr& e) {
  std::string printed = Print(e);
  auto again = Parse(printed);
  ASSERT_TRUE(again.ok()) << printed << ": " << again.status().message();
  EXPECT_EQ(*again, e) << printed;
}

// Every LogQL query in the seed (../shared/seed/000_dc13417b013b96da.txt), as written there.
TEST(ParseTest, SeedQueriesParse) {
  const std::vector<std::string> kSeed = {
      R"(rate({job="traefik-access", service="jellyfin@docker"} | json | status >= 500 [5m]))",
      R"({job="remediation-decisions", alert=~".*Jellyfin"})",
      R"({job="traefik-access", service="jellyfin@docker"} | json | status >= 500)",
      R"({job="remediation-decisions"})",
      R"({job="remediation-decisions"} | json | success="false")",
      "{job=\"remediation-decisions\"} | json | success=\"false\"\n"
      "| line_format \"{{.alert}} \u2192 {{.playbook}}: {{.stderr_preview}}\"",
      R"(rate({job="remediation-decisions"}[5m]))",
      "(\n  sum(count_over_time({job=\"remediation-decisions\"} | json | success=\"true\" [24h]))\n"
      "  /\n  sum(count_over_time({job=\"remediation-decisions\"}[24h]))\n) * 100",
      "# Find remediation for Jellyfin\n{job=\"remediation-decisions\", alert=~\".*Jellyfin\"}",
      R"({job="traefik-access"} | json | service="jellyfin@docker" | status >= 500)",
      "# Success rate by playbook\n"
      "sum by (playbook) (count_over_time({job=\"remediation-decisions\"} | json | "
      "success=\"true\" [7d]))\n/\n"
      "sum by (playbook) (count_over_time({job=\"remediation-decisions\"}[7d]))",
      R"(topk(5, sum by (alert) (count_over_time({job="remediation-decisions"}[24h]))))",
      R"({job="remediation-decisions"} | json | confidence >= 95 | success="false")",
      "{job=\"remediation-decisions\"} | json\n"
      "| line_format \"{{.timestamp | date \\\"15:04\\\"}} - {{.alert}}\"",
      R"(sum by (alert) (count_over_time({job="remediation-decisions"}[15m])) > 3)",
  };
  for (const std::string& q : kSeed) {
    auto e = Parse(q);
    ASSERT_TRUE(e.ok()) << q << "\n" << e.status().message();
    ExpectRoundTrip(*e);
  }
}

TEST(ParseTest, CanonicalForms) {
  struct Case {
    std::string query;
    std::string printed;
  };
  const std::vector<Case> kCases = {
      {R"({a="b",c=~"d.*"})", R"({a="b", c=~"d.*"})"},
      {R"({a="b"} |= "x" or "y" != ip("10.0.0.0/8") | json | logfmt --strict --keep-empty x, y="z")",
       R"({a="b"} |= "x" or "y" != ip("10.0.0.0/8") | json | logfmt --strict --keep-empty x="x",y="z")"},
      {R"({a="b"} != "x" or "y" !~ "z")", R"({a="b"} != "x" != "y" !~ "z")"},
      {R"({a="b"} | status>=500 , latency > 250ms or size < 20MB)",
       R"({a="b"} | ( status>=500 , ( latency>250ms or size<20MB ) ))"},
      // Zero bytes must not print as "0B", which lexes as a binary-literal prefix (fuzz find).
      {R"({a="b"} | z == 0MB)", R"({a="b"} | z==0KB)"},
      {R"({a="b"} | x="1" and y="2" or z="3")", R"({a="b"} | ( ( x="1" , y="2" ) or z="3" ))"},
      {R"({a="b"} | label_format x=y, z="{{.w}}" | drop a, b="c" | keep d | decolorize)",
       R"({a="b"} | label_format x=y,z="{{.w}}" | drop a,b="c" | keep d | decolorize)"},
      {R"(sum by (x) (rate({a="b"}[5m] offset 1m)))", R"(sum by (x)(rate({a="b"}[5m] offset 1m0s)))"},
      {R"(sum(rate({a="b"}[5m])) by ())", R"(sum(rate({a="b"}[5m])))"},
      {R"(quantile_over_time(0.99, {a="b"} | json | unwrap duration(d) | __error__="" [1h]) by (s))",
       R"(quantile_over_time(0.99,{a="b"} | json | unwrap duration(d) | __error__=""[1h]) by (s))"},
      {R"(rate({a="b"}[1m]) / on (x) group_left (y) rate({a="c"}[1m]))",
       R"((rate({a="b"}[1m]) / on (x) group_left (y) rate({a="c"}[1m])))"},
      {R"(1 + 2 * 3)", "7"},
      {R"(2 ^ 3 ^ 2)", "512"},
      {R"(10 / 0)", "(0 / 0)"},
      {R"q(label_replace(vector(1), "a", "$1", "b", "(.*)"))q",
       R"q(label_replace(vector(1),"a","$1","b","(.*)"))q"},
      {R"({a="b"} |= `raw\s` | line_format "\t\"x\"")", R"({a="b"} |= "raw\\s" | line_format "\t\"x\"")"},
      {R"(RATE({a="b"}[5m]))", R"(rate({a="b"}[5m]))"},
      {"-00", "-0.0"},  // found by the fuzzer: "-0" lexes as a duration
  };
  for (const Case& c : kCases) {
    auto e = Parse(c.query);
    ASSERT_TRUE(e.ok()) << c.query << "\n" << e.status().message();
    EXPECT_EQ(Print(*e), c.printed) << c.query;
    ExpectRoundTrip(*e);
  }
}

TEST(ParseTest, StructureOfRangeAggregation) {
  auto e = Parse(R"(max_over_time({app="x"} |= "a" | logfmt | unwrap bytes(size) [5m] offset 1h) by (pod))");
  ASSERT_TRUE(e.ok()) << e.status().message();
  const auto& r = std::get<RangeAggregationExpr>(e->node);
  EXPECT_EQ(r.op, RangeOp::kMaxOverTime);
  EXPECT_EQ(r.range.range_ns, 300'000'000'000);
  EXPECT_EQ(r.range.offset_ns, 3600'000'000'000);
  ASSERT_TRUE(r.range.unwrap.has_value());
  EXPECT_EQ(r.range.unwrap->label, "size");
  EXPECT_EQ(r.range.unwrap->conversion, UnwrapConversion::kBytes);
  ASSERT_EQ(r.range.selector.pipeline.size(), 2u);
  ASSERT_TRUE(r.grouping.has_value());
  EXPECT_EQ(r.grouping->labels, std::vector<std::string>{"pod"});
}

TEST(ParseTest, ErrorsCarryPositions) {
  struct Case {
    std::string query;
    std::string error;
  };
  const std::vector<Case> kCases = {
      {R"({foo="bar")", "parse error at line 1, col 11: syntax error: unexpected $end, expecting } or ,"},
      {R"({foo="bar"} "foo")", "parse error at line 1, col 13: syntax error: unexpected STRING"},
      {R"(bottomk(he,count_over_time({ foo = "bar" }[5h])))",
       "parse error at line 1, col 9: syntax error: unexpected IDENTIFIER"},
      {"sum(\n  rate({a=\"b\"}[5m]) by (x)",
       "parse error : grouping not allowed for rate aggregation"},
      {"{a=\"b\"}\n  | json |", "parse error at line 2, col 11: syntax error: unexpected $end"},
      {R"({a="b"} | x > ip("1.2.3.4"))", "parse error at line 1, col 15: syntax error: unexpected ip"},
      {R"(rate({a="b"}[5minutes]))", "parse error at line 1, col 13: unknown unit \"minutes\" in duration \"5minutes\""},
      {R"({a=~".*"})", "parse error : queries require at least one regexp or equality matcher"},
      {R"(count_over_time({a="b"} | unwrap x [1m]))",
       "parse error : invalid aggregation count_over_time with unwrap"},
      {R"(topk(0, rate({a="b"}[1m])))", "parse error : invalid parameter (must be greater than 0) topk(0"},
      {R"(rate({a="b"}[1m]) or 1)", "unexpected literal for right leg of logical/set binary operation (or)"},
      {"{a='b'}", "parse error at line 1, col 4: syntax error: unexpected character literal"},
      {R"q({a="b"} | regexp `(\d+)`)q", "parse error : invalid regexp parser: at least one named capture"},
      {R"q({a="b"} | pattern "<_> x")q", "parse error : invalid pattern parser: at least one capture is required"},
      {R"q({a="b"} | pattern "<a><b>")q", "invalid pattern parser: found consecutive capture '<b>'"},
      {R"q({a="b"} | pattern "<a> <a>")q", "invalid pattern parser: duplicate capture name (a)"},
  };
  for (const Case& c : kCases) {
    auto e = Parse(c.query);
    ASSERT_FALSE(e.ok()) << c.query << " parsed as " << Print(*e);
    EXPECT_NE(e.status().message().find(c.error), std::string::npos)
        << c.query << "\n got: " << e.status().message() << "\nwant: " << c.error;
  }
}

TEST(ParseTest, HostileNestingIsAnErrorNotACrash) {
  std::string deep = std::string(60000, '(') + "1" + std::string(60000, ')');
  auto e = Parse(deep);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("nested too deeply"), std::string::npos);
  // Parentheses alone add no level to the tree: 500 of them are fine.
  EXPECT_TRUE(Parse(std::string(500, '(') + "vector(1)" + std::string(500, ')')).ok());

  std::string filters = R"({a="b"} | x=1)";
  for (int i = 0; i < 20000; ++i) filters += ", x=1";
  EXPECT_FALSE(Parse(filters).ok());

  std::string chain = "vector(1)";
  for (int i = 0; i < 12000; ++i) chain += "+vector(1)";
  EXPECT_FALSE(Parse(chain).ok());

  // A chain of operations is a tree as tall as it is long: 255 (a tree 256 levels tall) is
  // the most the parser takes (tests/logql/eval/deep_query_test.cc evaluates it).
  std::string long_ok = "vector(1)";
  for (int i = 0; i < 255; ++i) long_ok += "+vector(1)";
  auto ok = Parse(long_ok);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  ExpectRoundTrip(*ok);
}

TEST(ParseTest, ApiKinds) {
  EXPECT_FALSE(ParseSampleExpr(R"({a="b"})").ok());
  EXPECT_TRUE(ParseSampleExpr(R"(rate({a="b"}[1m]))").ok());
  EXPECT_FALSE(ParseLogSelector(R"(rate({a="b"}[1m]))").ok());
  EXPECT_FALSE(ParseLogSelector(R"({a!="b"})", true).ok());
  EXPECT_TRUE(ParseLogSelector(R"({a!="b"})", false).ok());
  auto m = ParseMatchers(R"({a="b", c!~"d"})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size(), 2u);
  EXPECT_FALSE(ParseMatchers(R"({a="b"} |= "x")").ok());
  EXPECT_FALSE(Parse(std::string(kMaxQueryBytes + 1, ' ')).ok());
}

}  // namespace
}  // namespace remediator::logql::syntax
