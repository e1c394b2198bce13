#include "alerts/payload.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

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


// Everything ParsePayload fills, for comparing a reused Payload with a fresh one.
void ExpectSamePayload(const Payload& got, const Payload& want, const std::string& context) {
  EXPECT_EQ(got.version, want.version) << context;
  EXPECT_EQ(got.group_key, want.group_key) << context;
  EXPECT_EQ(got.truncated_alerts, want.truncated_alerts) << context;
  EXPECT_EQ(got.receiver, want.receiver) << context;
  EXPECT_EQ(got.status, want.status) << context;
  EXPECT_EQ(got.group_labels, want.group_labels) << context;
  EXPECT_EQ(got.common_labels, want.common_labels) << context;
  EXPECT_EQ(got.common_annotations, want.common_annotations) << context;
  EXPECT_EQ(got.external_url, want.external_url) << context;
  ASSERT_EQ(got.alerts.size(), want.alerts.size()) << context;
  for (size_t i = 0; i < got.alerts.size(); ++i) {
    const Alert& a = got.alerts[i];
    const Alert& b = want.alerts[i];
    EXPECT_EQ(a.status, b.status) << context << " alert " << i;
    EXPECT_EQ(a.labels, b.labels) << context << " alert " << i;
    EXPECT_EQ(a.annotations, b.annotations) << context << " alert " << i;
    EXPECT_EQ(a.starts_at_ns, b.starts_at_ns) << context << " alert " << i;
    EXPECT_EQ(a.ends_at_ns, b.ends_at_ns) << context << " alert " << i;
    EXPECT_EQ(a.generator_url, b.generator_url) << context << " alert " << i;
    EXPECT_EQ(a.fingerprint, b.fingerprint) << context << " alert " << i;
  }
}

TEST(PayloadTest, ParseIntoAReusedPayloadEqualsAFreshParse) {
  const std::string full =
      R"({"version":"4","groupKey":"{}:{alertname=\"A\"}","truncatedAlerts":3,"receiver":"r",)"
      R"("status":"firing","groupLabels":{"alertname":"A"},"commonLabels":{"a":"1","b":"2"},)"
      R"("commonAnnotations":{"s":"long enough to leave the small-string buffer"},)"
      R"("externalURL":"http://am:9093","alerts":[)"
      R"({"status":"firing","labels":{"alertname":"A","instance":"host:9100","name":"jellyfin"},)"
      R"("annotations":{"summary":"down"},"startsAt":"2026-11-27T10:00:00Z",)"
      R"("endsAt":"2026-11-27T11:00:00Z","generatorURL":"http://prom:9090/graph","fingerprint":"0123456789abcdef"},)"
      R"({"status":"resolved","labels":{"alertname":"B"},"fingerprint":"fedcba9876543210"}]})";
  const std::string sparse = R"({"alerts":[{"status":"resolved","labels":{"z":"last"}}]})";
  const std::string unsorted_and_repeated =
      R"({"commonLabels":{"b":"2","a":"1","b":"3"},"alerts":[{"status":"firing",)"
      R"("labels":{"y":"1","x":"2","y":"again"}},{"status":"firing","labels":{}},)"
      R"({"status":"firing","labels":{"alertname":"C"}}]})";
  const std::string many_labels = [] {
    std::string labels;
    for (int i = 0; i < 40; ++i) labels += fmt::format("{}\"l{:02d}\":\"v{}\"", i ? "," : "", i, i);
    return R"({"alerts":[{"status":"firing","labels":{)" + labels + "}}]}";
  }();
  const std::vector<std::string> bodies = {full, sparse, unsorted_and_repeated, many_labels, full};
  // Every body parsed into a Payload that held each other body first.
  for (const std::string& before : bodies) {
    for (const std::string& body : bodies) {
      Payload reused;
      ASSERT_TRUE(ParsePayloadInto(before, reused).ok());
      ASSERT_TRUE(ParsePayloadInto(body, reused).ok()) << body;
      Result<Payload> fresh = ParsePayload(body);
      ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
      ExpectSamePayload(reused, *fresh, before + " then " + body);
    }
  }
  Result<Payload> repeated = ParsePayload(unsorted_and_repeated);
  ASSERT_TRUE(repeated.ok());
  EXPECT_EQ(repeated->common_labels, (StringMap{{"a", "1"}, {"b", "3"}}));  // the last value wins
  EXPECT_EQ(repeated->alerts[0].labels.at("y"), "again");
}

}  // namespace
}  // namespace remediator::alerts
