// The engine with a real decision log and SQLite state. Playbook outcomes come from an
// injected FakeRunner; the EngineProcessTest cases at the end spawn real processes.
#include "remediation/engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "remediation/fake_runner.h"
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
    WriteFile(dir_ / "flaky.sh", "#!/bin/sh\nexit 0\n", true);
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

  void Start(const std::string& extra = "") { StartText(ConfigText(extra)); }

  void StartText(const std::string& text) {
    engine_.reset();
    config_ = testing::MustConfig(text, dir_.path());
    EngineOptions options;
    if (!real_processes_) options.runner = &runner_;
    auto e = Engine::Create(config_, clock_, options);
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
  testing::FakeRunner runner_;
  bool real_processes_ = false;
  std::unique_ptr<Engine> engine_;  // last: destroyed (workers joined) before the runner
};

class EngineProcessTest : public EngineTest {
 protected:
  EngineProcessTest() { real_processes_ = true; }
};

TEST_F(EngineProcessTest, RunsThePlaybookAndLogsTheOutcome) {
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

TEST_F(EngineProcessTest, ShellMetacharactersInLabelsAreNeverExecuted) {
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
  runner_.SetExit("flaky", 1);
  Start();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Submit(MakeAlert({{"alertname", "Flaky"}}, kT0 + i)), "executed");
    ASSERT_TRUE(engine_->WaitIdle(kWait));
  }
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Flaky"}}, kT0 + 10)), "blocked_circuit_open");
  EXPECT_NE(engine_->StatusJson().find("\"circuit\":\"open\""), std::string::npos);
  clock_.Advance(30 * kNanosPerMinute);
  runner_.SetExit("flaky", 0);
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
  runner_.SetExit("fail", 3);
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
  runner_.SetExit("fail", 3);
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
  runner_.Hold("ok");
  Start("executor: {queue_size: 1, workers: 2}\n");
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "a"}}, kT0 + 1)), "executed");
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "b"}}, kT0 + 2)), "executed");
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "c"}}, kT0 + 3)), "blocked_busy");
  runner_.Release();
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  EXPECT_EQ(Log().size(), 3u);
  EXPECT_EQ(runner_.runs().size(), 2u);
}

TEST_F(EngineTest, TimeoutsAndSpawnFailuresCountAsCircuitFailures) {
  RunResult timed_out;
  timed_out.outcome = RunOutcome::kTimedOut;
  timed_out.exit_code = 143;
  timed_out.duration_ns = 10 * kNanosPerSecond;
  RunResult no_start;
  no_start.outcome = RunOutcome::kFailedToStart;
  no_start.error = "spawn ./fail.sh: No such file or directory";
  Start();
  for (const RunResult& r : {timed_out, no_start, timed_out}) {
    runner_.SetResult("fail", r);
    EXPECT_EQ(Submit(MakeAlert({{"alertname", "Fail"}}, clock_.NowNs())), "executed");
    ASSERT_TRUE(engine_->WaitIdle(kWait));
    clock_.Advance(kNanosPerSecond);
  }
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Fail"}}, clock_.NowNs())), "blocked_circuit_open");
  std::vector<std::string> lines = Log();
  ASSERT_EQ(lines.size(), 4u);
  const char* want[] = {"timed_out", "failed_to_start", "timed_out", "blocked_circuit_open"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NE(lines[i].find(std::string("\"action\":\"") + want[i] + "\""), std::string::npos)
        << lines[i];
  }
  EXPECT_NE(lines[1].find("No such file or directory"), std::string::npos) << lines[1];
  EXPECT_NE(lines[0].find("\"duration_ms\":10000"), std::string::npos) << lines[0];
}

TEST_F(EngineTest, TheRunGetsACleanEnvironmentWithItsParameters) {
  Start();
  EXPECT_EQ(Submit(MakeAlert({{"alertname", "Ok"}, {"name", "a b;$(x)"}}, kT0)), "executed");
  ASSERT_TRUE(engine_->WaitIdle(kWait));
  std::vector<RunSpec> runs = runner_.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].argv, std::vector<std::string>{dir_ / "ok.sh"});  // resolved at load
  std::map<std::string, std::string> env(runs[0].env.begin(), runs[0].env.end());
  EXPECT_EQ(env["REMEDIATOR_PARAM_SERVICE"], "a b;$(x)");
  EXPECT_EQ(env["REMEDIATOR_SERVICE"], "a b;$(x)");
  EXPECT_EQ(env["REMEDIATOR_ALERT"], "Ok");
  EXPECT_EQ(env["REMEDIATOR_PLAYBOOK"], "ok");
  EXPECT_EQ(env["REMEDIATOR_STATUS"], "firing");
  EXPECT_EQ(env.count("HOME"), 0u);
  EXPECT_EQ(runs[0].timeout_ns, 10 * kNanosPerSecond);
}

TEST_F(EngineTest, DecisionLogFailureGives5xxAndRunsNothing) {
  Start();
  std::filesystem::remove_all(dir_ / "log");
  WriteFile(dir_ / "log", "not a folder");  // the log's folder is now a file: reopen fails
  auto r = engine_->Submit(MakePayload({MakeAlert({{"alertname", "Nothing"}}, kT0)}));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

// SubmitAsyncPrepared: the summaries reach `prepare` on the caller's thread before the call
// returns; `done` then reports whether the lines were recorded (ok: in the file; the log's
// folder replaced by a file: kUnavailable, after a prepare all the same).
TEST_F(EngineTest, SubmitAsyncPreparedGivesTheSummariesFirstThenTheRecording) {
  Start();
  for (bool broken : {false, true}) {
    SCOPED_TRACE(broken ? "log broken" : "log fine");
    if (broken) {
      std::filesystem::remove_all(dir_ / "log");
      WriteFile(dir_ / "log", "not a folder");
    }
    std::mutex mu;
    std::condition_variable cv;
    std::vector<DecisionSummary> prepared;
    std::thread::id prepared_on;
    bool prepared_first = false;
    std::optional<Status> recorded;
    engine_->SubmitAsyncPrepared(
        MakePayload({MakeAlert({{"alertname", "Nothing"}}, kT0)}),
        [&](const std::vector<DecisionSummary>& s) {
          std::lock_guard<std::mutex> lock(mu);
          prepared = s;
          prepared_on = std::this_thread::get_id();
          prepared_first = !recorded.has_value();
        },
        [&](const Status& st) {
          std::lock_guard<std::mutex> lock(mu);
          recorded = st;
          cv.notify_all();
        });
    std::unique_lock<std::mutex> lock(mu);
    EXPECT_EQ(prepared_on, std::this_thread::get_id());
    EXPECT_TRUE(prepared_first);
    ASSERT_EQ(prepared.size(), 1u);
    EXPECT_EQ(prepared[0].alert, "Nothing");
    EXPECT_EQ(prepared[0].action, "no_route");
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::nanoseconds(kWait), [&] { return recorded.has_value(); }));
    if (broken) {
      EXPECT_EQ(recorded->code(), StatusCode::kUnavailable);
      continue;
    }
    EXPECT_TRUE(recorded->ok()) << recorded->ToString();
    std::vector<std::string> lines = Log();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find(prepared[0].decision_id), std::string::npos) << lines[0];
  }
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
