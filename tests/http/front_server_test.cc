// The event-loop front of the server: pipelining, handing connections to the httplib routes,
// Expect: 100-continue, limits, and answers that wait until the decisions are recorded.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "http/fake_service.h"
#include "http/raw_connection.h"
#include "http/running_server.h"
#include "http/server.h"

namespace remediator::http {
namespace {

constexpr const char* kToken = "s3cret-token";
constexpr size_t kBodyLimit = 4096;
const std::string kBody =
    R"({"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A"},)"
    R"("startsAt":"2026-11-27T10:00:00Z","fingerprint":"f1"}]})";

// Holds SubmitAsync's answers until Release(), like a decision log whose fsync is slow.
class DeferredService final : public remediation::RemediationService {
 public:
  Result<std::vector<remediation::DecisionSummary>> Submit(const alerts::Payload& p) override {
    return fake_.Submit(p);
  }
  void SubmitAsync(const alerts::Payload& p, SubmitCallback done) override {
    auto r = fake_.Submit(p);
    std::lock_guard<std::mutex> lock(mu_);
    held_.emplace_back(std::move(done), std::move(r));
  }
  Status SetPaused(bool paused) override { return fake_.SetPaused(paused); }
  bool paused() const override { return fake_.paused(); }
  Status ResetCircuit(std::string_view pb) override { return fake_.ResetCircuit(pb); }
  std::string StatusJson() const override { return fake_.StatusJson(); }
  void AppendMetrics(std::string& out) const override { fake_.AppendMetrics(out); }

  size_t held() {
    std::lock_guard<std::mutex> lock(mu_);
    return held_.size();
  }
  // Completes the held submits from another thread (as the log's flusher does).
  void Release() {
    std::vector<std::pair<SubmitCallback, Result<std::vector<remediation::DecisionSummary>>>> h;
    {
      std::lock_guard<std::mutex> lock(mu_);
      h.swap(held_);
    }
    std::thread([h = std::move(h)]() mutable {
      for (auto& [cb, r] : h) cb(std::move(r));
    }).join();
  }

