// Runs a pipeline_stages YAML list on lines, collecting what comes out.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/yaml_config.h"
#include "pipeline/stage_pipeline.h"

namespace remediator::pipeline::testing {

struct Collector final : public EntryConsumer {
  std::vector<PipelineEntry> out;
  void Consume(PipelineEntry& e) override { out.push_back(e); }
};

class StageRunner {
 public:
  explicit StageRunner(std::string_view yaml, int64_t now_ns = 1'700'000'000'000'000'000) : clock_(now_ns) {
    StageContext ctx;
    ctx.config = ConfigContext{"test.yml"};
    ctx.clock = &clock_;
    ctx.metrics = &metrics_;
    Result<std::unique_ptr<StagePipeline>> p = StagePipeline::FromYaml(ctx, yaml);
    if (!p.ok()) {
      status_ = p.status();
      return;
    }
    pipeline_ = std::move(p).value();
    pipeline_->SetOutput(&collector_);
  }

  const Status& status() const { return status_; }
  FakeClock& clock() { return clock_; }
  ShipMetrics& metrics() { return metrics_; }

  // Runs one line; returns the entries that came out of it (and of anything it released).
  std::vector<PipelineEntry> Run(const std::string& line, Labels labels = {}) {
    PipelineEntry e;
    e.entry.line = line;
    e.entry.labels = std::move(labels);
    e.entry.timestamp_ns = clock_.NowNs();
    e.read_time_ns = clock_.NowNs();
    collector_.out.clear();
    pipeline_->Process(e);
    return std::move(collector_.out);
  }
  std::vector<PipelineEntry> Tick() {
    collector_.out.clear();
    pipeline_->Tick(clock_.NowNs());
    return std::move(collector_.out);
  }
  std::vector<PipelineEntry> Close() {
    collector_.out.clear();
    pipeline_->Close();
    return std::move(collector_.out);
  }

 private:
  FakeClock clock_;
  ShipMetrics metrics_;
  Status status_;
  std::unique_ptr<StagePipeline> pipeline_;
  Collector collector_;
};

inline std::string Extracted(const PipelineEntry& e, std::string_view key) {
  const ExtractedValue* v = e.extracted.Find(key);
  if (v == nullptr) return "<absent>";
  if (v->kind == ValueKind::kNull) return "<null>";
  return v->text;
}

}  // namespace remediator::pipeline::testing
