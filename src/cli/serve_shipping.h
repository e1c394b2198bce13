// Log shipping inside a remediator process: the sinks a Promtail config asks for (the
// embedded store, Loki clients), a Shipper over them, and — for `remediator serve` — a thread
// that follows the files until Stop(). `remediator ship` uses the same composition.
//
// `remediator serve` ships when its remediator.yml has `scrape_configs` (docs/configuration.md,
// "Shipping logs"); the pipeline's counters then show on its GET /metrics.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "pipeline/metrics.h"
#include "pipeline/promtail_config.h"
#include "pipeline/shipper.h"
#include "pipeline/sinks/loki_push_sink.h"
#include "pipeline/sinks/store_sink.h"
#include "remediation/config.h"
#include "store/store.h"

namespace remediator::cli {

// The Promtail part of a remediator.yml (positions, clients, scrape_configs, storage, ...),
// with file:line errors (kInvalidArgument).
Result<pipeline::PromtailConfig> ShippingConfigOf(const remediation::Config& config);

class Shipping {
 public:
  struct Options {
    bool dry_run = false;                              // no sinks, no positions written
    std::function<void(const LogEntry&)> print;        // each entry as it is batched
    // serve answers LogQL from the live store; ship only writes, and its store keeps no
    // per-block index in memory (store::StoreOptions::index_sections), so memory stays flat.
    bool query_store = true;
  };

  // Opens the sinks (the store: kFailedPrecondition when another process holds it) and
  // creates the shipper (positions file errors). Nothing runs yet.
  static Result<std::unique_ptr<Shipping>> Open(const pipeline::PromtailConfig& config, const Clock& clock,
                                                Options options);
  // Stops the thread if it runs, then closes the store.
  ~Shipping();
  Shipping(const Shipping&) = delete;
  Shipping& operator=(const Shipping&) = delete;

  pipeline::Shipper& shipper() { return *shipper_; }
  // The embedded store when the config has one (shared with queries in the same process).
  store::Store* store() { return store_.get(); }
  const pipeline::ShipMetrics& metrics() const { return metrics_; }
  // The counters in the Prometheus text format (for GET /metrics).
  void AppendMetrics(std::string& out) const;

  // Follows the files on a thread of its own (Shipper::Run) until Stop().
  void Start();
  // Makes the thread flush, save positions and end; returns how it ended. Idempotent.
  Status Stop();
  // Closes the store (after the shipper is done with it).
  Status Close();

 private:
  Shipping() = default;

  pipeline::ShipMetrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<pipeline::sinks::StoreSink> store_sink_;
  std::vector<std::unique_ptr<pipeline::sinks::LokiPushSink>> loki_sinks_;
  std::unique_ptr<pipeline::Shipper> shipper_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  Status run_status_;
};

// For `remediator serve`: nullptr when the config has no scrape_configs; otherwise the
// shipping, started. Errors: kInvalidArgument (the config; exit 1), others at opening.
Result<std::unique_ptr<Shipping>> StartServeShipping(const remediation::Config& config, const Clock& clock);

}  // namespace remediator::cli
