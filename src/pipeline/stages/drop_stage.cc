// drop: drops entries for which every configured condition holds (longer_than, older_than,
// source presence, expression or value), counted under drop_counter_reason.
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "pipeline/config_read.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class DropStage final : public Stage {
 public:
  std::string_view name() const override { return "drop"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    if (ShouldDrop(e)) {
      CountStageDrop(ctx_, reason_);
      return StageResult::kConsumed;
    }
    return StageResult::kContinue;
  }

  StageContext ctx_;
  std::vector<std::string> sources_;
  std::string separator_ = ";";
  std::unique_ptr<re2::RE2> expression_;
  bool has_value_ = false;
  std::string value_;
  int64_t older_than_ns_ = 0;
  int64_t longer_than_ = 0;
  std::string reason_ = "drop_stage";

 private:
  bool ShouldDrop(const PipelineEntry& e) {
    if (longer_than_ > 0 && static_cast<int64_t>(e.entry.line.size()) <= longer_than_) return false;
    if (older_than_ns_ > 0) {
      int64_t now = ctx_.clock != nullptr ? ctx_.clock->NowNs() : e.read_time_ns;
      if (e.entry.timestamp_ns >= now - older_than_ns_) return false;
    }
    if (!sources_.empty()) {
      joined_.clear();
      for (size_t i = 0; i < sources_.size(); ++i) {
        std::string_view v;
        const ExtractedValue* ev = e.extracted.Find(sources_[i]);
        if (ev == nullptr) return false;
        if (!e.extracted.GetString(sources_[i], v)) v = "";
        if (i > 0) joined_ += separator_;
        joined_.append(v);
      }
      if (expression_ != nullptr) return re2::RE2::PartialMatch(joined_, *expression_);
      if (has_value_) return joined_ == value_;
      return true;
    }
    if (expression_ != nullptr) return re2::RE2::PartialMatch(e.entry.line, *expression_);
    return true;
  }

  std::string joined_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewDropStage(const StageContext& ctx, const YAML::Node& config,
                                            std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(
      ctx.config, config, path,
      {"source", "separator", "expression", "value", "older_than", "longer_than", "drop_counter_reason"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  auto s = std::make_unique<DropStage>();
  s->ctx_ = ctx;
  REMEDIATOR_RETURN_IF_ERROR(ReadStringList(ctx.config, config["source"], JoinKey(path, "source"), s->sources_));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "separator", s->separator_));
  std::string expr;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "expression", expr));
  s->has_value_ = config["value"].IsDefined() && !config["value"].IsNull();
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "value", s->value_));
  REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx.config, config, "older_than", s->older_than_ns_));
  REMEDIATOR_RETURN_IF_ERROR(ReadByteSize(ctx.config, config, "longer_than", s->longer_than_));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "drop_counter_reason", s->reason_));
  if (s->sources_.empty() && expr.empty() && !s->has_value_ && s->older_than_ns_ == 0 && s->longer_than_ == 0) {
    return ConfigError(ctx.config, config, path,
                       "needs at least one of source, expression, value, older_than, longer_than");
  }
  if (s->has_value_ && !expr.empty()) {
    return ConfigError(ctx.config, config, path, "expression and value cannot both be set");
  }
  if (s->has_value_ && s->sources_.empty()) {
    return ConfigError(ctx.config, config["value"], JoinKey(path, "value"), "needs a source");
  }
  if (!expr.empty()) {
    REMEDIATOR_ASSIGN_OR_RETURN(s->expression_,
                                CompileStageRegex(ctx, config["expression"], JoinKey(path, "expression"), expr));
  }
  return std::unique_ptr<Stage>(std::move(s));
}

}  // namespace remediator::pipeline::stages
