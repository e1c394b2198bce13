// Requests that declare no body (no Content-Length, not chunked) are answered at once:
// httplib alone would read until the peer closes and answer 400 after its 5 s read timeout.
// Raw sockets, because httplib's client always sends a Content-Length on POST.

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/fake_service.h"
#include "http/raw_connection.h"
#include "http/running_server.h"
#include "http/server.h"

namespace remediator::http {
namespace {

constexpr const char* kToken = "s3cret-token";

class BodyLengthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.auth = Authenticator::FromSecrets(kToken, std::nullopt);
    options.threads = 4;
    Result<int> port = running_.Start(std::move(options), service_);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void TearDown() override { running_.StopAndJoin(); }

  testing::FakeService service_;
  testing::RunningServer running_;
  int port_ = 0;
};

std::string Post(const std::string& path, const std::string& headers) {
  return "POST " + path + " HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
}

TEST_F(BodyLengthTest, RequestsWithoutALengthAreAnsweredAtOnce) {
  const std::string bearer = std::string("Authorization: Bearer ") + kToken + "\r\n";
  struct Case {
    std::string name;
    std::string request;
    std::string want_status_line;
    std::string want_in_body;
  };
  const Case cases[] = {
      {"webhook without credentials", Post("/webhook", ""), "HTTP/1.1 401", "credentials"},
      {"webhook with a wrong token", Post("/webhook", "Authorization: Bearer nope\r\n"),
       "HTTP/1.1 401", "credentials"},
      {"webhook, authenticated", Post("/webhook", bearer + "Content-Type: application/json\r\n"),
       "HTTP/1.1 411", "Content-Length required"},
      {"alternate webhook path", Post("/api/v1/alerts/webhook", bearer), "HTTP/1.1 411",
       "Content-Length"},
      {"pause without credentials", Post("/api/v1/pause", ""), "HTTP/1.1 401", "credentials"},
      {"unknown path", Post("/nowhere", bearer), "HTTP/1.1 411", "Content-Length"},
      {"PUT", "PUT /webhook HTTP/1.1\r\nHost: test\r\n" + bearer + "\r\n", "HTTP/1.1 411",
       "Content-Length"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    testing::RawConnection conn(port_);
    ASSERT_TRUE(conn.connected());
    auto start = std::chrono::steady_clock::now();
    std::string response = conn.Exchange(tc.request);
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(response.empty()) << "no answer within 3 s";
    EXPECT_LT(took, std::chrono::seconds(2));
    EXPECT_EQ(response.substr(0, tc.want_status_line.size()), tc.want_status_line) << response;
    EXPECT_NE(response.find(tc.want_in_body), std::string::npos) << response;
  }
  EXPECT_EQ(service_.submits(), 0);
  EXPECT_FALSE(service_.paused());
  EXPECT_EQ(running_.server().webhook_requests().Get(401), 2u);
  EXPECT_EQ(running_.server().webhook_requests().Get(411), 3u);  // PUT /webhook counts too
}

TEST_F(BodyLengthTest, ControlRoutesNeedNoBody) {
  // `curl -X POST URL` sends neither Content-Length nor a body.
  const std::string bearer = std::string("Authorization: Bearer ") + kToken + "\r\n";
  testing::RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  std::string r = conn.Exchange(Post("/api/v1/pause", bearer));
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 200") << r;
  EXPECT_TRUE(service_.paused());
  // The same connection goes on serving.
  r = conn.Exchange(Post("/api/v1/resume", bearer));
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 200") << r;
  EXPECT_FALSE(service_.paused());
  r = conn.Exchange(Post("/api/v1/circuits/restart-service/reset", bearer));
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 200") << r;
  EXPECT_EQ(service_.resets(), std::vector<std::string>{"restart-service"});
}

TEST_F(BodyLengthTest, ARejectedBodyIsDrainedAndTheConnectionStaysUsable) {
  const std::string body = R"({"alerts":[]})";
  testing::RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  std::string unauthenticated = Post("/webhook", "Content-Type: application/json\r\nContent-Length: " +
                                                     std::to_string(body.size()) + "\r\n") +
                                body;
  std::string r = conn.Exchange(unauthenticated);
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 401") << r;
  std::string ok = Post("/webhook", std::string("Authorization: Bearer ") + kToken +
                                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n") +
                   body;
  r = conn.Exchange(ok);
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 200") << r;
  EXPECT_EQ(service_.submits(), 1);
}

}  // namespace
}  // namespace remediator::http
