#include "report/impact.h"

#include <gtest/gtest.h>

#include "logql/source/memory_source.h"

namespace remediator::report {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kMin = 60 * kSec;

Labels Access(const std::string& service, const std::string& status) {
  return MakeLabels({{"job", "traefik-access"}, {"service", service}, {"status", status}});
}

// `n` requests of `service` with `status`, one a second from `from_ns` on.
void AddRequests(logql::MemoryStreamSource& src, const std::string& service, const std::string& status,
                 int64_t from_ns, int n) {
  for (int i = 0; i < n; ++i) src.Add(Access(service, status), from_ns + i * kSec, "/web/index.html");
}

Remediation Restart(int64_t started_ns, int64_t ended_ns, std::string service = "jellyfin") {
  Remediation r;
  r.started_ns = started_ns;
  r.ended_ns = ended_ns;
  r.alert = "JellyfinDown";
  r.playbook = "restart-service";
  r.service = std::move(service);
  r.action = "executed";
  r.success = true;
  return r;
}

TEST(MeasureImpact, CountsRequestsAndErrorsOnEachSide) {
  const int64_t start = 100 * kMin, end = start + 30 * kSec;
  logql::MemoryStreamSource src;
  // Before: 60 requests, 20 of them 5xx, in the 30 minutes before the start.
  AddRequests(src, "jellyfin@docker", "200", start - 20 * kMin, 40);
  AddRequests(src, "jellyfin@docker", "502", start - 10 * kMin, 20);
  // During the run: not counted on either side.
  AddRequests(src, "jellyfin@docker", "503", start + kSec, 10);
  // After: 50 requests, 1 of them 5xx.
  AddRequests(src, "jellyfin@docker", "200", end + kMin, 49);
  AddRequests(src, "jellyfin@docker", "500", end + 2 * kMin, 1);
  // Outside the windows, and other services: not counted.
  AddRequests(src, "jellyfin@docker", "500", start - 40 * kMin, 5);
  AddRequests(src, "jellyfin@docker", "500", end + 31 * kMin, 5);
  AddRequests(src, "sonarr@docker", "500", start - kMin, 7);
  AddRequests(src, "jellyfin-vue@docker", "500", start - kMin, 3);

  auto impacts = MeasureImpact(src, {Restart(start, end)}, ImpactOptions{});
  ASSERT_TRUE(impacts.ok()) << impacts.status().ToString();
  ASSERT_EQ(impacts->size(), 1u);
  const Impact& i = (*impacts)[0];
  EXPECT_EQ(i.before.requests, 60);
  EXPECT_EQ(i.before.errors, 20);
  EXPECT_EQ(i.after.requests, 50);
  EXPECT_EQ(i.after.errors, 1);
  EXPECT_EQ(i.verdict, Verdict::kImproved);
  EXPECT_EQ(VerdictName(i.verdict), "improved");
}

TEST(MeasureImpact, Verdicts) {
  const int64_t t = 100 * kMin;
  logql::MemoryStreamSource src;
  AddRequests(src, "grafana", "200", t - 5 * kMin, 10);   // plain name, no @provider
  AddRequests(src, "grafana", "200", t + 5 * kMin, 10);
  AddRequests(src, "Sonarr@file", "200", t - 5 * kMin, 10);  // case differs from the route's
  AddRequests(src, "Sonarr@file", "500", t + 5 * kMin, 10);
  auto impacts = MeasureImpact(src, {Restart(t, t, "grafana"), Restart(t, t, "sonarr"), Restart(t, t, "radarr"),
                                     Restart(t, t, "")},
                               ImpactOptions{});
  ASSERT_TRUE(impacts.ok()) << impacts.status().ToString();
  ASSERT_EQ(impacts->size(), 4u);
  EXPECT_EQ((*impacts)[0].verdict, Verdict::kUnchanged);
  EXPECT_EQ((*impacts)[1].verdict, Verdict::kWorse);
  EXPECT_EQ((*impacts)[1].after.errors, 10);
  EXPECT_EQ((*impacts)[2].verdict, Verdict::kNoTraffic);
  EXPECT_EQ((*impacts)[3].verdict, Verdict::kNoService);
}

TEST(MeasureImpact, ServiceNamesAreQuotedNotInterpreted) {
  logql::MemoryStreamSource src;
  AddRequests(src, "a.b", "200", 10 * kMin, 5);
  AddRequests(src, "axb", "200", 10 * kMin, 5);  // would match an unquoted "a.b"
  auto impacts = MeasureImpact(src, {Restart(20 * kMin, 20 * kMin, "a.b")}, ImpactOptions{});
  ASSERT_TRUE(impacts.ok()) << impacts.status().ToString();
  EXPECT_EQ((*impacts)[0].before.requests, 5);
}

TEST(QueryText, IsTheLogqlAUserCanRun) {
  auto q = QueryText(ImpactOptions{}, "jellyfin", true);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(*q, R"(sum(count_over_time({job="traefik-access", service=~"(?i)jellyfin(@.*)?"} | status=~"5.." [30m])))");
}

TEST(QueryText, BadOptionsAreErrors) {
  ImpactOptions bad_selector;
  bad_selector.access_selector = "{job=";
  EXPECT_FALSE(QueryText(bad_selector, "x", false).ok());
  ImpactOptions bad_filter;
  bad_filter.error_filter = "| status >>> 5";
  auto q = QueryText(bad_filter, "x", true);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("error filter"), std::string::npos);
}

}  // namespace
}  // namespace remediator::report
