#include "cli/serve_shipping.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/yaml_config.h"

namespace remediator::cli {
namespace {
// Into the store alone: the head is sealed into a block at this many bytes of lines (the
// store's default is 4 MiB: it is in memory) ...
constexpr size_t kStoreOnlyBlockBytes = 2u << 20;
// ... and the shipper's batches are this big: at least half a block, so each goes straight
// into the open block (Store::AppendDeferred), not through the WAL and the head.
constexpr size_t kStoreOnlyBatchBytes = 1536u << 10;
// Into the store alone, the shipper's big batches share an open block of this many bytes of
// lines, synced and renamed once (Store::AppendDeferred), not one block file, fdatasync and
// folder fsync per 2 MiB batch; their positions advance when the block is sealed (full, or
// the shipper has caught up).
constexpr size_t kStoreOnlyDeferredBlockBytes = 32u << 20;
// ... in which a stream's section spans several batches: its lines wait until they reach
// this many bytes, and all streams' together at most the next (StoreOptions::section_bytes).
constexpr size_t kStoreOnlySectionBytes = 256u << 10;
constexpr size_t kStoreOnlySectionBufferBytes = 4u << 20;
}  // namespace

Result<pipeline::PromtailConfig> ShippingConfigOf(const remediation::Config& config) {
  return pipeline::ParsePromtailConfig(config.root, ConfigContext{config.file}, false);
}

Result<std::unique_ptr<Shipping>> Shipping::Open(const pipeline::PromtailConfig& config, const Clock& clock,
                                                 Options options) {
  std::unique_ptr<Shipping> s(new Shipping());
  std::vector<pipeline::Sink*> sinks;
  if (!options.dry_run) {
    if (config.storage.enabled) {
      store::StoreOptions so;
      so.dir = config.storage.path;
      so.retention_ns = config.storage.retention_ns;
      so.clock = &clock;
      so.index_sections = options.query_store;
      if (config.clients.empty()) {
        so.block_bytes = kStoreOnlyBlockBytes;
        so.deferred_block_bytes = kStoreOnlyDeferredBlockBytes;
        so.section_bytes = kStoreOnlySectionBytes;
        so.section_buffer_bytes = kStoreOnlySectionBufferBytes;
        // The shipper commits on the store sink's thread while it reads the next batch: the
        // two cores are busy already, and a second sealing thread would cost its memory
        // (a compressor and its buffers) for little.
        so.seal_threads = 1;
      }
      Result<std::unique_ptr<store::Store>> opened = store::Store::Open(so);
      if (!opened.ok()) {
        return Status(opened.status().code(), config.storage.path + ": " + opened.status().message());
      }
      s->store_ = std::move(opened).value();
      s->store_sink_ = std::make_unique<pipeline::sinks::StoreSink>(*s->store_);
      sinks.push_back(s->store_sink_.get());
    }
    for (const pipeline::ClientConfig& c : config.clients) {
      s->loki_sinks_.push_back(
          std::make_unique<pipeline::sinks::LokiPushSink>(c, pipeline::sinks::PushEncoding::kProtobuf));
      sinks.push_back(s->loki_sinks_.back().get());
    }
  }
  pipeline::ShipperOptions opts;
  opts.store_sink = s->store_sink_.get();
  // Into the store alone, a batch of a whole block is sealed straight into it: no WAL record
  // and one compression (Promtail's 1 MiB batches would each go through the WAL first). The
  // entry cap bounds memory when the lines are short (each entry holds its own label set;
  // two batches are in memory, one filling while the other is committed).
  // 1.5 MiB batches: two batches, the lines waiting to become sections
  // (kStoreOnlySectionBufferBytes) and the sections compressed from a batch are in memory at
  // once, and `ship` stays under 32 MiB of RSS (measured over the 1 GiB file with the lines
  // waiting in a string per stream: 29.9 MiB; 2 MiB batches: 32.9 MiB; 1 MiB: 28 MiB but 8%
  // more wall time).
  if (config.clients.empty() && s->store_ != nullptr) {
    opts.batch_bytes = static_cast<int64_t>(kStoreOnlyBatchBytes);
    opts.batch_entries = 1536;
  }
  // 64 KiB reads (not 256): the chunk stays in the cache between the read and the line scan
  // (measured on ship --once, bench pipeline: 0.13-0.22 vs 0.22-0.31 system CPU-s per 200 MB).
  opts.tailer.read_chunk_bytes = 64 * 1024;
  opts.dry_run = options.dry_run;
  opts.print = std::move(options.print);
  REMEDIATOR_ASSIGN_OR_RETURN(s->shipper_, pipeline::Shipper::Create(config, sinks, clock, &s->metrics_, opts));
  return s;
}

Shipping::~Shipping() {
  (void)Stop();   // errors were logged by the thread
  (void)Close();
}

void Shipping::AppendMetrics(std::string& out) const {
  pipeline::AppendPrometheusText(metrics_.Snapshot(), out);
}

void Shipping::Start() {
  if (thread_.joinable() || shipper_ == nullptr) return;
  stop_.store(false);
  thread_ = std::thread([this] {
    run_status_ = shipper_->Run(stop_);
    if (!run_status_.ok()) spdlog::error("log shipping stopped: {}", run_status_.ToString());
  });
}

Status Shipping::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  return run_status_;
}

Status Shipping::Close() {
  shipper_.reset();
  if (store_ == nullptr) return Status::Ok();
  Status st = store_->Close();
  store_sink_.reset();
  store_.reset();
  return st;
}

Result<std::unique_ptr<Shipping>> StartServeShipping(const remediation::Config& config, const Clock& clock) {
  REMEDIATOR_ASSIGN_OR_RETURN(pipeline::PromtailConfig pc, ShippingConfigOf(config));
  if (pc.scrape_configs.empty()) return std::unique_ptr<Shipping>();
  REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<Shipping> s, Shipping::Open(pc, clock, {}));
  s->Start();
  size_t targets = 0;
  for (const pipeline::ScrapeConfig& sc : pc.scrape_configs) targets += sc.targets.size();
  spdlog::info("shipping logs: {} scrape configs, {} targets{}{}", pc.scrape_configs.size(), targets,
               pc.storage.enabled ? ", store " + pc.storage.path : "",
               pc.clients.empty() ? "" : fmt::format(", {} Loki clients", pc.clients.size()));
  return s;
}

}  // namespace remediator::cli
