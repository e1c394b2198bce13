#include "core/yaml_config.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/duration.h"

namespace remediator {

Result<YAML::Node> ParseYaml(std::string_view text, const std::string& name) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(
        fmt::format("{}:{}: yaml syntax error: {}", name, e.mark.line + 1, e.msg));
  }
}

Result<YAML::Node> LoadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: cannot open config file", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseYaml(buf.str(), path);
}

Status ConfigError(const ConfigContext& ctx, const YAML::Node& node, std::string_view key,
                   std::string_view message) {
  int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
  if (line > 0) {
    return InvalidArgument(fmt::format("{}:{}: {}: {}", ctx.file, line, key, message));
  }
  return InvalidArgument(fmt::format("{}: {}: {}", ctx.file, key, message));
}

std::string JoinKey(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

Status CheckKnownKeys(const ConfigContext& ctx, const YAML::Node& node, std::string_view path,
                      std::initializer_list<std::string_view> allowed) {
  if (!node.IsDefined() || node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return ConfigError(ctx, node, path.empty() ? "(top level)" : path, "must be a map");
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key;
    try {
      key = it->first.as<std::string>();
    } catch (const YAML::Exception&) {
      return ConfigError(ctx, it->first, path, "keys must be strings");
    }
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) return ConfigError(ctx, it->first, JoinKey(path, key), "unknown key");
  }
  return Status::Ok();
}

namespace {

template <typename T>
Status ReadScalar(const ConfigContext& ctx, const YAML::Node& map, std::string_view key, T& out,
                  std::string_view type_name) {
  if (!map.IsDefined() || !map.IsMap()) return Status::Ok();
  YAML::Node v = map[std::string(key)];
  if (!v.IsDefined() || v.IsNull()) return Status::Ok();
  if (!v.IsScalar()) return ConfigError(ctx, v, key, fmt::format("must be a {}", type_name));
  try {
    out = v.as<T>();
  } catch (const YAML::Exception&) {
    return ConfigError(ctx, v, key, fmt::format("must be a {}, got \"{}\"", type_name, v.Scalar()));
  }
  return Status::Ok();
}

}  // namespace

Status ReadString(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                  std::string& out) {
  return ReadScalar(ctx, map, key, out, "string");
}
Status ReadBool(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                bool& out) {
  return ReadScalar(ctx, map, key, out, "boolean");
}
Status ReadInt(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
               int64_t& out) {
  return ReadScalar(ctx, map, key, out, "integer");
}
Status ReadDouble(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                  double& out) {
  return ReadScalar(ctx, map, key, out, "number");
}

Status ReadDuration(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                    int64_t& out_ns) {
  std::string text;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, map, key, text));
  if (text.empty()) return Status::Ok();
  Result<int64_t> d = ParseDuration(text);
  if (!d.ok()) return ConfigError(ctx, map[std::string(key)], key, d.status().message());
  out_ns = *d;
  return Status::Ok();
}

}  // namespace remediator
