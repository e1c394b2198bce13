// limit: a token bucket of `rate` entries per second with `burst`, optionally one per value
// of `by_label_name` (at most max_distinct_labels buckets). Over the limit, `drop: true`
// drops the entry (counted as "limit"); otherwise the entry goes on and the reader pauses
// until the bucket has refilled (back-pressure through the shipper's Throttle).
#include <algorithm>
#include <string>
#include <unordered_map>

#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

struct Bucket {
  double tokens = 0;
  int64_t last_ns = 0;
};

class LimitStage final : public Stage {
 public:
  LimitStage(StageContext ctx, double rate, double burst, bool drop, std::string by_label, int64_t max_distinct)
      : ctx_(std::move(ctx)), rate_(rate), burst_(burst), drop_(drop), by_label_(std::move(by_label)),
        max_distinct_(max_distinct) {}
  std::string_view name() const override { return "limit"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    int64_t now = ctx_.clock != nullptr ? ctx_.clock->NowNs() : e.read_time_ns;
    Bucket* b = &global_;
    if (!by_label_.empty()) {
      std::string_view v = LabelValue(e.entry.labels, by_label_);
      if (v.empty()) return StageResult::kContinue;  // no label: not limited
      auto it = per_label_.find(std::string(v));
      if (it == per_label_.end()) {
        if (static_cast<int64_t>(per_label_.size()) >= max_distinct_) per_label_.clear();
        it = per_label_.emplace(std::string(v), Bucket{burst_, now}).first;
      }
      b = &it->second;
    }
    if (b->last_ns == 0) {
      b->tokens = burst_;
      b->last_ns = now;
    }
    b->tokens = std::min(burst_, b->tokens + rate_ * static_cast<double>(now - b->last_ns) / 1e9);
    b->last_ns = now;
    if (b->tokens >= 1) {
      b->tokens -= 1;
      return StageResult::kContinue;
    }
    if (drop_) {
      CountStageDrop(ctx_, "limit");
      return StageResult::kConsumed;
    }
    // Take the token on credit; the reader waits until the debt is paid back.
    b->tokens -= 1;
    if (ctx_.throttle != nullptr && rate_ > 0) {
      ctx_.throttle->PauseUntil(now + static_cast<int64_t>((1 - b->tokens) / rate_ * 1e9));
    }
    return StageResult::kContinue;
  }

 private:
  StageContext ctx_;
  double rate_, burst_;
  bool drop_;
  std::string by_label_;
  int64_t max_distinct_;
  Bucket global_;
  std::unordered_map<std::string, Bucket> per_label_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewLimitStage(const StageContext& ctx, const YAML::Node& config,
                                             std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path,
                                            {"rate", "burst", "drop", "by_label_name", "max_distinct_labels"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  double rate = 0;
  int64_t burst = 0, max_distinct = 10000;
  bool drop = false;
  std::string by_label;
  REMEDIATOR_RETURN_IF_ERROR(ReadDouble(ctx.config, config, "rate", rate));
  REMEDIATOR_RETURN_IF_ERROR(ReadInt(ctx.config, config, "burst", burst));
  REMEDIATOR_RETURN_IF_ERROR(ReadBool(ctx.config, config, "drop", drop));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "by_label_name", by_label));
  REMEDIATOR_RETURN_IF_ERROR(ReadInt(ctx.config, config, "max_distinct_labels", max_distinct));
  if (rate <= 0) return ConfigError(ctx.config, config, JoinKey(path, "rate"), "must be positive");
  if (burst <= 0) return ConfigError(ctx.config, config, JoinKey(path, "burst"), "must be positive");
  return std::unique_ptr<Stage>(
      new LimitStage(ctx, rate, static_cast<double>(burst), drop, std::move(by_label), max_distinct));
}

}  // namespace remediator::pipeline::stages
