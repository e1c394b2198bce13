#include "http/server.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "http/fake_service.h"
#include "http/running_server.h"

namespace remediator::http {
namespace {

constexpr const char* kToken = "s3cret-token";
constexpr size_t kBodyLimit = 4096;

const std::string kPayload = R"({
  "version": "4", "groupKey": "{}:{alertname=\"ServiceDown\"}", "truncatedAlerts": 0,
  "status": "firing", "receiver": "remediator", "externalURL": "http://am:9093",
  "groupLabels": {"alertname": "ServiceDown"}, "commonLabels": {}, "commonAnnotations": {},
  "notification_reason": "first notification", "routeLabels": {"x": "y"},
  "alerts": [
    {"status": "firing", "labels": {"alertname": "ServiceDown", "name": "jellyfin"},
     "annotations": {}, "startsAt": "2026-11-27T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
     "generatorURL": "http://prom/graph", "fingerprint": "aaaa"},
    {"status": "firing", "labels": {"alertname": "DiskFull", "mountpoint": "/"},
     "annotations": {}, "startsAt": "2026-11-27T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
     "generatorURL": "", "fingerprint": "bbbb"}
  ]
})";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.auth = Authenticator::FromSecrets(kToken, std::make_pair("am", "pw"));
    options.max_body_bytes = kBodyLimit;
    options.threads = 4;
    Result<int> port = running_.Start(std::move(options), service_);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void TearDown() override { running_.StopAndJoin(); }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(10);
    return c;
  }
  httplib::Headers Bearer() { return {{"Authorization", std::string("Bearer ") + kToken}}; }

  testing::FakeService service_;
  testing::RunningServer running_;
  int port_ = 0;
};

