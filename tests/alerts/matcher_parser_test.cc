#include "alerts/matcher_parser.h"

#include <gtest/gtest.h>

namespace remediator::alerts {
namespace {

TEST(MatcherParserTest, ParsesAlertmanagerSyntax) {
  struct Case {
    const char* text;
    const char* name;
    MatchOp op;
    const char* value;
  } cases[] = {
      {R"(alertname = "ServiceDown")", "alertname", MatchOp::kEqual, "ServiceDown"},
      {R"(alertname="ServiceDown")", "alertname", MatchOp::kEqual, "ServiceDown"},
      {"alertname=ServiceDown", "alertname", MatchOp::kEqual, "ServiceDown"},
      {"  env != prod  ", "env", MatchOp::kNotEqual, "prod"},
      {R"(severity =~ "critical|warning")", "severity", MatchOp::kRegex, "critical|warning"},
      {R"(job !~ "node.*")", "job", MatchOp::kNotRegex, "node.*"},
      {R"(msg = "say \"hi\"\n")", "msg", MatchOp::kEqual, "say \"hi\"\n"},
      {R"(path =~ "\d+")", "path", MatchOp::kRegex, "\\d+"},
      {"empty = \"\"", "empty", MatchOp::kEqual, ""},
      {"empty=", "empty", MatchOp::kEqual, ""},
      {"value = two words", "value", MatchOp::kEqual, "two words"},
      {"a=b=c", "a", MatchOp::kEqual, "b=c"},
      {R"("odd.name" = x)", "odd.name", MatchOp::kEqual, "x"},
  };
  for (const Case& c : cases) {
    Result<LabelMatcher> m = ParseMatcher(c.text);
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.status().ToString();
    EXPECT_EQ(m->name(), c.name) << c.text;
    EXPECT_EQ(m->op(), c.op) << c.text;
    EXPECT_EQ(m->value(), c.value) << c.text;
  }
}

TEST(MatcherParserTest, RegexesAreFullyAnchored) {
  Result<LabelMatcher> m = ParseMatcher(R"(severity =~ "crit|warn")");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches(std::string_view("crit")));
  EXPECT_FALSE(m->Matches(std::string_view("critical")));
  EXPECT_FALSE(m->Matches(std::string_view("xwarn")));
  Result<LabelMatcher> n = ParseMatcher(R"(job !~ "node")");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->Matches(std::string_view("node-exporter")));
  EXPECT_FALSE(n->Matches(std::string_view("node")));
}

TEST(MatcherParserTest, Errors) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"", "expected a label name"},
      {"= x", "expected a label name"},
      {"1abc = x", "expected a label name"},
      {"alertname ~ x", "expected one of = != =~ !~"},
      {"alertname", "expected one of"},
      {R"(a = "unterminated)", "unterminated quoted string"},
      {R"(a = "x" y)", "unexpected text after the quoted value"},
      {R"(a = x"y)", "unquoted value contains"},
      {R"(a =~ "(")", "missing"},
  };
  for (const Case& c : cases) {
    Result<LabelMatcher> m = ParseMatcher(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_NE(m.status().message().find(c.want), std::string::npos)
        << c.text << " -> " << m.status().message();
  }
}

}  // namespace
}  // namespace remediator::alerts
