// Factories of the pipeline stages, one file each; the registry (stage_registry.cc) maps
// Promtail's stage names to them.
#pragma once

#include <memory>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/status.h"
#include "pipeline/stage.h"

namespace remediator::pipeline::stages {

#define REMEDIATOR_STAGE_FACTORY(fn)                                                      \
  Result<std::unique_ptr<Stage>> fn(const StageContext& ctx, const YAML::Node& config, \
                                    std::string_view path)

REMEDIATOR_STAGE_FACTORY(NewJsonStage);
REMEDIATOR_STAGE_FACTORY(NewRegexStage);
REMEDIATOR_STAGE_FACTORY(NewLogfmtStage);
REMEDIATOR_STAGE_FACTORY(NewTimestampStage);
REMEDIATOR_STAGE_FACTORY(NewLabelsStage);
REMEDIATOR_STAGE_FACTORY(NewLabelAllowStage);
REMEDIATOR_STAGE_FACTORY(NewLabelDropStage);
REMEDIATOR_STAGE_FACTORY(NewStaticLabelsStage);
REMEDIATOR_STAGE_FACTORY(NewOutputStage);
REMEDIATOR_STAGE_FACTORY(NewTemplateStage);
REMEDIATOR_STAGE_FACTORY(NewMatchStage);
REMEDIATOR_STAGE_FACTORY(NewDropStage);
REMEDIATOR_STAGE_FACTORY(NewReplaceStage);
REMEDIATOR_STAGE_FACTORY(NewMultilineStage);
REMEDIATOR_STAGE_FACTORY(NewLimitStage);
REMEDIATOR_STAGE_FACTORY(NewPackStage);

#undef REMEDIATOR_STAGE_FACTORY

}  // namespace remediator::pipeline::stages

namespace re2 {
class RE2;
}

namespace remediator::pipeline::stages {

// Compiles an RE2 expression of a stage's config; errors name `key` at `node`'s line.
Result<std::unique_ptr<re2::RE2>> CompileStageRegex(const StageContext& ctx, const YAML::Node& node,
                                                    std::string_view key, const std::string& expr);

}  // namespace remediator::pipeline::stages
