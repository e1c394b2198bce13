// Every LogQL query of the seed, and every example of docs/logql-guide.md, over fixtures
// ingested the way the seed's two Promtail jobs ingest them (labels from the labels stage,
// the line replaced by the output stage), with exact expected numbers.
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/time_format.h"
#include "logql/eval/engine.h"
#include "logql/source/memory_source.h"

namespace remediator::logql {
namespace {

const int64_t kQ = 1767272400LL * kNanosPerSecond;  // 2026-01-01T13:00:00Z, the query time

int64_t At(int hh, int mm) { return kQ - (13 - hh) * kNanosPerHour + mm * kNanosPerMinute; }

class SeedFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto decision = [&](const char* alert, const char* playbook, const char* success, int hh, int mm,
                        const char* stdout_preview) {
      src_.Add(MakeLabels({{"job", "remediation-decisions"}, {"host", "fedora-htpc"}, {"alert", alert},
                           {"playbook", playbook}, {"success", success}}),
               At(hh, mm), stdout_preview);
    };
    decision("JellyfinDown", "restart-service", "true", 12, 10, "restarted jellyfin.service");
    decision("JellyfinDown", "restart-service", "false", 12, 20, "");
    decision("SystemDiskSpaceCritical", "disk-cleanup", "true", 12, 30, "freed 12.3 GiB");
    decision("SystemDiskSpaceCritical", "disk-cleanup", "false", 12, 40, "");
    for (int mm : {50, 52, 54, 56}) decision("JellyfinDown", "restart-service", "true", 12, mm, "restarted jellyfin.service");
    decision("NextcloudSlow", "restart-service", "true", 12, 58, "restarted nextcloud.service");

    auto access = [&](const char* service, const char* method, const char* status, int hh, int mm, const char* path) {
      src_.Add(MakeLabels({{"job", "traefik-access"}, {"host", "fedora-htpc"}, {"service", service}, {"method", method},
                           {"status", status}}),
               At(hh, mm), path);
    };
    access("jellyfin@docker", "GET", "502", 12, 5, "/Videos/1/stream.mp4");
    access("jellyfin@docker", "GET", "503", 12, 6, "/web/index.html");
    access("jellyfin@docker", "GET", "404", 12, 15, "/Items/9");
    access("nextcloud@docker", "POST", "500", 12, 16, "/remote.php/dav");
    access("jellyfin@docker", "GET", "502", 12, 57, "/web/index.html");

    Labels json_job = MakeLabels({{"job", "traefik-json"}});
    src_.Add(json_job, At(12, 30),
             R"({"DownstreamStatus":502,"Duration":1500000000,"RequestPath":"/web/index.html","ServiceName":"jellyfin@docker"})");
    src_.Add(json_job, At(12, 31),
             R"({"DownstreamStatus":200,"Duration":20000000,"RequestPath":"/Items/1","ServiceName":"jellyfin@docker"})");
    src_.Add(json_job, At(12, 32),
             R"({"DownstreamStatus":500,"Duration":300000000,"RequestPath":"/status.php","ServiceName":"nextcloud@docker"})");
    src_.Add(json_job, At(12, 33), "level=warn msg=\"not json\"");
  }

  Result<QueryResult> Run(const std::string& q) {
    Engine engine(src_);
    QueryParams p;
    p.query = q;
    p.start_ns = kQ - kNanosPerDay;
    p.end_ns = kQ;
    auto expr_is_log = q.front() == '{';
    if (!expr_is_log) p.start_ns = kQ;  // metric queries: instant at kQ
    p.limit = 100;
    return engine.Query(p);
  }

  MemoryStreamSource src_;
};

// Expected outcome of one query.
struct Expect {
  std::map<std::string, double> vector;  // FormatLabels -> value (metric queries)
  int entries = -1;                       // log queries: the number of entries
  std::string first_line;                 // log queries: the newest line
  std::string fail;                       // a substring of the error
  bool error_label = false;               // log queries: entries carry __error__
};

