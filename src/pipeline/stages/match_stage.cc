// match: entries whose labels (and line, with line filters) match a LogQL selector run the
// nested `stages` (action keep) or are dropped (action drop, counted under
// drop_counter_reason). Others pass unchanged.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "logql/syntax/parse.h"
#include "pipeline/stage_pipeline.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

struct LineTest {
  bool negate = false;
  std::vector<std::string> substrings;                 // contains / not contains
  std::vector<std::unique_ptr<re2::RE2>> regexes;      // regex / not regex
  bool Matches(std::string_view line) const {
    bool any = false;
    for (const std::string& s : substrings) any = any || line.find(s) != std::string_view::npos;
    for (const auto& re : regexes) any = any || re2::RE2::PartialMatch(line, *re);
    return negate ? !any : any;
  }
};

class MatchStage final : public Stage {
 public:
  std::string_view name() const override { return "match"; }

  StageResult Process(PipelineEntry& e, EntryConsumer& next) override {
    for (const LabelMatcher& m : matchers_) {
      if (!m.Matches(e.entry.labels)) return StageResult::kContinue;
    }
    for (const LineTest& t : line_tests_) {
      if (!t.Matches(e.entry.line)) return StageResult::kContinue;
    }
    if (drop_) {
      CountStageDrop(ctx_, reason_);
      return StageResult::kConsumed;
    }
    nested_->Process(e, next);
    return StageResult::kConsumed;
  }
  void Tick(int64_t now_ns, EntryConsumer& next) override {
    if (nested_ != nullptr) nested_->Tick(now_ns, next);
  }
  void Close(EntryConsumer& next) override {
    if (nested_ != nullptr) nested_->Close(next);
  }

  StageContext ctx_;
  std::vector<LabelMatcher> matchers_;
  std::vector<LineTest> line_tests_;
  bool drop_ = false;
  std::string reason_ = "match_stage";
  std::unique_ptr<StagePipeline> nested_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewMatchStage(const StageContext& ctx, const YAML::Node& config,
                                             std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path,
                                            {"selector", "pipeline_name", "action", "drop_counter_reason", "stages"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  auto s = std::make_unique<MatchStage>();
  s->ctx_ = ctx;
  std::string selector, action = "keep", pipeline_name;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "selector", selector));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "action", action));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "pipeline_name", pipeline_name));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "drop_counter_reason", s->reason_));
  std::string skey = JoinKey(path, "selector");
  if (selector.empty()) return ConfigError(ctx.config, config, skey, "is required");
  Result<logql::syntax::LogSelectorExpr> expr = logql::syntax::ParseLogSelector(selector, false);
  if (!expr.ok()) return ConfigError(ctx.config, config["selector"], skey, expr.status().message());
  s->matchers_ = expr->matchers;
  for (const logql::syntax::Stage& st : expr->pipeline) {
    const auto* lf = std::get_if<logql::syntax::LineFilter>(&st.node);
    if (lf == nullptr) {
      return ConfigError(ctx.config, config["selector"], skey,
                         "only label matchers and line filters are allowed in a match selector");
    }
    LineTest t;
    for (const logql::syntax::LineFilterOperand& op : lf->operands) {
      if (op.is_ip) return ConfigError(ctx.config, config["selector"], skey, "ip() line filters are not supported here");
      switch (lf->op) {
        case logql::syntax::LineFilterOp::kContains:
        case logql::syntax::LineFilterOp::kNotContains:
          t.negate = lf->op == logql::syntax::LineFilterOp::kNotContains;
          t.substrings.push_back(op.value);
          break;
        case logql::syntax::LineFilterOp::kRegex:
        case logql::syntax::LineFilterOp::kNotRegex: {
          t.negate = lf->op == logql::syntax::LineFilterOp::kNotRegex;
          REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<re2::RE2> re,
                                      CompileStageRegex(ctx, config["selector"], skey, op.value));
          t.regexes.push_back(std::move(re));
          break;
        }
        case logql::syntax::LineFilterOp::kPattern:
        case logql::syntax::LineFilterOp::kNotPattern:
          return ConfigError(ctx.config, config["selector"], skey, "pattern line filters are not supported here");
      }
    }
    s->line_tests_.push_back(std::move(t));
  }
  if (action == "drop") {
    s->drop_ = true;
    if (config["stages"].IsDefined() && !config["stages"].IsNull()) {
      return ConfigError(ctx.config, config["stages"], JoinKey(path, "stages"), "must not be set with action: drop");
    }
  } else if (action == "keep") {
    YAML::Node stages = config["stages"];
    if (!stages.IsDefined() || stages.IsNull() || stages.size() == 0) {
      return ConfigError(ctx.config, config, JoinKey(path, "stages"), "is required with action: keep");
    }
    REMEDIATOR_ASSIGN_OR_RETURN(s->nested_, StagePipeline::Create(ctx, stages, JoinKey(path, "stages")));
  } else {
    return ConfigError(ctx.config, config["action"], JoinKey(path, "action"), "must be keep or drop");
  }
  return std::unique_ptr<Stage>(std::move(s));
}

}  // namespace remediator::pipeline::stages
