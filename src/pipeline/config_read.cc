#include "pipeline/config_read.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace remediator::pipeline {

Status ReadStringMap(const ConfigContext& ctx, const YAML::Node& node, std::string_view path,
                     StringPairs& out) {
  if (!node.IsDefined() || node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return ConfigError(ctx, node, path, "must be a map");
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return ConfigError(ctx, it->first, path, "keys must be strings");
    std::string key = it->first.Scalar();
    if (it->second.IsNull() || !it->second.IsDefined()) {
      out.emplace_back(std::move(key), "");
    } else if (it->second.IsScalar()) {
      out.emplace_back(std::move(key), it->second.Scalar());
    } else {
      return ConfigError(ctx, it->second, JoinKey(path, key), "must be a string");
    }
  }
  return Status::Ok();
}

Status ReadStringList(const ConfigContext& ctx, const YAML::Node& node, std::string_view path,
                      std::vector<std::string>& out) {
  if (!node.IsDefined() || node.IsNull()) return Status::Ok();
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return Status::Ok();
  }
  if (!node.IsSequence()) return ConfigError(ctx, node, path, "must be a string or a list");
  for (const auto& item : node) {
    if (!item.IsScalar()) return ConfigError(ctx, item, path, "list items must be strings");
    out.push_back(item.Scalar());
  }
  return Status::Ok();
}

Result<int64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return InvalidArgument(fmt::format("invalid byte size \"{}\"", text));
  double number = 0;
  try {
    number = std::stod(std::string(text.substr(0, i)));
  } catch (...) {
    return InvalidArgument(fmt::format("invalid byte size \"{}\"", text));
  }
  std::string unit;
  for (char c : text.substr(i)) {
    if (c != ' ') unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  double mult = 1;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else if (unit == "kb" || unit == "k" || unit == "kib") {
    mult = 1024;
  } else if (unit == "mb" || unit == "m" || unit == "mib") {
    mult = 1024.0 * 1024;
  } else if (unit == "gb" || unit == "g" || unit == "gib") {
    mult = 1024.0 * 1024 * 1024;
  } else {
    return InvalidArgument(fmt::format("invalid byte size unit in \"{}\"", text));
  }
  const double bytes = number * mult;
  // An error, not an out-of-range conversion (undefined behaviour) for sizes past int64.
  if (!(bytes < 0x1p62)) return InvalidArgument(fmt::format("byte size \"{}\" is too large", text));
  return static_cast<int64_t>(bytes);
}

Status ReadByteSize(const ConfigContext& ctx, const YAML::Node& map, std::string_view key,
                    int64_t& out) {
  std::string text;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, map, key, text));
  if (text.empty()) return Status::Ok();
  Result<int64_t> n = ParseByteSize(text);
  if (!n.ok()) return ConfigError(ctx, map[std::string(key)], key, n.status().message());
  out = *n;
  return Status::Ok();
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  if (base_dir == ".") return path;
  return base_dir + "/" + path;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}


}  // namespace remediator::pipeline