void Check(const std::string& q, const Result<QueryResult>& r, const Expect& want) {
  SCOPED_TRACE(q);
  if (!want.fail.empty()) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(want.fail), std::string::npos) << r.status().message();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().message();
  if (want.entries >= 0) {
    ASSERT_EQ(r->type, QueryResult::Type::kStreams);
    int n = 0;
    int64_t newest = 0;
    std::string newest_line;
    for (const auto& s : r->streams) {
      EXPECT_EQ(!LabelValue(s.labels, "__error__").empty(), want.error_label) << FormatLabels(s.labels);
      for (const auto& e : s.entries) {
        ++n;
        if (e.t_ns > newest) {
          newest = e.t_ns;
          newest_line = e.line;
        }
      }
    }
    EXPECT_EQ(n, want.entries);
    if (!want.first_line.empty()) {
      EXPECT_EQ(newest_line, want.first_line);
    }
    return;
  }
  ASSERT_EQ(r->type, QueryResult::Type::kVector);
  std::map<std::string, double> got;
  for (const auto& s : r->vector) got[FormatLabels(s.labels)] = s.v;
  ASSERT_EQ(got.size(), want.vector.size());
  for (const auto& [labels, v] : want.vector) {
    ASSERT_TRUE(got.count(labels)) << labels;
    EXPECT_NEAR(got[labels], v, 1e-9 * std::max(1.0, std::fabs(v))) << labels;
  }
}

const std::string kJellyTrue =
    R"({alert="JellyfinDown", host="fedora-htpc", job="remediation-decisions", playbook="restart-service", success="true"})";
const std::string kNextTrue =
    R"({alert="NextcloudSlow", host="fedora-htpc", job="remediation-decisions", playbook="restart-service", success="true"})";

// The seed's queries, verbatim, with what Loki 2.9 answers for them.
TEST_F(SeedFixture, SeedQueriesVerbatim) {
  const std::string pipeline_error = "pipeline error: 'JSONParserErr' for series: '{";
  const std::vector<std::pair<std::string, Expect>> cases = {
      {R"({job="remediation-decisions"})", {.entries = 9, .first_line = "restarted nextcloud.service"}},
      {R"({job="remediation-decisions"} | json | success="false" | line_format "{{.alert}} → {{.playbook}}: {{.stderr_preview}}")",
       {.entries = 2, .first_line = "SystemDiskSpaceCritical → disk-cleanup: ", .error_label = true}},
      {R"(rate({job="remediation-decisions"}[5m]))", {.vector = {{kJellyTrue, 1.0 / 300}, {kNextTrue, 1.0 / 300}}}},
      {"(\n  sum(count_over_time({job=\"remediation-decisions\"} | json | success=\"true\" [24h]))\n  /\n"
       "  sum(count_over_time({job=\"remediation-decisions\"}[24h]))\n) * 100",
       {.fail = pipeline_error}},
      {"sum by (playbook) (count_over_time({job=\"remediation-decisions\"} | json | success=\"true\" [7d]))\n/\n"
       "sum by (playbook) (count_over_time({job=\"remediation-decisions\"}[7d]))",
       {.fail = pipeline_error}},
      {R"(topk(5, sum by (alert) (count_over_time({job="remediation-decisions"}[24h]))))",
       {.vector = {{R"({alert="JellyfinDown"})", 6}, {R"({alert="SystemDiskSpaceCritical"})", 2},
                   {R"({alert="NextcloudSlow"})", 1}}}},
      {R"({job="remediation-decisions"} | json | confidence >= 95 | success="false")", {.entries = 0}},
      // Anchored regex: ".*Jellyfin" must match the whole value, and "JellyfinDown" does not end in it.
      {R"({job="remediation-decisions", alert=~".*Jellyfin"})", {.entries = 0}},
      {R"(rate({job="traefik-access", service="jellyfin@docker"} | json | status >= 500 [5m]))", {.fail = pipeline_error}},
      {R"({job="traefik-access", service="jellyfin@docker"} | json | status >= 500)",
       {.entries = 3, .first_line = "/web/index.html", .error_label = true}},
      {R"({job="traefik-access"} | json | service="jellyfin@docker" | status >= 500)",
       {.entries = 3, .first_line = "/web/index.html", .error_label = true}},
      {R"(sum by (alert) (count_over_time({job="remediation-decisions"}[15m])) > 3)",
       {.vector = {{R"({alert="JellyfinDown"})", 4}}}},
  };
  for (const auto& [q, want] : cases) Check(q, Run(q), want);
}

