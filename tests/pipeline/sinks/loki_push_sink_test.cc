// The Loki push client against a real HTTP receiver on loopback (cpp-httplib, port 0) that
// decodes what it gets. Waits and randomness are injected: the test never sleeps.
#include <chrono>
#include "pipeline/sinks/loki_push_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <snappy.h>

#include "pipeline/sinks/logproto/push.pb.h"

namespace remediator::pipeline::sinks {
namespace {

struct Received {
  std::string content_type, tenant, authorization, content_encoding;
  std::string body;  // as sent
  logproto::PushRequest proto;  // decoded when protobuf
};

// A loopback receiver answering with scripted status codes (then 204).
class Receiver {
 public:
  Receiver() {
    server_.set_keep_alive_max_count(1);
    server_.Post("/loki/api/v1/push", [this](const httplib::Request& req, httplib::Response& res) {
      Received r;
      r.content_type = req.get_header_value("Content-Type");
      r.tenant = req.get_header_value("X-Scope-OrgID");
      r.authorization = req.get_header_value("Authorization");
      r.body = req.body;
      if (r.content_type == "application/x-protobuf") {
        std::string raw;
        if (!snappy::Uncompress(req.body.data(), req.body.size(), &raw) || !r.proto.ParseFromString(raw)) {
          res.status = 400;
          res.set_content("undecodable body", "text/plain");
          std::lock_guard l(mu_);
          ++undecodable_;
          return;
        }
      }
      std::lock_guard l(mu_);
      received_.push_back(std::move(r));
      if (!script_.empty()) {
        res.status = script_.front();
        script_.pop_front();
      } else {
        res.status = 204;
      }
      if (res.status >= 400) res.set_content("scripted failure", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib's stop() is lost when it runs before listen_after_bind() has started (the
    // destructor would then join a server that never stops): wait until it is running.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  void Script(std::deque<int> codes) {
    std::lock_guard l(mu_);
    script_ = std::move(codes);
  }
  std::vector<Received> received() {
    std::lock_guard l(mu_);
    return received_;
  }
  int undecodable() {
    std::lock_guard l(mu_);
    return undecodable_;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/loki/api/v1/push"; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<int> script_;
  std::vector<Received> received_;
  int undecodable_ = 0;
};

class RecordingWaiter final : public Waiter {
 public:
  void Wait(int64_t ns) override { waits.push_back(ns); }
  std::vector<int64_t> waits;
};

LogEntry Entry(Labels labels, int64_t ts, std::string line) {
  LogEntry e;
  e.labels = std::move(labels);
  e.timestamp_ns = ts;
  e.line = std::move(line);
  return e;
}

struct Harness {
  Receiver receiver;
  RecordingWaiter waiter;
  std::vector<std::string> logs;
  ClientConfig config;
  Harness() {
    config.url = receiver.url();
    config.backoff.min_period_ns = 100 * kNanosPerMilli;
    config.backoff.max_period_ns = 1 * kNanosPerSecond;
    config.backoff.max_retries = 3;
  }
  std::unique_ptr<LokiPushSink> Sink(PushEncoding enc = PushEncoding::kProtobuf) {
    LokiPushDeps deps;
    deps.waiter = &waiter;
    deps.random = [] { return uint64_t{0}; };  // lowest jitter: waits are exactly d/2
    deps.log = [this](std::string_view m) { logs.emplace_back(m); };
    return std::make_unique<LokiPushSink>(config, enc, std::move(deps));
  }
};

const Labels kTraefik = MakeLabels({{"job", "traefik"}, {"service", "jellyfin"}});
const Labels kDecisions = MakeLabels({{"job", "remediation-decisions"}});

TEST(LokiPushSinkTest, RetriesOn429And500ThenDeliversEverythingOnce) {
  Harness h;
  h.receiver.Script({429, 500, 204});
  auto sink = h.Sink();
  std::vector<LogEntry> batch = {Entry(kTraefik, 1'700'000'000'123'456'789, "GET /a"),
                                 Entry(kDecisions, 1'700'000'001'000'000'000, "restart ok"),
                                 Entry(kTraefik, 1'700'000'002'000'000'001, "GET /b")};
  batch[1].structured_metadata = MakeLabels({{"trace_id", "t1"}});
  ASSERT_TRUE(sink->Send(batch).ok());
  const auto got = h.receiver.received();
  ASSERT_EQ(got.size(), 3u);  // 429, 500, then accepted
  // Each attempt carried the whole batch, decoded from snappy protobuf.
  for (const Received& r : got) {
    EXPECT_EQ(r.content_type, "application/x-protobuf");
    ASSERT_EQ(r.proto.streams_size(), 2);
    EXPECT_EQ(r.proto.streams(0).labels(), R"({job="traefik", service="jellyfin"})");
    ASSERT_EQ(r.proto.streams(0).entries_size(), 2);
    EXPECT_EQ(r.proto.streams(0).entries(0).line(), "GET /a");
    EXPECT_EQ(r.proto.streams(0).entries(0).timestamp().seconds(), 1'700'000'000);
    EXPECT_EQ(r.proto.streams(0).entries(0).timestamp().nanos(), 123'456'789);
    EXPECT_EQ(r.proto.streams(0).entries(1).line(), "GET /b");
    EXPECT_EQ(r.proto.streams(1).labels(), R"({job="remediation-decisions"})");
    ASSERT_EQ(r.proto.streams(1).entries_size(), 1);
    ASSERT_EQ(r.proto.streams(1).entries(0).structuredmetadata_size(), 1);
    EXPECT_EQ(r.proto.streams(1).entries(0).structuredmetadata(0).value(), "t1");
  }
  // Exponential backoff: 100 ms then 200 ms, at the lowest jitter (half).
  EXPECT_EQ(h.waiter.waits, (std::vector<int64_t>{50 * kNanosPerMilli, 100 * kNanosPerMilli}));
  EXPECT_EQ(sink->stats().sent_entries.load(), 3u);
  EXPECT_EQ(sink->stats().retries.load(), 2u);
  EXPECT_EQ(sink->stats().dropped_entries.load(), 0u);
  EXPECT_EQ(h.receiver.undecodable(), 0);
}

TEST(LokiPushSinkTest, ClientErrorDropsTheBatchCountedAndLogged) {
  struct Case {
    int code;
    bool drop_rate_limited;
    StatusCode want;
    size_t attempts;
  };
  const Case cases[] = {
      {400, false, StatusCode::kInvalidArgument, 1},
      {401, false, StatusCode::kInvalidArgument, 1},
      {413, false, StatusCode::kInvalidArgument, 1},
      {429, true, StatusCode::kInvalidArgument, 1},  // drop_rate_limited_batches
      {503, false, StatusCode::kUnavailable, 4},      // 1 + max_retries, then the caller keeps it
      {429, false, StatusCode::kUnavailable, 4},
  };
  for (const Case& c : cases) {
    Harness h;
    h.config.drop_rate_limited_batches = c.drop_rate_limited;
    h.receiver.Script(std::deque<int>(10, c.code));
    auto sink = h.Sink();
    const Status st = sink->Send(std::vector{Entry(kTraefik, 1, "x"), Entry(kTraefik, 2, "y")});
    EXPECT_EQ(st.code(), c.want) << c.code << ": " << st.ToString();
    EXPECT_EQ(h.receiver.received().size(), c.attempts) << c.code;
    if (c.want == StatusCode::kInvalidArgument) {
      EXPECT_EQ(sink->stats().dropped_entries.load(), 2u);
      ASSERT_FALSE(h.logs.empty());
      EXPECT_NE(h.logs.back().find("HTTP " + std::to_string(c.code)), std::string::npos) << h.logs.back();
    } else {
      EXPECT_EQ(sink->stats().dropped_entries.load(), 0u);
      EXPECT_EQ(sink->stats().failed_batches.load(), 1u);
      // Waits double up to the cap: 100, 200, 400 ms (halved by the fixed jitter).
      EXPECT_EQ(h.waiter.waits, (std::vector<int64_t>{50 * kNanosPerMilli, 100 * kNanosPerMilli,
                                                       200 * kNanosPerMilli}));
    }
  }
}

TEST(LokiPushSinkTest, NetworkErrorsAreRetried) {
  Harness h;
  // A port nobody listens on: bind one, then close it.
  int dead_port = 0;
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    dead_port = ntohs(addr.sin_port);
    ::close(fd);  // nobody listens there now: connections are refused
  }
  h.config.url = "http://127.0.0.1:" + std::to_string(dead_port) + "/loki/api/v1/push";
  h.config.backoff.max_retries = 2;
  auto sink = h.Sink();
  const Status st = sink->Send(std::vector{Entry(kTraefik, 1, "x")});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(h.waiter.waits.size(), 2u);
  EXPECT_EQ(sink->stats().requests.load(), 3u);
}

TEST(LokiPushSinkTest, HeadersAuthTenantAndExternalLabels) {
  struct Case {
    std::string name;
    std::function<void(ClientConfig&)> set;
    std::string want_auth, want_tenant;
  };
  const std::vector<Case> cases = {
      {"bearer", [](ClientConfig& c) { c.bearer_token = "s3cret"; }, "Bearer s3cret", ""},
      {"basic",
       [](ClientConfig& c) {
         c.has_basic_auth = true;
         c.basic_auth.username = "am";
         c.basic_auth.password = "pw";
       },
       "Basic YW06cHc=", ""},
      {"tenant", [](ClientConfig& c) { c.tenant_id = "home"; }, "", "home"},
  };
  for (const Case& c : cases) {
    Harness h;
    c.set(h.config);
    h.config.external_labels = MakeLabels({{"host", "nas"}, {"job", "overridden"}});
    auto sink = h.Sink();
    ASSERT_TRUE(sink->Send(std::vector{Entry(kDecisions, 5, "x")}).ok()) << c.name;
    const auto got = h.receiver.received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].authorization, c.want_auth) << c.name;
    EXPECT_EQ(got[0].tenant, c.want_tenant) << c.name;
    ASSERT_EQ(got[0].proto.streams_size(), 1);
    // The entry's own label wins over an external label of the same name.
    EXPECT_EQ(got[0].proto.streams(0).labels(), R"({host="nas", job="remediation-decisions"})") << c.name;
  }
}

TEST(LokiPushSinkTest, JsonEncoding) {
  Harness h;
  auto sink = h.Sink(PushEncoding::kJson);
  std::vector<LogEntry> batch = {Entry(kTraefik, 1'700'000'000'000'000'001, "say \"hi\"")};
  batch[0].structured_metadata = MakeLabels({{"k", "v"}});
  ASSERT_TRUE(sink->Send(batch).ok());
  const auto got = h.receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].body,
            R"({"streams":[{"stream":{"job":"traefik","service":"jellyfin"},"values":[["1700000000000000001","say \"hi\"",{"k":"v"}]]}]})");
}

