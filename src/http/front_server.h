// The listening socket of `remediator serve`: an epoll event loop that answers webhook POSTs
// itself and hands every other request to the httplib server behind it (the "backend", on a
// loopback port of its own).
//
// Why: the webhook is the hot path. On the loop, many connections' requests are decided in
// one pass and their decision lines share one group commit (RemediationService::
// SubmitAsyncPrepared); the answers go out when the flusher reports the lines durable: the
// loop makes the answer while the lines wait for their round, and the thread that completes
// the submit (the flusher) only sends it, when it is the next thing the connection has to
// send, so the loop neither wakes up for it nor spends its time on the send; other answers
// go back to the loop through a mailbox. No thread per connection, no thread
// wake-up per request. httplib keeps serving everything else (control API,
// metrics, status, the Loki API) unchanged.
//
// Per connection: requests are read and answered in order, one at a time. A request the loop
// does not serve itself — any other path or method, chunked bodies — turns the connection
// into a byte pipe to the backend for the rest of its life (a thread per such connection;
// they are rare: Prometheus scrapes, the CLI).
//
// The loop serves `POST /webhook` and `POST /api/v1/alerts/webhook` with Content-Length:
// 401 (before the body is read; the body is skipped), 411 without a length, 413 over the
// limit (then the connection is closed), 415, 400 for a bad payload, 200 with the decisions,
// 5xx when they could not be recorded — the same answers as the httplib route.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>

#include "core/status.h"
#include "http/authenticator.h"
#include "http/listen_address.h"
#include "http/request_counter.h"
#include "remediation/service.h"

namespace remediator::http {

struct FrontOptions {
  const Authenticator* auth = nullptr;  // must outlive the server
  size_t max_body_bytes = 1 << 20;
  int backend_port = 0;  // the httplib server on 127.0.0.1
  RequestCounter* webhook_requests = nullptr;  // counts the loop's webhook answers
};

class FrontServer {
 public:
  // `service` must outlive the server.
  FrontServer(FrontOptions options, remediation::RemediationService& service);
  ~FrontServer();
  FrontServer(const FrontServer&) = delete;
  FrontServer& operator=(const FrontServer&) = delete;

  // Where non-webhook requests go (before Run).
  void set_backend_port(int port) { options_.backend_port = port; }
  // Binds and listens (port 0 picks a free one); returns the port.
  Result<int> Bind(const ListenAddress& address);
  // Serves until Stop(): then stops accepting, waits (up to 10 s) for webhooks whose
  // decisions are being recorded, closes every connection and returns. Blocks.
  Status Run();
  // Any thread; safe before, during or after Run.
  void Stop();
  bool running() const { return running_.load(); }

  struct Loop;     // the event loop's state (front_server.cc)
  struct Mailbox;  // finished submits on their way to the loop

 private:
  FrontOptions options_;
  remediation::RemediationService& service_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() and finished submits wake the loop
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  std::shared_ptr<Mailbox> mailbox_;  // set by Bind; shared with the loop and callbacks
  std::shared_ptr<Loop> loop_;        // set by Bind; Run's thread resets it when done
};

}  // namespace remediator::http
