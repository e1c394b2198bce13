// labels: sets labels from extracted values ({label: extracted key, or empty for the same
// name}). Missing, null and invalid-UTF-8 values are skipped, as Promtail does.
#include <string>
#include <vector>

#include "pipeline/config_read.h"
#include "pipeline/stages/label_names.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class LabelsStage final : public Stage {
 public:
  LabelsStage(StringPairs mapping) : mapping_(std::move(mapping)) {}
  std::string_view name() const override { return "labels"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    for (const auto& [label, source] : mapping_) {
      std::string_view v;
      if (!e.extracted.GetString(source, v) || !IsValidUtf8(v)) continue;
      SetLabel(e.entry.labels, label, v);
    }
    return StageResult::kContinue;
  }

 private:
  StringPairs mapping_;  // label name -> extracted key
};

}  // namespace

Result<std::unique_ptr<Stage>> NewLabelsStage(const StageContext& ctx, const YAML::Node& config,
                                              std::string_view path) {
  StringPairs mapping;
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(ctx.config, config, path, mapping));
  if (mapping.empty()) return ConfigError(ctx.config, config, path, "must name at least one label");
  for (auto& [label, source] : mapping) {
    if (!IsValidLabelName(label)) {
      return ConfigError(ctx.config, config, JoinKey(path, label), "invalid label name");
    }
    if (source.empty()) source = label;
  }
  return std::unique_ptr<Stage>(new LabelsStage(std::move(mapping)));
}

}  // namespace remediator::pipeline::stages