TEST_F(ServerTest, AcceptsAValidWebhookAndAnswersOneDecisionPerAlert) {
  httplib::Client c = Client();
  for (const char* path : {"/webhook", "/api/v1/alerts/webhook"}) {
    httplib::Result r = c.Post(path, Bearer(), kPayload, "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(r->body.find(R"("alert":"ServiceDown","fingerprint":"aaaa","playbook":"restart-service","action":"executed")"),
              std::string::npos)
        << r->body;
    EXPECT_NE(r->body.find(R"("alert":"DiskFull","fingerprint":"bbbb")"), std::string::npos);
    EXPECT_NE(r->body.find(R"("decision_id":")"), std::string::npos);
  }
  EXPECT_EQ(service_.submits(), 2);
}

TEST_F(ServerTest, AcceptsBasicAuthAndJsonWithCharset) {
  httplib::Client c = Client();
  c.set_basic_auth("am", "pw");
  httplib::Result r = c.Post("/webhook", kPayload, "application/json; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(service_.submits(), 1);
}

// Every bad input of issue 2 section 2: its status, a JSON error, and nothing submitted.
TEST_F(ServerTest, BadInputGetsItsStatusAndRunsNothing) {
  const std::string big(kBodyLimit + 1, ' ');
  struct Case {
    std::string name;
    std::string method;
    std::string path;
    httplib::Headers headers;
    std::string body;
    std::string content_type;
    int want_status;
    std::string want_in_body;
  };
  const httplib::Headers bearer = Bearer();
  const httplib::Headers wrong = {{"Authorization", "Bearer not-the-token"}};
  const httplib::Headers basic_wrong = {{"Authorization", "Basic YW06cHd4"}};  // am:pwx
  const Case cases[] = {
      {"no credentials", "POST", "/webhook", {}, kPayload, "application/json", 401, "credentials"},
      {"wrong token", "POST", "/webhook", wrong, kPayload, "application/json", 401, "credentials"},
      {"wrong basic password", "POST", "/webhook", basic_wrong, kPayload, "application/json", 401,
       "credentials"},
      {"text/plain", "POST", "/webhook", bearer, kPayload, "text/plain", 415, "application/json"},
      {"form", "POST", "/webhook", bearer, "a=b", "application/x-www-form-urlencoded", 415,
       "Content-Type"},
      {"malformed JSON", "POST", "/webhook", bearer, R"({"alerts": [)", "application/json", 400,
       "malformed JSON"},
      {"empty body", "POST", "/webhook", bearer, "", "application/json", 400, "invalid webhook"},
      {"not an object", "POST", "/webhook", bearer, "[1,2]", "application/json", 400, "object"},
      {"alerts missing", "POST", "/webhook", bearer, R"({"version":"4","status":"firing"})",
       "application/json", 400, "alerts"},
      {"alerts not an array", "POST", "/webhook", bearer, R"({"alerts":{}})", "application/json",
       400, "alerts"},
      {"labels not an object", "POST", "/webhook", bearer,
       R"({"alerts":[{"status":"firing","labels":[]}]})", "application/json", 400,
       "alerts[0].labels"},
      {"alert status missing", "POST", "/webhook", bearer, R"({"alerts":[{"labels":{}}]})",
       "application/json", 400, "alerts[0].status"},
      {"bad startsAt", "POST", "/webhook", bearer,
       R"({"alerts":[{"status":"firing","labels":{},"startsAt":"yesterday"}]})",
       "application/json", 400, "alerts[0].startsAt"},
      {"over the body limit", "POST", "/webhook", bearer, big, "application/json", 413,
       "too large"},
      {"GET", "GET", "/webhook", bearer, "", "", 405, "not allowed"},
      {"PUT", "PUT", "/webhook", bearer, kPayload, "application/json", 405, "not allowed"},
      {"DELETE", "DELETE", "/api/v1/alerts/webhook", bearer, "", "", 405, "not allowed"},
      {"unknown path", "POST", "/hook", bearer, kPayload, "application/json", 404, "/hook"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    httplib::Client c = Client();
    auto send = [&]() -> httplib::Result {
      if (tc.method == "POST") {
        return c.Post(tc.path.c_str(), tc.headers, tc.body, tc.content_type.c_str());
      }
      if (tc.method == "PUT") {
        return c.Put(tc.path.c_str(), tc.headers, tc.body, tc.content_type.c_str());
      }
      if (tc.method == "DELETE") return c.Delete(tc.path.c_str(), tc.headers);
      return c.Get(tc.path.c_str(), tc.headers);
    };
    httplib::Result r = send();
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, tc.want_status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(r->body.find(R"("status":"error")"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find(tc.want_in_body), std::string::npos) << r->body;
    if (tc.want_status == 405) {
      EXPECT_EQ(r->get_header_value("Allow"), "POST");
    }
  }
  EXPECT_EQ(service_.submits(), 0);
  EXPECT_EQ(running_.server().webhook_requests().Get(401), 3u);
  EXPECT_EQ(running_.server().webhook_requests().Get(413), 1u);
}

TEST_F(ServerTest, AnswersServiceUnavailableWhenDecisionsCouldNotBeRecorded) {
  service_.set_submit_error(Unavailable("decision log: fsync failed"));
  httplib::Client c = Client();
  httplib::Result r = c.Post("/webhook", Bearer(), kPayload, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);  // Alertmanager retries 5xx
  EXPECT_NE(r->body.find("fsync failed"), std::string::npos);

  service_.set_submit_error(Internal("state: disk I/O error"));
  r = c.Post("/webhook", Bearer(), kPayload, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST_F(ServerTest, KillSwitchNeedsAuthAndFlipsPause) {
  httplib::Client c = Client();
  httplib::Result r = c.Post("/api/v1/pause", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_FALSE(service_.paused());

  r = c.Post("/api/v1/pause", Bearer(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"status\":\"success\",\"paused\":true}\n");
  EXPECT_TRUE(service_.paused());

  r = c.Post("/webhook", Bearer(), kPayload, "application/json");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find(R"("action":"paused")"), std::string::npos);

  r = c.Get("/api/v1/pause", Bearer());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);

  r = c.Post("/api/v1/resume", Bearer(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(service_.paused());
}

TEST_F(ServerTest, CircuitReset) {
  httplib::Client c = Client();
  httplib::Result r = c.Post("/api/v1/circuits/restart-service/reset", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_TRUE(service_.resets().empty());

  r = c.Post("/api/v1/circuits/restart-service/reset", Bearer(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find(R"("playbook":"restart-service")"), std::string::npos);
  EXPECT_EQ(service_.resets(), std::vector<std::string>{"restart-service"});

  r = c.Post("/api/v1/circuits/nope/reset", Bearer(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("nope"), std::string::npos);
}

TEST_F(ServerTest, HealthReadyStatusAndMetrics) {
  httplib::Client c = Client();
  httplib::Result r = c.Get("/-/healthy");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = c.Get("/-/ready");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = c.Get("/api/v1/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"paused\":false,\"circuits\":{}}\n");
  r = c.Post("/metrics", "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);

  ASSERT_TRUE(c.Post("/webhook", kPayload, "application/json"));  // 401
  ASSERT_TRUE(c.Post("/webhook", Bearer(), kPayload, "application/json"));
  r = c.Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r->body.find("remediator_decisions_total{action=\"executed\""), std::string::npos);
  EXPECT_NE(r->body.find("remediator_webhook_requests_total{code=\"401\"} 1\n"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("remediator_webhook_requests_total{code=\"200\"} 1\n"),
            std::string::npos);

  // promtool, when installed, must accept the exposition.
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed";
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("metrics_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << r->body;
  std::string cmd = "/usr/bin/promtool check metrics < " + file.string() + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int rc = ::pclose(p);
  std::filesystem::remove(file);
  EXPECT_EQ(rc, 0) << out;
}

TEST(ServerLifecycle, StopBeforeRunAndReadyFlips) {
  testing::FakeService service;
  ServerOptions options;
  options.auth = Authenticator::Insecure();
  Server s(std::move(options), service);
  ASSERT_TRUE(s.Bind({"127.0.0.1", 0}).ok());
  EXPECT_FALSE(s.ready());
  s.Stop();
  EXPECT_TRUE(s.Run().ok());  // returns at once
  EXPECT_FALSE(s.ready());
}

TEST(ServerLifecycle, BindFailsOnAPortInUse) {
  testing::FakeService service;
  Server a(ServerOptions{}, service);
  Result<int> port = a.Bind({"127.0.0.1", 0});
  ASSERT_TRUE(port.ok());
  Server b(ServerOptions{}, service);
  Result<int> again = b.Bind({"127.0.0.1", *port});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(again.status().message().find(std::to_string(*port)), std::string::npos);
}

}  // namespace
}  // namespace remediator::http
