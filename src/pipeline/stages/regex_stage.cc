// regex: RE2 named capture groups of the line (or `source`) go into the extracted map.
// No match: nothing changes.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "pipeline/stages/source_value.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class RegexStage final : public Stage {
 public:
  RegexStage(StageContext ctx, std::unique_ptr<re2::RE2> re, std::string source)
      : ctx_(std::move(ctx)), re_(std::move(re)), source_(std::move(source)) {
    groups_.resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
    for (const auto& [name, index] : re_->NamedCapturingGroups()) names_.emplace_back(index, name);
  }
  std::string_view name() const override { return "regex"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    // The input may be an extracted value this stage overwrites: work on a copy.
    if (!CopySourceText(e, source_, ctx_, input_)) return StageResult::kContinue;
    if (!re_->Match(input_, 0, input_.size(), re2::RE2::UNANCHORED, groups_.data(),
                    static_cast<int>(groups_.size()))) {
      return StageResult::kContinue;
    }
    for (const auto& [index, name] : names_) {
      const re2::StringPiece& g = groups_[static_cast<size_t>(index)];
      e.extracted.Set(name, ValueKind::kString).text.assign(g.data() == nullptr ? "" : std::string_view(g.data(), g.size()));
    }
    return StageResult::kContinue;
  }

 private:
  StageContext ctx_;
  std::unique_ptr<re2::RE2> re_;
  std::string source_;
  std::vector<re2::StringPiece> groups_;
  std::vector<std::pair<int, std::string>> names_;
  std::string input_;
};

}  // namespace

Result<std::unique_ptr<re2::RE2>> CompileStageRegex(const StageContext& ctx, const YAML::Node& node,
                                                    std::string_view key, const std::string& expr) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(expr, opts);
  if (!re->ok()) return ConfigError(ctx.config, node, key, fmt::format("invalid regular expression: {}", re->error()));
  return re;
}

Result<std::unique_ptr<Stage>> NewRegexStage(const StageContext& ctx, const YAML::Node& config,
                                             std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"expression", "source"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::string expr, source;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "expression", expr));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
  std::string key = JoinKey(path, "expression");
  if (expr.empty()) return ConfigError(ctx.config, config, key, "is required");
  if (config["source"].IsDefined() && source.empty()) {
    return ConfigError(ctx.config, config["source"], JoinKey(path, "source"), "must not be empty");
  }
  REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<re2::RE2> re, CompileStageRegex(ctx, config["expression"], key, expr));
  if (re->NamedCapturingGroups().empty()) {
    return ConfigError(ctx.config, config["expression"], key, "must have at least one named capture group (?P<name>...)");
  }
  return std::unique_ptr<Stage>(new RegexStage(ctx, std::move(re), std::move(source)));
}

}  // namespace remediator::pipeline::stages
