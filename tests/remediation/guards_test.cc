// Every guard through the engine, with in-memory state, a fake clock and nothing executed
// (simulate mode), so the tests never sleep.
#include <gtest/gtest.h>

#include <cstdio>

#include "remediation/engine.h"
#include "remediation/test_util.h"

namespace remediator::remediation {
namespace {

using testing::kT0;
using testing::MakeAlert;
using testing::MakePayload;

constexpr const char* kConfig = R"(
auth: {insecure_no_auth: true}
min_confidence: 80
guards:
  protected_services: [traefik, authelia]
playbooks:
  restart:
    command: [/bin/true]
    parameters: {service: '^[a-z0-9][a-z0-9_.@-]*$'}
  shadow:
    command: [/bin/true]
    dry_run: true
routes:
  - matchers: ['alertname = "Shadow"']
    playbook: shadow
    confidence: 95
  - matchers: ['alertname = "Unsure"']
    playbook: restart
    confidence: 50
  - matchers: ['alertname = "Recovered"']
    playbook: restart
    on_resolved: true
  - matchers: ['alertname =~ ".+"', 'severity != "none"']
    playbook: restart
    confidence: 90
    service: '{{ .Labels.name }}'
    parameters: {service: '{{ .Labels.name }}'}
)";

class GuardsTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(kConfig); }

  void Start(const std::string& yaml) {
    engine_.reset();
    config_ = testing::MustConfig(yaml, dir_.path());
    EngineOptions opts;
    opts.in_memory_state = true;
    opts.execute = false;
    opts.write_decision_log = false;
    opts.observer = [this](std::string_view line) { lines_.emplace_back(line); };
    auto e = Engine::Create(config_, clock_, opts);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }

  // Decides one alert and returns its action.
  std::string Decide(const alerts::Alert& a) {
    auto r = engine_->Submit(MakePayload({a}));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->size() != 1) return "?";
    last_reason_ = (*r)[0].reason;
    return (*r)[0].action;
  }

  alerts::Alert Down(std::string name, int64_t starts, std::string alertname = "ServiceDown") {
    return MakeAlert({{"alertname", alertname}, {"name", name}, {"severity", "critical"}}, starts);
  }

  testing::TempDir dir_;
  FakeClock clock_{kT0};
  Config config_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::string> lines_;
  std::string last_reason_;
};

TEST_F(GuardsTest, IdempotencySameStartsAtRunsOnceWithinWindow) {
  alerts::Alert a = Down("jellyfin", kT0);
  EXPECT_EQ(Decide(a), "executed");
  clock_.Advance(4 * kNanosPerMinute);
  EXPECT_EQ(Decide(a), "deduplicated");
  EXPECT_EQ(last_reason_.rfind("alert " + a.fingerprint + " (same startsAt) already handled by ", 0), 0u)
      << last_reason_;
  EXPECT_NE(last_reason_.find(" ago (window 5m"), std::string::npos) << last_reason_;
  clock_.Advance(kNanosPerMinute);  // exactly 5m after the run: the window is over
  EXPECT_EQ(Decide(a), "executed");
  // A new occurrence (other startsAt) of the same alert is not a duplicate.
  EXPECT_EQ(Decide(Down("jellyfin", kT0 + kNanosPerMinute)), "executed");
}

TEST_F(GuardsTest, DeduplicatedAlertsSpendNoBudget) {
  alerts::Alert a = Down("jellyfin", kT0);
  EXPECT_EQ(Decide(a), "executed");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Decide(a), "deduplicated");
  // 4 more distinct alerts fit in the budget of 5 per hour.
  for (int i = 0; i < 4; ++i) {
    std::string n = std::to_string(i);
    EXPECT_EQ(Decide(Down("svc" + n, kT0, "Alert" + n)), "executed");
  }
  EXPECT_EQ(Decide(Down("svc9", kT0, "Alert9")), "blocked_rate_limit");
}

