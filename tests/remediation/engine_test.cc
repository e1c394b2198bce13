// The engine with real playbook processes, a real decision log and SQLite state.
#include "remediation/engine.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "remediation/test_util.h"

namespace remediator::remediation {
namespace {

using testing::kT0;
using testing::MakeAlert;
using testing::MakePayload;
using testing::ReadLines;
using testing::TempDir;
using testing::WriteFile;

constexpr int64_t kWait = 20 * kNanosPerSecond;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_ / "ok.sh",
              "#!/bin/sh\nprintf 'svc=%s alert=%s\\n' \"$REMEDIATOR_PARAM_SERVICE\" "
              "\"$REMEDIATOR_ALERT\"\necho oops >&2\n",
              true);
    WriteFile(dir_ / "fail.sh", "#!/bin/sh\necho failing >&2\nexit 3\n", true);
    WriteFile(dir_ / "flag", "");
    // Fails while the file "flag" exists (to drive the circuit breaker).
    WriteFile(dir_ / "flaky.sh", "#!/bin/sh\n[ -e flag ] && exit 1\nexit 0\n", true);
  }

  std::string ConfigText(const std::string& extra = "") const {
    return R"(
auth: {insecure_no_auth: true}
decision_log: log/decisions.jsonl
state: state.db
guards:
  rate_limit: {max: 100, window: 1h}
  circuit_breaker: {failures: 3, cooldown: 30m}
  oscillation: {threshold: 100, window: 15m}
playbooks:
  ok:
    command: [./ok.sh]
    timeout: 10s
    parameters: {service: '(?s).*'}
  fail:
    command: [./fail.sh]
  flaky:
    command: [./flaky.sh]
routes:
  - matchers: ['alertname = "Ok"']
    playbook: ok
    service: '{{ .Labels.name }}'
    parameters: {service: '{{ .Labels.name }}'}
  - matchers: ['alertname = "Fail"']
    playbook: fail
  - matchers: ['alertname = "Flaky"']
    playbook: flaky
)" + extra;
  }

  void Start(const std::string& extra = "") {
    engine_.reset();
    config_ = testing::MustConfig(ConfigText(extra), dir_.path());
    auto e = Engine::Create(config_, clock_);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }

  std::string Submit(const alerts::Alert& a) {
    auto r = engine_->Submit(MakePayload({a}));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->size() == 1 ? (*r)[0].action : "?";
  }

  std::vector<std::string> Log() const { return ReadLines(dir_ / "log/decisions.jsonl"); }

  TempDir dir_;
  FakeClock clock_{kT0};
  Config config_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, RunsThePlaybookAndLogsTheOutcome) {
  Start();
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "jellyfin"}}, kT0)), "executed");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  std::vector<std::string> lines = Log();
  ASSERT_EQ(lines.size(), 1u);
  const std::string& l = lines[0];
  EXPECT_NE(l.find("\"success\":true"), std::string::npos) << l;
  EXPECT_NE(l.find("\"stdout\":\"svc=jellyfin alert=Ok\\n\""), std::string::npos) << l;
  EXPECT_NE(l.find("\"stderr\":\"oops\\n\""), std::string::npos) << l;
  EXPECT_NE(l.find("\"exit_code\":0"), std::string::npos) << l;
  EXPECT_NE(l.find("\"action\":\"executed\""), std::string::npos) << l;
  EXPECT_NE(l.find("\"service\":\"jellyfin\""), std::string::npos) << l;
}

TEST_F(EngineTest, ShellMetacharactersInLabelsAreNeverExecuted) {
  std::string marker = dir_ / "pwned";
  std::vector<std::string> evil = {
      "$(touch " + marker + ")", "`touch " + marker + "`", "; touch " + marker,
      "| touch " + marker, "&& touch " + marker + " #", "\"; touch " + marker + "; \"",
      "$(touch${IFS}" + marker + ")", "\ntouch " + marker + "\n",
  };
  Start();
  int64_t starts = kT0;
  for (const std::string& v : evil) {
    EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", v}}, ++starts)), "executed") << v;
  }
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  EXPECT_FALSE(std::filesystem::exists(marker));
  std::vector<std::string> lines = Log();
  ASSERT_EQ(lines.size(), evil.size());
  for (const std::string& l : lines) EXPECT_NE(l.find("\"success\":true"), std::string::npos) << l;
}

