#include "core/yaml_config.h"

#include <gtest/gtest.h>

namespace remediator {
namespace {

TEST(YamlConfig, UnknownKeyNamesFileLineAndKey) {
  ConfigContext ctx{"remediator.yml"};
  Result<YAML::Node> node = ParseYaml("listen: x\nguards:\n  rate_limt: {max: 5}\n", ctx.file);
  ASSERT_TRUE(node.ok());
  Status st = CheckKnownKeys(ctx, (*node)["guards"], "guards", {"rate_limit"});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "remediator.yml:3: guards.rate_limt: unknown key");
}

TEST(YamlConfig, WrongTypeAndBadDurationAreErrors) {
  ConfigContext ctx{"c.yml"};
  Result<YAML::Node> node = ParseYaml("max: five\nwindow: 5 minutes\n", ctx.file);
  ASSERT_TRUE(node.ok());
  int64_t max = 5;
  Status st = ReadInt(ctx, *node, "max", max);
  EXPECT_EQ(st.message(), "c.yml:1: max: must be a integer, got \"five\"");
  int64_t window = 0;
  st = ReadDuration(ctx, *node, "window", window);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("c.yml:2: window"), std::string::npos);
}

TEST(YamlConfig, SyntaxErrorHasLine) {
  Result<YAML::Node> node = ParseYaml("a: 1\nb: [1, 2\n", "bad.yml");
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().message().rfind("bad.yml:", 0), 0u);
}

}  // namespace
}  // namespace remediator
