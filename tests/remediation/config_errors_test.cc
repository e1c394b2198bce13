// Config errors name file, line and key.
#include <gtest/gtest.h>

#include "remediation/config.h"
#include "remediation/test_util.h"

namespace remediator::remediation {
namespace {

constexpr const char* kHead = "auth: {insecure_no_auth: true}\n";

TEST(ConfigErrorsTest, NameFileLineAndKey) {
  struct Case {
    std::string yaml;
    std::string want;  // substring of the message
  } cases[] = {
      {"auth: {insecure_no_auth: true}\nbogus: 1\n", "cfg.yml:2: bogus: unknown key"},
      {"listen: 1\n", "cfg.yml:1: listen: must be host:port"},
      {"decision_log: x\n", "auth: required"},
      {"auth: {insecure_no_auth: true, basic_auth: {username: a, password_file: p}}\n",
       "set only one of"},
      {"auth:\n  basic_auth: {username: am}\n", "cfg.yml:2: auth.basic_auth.password_file: required"},
      {std::string(kHead) + "min_confidence: 101\n", "cfg.yml:2: min_confidence: must be between 0 and 100"},
      {std::string(kHead) + "dry_run: maybe\n", "cfg.yml:2: dry_run: must be true or false"},
      {std::string(kHead) + "guards:\n  rate_limit: {max: 5, window: 1 hour}\n",
       "cfg.yml:3: guards.rate_limit.window:"},
      {std::string(kHead) + "guards:\n  idempotency: {windw: 5m}\n", "cfg.yml:3: guards.idempotency.windw: unknown key"},
      {std::string(kHead) + "guards:\n  circuit_breaker: {failures: 0}\n",
       "cfg.yml:3: guards.circuit_breaker.failures: must be between 1"},
      {std::string(kHead) + "guards:\n  protected_services: traefik\n",
       "cfg.yml:3: guards.protected_services: must be a list"},
      {std::string(kHead) + "playbooks:\n  p:\n    timeout: 5m\n", "cfg.yml:4: playbooks.p.command: required"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [/nonexistent/x]\n",
       "cfg.yml:4: playbooks.p.command: /nonexistent/x is not an executable file"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [no-such-program-xyz]\n",
       "playbooks.p.command: no-such-program-xyz not found"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [/bin/true]\n    timeout: soon\n",
       "cfg.yml:5: playbooks.p.timeout:"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [/bin/true]\n    parameters:\n      svc: '(['\n",
       "cfg.yml:6: playbooks.p.parameters.svc: invalid RE2"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [/bin/true]\n    parameters:\n      bad-name: 'x'\n",
       "playbooks.p.parameters.bad-name: parameter names are"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [/bin/true]\n    env: {A: [1]}\n",
       "cfg.yml:5: playbooks.p.env.A: must be a string"},
      {std::string(kHead) + "playbooks:\n  p:\n    command: [/bin/true]\n    shell: true\n",
       "cfg.yml:5: playbooks.p.shell: unknown key"},
      {std::string(kHead) + "routes:\n  - playbook: nope\n", "cfg.yml:3: routes[0].playbook: unknown playbook \"nope\""},
      {std::string(kHead) + "playbooks:\n  p: {command: [/bin/true]}\nroutes:\n  - playbook: p\n    matchers: ['alertname ~ X']\n",
       "cfg.yml:6: routes[0].matchers[0]: matcher 'alertname ~ X': at 11: expected one of"},
      {std::string(kHead) + "playbooks:\n  p: {command: [/bin/true]}\nroutes:\n  - playbook: p\n    confidence: 900\n",
       "cfg.yml:6: routes[0].confidence: must be between 0 and 100"},
      {std::string(kHead) + "playbooks:\n  p: {command: [/bin/true]}\nroutes:\n  - playbook: p\n    parameters: {x: '{{ .Labels.a }}'}\n",
       "cfg.yml:6: routes[0].parameters.x: playbook \"p\" declares no parameter \"x\""},
      {std::string(kHead) + "playbooks:\n  p: {command: [/bin/true]}\nroutes:\n  - playbook: p\n    service: '{{ .Values.a }}'\n",
       "cfg.yml:6: routes[0].service: template"},
      {std::string(kHead) + "playbooks:\n  p: {command: [/bin/true]}\nroutes:\n  - playbook: p\n    service: '{{ .Labels.a '\n",
       "unclosed"},
      {"a: [\n", "cfg.yml:2: yaml syntax error"},
      {"", "the config file is empty"},
  };
  testing::TempDir dir;
  for (const Case& c : cases) {
    Result<Config> cfg = ParseConfig(c.yaml, "cfg.yml", dir.path());
    ASSERT_FALSE(cfg.ok()) << c.yaml;
    EXPECT_NE(cfg.status().message().find(c.want), std::string::npos)
        << c.yaml << "\n -> " << cfg.status().message();
  }
}

TEST(ConfigErrorsTest, LoadConfigResolvesAgainstTheFilesFolder) {
  testing::TempDir dir;
  testing::WriteFile(dir / "token", "secret\n");
  testing::WriteFile(dir / "fix.sh", "#!/bin/sh\n", true);
  testing::WriteFile(dir / "remediator.yml",
                     "auth: {bearer_token_file: token}\nplaybooks:\n  p: {command: [./fix.sh], working_dir: work}\n");
  Result<Config> cfg = LoadConfig(dir / "remediator.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->auth.bearer_token_file, dir / "token");
  EXPECT_EQ(cfg->decision_log, dir / "decision-log.jsonl");
  EXPECT_EQ(cfg->playbooks.at("p").command[0], dir / "fix.sh");
  EXPECT_EQ(cfg->playbooks.at("p").working_dir, dir / "work");
  EXPECT_EQ(LoadConfig(dir / "missing.yml").status().code(), StatusCode::kNotFound);
}

TEST(ConfigErrorsTest, DefaultsAreTheSeeds) {
  testing::TempDir dir;
  Config cfg = testing::MustConfig(kHead, dir.path());
  EXPECT_EQ(cfg.guards.rate_limit.max, 5);
  EXPECT_EQ(cfg.guards.rate_limit.window_ns, kNanosPerHour);
  EXPECT_EQ(cfg.guards.idempotency.window_ns, 5 * kNanosPerMinute);
  EXPECT_EQ(cfg.guards.circuit_breaker.failures, 3);
  EXPECT_EQ(cfg.guards.oscillation.threshold, 3);
  EXPECT_EQ(cfg.guards.oscillation.window_ns, 15 * kNanosPerMinute);
  EXPECT_EQ(cfg.guards.protected_services, (std::vector<std::string>{"traefik", "authelia"}));
  EXPECT_EQ(cfg.min_confidence, 80);
  EXPECT_FALSE(cfg.positions.IsDefined());
}

}  // namespace
}  // namespace remediator::remediation