TEST_F(EngineTest, FailuresOpenTheCircuitHalfOpenTrialThenClose) {
  Start();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Submit(MakeAlert({{"alertname", "Flaky"}}, kT0 + i)), "executed");
    ASSERT_TRUE(engine_->WaitIdle(kWait));
  }
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Flaky"}}, kT0 + 10)), "blocked_circuit_open");
  EXPECT_NE(engine_->StatusJson().find("\"circuit\":\"open\""), std::string::npos);
  clock_.Advance(30 * kNanosPerMinute);
  std::filesystem::remove(dir_ / "flag");
  // Half-open: the first alert is the trial...
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Flaky"}}, kT0 + 11)), "executed");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  // ...and its success closed the circuit.
  EXPECT_NE(engine_->StatusJson().find("\"circuit\":\"closed\""), std::string::npos)
      << engine_->StatusJson();
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Flaky"}}, kT0 + 12)), "executed");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
}

TEST_F(EngineTest, FailedTrialReopensForAnotherCooldown) {
  Start();
  for (int i = 0; i < 3; ++i) {
    Submit(MakeAlert({{"alertname", "Fail"}}, kT0 + i));
    ASSERT_TRUE(engine_->WaitIdle(kWait));
  }
  clock_.Advance(31 * kNanosPerMinute);
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Fail"}}, kT0 + 5)), "executed");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Fail"}}, kT0 + 6)), "blocked_circuit_open");
  ASSERT_TRUE(engine_->ResetCircuit("fail").ok());
  EXPECT_EQ(engine_->ResetCircuit("nope").code(), StatusCode::kNotFound);
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Fail"}}, kT0 + 7)), "executed");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
}

TEST_F(EngineTest, StateSurvivesARestart) {
  Start();
  alerts::Alert ok = MakeAlert({{"alertname", "Ok"}, {"name", "a"}}, kT0);
  EXPECT_EQ(Submit(ok), "executed");
  for (int i = 0; i < 3; ++i) {
    Submit(MakeAlert({{"alertname", "Fail"}}, kT0 + i));
    ASSERT_TRUE(engine_->WaitIdle(kWait));
  }
  ASSERT_TRUE(engine_->SetPaused(true).ok());
  ASSERT_TRUE(engine_->SetPaused(false).ok());
  ASSERT_TRUE(engine_->SetPaused(true).ok());
  Start();  // a new engine on the same files
  EXPECT_TRUE(engine_->paused());
  ASSERT_TRUE(engine_->SetPaused(false).ok());
  EXPECT_EQ(Submit(ok), "deduplicated");
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Fail"}}, kT0 + 9)), "blocked_circuit_open");
  EXPECT_EQ(Log().size(), 6u);  // 1 ok + 3 fail runs + dedup + circuit
}

TEST_F(EngineTest, BusyPlaybookQueueOverflows) {
  WriteFile(dir_ / "slow.sh", "#!/bin/sh\nwhile [ ! -e release ]; do sleep 0.02; done\n", true);
  std::string extra = R"(executor: {queue_size: 1, workers: 2}
)";
  std::string text = ConfigText(extra);
  text.replace(text.find("    command: [./ok.sh]"), 22, "    command: [./slow.sh]");
  config_ = testing::MustConfig(text, dir_.path());
  auto e = Engine::Create(config_, clock_);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  engine_ = std::move(e).value();
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "a"}}, kT0 + 1)), "executed");
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "b"}}, kT0 + 2)), "executed");
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "c"}}, kT0 + 3)), "blocked_busy");
  WriteFile(dir_ / "release", "");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  EXPECT_EQ(Log().size(), 3u);
}

TEST_F(EngineTest, DecisionLogFailureGives5xxAndRunsNothing) {
  Start();
  std::filesystem::remove_all(dir_ / "log");
  WriteFile(dir_ / "log", "not a folder");  // the log's folder is now a file: reopen fails
  auto r = engine_->Submit(MakePayload({MakeAlert({{"alertname", "Nothing"}}, kT0)}));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST_F(EngineTest, MetricsAndStatus) {
  Start();
  Submit(MakeAlert({{"alertname", "Ok"}, {"name", "x"}}, kT0));
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  std::string m;
  engine_->AppendMetrics(m);
  EXPECT_NE(m.find("remediator_decisions_total{action=\"executed\",playbook=\"ok\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("remediator_executions_total{playbook=\"ok\",result=\"success\"} 1"),
            std::string::npos);
  EXPECT_NE(m.find("remediator_rate_limit_remaining 99"), std::string::npos);
  EXPECT_NE(m.find("remediator_playbook_duration_seconds_count{playbook=\"ok\"} 1"),
            std::string::npos);
  EXPECT_NE(engine_->StatusJson().find("\"remaining\":99"), std::string::npos);
}

}  // namespace
}  // namespace remediator::remediation
