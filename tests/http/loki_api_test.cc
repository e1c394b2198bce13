// Loki's query API over a real embedded store, through real HTTP on loopback.
#include "http/loki_api.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "core/clock.h"
#include "store/store.h"

namespace remediator::http {
namespace {

constexpr int64_t kT0 = 1767225600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z

LogEntry Entry(Labels labels, int64_t ts, std::string line) {
  LogEntry e;
  e.timestamp_ns = ts;
  e.line = std::move(line);
  e.labels = std::move(labels);
  return e;
}

// A writer store with two jobs' streams, the API over a read-only view of it on a loopback port.
class LokiApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.dir = dir_.path() + "/store";
    o.sync = false;
    auto s = store::Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    writer_ = std::move(*s);
    Labels jelly = MakeLabels({{"job", "traefik-access"}, {"service", "jellyfin@docker"}, {"status", "500"}});
    Labels sonarr = MakeLabels({{"job", "traefik-access"}, {"service", "sonarr@docker"}, {"status", "200"}});
    Labels decisions = MakeLabels({{"job", "remediation-decisions"}, {"alert", "JellyfinDown"}});
    std::vector<LogEntry> batch;
    for (int i = 0; i < 60; ++i) {
      int64_t t = kT0 + i * kNanosPerMinute;
      batch.push_back(Entry(jelly, t, "GET /web/index.html " + std::to_string(i)));
      if (i % 2 == 0) batch.push_back(Entry(sonarr, t, "POST /api/v3/queue " + std::to_string(i)));
    }
    batch.push_back(Entry(decisions, kT0 + 30 * kNanosPerMinute, "restarted"));
    ASSERT_TRUE(writer_->Append(batch).ok());

