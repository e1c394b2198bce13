// Small typed readers for the pipeline's config, on top of core/yaml_config.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/status.h"
#include "core/yaml_config.h"

namespace remediator::pipeline {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// `node` must be a map of scalars (or nulls, read as ""); keeps the order of the file.
Status ReadStringMap(const ConfigContext& ctx, const YAML::Node& node, std::string_view path,
                     StringPairs& out);
// A scalar or a list of scalars into a list.
Status ReadStringList(const ConfigContext& ctx, const YAML::Node& node, std::string_view path,
                      std::vector<std::string>& out);
// A byte size: an integer, or a number with a unit ("8kb", "1MB", "512KiB").
Result<int64_t> ParseByteSize(std::string_view text);
Status ReadByteSize(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                    int64_t& out);
// `path` made absolute against `base_dir` (unchanged when already absolute or empty).
std::string ResolvePath(const std::string& base_dir, const std::string& path);
// The folder of a file path ("." when it has none).
std::string DirName(const std::string& path);

}  // namespace remediator::pipeline
