// Counters of the log pipeline, kept for /metrics. Writers are the pipeline thread; readers
// (the http layer) call Snapshot() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace remediator::pipeline {

struct FileCounters {
  uint64_t bytes_read = 0;  // bytes consumed from the file (all generations of the path)
  uint64_t lines_read = 0;  // complete lines handed to the pipeline
};

struct SinkCounters {
  uint64_t entries_sent = 0;     // entries in batches the sink acknowledged
  uint64_t entries_dropped = 0;  // entries in batches the sink rejected for good
  uint64_t entries_retried = 0;  // entries in batches that had to be sent again
  uint64_t batches_sent = 0;
};

struct MetricsSnapshot {
  std::map<std::string, FileCounters> files;          // by path
  std::map<std::string, SinkCounters> sinks;          // by Sink::name()
  std::map<std::string, uint64_t> dropped_by_reason;  // stage drops, by drop_counter_reason
  uint64_t stage_errors = 0;  // lines a stage failed on (malformed JSON, bad timestamp, ...)
  uint64_t lines_truncated = 0;  // lines cut at the maximum line size
};

// Thread-safe.
class ShipMetrics {
 public:
  void AddFileRead(std::string_view path, uint64_t bytes, uint64_t lines);
  void AddSent(std::string_view sink, uint64_t entries);
  void AddDropped(std::string_view sink, uint64_t entries);
  void AddRetried(std::string_view sink, uint64_t entries);
  void AddStageDrop(std::string_view reason);
  void AddStageError() { stage_errors_.fetch_add(1, std::memory_order_relaxed); }
  void AddTruncated() { truncated_.fetch_add(1, std::memory_order_relaxed); }
  MetricsSnapshot Snapshot() const;

 private:
  mutable std::mutex mu_;
  MetricsSnapshot data_;  // guarded by mu_ (except the two atomics below)
  std::atomic<uint64_t> stage_errors_{0};
  std::atomic<uint64_t> truncated_{0};
};

// Appends `m` in the Prometheus text format (version 0.0.4), metric names prefixed
// remediator_ship_ (see docs/pipeline.md, Metrics).
void AppendPrometheusText(const MetricsSnapshot& m, std::string& out);

}  // namespace remediator::pipeline
