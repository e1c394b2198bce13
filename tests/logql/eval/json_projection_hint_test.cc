// The engine's json_labels hint (StreamSelection::json_labels): which queries get it, and that
// a source acting on it — handing, for each line that is a JSON object, a JSON object of just
// the members JsonKeyMayYield accepts — changes no answer.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "logql/eval/engine.h"
#include "logql/json_projection.h"
#include "logql/source/memory_source.h"
#include "logql/hint_source.h"
#include "logql/json_projection_util.h"
#include "logql/same_answer.h"

namespace remediator::logql {
namespace {

class ProjectingCursor final : public EntryCursor {
 public:
  ProjectingCursor(EntryCursor& inner, const std::vector<std::string>& labels) : inner_(inner), labels_(labels) {}
  bool Next(EntryView& out) override {
    if (!inner_.Next(out)) return false;
    if (testing::ProjectJsonLine(out.line, labels_, buf_)) out.line = buf_;
    return true;
  }

 private:
  EntryCursor& inner_;
  const std::vector<std::string>& labels_;
  std::string buf_;
};

// Records the json_labels hint of every selection; with `project`, acts on it.
testing::HintSource<ProjectingCursor> ProjectingSource(const StreamSource& inner, bool project) {
  return testing::HintSource<ProjectingCursor>(inner, &StreamSelection::json_labels, project);
}

TEST(JsonProjectionSplitter, KeepsAcceptedMembersInOrder) {
  std::string out;
  ASSERT_TRUE(testing::ProjectJsonLine(R"( {"a": 1, "b" :{"c":[1,{"d":2}]}, "x":"y", "a":"2" } )", {"a", "b_c"}, out));
  EXPECT_EQ(out, R"({"a":1,"b":{"c":[1,{"d":2}]},"a":"2"})");
  ASSERT_TRUE(testing::ProjectJsonLine("{}", {"a"}, out));
  EXPECT_EQ(out, "{}");
  EXPECT_FALSE(testing::ProjectJsonLine(R"({"a":1,"b":)", {"a"}, out));
  EXPECT_FALSE(testing::ProjectJsonLine("GET /x 500", {"a"}, out));
  EXPECT_FALSE(testing::ProjectJsonLine(R"({"a":1} x)", {"a"}, out));
}

const int64_t kT0 = 1767272400LL * kNanosPerSecond;

// Traefik-like access lines plus the shapes the json stage treats specially.
const char* const kLines[] = {
    R"j({"ClientAddr":"10.0.0.1:5123","ClientHost":"10.0.0.1","DownstreamContentSize":1234,"DownstreamStatus":502,"Duration":12345678,"OriginDuration":12000000,"OriginStatus":502,"RequestAddr":"media.example","RequestHost":"media.example","RequestMethod":"GET","RequestPath":"/web/index.html?a=1\u0026b=2","RequestProtocol":"HTTP/1.1","RouterName":"jellyfin@docker","ServiceName":"jellyfin@docker","StartUTC":"2026-01-01T12:00:00Z","level":"info","msg":"","request_User-Agent":"Mozilla/5.0 (X11)","time":"2026-01-01T12:00:00Z"})j",
    R"j({"ClientHost":"10.0.0.2","DownstreamStatus":200,"Duration":2000000,"RequestMethod":"GET","RequestPath":"/Items/1","ServiceName":"jellyfin@docker","request_User-Agent":"curl/8.0","level":"info"})j",
    R"j({"ClientHost":"10.0.0.3","DownstreamStatus":500,"Duration":300000000,"RequestMethod":"POST","RequestPath":"/status.php","ServiceName":"nextcloud@docker","request_User-Agent":"Nextcloud-android","level":"info"})j",
    R"j({"DownstreamStatus":503,"Duration":7000000,"ServiceName":"nextcloud@docker","tls":{"version":"1.3","cipher":"TLS_AES_128_GCM_SHA256"},"request":{"Host":"cloud.example","User-Agent":"curl/8.0"}})j",
    R"j({"DownstreamStatus":504,"Duration":9000000,"msg":"upstream said {\"error\":\"timeout\"}","ServiceName":"jellyfin@docker"})j",
    R"j({"ServiceName":"dup-first","ServiceName":"dup-second","DownstreamStatus":500,"Duration":1000})j",
    R"j({"DownstreamStatus":500,"DownstreamStatus":200,"meta":{"x":1},"ServiceName":"dup-nested","Duration":2000})j",
    R"j({"Service-Name":"dash","1code":7,"DownstreamStatus":501,"Duration":3000,"ServiceName":"sanitized"})j",
    R"j({"job":"other","ServiceName":"collide","DownstreamStatus":502,"Duration":4000})j",
    R"j({"DownstreamStatus":null,"Duration":[1,2],"ServiceName":"nulls"})j",
    R"j({"deep":{"a":{"b":{"c":1}}},"DownstreamStatus":500,"Duration":5000,"ServiceName":"deep"})j",
    R"j({})j",
    // Keys the json stage names only after trimming or unescaping, beside a '{' in a value
    // that the projection drops (the stage's paths must agree).
    R"j({" ServiceName":"padded","msg":"{","DownstreamStatus":500,"Duration":10})j",
    R"j({"Service\u004eame":"escaped","msg":"{","DownstreamStatus":500,"Duration":11})j",
    "{\"DownstreamStatus\":500\t,\"Duration\":12 ,\"msg\":\"{\",\"ServiceName\":\"tabs\"}",
    R"j({"ServiceName":null,"ServiceName":"after-null","Duration":[1],"Duration":13,"DownstreamStatus":500,"x":{"y":1}})j",
    R"j({"--error--":"dashes","ServiceName":"error-key","DownstreamStatus":500,"Duration":15})j",
    R"j({"__error__":"literal","ServiceName":"error-key","DownstreamStatus":500,"Duration":16})j",
    R"j({"job_extracted":"literal","job":"other2","DownstreamStatus":500,"meta":{"z":1},"ServiceName":"extracted"})j",
};

// Lines the json stage or unwrap reject (in the stream host="bad").
const char* const kBadLines[] = {
    R"j({"ServiceName":"malformed","DownstreamStatus":500,"Duration":)j",
    "GET /x 500 not json",
    R"j({"DownstreamStatus":"500","Duration":"oops","ServiceName":"strings"})j",
};

// A member nested deeper than the stage walks, which names nothing wanted.
std::string DeepLine() {
  std::string s = R"({"junk":)";
  for (int i = 0; i < 70; ++i) s += R"({"a":)";
  s += "1";
  for (int i = 0; i < 70; ++i) s += "}";
  s += R"(,"DownstreamStatus":500,"Duration":14,"ServiceName":"deep70"})";
  return s;
}

class JsonProjectionHint : public ::testing::Test {
 protected:
  void SetUp() override {
    Labels a = MakeLabels({{"job", "traefik-access"}, {"host", "a"}});
    Labels b = MakeLabels({{"job", "traefik-access"}, {"host", "b"}});
    Labels bad = MakeLabels({{"job", "traefik-access"}, {"host", "bad"}});
    int i = 0;
    auto at = [&] { return kT0 - kNanosPerHour + int64_t{i++} * 23 * kNanosPerSecond; };
    for (int round = 0; round < 6; ++round) {
      for (const char* line : kLines) src_.Add(i % 3 == 0 ? b : a, at(), line);
      src_.Add(a, at(), DeepLine());
      for (const char* line : kBadLines) src_.Add(bad, at(), line);
    }
  }

  Result<QueryResult> Run(const StreamSource& source, const std::string& q, bool range) {
    Engine engine(source);
    QueryParams p;
    p.query = q;
    p.start_ns = range ? kT0 - kNanosPerHour : kT0;
    p.end_ns = kT0;
    p.step_ns = range ? 5 * kNanosPerMinute : 0;
    p.limit = 1000;
    return engine.Query(p);
  }

  MemoryStreamSource src_;
};

struct HintCase {
  std::string query;
  std::optional<std::vector<std::string>> hint;  // what every selection carries
};

TEST_F(JsonProjectionHint, SameAnswersWithProjectedLines) {
  using V = std::vector<std::string>;
  const std::vector<HintCase> cases = {
      // The seed's (b) and (c).
      {"sum by (ServiceName) (count_over_time(SEL | json | DownstreamStatus >= 500 [1h]))",
       V{"DownstreamStatus", "ServiceName"}},
      {"quantile_over_time(0.95, SEL | json | unwrap Duration [1h]) by (ServiceName)",
       V{"Duration", "ServiceName"}},
      {"sum by (ServiceName) (rate(SEL | json | DownstreamStatus > 1 | __error__=\"\" [5m]))",
       V{"DownstreamStatus", "ServiceName", "__error__"}},
      {"sum(count_over_time(SEL | json [5m]))", V{}},
      {"sum by (host) (count_over_time(SEL | json | DownstreamStatus >= 500 [10m]))",
       V{"DownstreamStatus", "host"}},
      {"avg_over_time(SEL | json | unwrap Duration | __error__=\"\" [10m]) by (ServiceName)",
       V{"Duration", "ServiceName", "__error__"}},
      {"sum by (svc) (sum_over_time(SEL | json | label_format svc=ServiceName | unwrap Duration [10m]))",
       V{"Duration", "ServiceName", "svc"}},
      {"max by (ServiceName) (max_over_time(SEL | json | drop ClientHost | unwrap Duration [10m]))",
       V{"ClientHost", "Duration", "ServiceName"}},
      {"sum by (job, job_extracted) (count_over_time(SEL | json [10m]))", V{"job", "job_extracted"}},
      {"sum by (tls_version, request_User_Agent) (count_over_time(SEL | json [10m]))",
       V{"request_User_Agent", "tls_version"}},
      {"sum by (Service_Name, _1code) (count_over_time(SEL | json | keep Service_Name, _1code [10m]))",
       V{"Service_Name", "_1code"}},
      {"sum by (ServiceName) (count_over_time(SEL | json | DownstreamStatus=~\"5..\" or Duration > 1000000 [10m]))",
       V{"DownstreamStatus", "Duration", "ServiceName"}},
      {"sum by (deep_a_b_c) (absent_over_time(SEL | json [10m]))", V{"deep_a_b_c"}},
      {"sum by (job_extracted) (count_over_time(SEL | json [10m]))", V{"job_extracted"}},
      {"sum by (ServiceName) (count_over_time(SEL | json | __error__!=\"\" [10m]))", V{"ServiceName", "__error__"}},
      // More names than the fast paths take.
      {"sum by (ClientAddr, ClientHost, DownstreamStatus, Duration, RequestMethod, RequestPath, ServiceName, level, "
       "msg, time) (count_over_time(SEL | json [10m]))",
       V{"ClientAddr", "ClientHost", "DownstreamStatus", "Duration", "RequestMethod", "RequestPath", "ServiceName",
         "level", "msg", "time"}},
      // Unwrap errors (a non-number Duration) must still fail the query the same way.
      {"sum by (ServiceName) (sum_over_time(SEL | json | unwrap Duration [10m]))", V{"Duration", "ServiceName"}},
      // No hint: the line is read, another parser runs, or the labels used are unknown.
      {"sum by (ServiceName) (count_over_time(SEL |= \"GET\" | json [10m]))", std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL | json |= \"GET\" [10m]))", std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL | json | ServiceName=\"x\" != \"y\" [10m]))", std::nullopt},
      {"sum by (s) (count_over_time(SEL | json s=\"ServiceName\" [10m]))", std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL | logfmt [10m]))", std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL | json | logfmt [10m]))", std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL | json | line_format \"{{.ServiceName}}\" [10m]))",
       std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL | json | decolorize [10m]))", std::nullopt},
      {"sum by (s) (count_over_time(SEL | json | label_format s=\"{{.ServiceName}}\" [10m]))", std::nullopt},
      {"sum by (ServiceName) (bytes_over_time(SEL | json [10m]))", std::nullopt},
      {"sum by (ServiceName) (bytes_rate(SEL | json [10m]))", std::nullopt},
      {"count_over_time(SEL | json [10m])", std::nullopt},
      {"sum without (host) (count_over_time(SEL | json [10m]))", std::nullopt},
      {"sum by (ServiceName) (count_over_time(SEL [10m]))", std::nullopt},
  };
  int answered = 0;
  for (const HintCase& c : cases) {
    for (const std::string selector : {R"({job="traefik-access"})", R"({job="traefik-access", host!="bad"})"})
    for (bool range : {false, true}) {
      std::string query = c.query;
      query.replace(query.find("SEL"), 3, selector);
      SCOPED_TRACE(query);
      auto plain = ProjectingSource(src_, false);
      auto projecting = ProjectingSource(src_, true);
      auto want = Run(plain, query, range);
      auto got = Run(projecting, query, range);
      ASSERT_EQ(want.ok(), got.ok()) << (want.ok() ? got.status().message() : want.status().message());
      if (!want.ok()) {
        EXPECT_EQ(want.status().message(), got.status().message());
      } else {
        testing::ExpectSameAnswer(*want, *got, query);
        if (!want->matrix.empty() || !want->vector.empty()) ++answered;
        EXPECT_EQ(want->vector.size(), got->vector.size());
        for (size_t i = 0; i < want->vector.size() && i < got->vector.size(); ++i) {
          EXPECT_EQ(want->vector[i].labels, got->vector[i].labels);
          EXPECT_EQ(want->vector[i].v, got->vector[i].v);
        }
      }
      std::vector<std::optional<std::vector<std::string>>> seen = projecting.seen();
      ASSERT_FALSE(seen.empty());
      for (const auto& h : seen) EXPECT_EQ(h, c.hint);
    }
  }
  EXPECT_GT(answered, static_cast<int>(cases.size()));  // most cases answer, not only fail alike
}

TEST_F(JsonProjectionHint, LogQueriesGetNoHint) {
  auto projecting = ProjectingSource(src_, true);
  auto got = Run(projecting, R"({job="traefik-access"} | json | DownstreamStatus >= 500)", true);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_FALSE(got->streams.empty());
  std::vector<std::optional<std::vector<std::string>>> seen = projecting.seen();
  ASSERT_FALSE(seen.empty());
  for (const auto& h : seen) EXPECT_EQ(h, std::nullopt);
}

}  // namespace
}  // namespace remediator::logql
