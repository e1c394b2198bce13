#include "pipeline/client_config.h"

#include <fmt/format.h>

#include "core/secret_file.h"
#include "pipeline/config_read.h"

namespace remediator::pipeline {

Result<ClientConfig> ParseClientConfig(const ConfigContext& ctx, const YAML::Node& node,
                                       std::string_view path, const std::string& base_dir) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(
      ctx, node, path,
      {"url", "tenant_id", "batchwait", "batchsize", "timeout", "backoff_config",
       "external_labels", "basic_auth", "bearer_token", "bearer_token_file",
       "drop_rate_limited_batches", "headers"}));
  if (!node.IsMap()) return ConfigError(ctx, node, path, "must be a map");
  ClientConfig c;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, node, "url", c.url));
  if (c.url.empty()) return ConfigError(ctx, node, JoinKey(path, "url"), "is required");
  if (c.url.rfind("http://", 0) != 0 && c.url.rfind("https://", 0) != 0) {
    return ConfigError(ctx, node["url"], JoinKey(path, "url"), "must start with http:// or https://");
  }
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, node, "tenant_id", c.tenant_id));
  REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, node, "batchwait", c.batch_wait_ns));
  REMEDIATOR_RETURN_IF_ERROR(ReadByteSize(ctx, node, "batchsize", c.batch_size_bytes));
  REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, node, "timeout", c.timeout_ns));
  REMEDIATOR_RETURN_IF_ERROR(ReadBool(ctx, node, "drop_rate_limited_batches",
                                      c.drop_rate_limited_batches));
  if (c.batch_size_bytes <= 0) {
    return ConfigError(ctx, node["batchsize"], JoinKey(path, "batchsize"), "must be positive");
  }
  if (YAML::Node b = node["backoff_config"]; b.IsDefined() && !b.IsNull()) {
    std::string bpath = JoinKey(path, "backoff_config");
    REMEDIATOR_RETURN_IF_ERROR(
        CheckKnownKeys(ctx, b, bpath, {"min_period", "max_period", "max_retries"}));
    REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, b, "min_period", c.backoff.min_period_ns));
    REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, b, "max_period", c.backoff.max_period_ns));
    REMEDIATOR_RETURN_IF_ERROR(ReadInt(ctx, b, "max_retries", c.backoff.max_retries));
    if (c.backoff.max_period_ns < c.backoff.min_period_ns) {
      return ConfigError(ctx, b, bpath, "max_period must not be less than min_period");
    }
  }
  StringPairs labels;
  REMEDIATOR_RETURN_IF_ERROR(
      ReadStringMap(ctx, node["external_labels"], JoinKey(path, "external_labels"), labels));
  std::vector<Label> ls;
  for (auto& [k, v] : labels) ls.push_back(Label{k, v});
  c.external_labels = MakeLabels(std::move(ls));
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(ctx, node["headers"], JoinKey(path, "headers"), c.headers));

  if (YAML::Node b = node["basic_auth"]; b.IsDefined() && !b.IsNull()) {
    std::string bpath = JoinKey(path, "basic_auth");
    REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, b, bpath, {"username", "password", "password_file"}));
    c.has_basic_auth = true;
    REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, b, "username", c.basic_auth.username));
    REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, b, "password", c.basic_auth.password));
    REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, b, "password_file", c.basic_auth.password_file));
    if (!c.basic_auth.password.empty() && !c.basic_auth.password_file.empty()) {
      return ConfigError(ctx, b, bpath, "at most one of password and password_file");
    }
    if (!c.basic_auth.password_file.empty()) {
      c.basic_auth.password_file = ResolvePath(base_dir, c.basic_auth.password_file);
      Result<std::string> pw = ReadSecretFile(c.basic_auth.password_file, "secret file", EmptySecret::kAllowed);
      if (!pw.ok()) {
        return ConfigError(ctx, b["password_file"], JoinKey(bpath, "password_file"),
                           pw.status().message());
      }
      c.basic_auth.password = *pw;
    }
  }
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, node, "bearer_token", c.bearer_token));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, node, "bearer_token_file", c.bearer_token_file));
  if (!c.bearer_token.empty() && !c.bearer_token_file.empty()) {
    return ConfigError(ctx, node, path, "at most one of bearer_token and bearer_token_file");
  }
  if ((!c.bearer_token.empty() || !c.bearer_token_file.empty()) && c.has_basic_auth) {
    return ConfigError(ctx, node, path, "at most one of basic_auth and bearer_token");
  }
  if (!c.bearer_token_file.empty()) {
    c.bearer_token_file = ResolvePath(base_dir, c.bearer_token_file);
    Result<std::string> tok = ReadSecretFile(c.bearer_token_file, "secret file", EmptySecret::kAllowed);
    if (!tok.ok()) {
      return ConfigError(ctx, node["bearer_token_file"], JoinKey(path, "bearer_token_file"),
                         tok.status().message());
    }
    c.bearer_token = *tok;
  }
  return c;
}

}  // namespace remediator::pipeline
