#include "core/labels.h"

#include <gtest/gtest.h>

namespace remediator {
namespace {

TEST(Labels, SortedSetOperations) {
  Labels l = MakeLabels({{"job", "x"}, {"alert", "a"}, {"job", "y"}});
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "alert");
  EXPECT_EQ(LabelValue(l, "job"), "y");
  SetLabel(l, "b", "2");
  EXPECT_EQ(FormatLabels(l), "{alert=\"a\", b=\"2\", job=\"y\"}");
  RemoveLabel(l, "b");
  EXPECT_EQ(LabelValue(l, "b"), "");
}

TEST(LabelMatcher, RegexIsFullyAnchored) {
  auto m = LabelMatcher::Create("alert", MatchOp::kRegex, ".*Jellyfin");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches(std::string_view("ServiceDownJellyfin")));
  EXPECT_FALSE(m->Matches(std::string_view("JellyfinDown")));
  auto n = LabelMatcher::Create("severity", MatchOp::kNotRegex, "critical|warning");
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->Matches(std::string_view("critical")));
  EXPECT_TRUE(n->Matches(std::string_view("info")));
  EXPECT_TRUE(n->MatchesEmpty());
}

TEST(LabelMatcher, BadRegexIsAnError) {
  auto m = LabelMatcher::Create("a", MatchOp::kRegex, "(");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("invalid regular expression"), std::string::npos);
}

}  // namespace
}  // namespace remediator
