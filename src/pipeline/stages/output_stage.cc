// output: replaces the line with an extracted value; a missing or null value leaves it.
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class OutputStage final : public Stage {
 public:
  explicit OutputStage(std::string source) : source_(std::move(source)) {}
  std::string_view name() const override { return "output"; }
  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    std::string_view v;
    if (e.extracted.GetString(source_, v)) e.entry.line.assign(v);
    return StageResult::kContinue;
  }

 private:
  std::string source_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewOutputStage(const StageContext& ctx, const YAML::Node& config,
                                              std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"source"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::string source;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
  if (source.empty()) return ConfigError(ctx.config, config, JoinKey(path, "source"), "is required");
  return std::unique_ptr<Stage>(new OutputStage(std::move(source)));
}

}  // namespace remediator::pipeline::stages