TEST(LokiPushSinkTest, SplitsBatchesByBatchSize) {
  Harness h;
  h.config.batch_size_bytes = 10;
  auto sink = h.Sink();
  std::vector<LogEntry> batch;
  for (int i = 0; i < 7; ++i) batch.push_back(Entry(kTraefik, i, "abcd"));  // 4 bytes each
  ASSERT_TRUE(sink->Send(batch).ok());
  const auto got = h.receiver.received();
  ASSERT_EQ(got.size(), 4u);  // 2 + 2 + 2 + 1 entries
  int total = 0;
  for (const auto& r : got) total += r.proto.streams(0).entries_size();
  EXPECT_EQ(total, 7);
}

TEST(LokiPushSinkTest, TimeoutIsANetworkErrorAndRetried) {
  // The receiver holds the first request until released; the client's timeout fires first.
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int calls = 0;
  httplib::Server server;
  server.set_keep_alive_max_count(1);
  server.Post("/push", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock l(mu);
    if (++calls == 1) cv.wait(l, [&] { return release; });
    res.status = 204;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  ClientConfig config;
  config.url = "http://127.0.0.1:" + std::to_string(port) + "/push";
  config.timeout_ns = 200 * kNanosPerMilli;
  config.backoff.max_retries = 2;
  RecordingWaiter waiter;
  LokiPushDeps deps;
  deps.waiter = &waiter;
  deps.random = [] { return uint64_t{0}; };
  deps.log = [](std::string_view) {};
  LokiPushSink sink(config, PushEncoding::kProtobuf, std::move(deps));
  const Status st = sink.Send(std::vector{Entry(kTraefik, 1, "x")});
  {
    std::lock_guard l(mu);
    release = true;
  }
  cv.notify_all();
  server.stop();
  t.join();
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(waiter.waits.size(), 1u);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace remediator::pipeline::sinks
