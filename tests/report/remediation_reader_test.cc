#include "report/remediation_reader.h"

#include <gtest/gtest.h>

namespace remediator::report {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(ScanRemediations, KeepsRunsInRangeWithTheirStartTimes) {
  const std::string log =
      R"({"timestamp":1000.5,"alert":"JellyfinDown","playbook":"restart","success":true,"action":"executed","service":"jellyfin","duration_ms":2500,"decision_id":"d1"})"
      "\n"
      R"({"timestamp":1001,"alert":"JellyfinDown","playbook":"restart","success":false,"action":"deduplicated","service":"jellyfin","duration_ms":null})"
      "\n"
      R"({"timestamp":1100,"alert":"DiskFull","playbook":"cleanup","success":false,"action":"timed_out","service":"","duration_ms":30000})"
      "\n"
      R"({"timestamp":5000,"alert":"Late","playbook":"p","success":true,"action":"executed","service":"s","duration_ms":1})"
      "\n";
  RemediationScan scan = ScanRemediations(log, 0, 2000 * kSec);
  EXPECT_EQ(scan.lines, 4u);
  EXPECT_EQ(scan.malformed, 0u);
  ASSERT_EQ(scan.remediations.size(), 2u);
  const Remediation& r = scan.remediations[0];
  EXPECT_EQ(r.alert, "JellyfinDown");
  EXPECT_EQ(r.service, "jellyfin");
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.ended_ns, 1000 * kSec + kSec / 2);
  EXPECT_EQ(r.started_ns, 998 * kSec);
  EXPECT_EQ(r.decision_id, "d1");
  EXPECT_EQ(scan.remediations[1].action, "timed_out");
  EXPECT_FALSE(scan.remediations[1].success);
  EXPECT_EQ(scan.remediations[1].started_ns, 1070 * kSec);
}

TEST(ScanRemediations, RangeIsByStartTime) {
  const std::string log =
      R"({"timestamp":100,"action":"executed","duration_ms":20000})" "\n";
  EXPECT_EQ(ScanRemediations(log, 80 * kSec, 81 * kSec).remediations.size(), 1u);
  EXPECT_EQ(ScanRemediations(log, 81 * kSec, 200 * kSec).remediations.size(), 0u);
}

TEST(ScanRemediations, CountsMalformedLinesAndGoesOn) {
  const std::string log = "not json\n"
                          R"({"timestamp":"x","action":"executed"})" "\n"
                          R"({"timestamp":10,"action":"executed"})" "\n"
                          R"({"timestamp":11,"action":"exec)";  // torn tail, no newline
  RemediationScan scan = ScanRemediations(log, 0, 100 * kSec);
  EXPECT_EQ(scan.lines, 4u);
  EXPECT_EQ(scan.malformed, 3u);
  EXPECT_EQ(scan.first_malformed_line, 1u);
  ASSERT_EQ(scan.remediations.size(), 1u);
  EXPECT_EQ(scan.remediations[0].started_ns, 10 * kSec);
}

TEST(ReadRemediations, MissingFileIsNotFound) {
  auto r = ReadRemediations("/nonexistent/decisions.jsonl", 0, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace remediator::report
