#include "remediation/config.h"

#include <gtest/gtest.h>

#include <string>

namespace remediator::remediation {
namespace {

constexpr const char* kGood = R"(listen: 127.0.0.1:9095
auth:
  insecure_no_auth: true
decision_log: decisions.jsonl
state: state.db
min_confidence: 80
guards:
  rate_limit: {max: 5, window: 1h}
  idempotency: {window: 5m}
  circuit_breaker: {failures: 3, cooldown: 30m}
  oscillation: {threshold: 3, window: 15m}
  protected_services: [traefik, authelia]
playbooks:
  restart-service:
    command: [/bin/true, --flag]
    timeout: 2m
    parameters: {service: '^[a-z0-9][a-z0-9_.@-]*$'}
routes:
  - matchers: ['alertname = "ServiceDown"', 'severity =~ "critical|warning"']
    playbook: restart-service
    confidence: 90
    service: '{{ .Labels.name }}'
    parameters: {service: '{{ .Labels.name }}'}
storage: {path: data, retention: 7d}
positions: {filename: positions.yaml}
scrape_configs:
  - job_name: x
)";

TEST(ConfigTest, ReadsTheDesignExample) {
  Result<Config> cfg = ParseConfig(kGood, "remediator.yml", "/etc/remediator");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->listen, "127.0.0.1:9095");
  EXPECT_TRUE(cfg->auth.insecure_no_auth);
  EXPECT_EQ(cfg->decision_log, "/etc/remediator/decisions.jsonl");
  EXPECT_EQ(cfg->state, "/etc/remediator/state.db");
  EXPECT_EQ(cfg->storage.path, "/etc/remediator/data");
  EXPECT_EQ(cfg->storage.retention_ns, 7 * kNanosPerDay);
  EXPECT_EQ(cfg->guards.rate_limit.max, 5);
  EXPECT_EQ(cfg->guards.rate_limit.window_ns, kNanosPerHour);
  EXPECT_EQ(cfg->guards.circuit_breaker.cooldown_ns, 30 * kNanosPerMinute);
  ASSERT_EQ(cfg->routes.size(), 1u);
  EXPECT_EQ(cfg->routes[0].matchers.size(), 2u);
  EXPECT_EQ(cfg->routes[0].confidence, 90);
  const PlaybookConfig* pb = cfg->FindPlaybook("restart-service");
  ASSERT_NE(pb, nullptr);
  EXPECT_EQ(pb->command.size(), 2u);
  EXPECT_EQ(pb->timeout_ns, 2 * kNanosPerMinute);
  ASSERT_EQ(pb->parameters.size(), 1u);
  EXPECT_TRUE(RE2::FullMatch("jellyfin", *pb->parameters[0].regex));
  EXPECT_FALSE(RE2::FullMatch("$(touch x)", *pb->parameters[0].regex));
  EXPECT_TRUE(cfg->positions.IsMap());
  EXPECT_TRUE(cfg->scrape_configs.IsSequence());
}

}  // namespace
}  // namespace remediator::remediation
