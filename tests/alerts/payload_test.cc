#include "alerts/payload.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "alerts/fingerprint.h"
#include "core/time_format.h"

namespace remediator::alerts {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(REMEDIATOR_SOURCE_DIR) + "/tests/fixtures/alertmanager/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PayloadTest, RealAlertmanagerFiring) {
  Result<Payload> p = ParsePayload(Fixture("am-0.25-firing-one.json"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version, "4");
  EXPECT_EQ(p->receiver, "web\\.hook");
  EXPECT_EQ(p->status, "firing");
  EXPECT_EQ(p->group_key, "{}:{alertname=\"ServiceDown\"}");
  ASSERT_EQ(p->alerts.size(), 1u);
  const Alert& a = p->alerts[0];
  EXPECT_TRUE(a.firing());
  EXPECT_EQ(a.name(), "ServiceDown");
  EXPECT_EQ(a.labels.at("name"), "jellyfin");
  EXPECT_EQ(a.annotations.at("summary"), "jellyfin is down");
  EXPECT_EQ(a.ends_at_ns, INT64_MIN);  // Go's zero time
  EXPECT_GT(a.starts_at_ns, 0);
  EXPECT_EQ(a.fingerprint, "61883dbe2271b79a");
  // Ours is the same function as Alertmanager's.
  EXPECT_EQ(LabelsFingerprint(a.labels), a.fingerprint);
  EXPECT_EQ(p->common_labels.at("severity"), "critical");
}

TEST(PayloadTest, RealAlertmanagerGroupWithMetacharacters) {
  Result<Payload> p = ParsePayload(Fixture("am-0.25-firing-two-metachars.json"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->alerts.size(), 2u);
  const Alert& evil = p->alerts[1];
  EXPECT_EQ(evil.labels.at("evil"), "$(touch /tmp/x); rm -rf / `id` 'q' \"dq\" \xC3\xA9 \xE2\x98\x83");
  for (const Alert& a : p->alerts) EXPECT_EQ(LabelsFingerprint(a.labels), a.fingerprint);
}

TEST(PayloadTest, RealAlertmanagerResolved) {
  Result<Payload> p = ParsePayload(Fixture("am-0.25-resolved.json"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->alerts.size(), 1u);
  EXPECT_FALSE(p->alerts[0].firing());
  EXPECT_GT(p->alerts[0].ends_at_ns, p->alerts[0].starts_at_ns);
}

TEST(PayloadTest, UnknownFieldsAreIgnoredAndMissingFingerprintIsComputed) {
  Result<Payload> p = ParsePayload(R"({"version":"4","status":"firing","notification_reason":"x",
    "routeLabels":{"a":"b"},"alerts":[{"status":"firing","labels":{"b":"2","a":"1"},
    "startsAt":"2026-01-01T00:00:00.5+01:00","future":[1,2,{}]}]})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Alert& a = p->alerts[0];
  EXPECT_EQ(a.starts_at_ns, *ParseRfc3339("2025-12-31T23:00:00.5Z"));
  EXPECT_EQ(a.fingerprint, LabelsFingerprint(a.labels));
  EXPECT_EQ(a.fingerprint.size(), 16u);
  EXPECT_EQ(a.annotations.size(), 0u);
}

TEST(PayloadTest, FingerprintIsStableAndOrderIndependent) {
  StringMap a = {{"alertname", "X"}, {"job", "node"}};
  EXPECT_EQ(LabelsFingerprint(a), LabelsFingerprint(StringMap{{"job", "node"}, {"alertname", "X"}}));
  EXPECT_NE(LabelsFingerprint(a), LabelsFingerprint(StringMap{{"alertname", "X"}, {"job", "nod"}}));
  // Empty label set: FNV-1a 64's offset basis.
  EXPECT_EQ(LabelsFingerprint({}), "cbf29ce484222325");
}

TEST(PayloadTest, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* want;
  } cases[] = {
      {"", "malformed JSON"},
      {"{", "malformed JSON"},
      {"[]", "(body): expected a JSON object"},
      {"{}", "alerts: required"},
      {R"({"alerts":{}})", "alerts: expected an array"},
      {R"({"alerts":[1]})", "alerts[0]: expected an object"},
      {R"({"alerts":[{"labels":{}}]})", "alerts[0].status: required"},
      {R"({"alerts":[{"status":"open","labels":{}}]})", "alerts[0].status: expected \"firing\" or \"resolved\""},
      {R"({"alerts":[{"status":"firing"}]})", "alerts[0].labels: required"},
      {R"({"alerts":[{"status":"firing","labels":{}},{"status":"firing","labels":[]}]})",
       "alerts[1].labels: expected an object"},
      {R"({"alerts":[{"status":"firing","labels":{"a":1}}]})", "alerts[0].labels.a: expected a string"},
      {R"({"alerts":[{"status":"firing","labels":{},"startsAt":"yesterday"}]})",
       "alerts[0].startsAt: invalid RFC 3339"},
      {R"({"alerts":[{"status":"firing","labels":{},"annotations":"x"}]})",
       "alerts[0].annotations: expected an object"},
      {R"({"version":4,"alerts":[]})", "version: expected a string"},
      {R"({"truncatedAlerts":"2","alerts":[]})", "truncatedAlerts: expected an integer"},
      {R"({"commonLabels":{"a":null},"alerts":[]})", "commonLabels.a: expected a string"},
  };
  for (const Case& c : cases) {
    Result<Payload> p = ParsePayload(c.body);
    ASSERT_FALSE(p.ok()) << c.body;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.want), std::string::npos)
        << c.body << " -> " << p.status().message();
  }
}

TEST(PayloadTest, NullOptionalFieldsAreAbsent) {
  Result<Payload> p = ParsePayload(
      R"({"alerts":[{"status":"resolved","labels":{"a":"b"},"annotations":null,"endsAt":null}],"groupLabels":null})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->alerts[0].ends_at_ns, INT64_MIN);
}

}  // namespace
}  // namespace remediator::alerts
