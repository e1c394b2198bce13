#include "pipeline/client_config.h"

#include <gtest/gtest.h>

#include "core/yaml_config.h"

namespace remediator::pipeline {
namespace {

Result<ClientConfig> Parse(const std::string& text) {
  ConfigContext ctx{"promtail.yml"};
  Result<YAML::Node> node = ParseYaml(text, ctx.file);
  if (!node.ok()) return node.status();
  return ParseClientConfig(ctx, *node, "clients[0]", "/etc");
}

TEST(ClientConfigTest, DefaultsAreEmbeddedPromtailDefaults) {
  Result<ClientConfig> c = Parse("url: http://loki:3100/loki/api/v1/push\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->url, "http://loki:3100/loki/api/v1/push");
  EXPECT_EQ(c->batch_wait_ns, kNanosPerSecond);
  EXPECT_EQ(c->batch_size_bytes, 1048576);
  EXPECT_EQ(c->timeout_ns, 10 * kNanosPerSecond);
  EXPECT_EQ(c->backoff.min_period_ns, 500 * kNanosPerMilli);
  EXPECT_EQ(c->backoff.max_period_ns, 5 * kNanosPerMinute);
  EXPECT_EQ(c->backoff.max_retries, 10);
}

TEST(ClientConfigTest, AllKeys) {
  Result<ClientConfig> c = Parse(R"(url: https://loki/api
tenant_id: t1
batchwait: 2s
batchsize: 4096
timeout: 3s
backoff_config: {min_period: 1s, max_period: 10s, max_retries: 3}
external_labels: {host: h1, env: prod}
basic_auth: {username: u, password: p}
headers: {X-A: b}
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->tenant_id, "t1");
  EXPECT_EQ(c->batch_wait_ns, 2 * kNanosPerSecond);
  EXPECT_EQ(c->batch_size_bytes, 4096);
  EXPECT_EQ(c->backoff.max_retries, 3);
  ASSERT_EQ(c->external_labels.size(), 2u);
  EXPECT_EQ(c->external_labels[0].name, "env");
  EXPECT_TRUE(c->has_basic_auth);
  EXPECT_EQ(c->basic_auth.password, "p");
  ASSERT_EQ(c->headers.size(), 1u);
}

TEST(ClientConfigTest, Errors) {
  struct Case {
    const char* yaml;
    const char* want;
  } cases[] = {
      {"url: http://x\nbogus: 1\n", "promtail.yml:2: clients[0].bogus: unknown key"},
      {"batchwait: 1s\n", "clients[0].url: is required"},
      {"url: ftp://x\n", "must start with http"},
      {"url: http://x\nbackoff_config: {min_period: 5s, max_period: 1s}\n", "max_period"},
      {"url: http://x\nbearer_token_file: /nonexistent/token\n", "bearer_token_file"},
      {"url: http://x\nbackoff_config: {retries: 3}\n", "backoff_config.retries: unknown key"},
      // Found by promtail_config_fuzz (UBSan: a double past int64 converted to it).
      {"url: http://x\nbatchsize: 10000000000000000000000000000gb\n",
       "promtail.yml:2: batchsize: byte size \"10000000000000000000000000000gb\" is too large"},
  };
  for (const Case& tc : cases) {
    Result<ClientConfig> c = Parse(tc.yaml);
    ASSERT_FALSE(c.ok()) << tc.yaml;
    EXPECT_NE(c.status().message().find(tc.want), std::string::npos)
        << c.status().message() << " lacks " << tc.want;
  }
}

}  // namespace
}  // namespace remediator::pipeline