// 11 hex digits of the decision's millisecond, 4 of a per-process salt, 6 of a sequence.
TEST_F(GuardsTest, DecisionIdsAreHexTimeSaltSequence) {
  auto r = engine_->Submit(MakePayload({Down("a", kT0, "A1"), Down("b", kT0, "A2"), Down("c", kT0, "A3")}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  char millis[32];
  std::snprintf(millis, sizeof millis, "%011llx",
                static_cast<unsigned long long>(kT0 / kNanosPerMilli) & 0xfffffffffffULL);
  for (size_t i = 0; i < r->size(); ++i) {
    const std::string& id = (*r)[i].decision_id;
    ASSERT_EQ(id.size(), 21u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(id.substr(0, 11), millis) << id;
    if (i > 0) {
      const std::string& prev = (*r)[i - 1].decision_id;
      EXPECT_EQ(id.substr(11, 4), prev.substr(11, 4)) << id;  // same salt
      EXPECT_EQ(std::stoul(id.substr(15), nullptr, 16), std::stoul(prev.substr(15), nullptr, 16) + 1) << id;
    }
  }
}

TEST_F(GuardsTest, OscillationBlocksTheFourthTriggerIn15Minutes) {
  // Same alert + playbook re-firing (new startsAt each time).
  EXPECT_EQ(Decide(Down("jellyfin", kT0)), "executed");
  clock_.Advance(5 * kNanosPerMinute);
  EXPECT_EQ(Decide(Down("jellyfin", kT0 + 1)), "executed");
  clock_.Advance(5 * kNanosPerMinute);
  EXPECT_EQ(Decide(Down("jellyfin", kT0 + 2)), "executed");
  clock_.Advance(4 * kNanosPerMinute);  // 14m after the first
  EXPECT_EQ(Decide(Down("jellyfin", kT0 + 3)), "blocked_oscillation");
  EXPECT_NE(last_reason_.find("3 triggers"), std::string::npos) << last_reason_;
  clock_.Advance(kNanosPerMinute);  // 15m after the first: it left the window
  EXPECT_EQ(Decide(Down("jellyfin", kT0 + 4)), "executed");
}

TEST_F(GuardsTest, RateLimitIsGlobalAndSlides) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Decide(Down("svc" + std::to_string(i), kT0)), "executed");
    clock_.Advance(10 * kNanosPerMinute);
  }
  EXPECT_EQ(Decide(Down("other", kT0)), "blocked_rate_limit");
  EXPECT_EQ(last_reason_.rfind("5 runs in the last 1h", 0), 0u) << last_reason_;
  EXPECT_NE(last_reason_.find(" (limit 5); next slot in 10m"), std::string::npos) << last_reason_;
  clock_.Advance(10 * kNanosPerMinute);  // the first run is now 1h old
  EXPECT_EQ(Decide(Down("other", kT0)), "executed");
  EXPECT_EQ(Decide(Down("another", kT0)), "blocked_rate_limit");
}

TEST_F(GuardsTest, ProtectedServicesByServiceOrParameter) {
  struct Case {
    std::string name;
    std::string want;
  } cases[] = {
      {"traefik", "blocked_protected_service"},
      {"traefik@docker", "blocked_protected_service"},
      {"authelia.service", "blocked_protected_service"},
      {"traefik-exporter", "executed"},
      {"jellyfin", "executed"},
  };
  int64_t starts = kT0;
  for (const Case& c : cases) {
    EXPECT_EQ(Decide(Down(c.name, ++starts, "Alert" + c.name)), c.want) << c.name;
  }
}

TEST_F(GuardsTest, BlockedAlertsLeaveNoTraceInLaterGuards) {
  // Protected-service blocks do not count as oscillation triggers or spend budget.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Decide(Down("traefik", kT0 + i)), "blocked_protected_service");
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Decide(Down("jellyfin", kT0 + i)), "executed");
}

TEST_F(GuardsTest, ConfidenceResolvedNoRouteParametersPauseDryRun) {
  EXPECT_EQ(Decide(MakeAlert({{"alertname", "Unsure"}}, kT0)), "skipped_low_confidence");
  EXPECT_EQ(Decide(MakeAlert({{"alertname", "X"}, {"severity", "none"}}, kT0)), "no_route");
  EXPECT_EQ(Decide(MakeAlert({{"alertname", "X"}, {"name", "a"}}, kT0, "resolved")),
            "ignored_resolved");
  EXPECT_EQ(Decide(MakeAlert({{"alertname", "Recovered"}}, kT0, "resolved")), "executed");
  EXPECT_EQ(Decide(Down("$(touch /tmp/x)", kT0)), "invalid_parameters");
  EXPECT_EQ(Decide(MakeAlert({{"alertname", "Shadow"}}, kT0)), "dry_run");
  ASSERT_TRUE(engine_->SetPaused(true).ok());
  EXPECT_TRUE(engine_->paused());
  EXPECT_EQ(Decide(Down("jellyfin", kT0)), "paused");
  ASSERT_TRUE(engine_->SetPaused(false).ok());
  EXPECT_EQ(Decide(Down("jellyfin", kT0)), "executed");
}

TEST_F(GuardsTest, GlobalDryRun) {
  Start(std::string(kConfig) + "dry_run: true\n");
  EXPECT_EQ(Decide(Down("jellyfin", kT0)), "dry_run");
  // Shadow decisions behave like real ones for the guards.
  EXPECT_EQ(Decide(Down("jellyfin", kT0)), "deduplicated");
}

TEST_F(GuardsTest, EveryDecisionIsOneLine) {
  Decide(Down("jellyfin", kT0));
  Decide(Down("jellyfin", kT0));
  Decide(MakeAlert({{"alertname", "X"}, {"severity", "none"}}, kT0));
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_NE(lines_[0].find("\"action\":\"executed\""), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[1].find("\"action\":\"deduplicated\""), std::string::npos) << lines_[1];
  EXPECT_NE(lines_[2].find("\"action\":\"no_route\""), std::string::npos) << lines_[2];
  EXPECT_NE(lines_[0].find("\"parameters\":{\"service\":\"jellyfin\"}"), std::string::npos);
  EXPECT_NE(lines_[0].find("\"timestamp\":1767225600.000000,"), std::string::npos) << lines_[0];
}

}  // namespace
}  // namespace remediator::remediation
