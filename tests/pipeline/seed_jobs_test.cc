// The seed's two Promtail jobs, verbatim, on decision-log and Traefik lines.
#include <gtest/gtest.h>

#include "pipeline/seed_stages.h"
#include "pipeline/stage_pipeline.h"
#include "stage_test_util.h"

namespace remediator::pipeline {
namespace {

using testing::StageRunner;

constexpr std::string_view kDecisionStages = kSeedDecisionStages;
constexpr std::string_view kTraefikStages = kSeedTraefikStages;

TEST(SeedJobsTest, DecisionLogLine) {
  StageRunner r(kDecisionStages);
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run(
      R"({"timestamp": 1735228800.123456, "alert": "SystemDiskSpaceCritical", "playbook": "disk-cleanup", "success": true, "confidence": 95, "parameters": {"path": "/", "b": 1}, "stdout": "freed 2.1G", "stderr": "", "action": "executed"})",
      {{"host", "fedora-htpc"}, {"job", "remediation-decisions"}});
  ASSERT_EQ(out.size(), 1u);
  const PipelineEntry& e = out[0];
  EXPECT_EQ(e.entry.line, "freed 2.1G");
  EXPECT_EQ(e.entry.timestamp_ns, 1735228800'123456000);
  EXPECT_EQ(FormatLabels(e.entry.labels),
            R"({alert="SystemDiskSpaceCritical", host="fedora-htpc", job="remediation-decisions", playbook="disk-cleanup", success="true"})");
  EXPECT_EQ(testing::Extracted(e, "confidence"), "95");
  EXPECT_EQ(testing::Extracted(e, "parameters"), R"({"b":1,"path":"/"})");
}

TEST(SeedJobsTest, DecisionLogBlockedLineHasEmptyOutput) {
  StageRunner r(kDecisionStages);
  auto out = r.Run(R"({"timestamp": 1735228800, "alert": "A", "playbook": "p", "success": false, "stdout": "", "action": "blocked_rate_limit"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].entry.line, "");
  EXPECT_EQ(out[0].entry.timestamp_ns, 1735228800'000000000);
  EXPECT_EQ(LabelValue(out[0].entry.labels, "success"), "false");
}

TEST(SeedJobsTest, TraefikLine) {
  StageRunner r(kTraefikStages);
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run(
      R"({"ClientAddr":"192.168.1.10:52345","DownstreamStatus":502,"Duration":1234567,"RequestMethod":"GET","RequestPath":"/web/index.html","ServiceName":"jellyfin@docker","StartUTC":"2025-12-26T10:00:00.123456789Z"})",
      {{"job", "traefik-access"}});
  ASSERT_EQ(out.size(), 1u);
  const PipelineEntry& e = out[0];
  EXPECT_EQ(e.entry.line, "/web/index.html");
  EXPECT_EQ(e.entry.timestamp_ns, 1766743200'123456789);
  EXPECT_EQ(FormatLabels(e.entry.labels),
            R"({job="traefik-access", method="GET", service="jellyfin@docker", status="502"})");
}

TEST(SeedJobsTest, MalformedLineKeepsGoingWithReadTime) {
  StageRunner r(kTraefikStages);
  auto out = r.Run("not json at all", {{"job", "traefik-access"}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].entry.line, "not json at all");
  EXPECT_EQ(out[0].entry.timestamp_ns, r.clock().NowNs());
  EXPECT_GE(r.metrics().Snapshot().stage_errors, 1u);
}

}  // namespace
}  // namespace remediator::pipeline
