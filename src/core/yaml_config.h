// Helpers that turn YAML into typed config with errors of the form "file:line: key: message".
// yaml-cpp throws; nothing here lets an exception escape.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/status.h"

namespace remediator {

// Where a config value came from, for error messages.
struct ConfigContext {
  std::string file;  // the path as the user gave it
};

// Loads and parses a YAML file; a syntax error names the file and line.
Result<YAML::Node> LoadYamlFile(const std::string& path);
// Parses YAML text; `name` stands for the file in errors.
Result<YAML::Node> ParseYaml(std::string_view text, const std::string& name);

// "file:line: key: message" (line is 1-based; taken from the node's position).
Status ConfigError(const ConfigContext& ctx, const YAML::Node& node, std::string_view key,
                   std::string_view message);

// Fails naming the first key of the map `node` that is not in `allowed`.
// `path` is the dotted path of the map ("guards.rate_limit") for the message.
Status CheckKnownKeys(const ConfigContext& ctx, const YAML::Node& node, std::string_view path,
                      std::initializer_list<std::string_view> allowed);

// Typed reads of `node[key]`. A missing key leaves `out` as it is (the default) and returns
// OK; a present key of the wrong type is an error naming file, line and key.
Status ReadString(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                  std::string& out);
Status ReadBool(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                bool& out);
Status ReadInt(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
               int64_t& out);
Status ReadDouble(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                  double& out);
// A Go/Prometheus duration ("5m") into nanoseconds.
Status ReadDuration(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                    int64_t& out_ns);

// The dotted key path joined for messages: JoinKey("guards", "rate_limit") == "guards.rate_limit".
std::string JoinKey(std::string_view parent, std::string_view key);

}  // namespace remediator
