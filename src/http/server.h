// The HTTP server of `remediator serve`: Alertmanager's webhook, the kill switch, health,
// metrics and guard status, on cpp-httplib.
//
// Routes (see docs/operations.md):
//   POST /webhook, /api/v1/alerts/webhook   auth; body <= max_body_bytes; JSON -> decisions
//   POST /api/v1/pause, /api/v1/resume      auth; the kill switch
//   POST /api/v1/circuits/{playbook}/reset  auth; closes a playbook's circuit
//   GET  /-/healthy, /-/ready, /metrics, /api/v1/status
//   GET/POST /loki/api/v1/{query,query_range,labels,label/<name>/values,series} (loki_api.h)
// A known path with another method is 405; an unknown path 404; every error body is
// {"status":"error","error":"..."}.
//
// The listening socket belongs to an event loop (front_server.h) that answers webhook POSTs
// itself; every other request goes to the httplib routes here, served on an internal
// loopback port.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/authenticator.h"
#include "http/listen_address.h"
#include "http/request_counter.h"
#include "logql/stream_source.h"
#include "remediation/service.h"

namespace remediator::http {

struct ServerOptions {
  Authenticator auth;                         // a default one rejects every request
  size_t max_body_bytes = 1 << 20;            // larger bodies get 413 before being buffered
  int threads = 32;                           // httplib threads: non-webhook connections at once
  size_t keep_alive_max_requests = 10'000;    // requests per connection before it is closed
  // When set, Loki's query API (/loki/api/v1/..., http/loki_api.h) reads from it, with the
  // same auth as the webhook. Must outlive the server.
  const logql::StreamSource* loki_source = nullptr;
  // Appends more metrics (text format) to GET /metrics, e.g. the log pipeline's counters.
  // Called from the server's threads; empty = none.
  std::function<void(std::string&)> extra_metrics;
};

class Server {
 public:
  // `service` must outlive the server. Its methods are called from the server's threads.
  Server(ServerOptions options, remediation::RemediationService& service);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket (port 0 picks a free one) and returns the port, and the
  // internal one on 127.0.0.1.
  // kUnavailable when the address cannot be bound.
  Result<int> Bind(const ListenAddress& address);
  // Accepts connections until Stop(). REQUIRES: Bind succeeded. Blocks.
  Status Run();
  // Stops accepting, lets the requests in flight finish, and makes Run return. Any thread;
  // safe before, during or after Run.
  void Stop();

  // True while Run accepts connections and Stop was not called (GET /-/ready).
  bool ready() const;
  const RequestCounter& webhook_requests() const { return webhook_requests_; }

 private:
  struct Impl;
  void RegisterRoutes();

  ServerOptions options_;
  remediation::RemediationService& service_;
  RequestCounter webhook_requests_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> run_active_{false};
};

}  // namespace remediator::http