    clock_.Set(kT0 + kNanosPerHour);
    source_ = std::make_unique<ReopeningStoreSource>(o.dir, clock_, 5 * kNanosPerSecond);
    RegisterLokiApi(server_, *source_, clock_, [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") == "Bearer secret") return true;
      res.status = 401;
      return false;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    runner_ = std::thread([this] { server_.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    ASSERT_TRUE(server_.is_running());
  }
  void TearDown() override {
    server_.stop();
    if (runner_.joinable()) runner_.join();
  }

  httplib::Result Get(const std::string& path, const httplib::Params& params, bool auth = true) {
    httplib::Client c("127.0.0.1", port_);
    httplib::Headers h;
    if (auth) h.emplace("Authorization", "Bearer secret");
    return c.Get(path, params, h);
  }

  testing::ScopedTempDir dir_{"loki_api_test"};
  std::unique_ptr<store::Store> writer_;
  FakeClock clock_;
  std::unique_ptr<ReopeningStoreSource> source_;
  httplib::Server server_;
  int port_ = 0;
  std::thread runner_;
};

TEST_F(LokiApiTest, QueryRangeMatrixWithLokisShape) {
  auto r = Get("/loki/api/v1/query_range",
               {{"query", R"(sum by (service) (count_over_time({job="traefik-access"}[30m])))"},
                {"start", std::to_string(kT0 / kNanosPerSecond)},
                {"end", std::to_string((kT0 + kNanosPerHour) / kNanosPerSecond)},
                {"step", "1800"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type").rfind("application/json", 0), 0u);
  // Windows (t-30m, t]: at 00:30 minutes 1..30 (30 jellyfin, 15 sonarr), at 01:00 31..59.
  EXPECT_NE(r->body.find(R"({"status":"success","data":{"resultType":"matrix","result":[)"), std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find(R"({"metric":{"service":"jellyfin@docker"},"values":[[1767225600,"1"],[1767227400,"30"],[1767229200,"29"]]})"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find(R"({"metric":{"service":"sonarr@docker"},"values":[[1767225600,"1"],[1767227400,"15"],[1767229200,"14"]]})"),
            std::string::npos)
      << r->body;
}

TEST_F(LokiApiTest, InstantQueryAndLogQueryWithLimitAndDirection) {
  auto v = Get("/loki/api/v1/query", {{"query", R"(count_over_time({alert="JellyfinDown"}[1h]))"},
                                      {"time", std::to_string(kT0 + kNanosPerHour)}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, 200) << v->body;
  EXPECT_NE(v->body.find(R"("resultType":"vector","result":[{"metric":{"alert":"JellyfinDown","job":"remediation-decisions"},"value":[1767229200,"1"]}])"),
            std::string::npos)
      << v->body;

  auto logs = Get("/loki/api/v1/query_range", {{"query", R"({service="sonarr@docker"} |= "POST")"},
                                               {"start", std::to_string(kT0)},
                                               {"end", std::to_string(kT0 + kNanosPerHour)},
                                               {"limit", "2"},
                                               {"direction", "FORWARD"}});
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->status, 200) << logs->body;
  EXPECT_NE(logs->body.find(R"("resultType":"streams","result":[{"stream":{"job":"traefik-access","service":"sonarr@docker","status":"200"},"values":[["1767225600000000000","POST /api/v3/queue 0"],["1767225720000000000","POST /api/v3/queue 2"]]}])"),
            std::string::npos)
      << logs->body;
}

TEST_F(LokiApiTest, ParseErrorsAndBadParametersAre400WithLokisErrorJson) {
  struct Case {
    httplib::Params params;
    std::string want;
  };
  const Case cases[] = {
      {{{"query", R"(sum(rate({job="x"}[5m])"}}, "parse error at line 1"},
      {{{"query", R"({job="x"})"}, {"step", "-1"}}, "invalid parameter \\\"step\\\""},
      {{{"query", R"({job="x"})"}, {"start", "yesterday"}}, "invalid parameter \\\"start\\\""},
      {{{"query", R"({job="x"})"}, {"direction", "sideways"}}, "invalid parameter \\\"direction\\\""},
      {{{"query", R"({job="x"})"}, {"limit", "100000"}}, "max entries limit"},
      {{}, "invalid parameter \\\"query\\\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    auto r = Get("/loki/api/v1/query_range", c.params);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->body.rfind(R"({"status":"error","errorType":"bad_data","error":")", 0), 0u) << r->body;
    EXPECT_NE(r->body.find(c.want), std::string::npos) << r->body;
  }
}

TEST_F(LokiApiTest, LabelsValuesAndSeries) {
  auto labels = Get("/loki/api/v1/labels", {});
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->status, 200);
  EXPECT_EQ(labels->body, R"({"status":"success","data":["alert","job","service","status"]})");

  auto values = Get("/loki/api/v1/label/service/values", {{"query", R"({status="500"})"}});
  ASSERT_TRUE(values);
  EXPECT_EQ(values->body, R"({"status":"success","data":["jellyfin@docker"]})");

  auto jobs = Get("/loki/api/v1/label/job/values", {});
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->body, R"({"status":"success","data":["remediation-decisions","traefik-access"]})");

  auto series = Get("/loki/api/v1/series", {{"match[]", R"({job="traefik-access"})"}, {"match[]", R"({alert=~"Jelly.*"})"}});
  ASSERT_TRUE(series);
  EXPECT_EQ(series->status, 200) << series->body;
  EXPECT_EQ(series->body,
            R"({"status":"success","data":[{"alert":"JellyfinDown","job":"remediation-decisions"},)"
            R"({"job":"traefik-access","service":"jellyfin@docker","status":"500"},)"
            R"({"job":"traefik-access","service":"sonarr@docker","status":"200"}]})");

  // Outside the default 6 h look-back: nothing.
  clock_.Advance(7 * kNanosPerHour);
  auto old = Get("/loki/api/v1/labels", {});
  ASSERT_TRUE(old);
  EXPECT_EQ(old->body, R"({"status":"success","data":[]})");

  auto no_match = Get("/loki/api/v1/series", {});
  ASSERT_TRUE(no_match);
  EXPECT_EQ(no_match->status, 400);
}

TEST_F(LokiApiTest, PostFormBodyWorksLikeGet) {
  httplib::Client c("127.0.0.1", port_);
  httplib::Headers h{{"Authorization", "Bearer secret"}};
  auto r = c.Post("/loki/api/v1/query", h,
                  "query=count_over_time(%7Balert%3D%22JellyfinDown%22%7D%5B1h%5D)&time=1767229200",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find(R"("value":[1767229200,"1"])"), std::string::npos) << r->body;
}

TEST_F(LokiApiTest, NewEntriesShowUpAfterTheViewIsReopened) {
  auto count = [&] {
    auto r = Get("/loki/api/v1/query", {{"query", R"(sum(count_over_time({job="remediation-decisions"}[2h])))"}});
    EXPECT_TRUE(r);
    return r ? r->body : "";
  };
  EXPECT_NE(count().find(R"(,"1"])"), std::string::npos);
  std::vector<LogEntry> more{Entry(MakeLabels({{"job", "remediation-decisions"}, {"alert", "JellyfinDown"}}),
                                   kT0 + 50 * kNanosPerMinute, "restarted again")};
  ASSERT_TRUE(writer_->Append(more).ok());
  EXPECT_NE(count().find(R"(,"1"])"), std::string::npos);  // the view is at most 5 s old
  clock_.Advance(6 * kNanosPerSecond);
  EXPECT_NE(count().find(R"(,"2"])"), std::string::npos) << count();
}

// `remediator query --addr` against this server prints what the engine answers locally.
TEST_F(LokiApiTest, QueryCommandWithAddrReadsTheApi) {
  const std::string binary = REMEDIATOR_BINARY;
  if (!std::ifstream(binary).good()) GTEST_SKIP() << "remediator binary not built: " << binary;
  const std::string token = dir_.path() + "/token";
  std::ofstream(token) << "secret\n";
  auto run = [&](const std::string& args) {
    std::string cmd = binary + " query --addr http://127.0.0.1:" + std::to_string(port_) +
                      " --bearer-token-file " + token + " " + args + " 2>&1";
    int status = -1;
    std::string out = testing::RunCommand(cmd, status);
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto [code, out] = run(R"('sum by (service) (count_over_time({job="traefik-access"}[30m]))' --start 1767225600 )"
                         R"(--end 1767229200 --step 30m)");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out,
            "{service=\"jellyfin@docker\"}\n  2026-01-01T00:00:00Z 1\n  2026-01-01T00:30:00Z 30\n  2026-01-01T01:00:00Z 29\n"
            "{service=\"sonarr@docker\"}\n  2026-01-01T00:00:00Z 1\n  2026-01-01T00:30:00Z 15\n  2026-01-01T01:00:00Z 14\n");
  auto [lcode, lout] = run(R"('{service="sonarr@docker"}' --start 1767225600 --end 1767229200 --limit 2 -o raw)");
  EXPECT_EQ(lcode, 0) << lout;
  EXPECT_EQ(lout, "POST /api/v3/queue 58\nPOST /api/v3/queue 56\n");
  auto [ecode, eout] = run(R"('sum(rate({job="x"}[5m])' --since 1h)");
  EXPECT_EQ(ecode, 1);
  EXPECT_NE(eout.find("answered 400: parse error at line 1"), std::string::npos) << eout;
}

TEST_F(LokiApiTest, GrafanasHealthCheckAndBuildInfo) {
  auto health = Get("/loki/api/v1/query", {{"query", "vector(1)+vector(1)"}, {"time", "1767229200"}});
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->body.find(R"("result":[{"metric":{},"value":[1767229200,"2"]}])"), std::string::npos)
      << health->body;
  auto info = Get("/loki/api/v1/status/buildinfo", {});
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, 200);
  EXPECT_NE(info->body.find(R"("version":"2.9.0")"), std::string::npos) << info->body;
}

TEST(LokiApiStore, AMissingStoreIs503Unavailable) {
  FakeClock clock(kT0);
  ReopeningStoreSource source("/nonexistent/remediator-store", clock, kNanosPerSecond);
  httplib::Server server;
  RegisterLokiApi(server, source, clock, nullptr);
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread runner([&] { server.listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/loki/api/v1/labels");
  server.stop();
  runner.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body.rfind(R"({"status":"error","errorType":"unavailable","error":")", 0), 0u) << r->body;
}

TEST_F(LokiApiTest, UnauthorizedRequestsGet401) {
  auto r = Get("/loki/api/v1/labels", {}, /*auth=*/false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

}  // namespace
}  // namespace remediator::http
