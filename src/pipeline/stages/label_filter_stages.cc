// labelallow (keep only the listed labels) and labeldrop (remove the listed labels).
#include <algorithm>
#include <string>
#include <vector>

#include "pipeline/config_read.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class LabelFilterStage final : public Stage {
 public:
  LabelFilterStage(std::vector<std::string> names, bool allow) : names_(std::move(names)), allow_(allow) {}
  std::string_view name() const override { return allow_ ? "labelallow" : "labeldrop"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    Labels& ls = e.entry.labels;
    ls.erase(std::remove_if(ls.begin(), ls.end(),
                            [&](const Label& l) {
                              bool listed = std::find(names_.begin(), names_.end(), l.name) != names_.end();
                              return allow_ ? !listed : listed;
                            }),
             ls.end());
    return StageResult::kContinue;
  }

 private:
  std::vector<std::string> names_;
  bool allow_;
};

Result<std::unique_ptr<Stage>> NewFilter(const StageContext& ctx, const YAML::Node& config,
                                         std::string_view path, bool allow) {
  if (!config.IsSequence()) return ConfigError(ctx.config, config, path, "must be a list of label names");
  std::vector<std::string> names;
  REMEDIATOR_RETURN_IF_ERROR(ReadStringList(ctx.config, config, path, names));
  if (names.empty()) return ConfigError(ctx.config, config, path, "must not be empty");
  return std::unique_ptr<Stage>(new LabelFilterStage(std::move(names), allow));
}

}  // namespace

Result<std::unique_ptr<Stage>> NewLabelAllowStage(const StageContext& ctx, const YAML::Node& config,
                                                  std::string_view path) {
  return NewFilter(ctx, config, path, true);
}

Result<std::unique_ptr<Stage>> NewLabelDropStage(const StageContext& ctx, const YAML::Node& config,
                                                 std::string_view path) {
  return NewFilter(ctx, config, path, false);
}

}  // namespace remediator::pipeline::stages
