// The explicit name -> factory table of pipeline stages.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/status.h"
#include "pipeline/stage.h"

namespace remediator::pipeline {

// Builds one stage from its config. `path` is the dotted key path for errors.
using StageFactory = Result<std::unique_ptr<Stage>> (*)(const StageContext& ctx,
                                                        const YAML::Node& config,
                                                        std::string_view path);

// Builds the stage called `name`; an unknown name is a config error at `name_node`'s line.
Result<std::unique_ptr<Stage>> NewStage(const StageContext& ctx, std::string_view name,
                                        const YAML::Node& name_node, const YAML::Node& config,
                                        std::string_view path);
// The names of every known stage, sorted.
std::vector<std::string_view> StageNames();

}  // namespace remediator::pipeline
