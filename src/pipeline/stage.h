// The seam between the pipeline and its stages (Promtail's pipeline_stages).
//
// An entry flows through the stages in order. Each stage reads and changes the entry's line,
// labels, timestamp and extracted map. A stage may drop the entry, or keep it to release it
// later (multiline), or run nested stages (match). Stages are built once from config by the
// registry (stage_registry.h) and then used by one pipeline thread: not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"
#include "core/yaml_config.h"
#include "pipeline/extracted_map.h"
#include "pipeline/metrics.h"

namespace remediator::pipeline {

struct PipelineEntry {
  LogEntry entry;           // timestamp (read time until a timestamp stage sets it), line, labels
  ExtractedMap extracted;   // what parsing stages found
  int64_t read_time_ns = 0; // when the tailer read the line
};

// Where a stage hands entries it releases (the rest of the pipeline after it).
class EntryConsumer {
 public:
  virtual ~EntryConsumer() = default;
  // May modify `e` (the following stages run on it in place).
  virtual void Consume(PipelineEntry& e) = 0;
};

enum class StageResult {
  kContinue,  // pass the entry on to the next stage
  kConsumed,  // the stage dropped the entry, or kept it, or passed it on itself via `next`
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  // Runs the stage on `e`. `next` is the rest of the pipeline, for stages that release
  // entries themselves.
  virtual StageResult Process(PipelineEntry& e, EntryConsumer& next) = 0;
  // Releases entries that waited long enough (multiline's max_wait_time) at `now_ns`.
  virtual void Tick(int64_t now_ns, EntryConsumer& next) {}
  // Releases everything held (end of input).
  virtual void Close(EntryConsumer& next) {}
};

// Back-pressure from stages (limit with `drop: false`): the reader pauses until the time
// given. Owned by the shipper; one pipeline thread uses it.
class Throttle {
 public:
  void PauseUntil(int64_t ns) {
    if (ns > until_ns_) until_ns_ = ns;
  }
  int64_t until_ns() const { return until_ns_; }

 private:
  int64_t until_ns_ = 0;
};

// What a stage factory gets besides its own config.
struct StageContext {
  ConfigContext config;          // for error messages
  const Clock* clock = nullptr;  // for time-dependent stages (limit, drop older_than, pack)
  ShipMetrics* metrics = nullptr;  // may be null in tests
  std::string job_name;          // the scrape config's job_name
  Throttle* throttle = nullptr;  // may be null (then limit never waits)
};

inline void CountStageError(const StageContext& ctx) {
  if (ctx.metrics != nullptr) ctx.metrics->AddStageError();
}
inline void CountStageDrop(const StageContext& ctx, std::string_view reason) {
  if (ctx.metrics != nullptr) ctx.metrics->AddStageDrop(reason);
}

}  // namespace remediator::pipeline
