#include "pipeline/metrics.h"

#include <iterator>

#include <fmt/format.h>

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

namespace {

// A label value in the text format: backslash, double quote and newline escaped.
std::string Escaped(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} counter\n", name, help, name);
}

template <typename Map, typename Get>
void PerKey(std::string& out, std::string_view name, std::string_view help, std::string_view label,
            const Map& m, Get get) {
  Header(out, name, help);
  for (const auto& [key, c] : m) {
    fmt::format_to(std::back_inserter(out), "{}{{{}=\"{}\"}} {}\n", name, label, Escaped(key), get(c));
  }
}

}  // namespace

void AppendPrometheusText(const MetricsSnapshot& m, std::string& out) {
  PerKey(out, "remediator_ship_read_bytes_total", "Bytes read from each tailed path (all its generations).",
         "path", m.files, [](const FileCounters& c) { return c.bytes_read; });
  PerKey(out, "remediator_ship_read_lines_total", "Lines read from each tailed path.", "path", m.files,
         [](const FileCounters& c) { return c.lines_read; });
  PerKey(out, "remediator_ship_sent_entries_total", "Entries a sink acknowledged.", "sink", m.sinks,
         [](const SinkCounters& c) { return c.entries_sent; });
  PerKey(out, "remediator_ship_dropped_entries_total", "Entries a sink rejected for good (dropped).", "sink",
         m.sinks, [](const SinkCounters& c) { return c.entries_dropped; });
  PerKey(out, "remediator_ship_retried_entries_total", "Entries in batches that had to be sent again.", "sink",
         m.sinks, [](const SinkCounters& c) { return c.entries_retried; });
  PerKey(out, "remediator_ship_sent_batches_total", "Batches a sink acknowledged.", "sink", m.sinks,
         [](const SinkCounters& c) { return c.batches_sent; });
  PerKey(out, "remediator_ship_stage_dropped_entries_total", "Entries dropped by pipeline stages, by reason.",
         "reason", m.dropped_by_reason, [](uint64_t n) { return n; });
  Header(out, "remediator_ship_stage_errors_total",
         "Lines a pipeline stage failed on (malformed JSON, a bad timestamp, ...).");
  fmt::format_to(std::back_inserter(out), "remediator_ship_stage_errors_total {}\n", m.stage_errors);
  Header(out, "remediator_ship_truncated_lines_total", "Lines cut at the maximum line size.");
  fmt::format_to(std::back_inserter(out), "remediator_ship_truncated_lines_total {}\n", m.lines_truncated);
}

}  // namespace remediator::pipeline
