#include "pipeline/stage_registry.h"

#include <algorithm>

#include <fmt/format.h>

#include "pipeline/stages/stages.h"

namespace remediator::pipeline {

namespace {

struct Entry {
  std::string_view name;
  StageFactory factory;
};

constexpr Entry kStages[] = {
    {"json", &stages::NewJsonStage},
    {"timestamp", &stages::NewTimestampStage},
    {"labels", &stages::NewLabelsStage},
    {"labelallow", &stages::NewLabelAllowStage},
    {"labeldrop", &stages::NewLabelDropStage},
    {"static_labels", &stages::NewStaticLabelsStage},
    {"output", &stages::NewOutputStage},
    {"regex", &stages::NewRegexStage},
    {"logfmt", &stages::NewLogfmtStage},
    {"replace", &stages::NewReplaceStage},
    {"template", &stages::NewTemplateStage},
    {"match", &stages::NewMatchStage},
    {"drop", &stages::NewDropStage},
    {"multiline", &stages::NewMultilineStage},
    {"limit", &stages::NewLimitStage},
    {"pack", &stages::NewPackStage},
};

}  // namespace

Result<std::unique_ptr<Stage>> NewStage(const StageContext& ctx, std::string_view name,
                                        const YAML::Node& name_node, const YAML::Node& config,
                                        std::string_view path) {
  for (const Entry& e : kStages) {
    if (e.name == name) return e.factory(ctx, config, path);
  }
  return ConfigError(ctx.config, name_node, path,
                     fmt::format("unknown stage \"{}\" (known: {})", name,
                                 fmt::join(StageNames(), ", ")));
}

std::vector<std::string_view> StageNames() {
  std::vector<std::string_view> names;
  for (const Entry& e : kStages) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace remediator::pipeline
