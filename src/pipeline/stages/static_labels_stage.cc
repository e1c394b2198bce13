// static_labels: adds fixed labels.
#include "pipeline/config_read.h"
#include "pipeline/stages/label_names.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class StaticLabelsStage final : public Stage {
 public:
  explicit StaticLabelsStage(StringPairs labels) : labels_(std::move(labels)) {}
  std::string_view name() const override { return "static_labels"; }
  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    for (const auto& [k, v] : labels_) SetLabel(e.entry.labels, k, v);
    return StageResult::kContinue;
  }

 private:
  StringPairs labels_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewStaticLabelsStage(const StageContext& ctx, const YAML::Node& config,
                                                    std::string_view path) {
  StringPairs labels;
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(ctx.config, config, path, labels));
  if (labels.empty()) return ConfigError(ctx.config, config, path, "must not be empty");
  for (const auto& [k, v] : labels) {
    if (!IsValidLabelName(k)) return ConfigError(ctx.config, config, JoinKey(path, k), "invalid label name");
  }
  return std::unique_ptr<Stage>(new StaticLabelsStage(std::move(labels)));
}

}  // namespace remediator::pipeline::stages