 private:
  testing::FakeService fake_;
  std::mutex mu_;
  std::vector<std::pair<SubmitCallback, Result<std::vector<remediation::DecisionSummary>>>> held_;
};

std::string Webhook(const std::string& body, const std::string& extra_headers = "") {
  return std::string("POST /webhook HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ") + kToken +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra_headers + "\r\n" + body;
}

std::string StatusLine(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

template <typename Service>
class FrontTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.auth = Authenticator::FromSecrets(kToken, std::nullopt);
    options.max_body_bytes = kBodyLimit;
    options.threads = 2;
    Result<int> port = running_.Start(std::move(options), service_);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void TearDown() override { running_.StopAndJoin(); }

  Service service_;
  testing::RunningServer running_;
  int port_ = 0;
};

using FrontServerTest = FrontTest<testing::FakeService>;
using DeferredFrontTest = FrontTest<DeferredService>;

TEST_F(FrontServerTest, PipelinedWebhooksAreAnsweredInOrder) {
  testing::RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(Webhook(kBody) + Webhook(kBody) + Webhook("{")));
  std::string a = conn.Read(), b = conn.Read(), c = conn.Read();
  EXPECT_EQ(StatusLine(a), "HTTP/1.1 200 OK") << a;
  EXPECT_NE(a.find(R"("decision_id":"d1")"), std::string::npos) << a;
  EXPECT_NE(b.find(R"("decision_id":"d2")"), std::string::npos) << b;
  EXPECT_EQ(StatusLine(c), "HTTP/1.1 400 Bad Request") << c;
  EXPECT_NE(c.find("malformed JSON"), std::string::npos) << c;
  EXPECT_EQ(running_.server().webhook_requests().Get(200), 2u);
}

// A client that sends many requests before reading any answer: the answers outgrow the
// socket buffers, the loop's sends block (EAGAIN), and the rest must go out once the client
// reads (EPOLLOUT is watched only while a send is blocked).
TEST_F(FrontServerTest, AnswersThatOutgrowTheSocketBuffersAreAllSent) {
  testing::RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  constexpr int kRequests = 20000;  // ~7 MB of answers, more than loopback buffers hold
  std::string all;
  for (int i = 0; i < kRequests; ++i) all += Webhook(kBody);
  bool sent = false;
  std::thread sender([&] { sent = conn.Send(all); });
  sender.join();
  ASSERT_TRUE(sent);
  // Every answer queued before the client reads one: the tail is left to EPOLLOUT.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (running_.server().webhook_requests().Get(200) < static_cast<uint64_t>(kRequests) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(running_.server().webhook_requests().Get(200), static_cast<uint64_t>(kRequests));
  for (int i = 1; i <= kRequests; ++i) {
    std::string a = conn.Read();
    ASSERT_EQ(StatusLine(a), "HTTP/1.1 200 OK") << "answer " << i << ": " << a;
    ASSERT_NE(a.find("\"decision_id\":\"d" + std::to_string(i) + "\""), std::string::npos)
        << "answer " << i << ": " << a;
  }
}

TEST_F(FrontServerTest, OtherRequestsOnTheConnectionGoToTheRoutes) {
  testing::RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(Webhook(kBody) + "GET /-/healthy HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::string a = conn.Read(), b = conn.Read();
  EXPECT_EQ(StatusLine(a), "HTTP/1.1 200 OK") << a;
  EXPECT_NE(a.find(R"("action":"executed")"), std::string::npos) << a;
  EXPECT_EQ(StatusLine(b), "HTTP/1.1 200 OK") << b;
  EXPECT_NE(b.find("Healthy."), std::string::npos) << b;
  // The connection now belongs to the routes; webhooks still work on it.
  std::string c = conn.Exchange(Webhook(kBody));
  EXPECT_EQ(StatusLine(c), "HTTP/1.1 200 OK") << c;
  EXPECT_NE(c.find(R"("decision_id":"d2")"), std::string::npos) << c;
  std::string m = conn.Exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(m.find("remediator_webhook_requests_total{code=\"200\"} 2"), std::string::npos) << m;
}

TEST_F(FrontServerTest, ExpectContinue) {
  testing::RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  std::string request = Webhook(kBody, "Expect: 100-continue\r\n");
  std::string head = request.substr(0, request.size() - kBody.size());
  std::string cont = conn.Exchange(head);
  EXPECT_EQ(StatusLine(cont), "HTTP/1.1 100 Continue") << cont;
  std::string r = conn.Exchange(kBody);
  EXPECT_EQ(StatusLine(r), "HTTP/1.1 200 OK") << r;
}

TEST_F(FrontServerTest, LimitsAndRejections) {
  {
    testing::RawConnection conn(port_);
    std::string r = conn.Exchange(Webhook(std::string(kBodyLimit + 1, ' ')));
    EXPECT_EQ(StatusLine(r), "HTTP/1.1 413 Payload Too Large") << r;
    EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
    EXPECT_EQ(conn.Read(), "");
    EXPECT_TRUE(conn.closed());
  }
  {
    testing::RawConnection conn(port_);
    std::string unauth = "POST /webhook HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         "Content-Length: " + std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
    std::string r = conn.Exchange(unauth);
    EXPECT_EQ(StatusLine(r), "HTTP/1.1 401 Unauthorized") << r;
    EXPECT_NE(r.find("WWW-Authenticate: Bearer"), std::string::npos) << r;
    // The rejected body was skipped: the connection serves the next request.
    r = conn.Exchange(Webhook(kBody, "Connection: close\r\n"));
    EXPECT_EQ(StatusLine(r), "HTTP/1.1 200 OK") << r;
    EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
    EXPECT_EQ(conn.Read(), "");
    EXPECT_TRUE(conn.closed());
  }
  {
    testing::RawConnection conn(port_);
    std::string text_plain = Webhook(kBody);
    text_plain.replace(text_plain.find("application/json"), 16, "text/plain");
    std::string r = conn.Exchange(text_plain);
    EXPECT_EQ(StatusLine(r), "HTTP/1.1 415 Unsupported Media Type") << r;
  }
}

// A client that sends its request and its end (FIN) at once, and reads until the server
// closes: the end arrives with the request, in one readiness edge, and must still be seen
// (the server closed such connections only at the 30 s idle timeout; found by
// fuzz/http_front_fuzz).
TEST_F(FrontServerTest, ClientsEndThatComesWithItsRequestClosesTheConnection) {
  std::string bad_json = Webhook("{\"version\":\"4\",\"alerts\":[");
  std::string unauthorized = Webhook(kBody);
  unauthorized.replace(unauthorized.find(kToken), std::string_view(kToken).size(), "nope");
  const std::pair<std::string, std::string> cases[] = {
      {Webhook(kBody), "HTTP/1.1 200 OK"},
      {bad_json, "HTTP/1.1 400 Bad Request"},
      {unauthorized, "HTTP/1.1 401 Unauthorized"},
  };
  for (const auto& [request, status] : cases) {
    SCOPED_TRACE(status);
    for (int round = 0; round < 3; ++round) {
      testing::RawConnection conn(port_);
      ASSERT_TRUE(conn.Send(request));
      conn.ShutdownWrite();
      std::string r = conn.Read();
      EXPECT_EQ(StatusLine(r), status) << r;
      EXPECT_EQ(conn.Read(), "");
      EXPECT_TRUE(conn.closed()) << "still open after 3 s";
    }
  }
}

TEST_F(DeferredFrontTest, AnswersWaitUntilTheDecisionsAreRecorded) {
  testing::RawConnection a(port_), b(port_);
  ASSERT_TRUE(a.Send(Webhook(kBody)));
  ASSERT_TRUE(b.Send(Webhook(kBody)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (service_.held() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(service_.held(), 2u);  // both decided, neither answered yet
  EXPECT_EQ(running_.server().webhook_requests().Get(200), 0u);
  service_.Release();
  EXPECT_EQ(StatusLine(a.Read()), "HTTP/1.1 200 OK");
  EXPECT_EQ(StatusLine(b.Read()), "HTTP/1.1 200 OK");
}

// Waits (with a deadline) until the service holds `n` submits.
template <typename Service>
bool WaitHeld(Service& service, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (service.held() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  return service.held() == n;
}

// The second of two pipelined requests waits in the loop's buffer while the first one's
// answer is decided; the thread that completes the first answers it on the socket itself
// and must then hand the connection back so the second is served.
TEST_F(DeferredFrontTest, APipelinedRequestIsServedAfterTheAnswerBeforeIt) {
  testing::RawConnection a(port_);
  ASSERT_TRUE(a.Send(Webhook(kBody) + Webhook(kBody)));
  ASSERT_TRUE(WaitHeld(service_, 1));
  service_.Release();
  std::string first = a.Read();
  EXPECT_EQ(StatusLine(first), "HTTP/1.1 200 OK") << first;
  EXPECT_NE(first.find(R"("decision_id":"d1")"), std::string::npos) << first;
  ASSERT_TRUE(WaitHeld(service_, 1));
  service_.Release();
  std::string second = a.Read();
  EXPECT_NE(second.find(R"("decision_id":"d2")"), std::string::npos) << second;
  EXPECT_EQ(running_.server().webhook_requests().Get(200), 2u);
}

// A client that half-closes while its answer is pending still gets the answer, and then
// the connection is closed (whichever of the EOF and the answer the loop sees first).
TEST_F(DeferredFrontTest, HalfCloseWhileTheAnswerIsPending) {
  testing::RawConnection a(port_);
  ASSERT_TRUE(a.Send(Webhook(kBody)));
  ASSERT_TRUE(WaitHeld(service_, 1));
  a.ShutdownWrite();
  service_.Release();
  EXPECT_EQ(StatusLine(a.Read()), "HTTP/1.1 200 OK");
  EXPECT_EQ(a.Read(), "");
  EXPECT_TRUE(a.closed());
}

TEST_F(DeferredFrontTest, StopWaitsForAnswersInFlight) {
  testing::RawConnection a(port_);
  ASSERT_TRUE(a.Send(Webhook(kBody)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (service_.held() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(service_.held(), 1u);
  running_.server().Stop();
  EXPECT_FALSE(running_.server().ready());
  service_.Release();
  EXPECT_EQ(StatusLine(a.Read()), "HTTP/1.1 200 OK");
  running_.Join();
}

}  // namespace
}  // namespace remediator::http
