// The Loki push client as a pipeline Sink: POSTs batches to Loki's /loki/api/v1/push as
// snappy-compressed protobuf (Promtail's format) or JSON, with the tenant header, basic or
// bearer auth and external labels of a Promtail `clients[]` entry.
//
// Send() splits the batch into pushes of at most `batchsize` bytes of lines and returns OK
// once Loki acknowledged every push (2xx). 429, 5xx and network errors are retried with
// exponential backoff and jitter up to backoff_config.max_retries, then Send returns
// kUnavailable (the caller keeps the batch; nothing is dropped silently). Any other 4xx drops
// the push: counted, logged, and Send returns kInvalidArgument.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "pipeline/client_config.h"
#include "pipeline/sink.h"
#include "pipeline/sinks/backoff.h"
#include "pipeline/sinks/http_transport.h"
#include "pipeline/sinks/push_encoder.h"

namespace remediator::pipeline::sinks {

// Counters for /metrics. Thread-safe to read while the sink works.
struct LokiPushStats {
  std::atomic<uint64_t> requests{0};          // HTTP attempts
  std::atomic<uint64_t> sent_entries{0};      // acknowledged
  std::atomic<uint64_t> sent_bytes{0};        // line bytes acknowledged
  std::atomic<uint64_t> retries{0};           // attempts after the first, per push
  std::atomic<uint64_t> dropped_entries{0};   // rejected by a 4xx (not 429)
  std::atomic<uint64_t> failed_batches{0};    // gave up after max_retries (kept by the caller)
};

struct LokiPushDeps {
  std::unique_ptr<HttpTransport> transport;  // nullptr: libcurl
  Waiter* waiter = nullptr;                  // nullptr: real waits
  RandomSource random;                       // empty: seeded from std::random_device
  std::function<void(std::string_view)> log; // empty: one line to stderr
};

class LokiPushSink final : public Sink {
 public:
  LokiPushSink(ClientConfig config, PushEncoding encoding, LokiPushDeps deps = {});
  ~LokiPushSink() override;

  std::string_view name() const override { return name_; }
  Status Send(std::span<const LogEntry> batch) override;
  const LokiPushStats& stats() const { return stats_; }

 private:
  Status Push(std::span<const LogEntry> chunk);

  ClientConfig config_;
  PushEncoding encoding_;
  std::string name_;
  std::unique_ptr<HttpTransport> transport_;
  RealWaiter real_waiter_;
  Waiter* waiter_;
  Backoff backoff_;
  std::function<void(std::string_view)> log_;
  LokiPushStats stats_;
};

}  // namespace remediator::pipeline::sinks
