#include "pipeline/metrics.h"

namespace remediator::pipeline {

void ShipMetrics::AddFileRead(std::string_view path, uint64_t bytes, uint64_t lines) {
  std::lock_guard lock(mu_);
  FileCounters& c = data_.files[std::string(path)];
  c.bytes_read += bytes;
  c.lines_read += lines;
}

void ShipMetrics::AddSent(std::string_view sink, uint64_t entries) {
  std::lock_guard lock(mu_);
  SinkCounters& c = data_.sinks[std::string(sink)];
  c.entries_sent += entries;
  c.batches_sent++;
}

void ShipMetrics::AddDropped(std::string_view sink, uint64_t entries) {
  std::lock_guard lock(mu_);
  data_.sinks[std::string(sink)].entries_dropped += entries;
}

void ShipMetrics::AddRetried(std::string_view sink, uint64_t entries) {
  std::lock_guard lock(mu_);
  data_.sinks[std::string(sink)].entries_retried += entries;
}

void ShipMetrics::AddStageDrop(std::string_view reason) {
  std::lock_guard lock(mu_);
  data_.dropped_by_reason[std::string(reason)]++;
}

MetricsSnapshot ShipMetrics::Snapshot() const {
  std::lock_guard lock(mu_);
  MetricsSnapshot s = data_;
  s.stage_errors = stage_errors_.load(std::memory_order_relaxed);
  s.lines_truncated = truncated_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace remediator::pipeline