// `{{.timestamp | date "15:04"}}`: .timestamp is no label, so an empty string, and date of a
// non-time is now — every line shows the wall-clock time, as on Loki.
TEST_F(SeedFixture, DateOfStringIsNow) {
  std::string before, after;
  auto hhmm = [](int64_t ns) { return FormatRfc3339(ns).substr(11, 5); };
  before = hhmm(SystemClock().NowNs());
  auto r = Run(R"({job="remediation-decisions"} | json | line_format "{{.timestamp | date \"15:04\"}} - {{.alert}}")");
  after = hhmm(SystemClock().NowNs());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_FALSE(r->streams.empty());
  const std::string& line = r->streams[0].entries[0].line;
  EXPECT_TRUE(line.substr(0, 5) == before || line.substr(0, 5) == after) << line;
}

// The guide's examples: every `logql` block of docs/logql-guide.md must be here.
TEST_F(SeedFixture, GuideExamples) {
  const std::map<std::string, Expect> cases = {
      {R"({job="remediation-decisions"})", {.entries = 9, .first_line = "restarted nextcloud.service"}},
      {R"({job="remediation-decisions", alert=~".*Jellyfin.*"})", {.entries = 6, .first_line = "restarted jellyfin.service"}},
      {R"({job="remediation-decisions", success="false"} | line_format "{{.alert}} → {{.playbook}}")",
       {.entries = 2, .first_line = "SystemDiskSpaceCritical → disk-cleanup"}},
      {R"(rate({job="remediation-decisions"}[5m]))", {.vector = {{kJellyTrue, 1.0 / 300}, {kNextTrue, 1.0 / 300}}}},
      {R"(sum(count_over_time({job="remediation-decisions", success="true"}[24h])) / sum(count_over_time({job="remediation-decisions"}[24h])) * 100)",
       {.vector = {{"{}", 700.0 / 9}}}},
      {R"(sum by (playbook) (count_over_time({job="remediation-decisions", success="true"}[7d])) / sum by (playbook) (count_over_time({job="remediation-decisions"}[7d])))",
       {.vector = {{R"({playbook="restart-service"})", 6.0 / 7}, {R"({playbook="disk-cleanup"})", 0.5}}}},
      {R"(topk(5, sum by (alert) (count_over_time({job="remediation-decisions"}[24h]))))",
       {.vector = {{R"({alert="JellyfinDown"})", 6}, {R"({alert="SystemDiskSpaceCritical"})", 2},
                   {R"({alert="NextcloudSlow"})", 1}}}},
      {R"(sum by (alert) (count_over_time({job="remediation-decisions"}[15m])) > 3)",
       {.vector = {{R"({alert="JellyfinDown"})", 4}}}},
      {R"({job="remediation-decisions"} | line_format "{{ __timestamp__ | date \"15:04\" }} - {{.alert}}")",
       {.entries = 9, .first_line = "12:58 - NextcloudSlow"}},
      {R"({job="traefik-access", service="jellyfin@docker"} | status >= 500)",
       {.entries = 3, .first_line = "/web/index.html"}},
      {R"(sum(rate({job="traefik-access", service="jellyfin@docker"} | status >= 500 [5m])))",
       {.vector = {{"{}", 1.0 / 300}}}},
      {R"(rate({job="traefik-access", service="jellyfin@docker", status=~"5.."}[5m]))",
       {.vector = {{R"({host="fedora-htpc", job="traefik-access", method="GET", service="jellyfin@docker", status="502"})",
                    1.0 / 300}}}},
      {R"(sum by (service) (count_over_time({job="traefik-access", status=~"5.."}[1h])))",
       {.vector = {{R"({service="jellyfin@docker"})", 3}, {R"({service="nextcloud@docker"})", 1}}}},
      {R"(sum by (ServiceName) (count_over_time({job="traefik-json"} | json | __error__="" | DownstreamStatus >= 500 [1h])))",
       {.vector = {{R"({ServiceName="jellyfin@docker"})", 1}, {R"({ServiceName="nextcloud@docker"})", 1}}}},
      {R"(quantile_over_time(0.95, {job="traefik-json"} | json | __error__="" | unwrap Duration [1h]) by (ServiceName))",
       {.vector = {{R"({ServiceName="jellyfin@docker"})", 2e7 * 0.05 + 1.5e9 * 0.95},
                   {R"({ServiceName="nextcloud@docker"})", 3e8}}}},
  };
  std::ifstream in(std::string(REMEDIATOR_SOURCE_DIR) + "/docs/logql-guide.md");
  ASSERT_TRUE(in) << "docs/logql-guide.md not found";
  std::string line, block;
  bool inside = false;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    if (!inside && line == "```logql") {
      inside = true;
      block.clear();
      continue;
    }
    if (inside && line == "```") {
      inside = false;
      seen.insert(block);
      auto it = cases.find(block);
      EXPECT_NE(it, cases.end()) << "guide example not covered by this test: " << block;
      if (it != cases.end()) Check(block, Run(block), it->second);
      continue;
    }
    if (inside) block += (block.empty() ? "" : "\n") + line;
  }
  EXPECT_EQ(seen.size(), cases.size()) << "a case here is no longer in the guide";
}

}  // namespace
}  // namespace remediator::logql
