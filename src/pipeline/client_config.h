// A Loki push client's configuration: Promtail's `clients[]` entry, key for key.
// Parsed by the pipeline's config loader; consumed by the Loki push sink (sinks/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"
#include "core/yaml_config.h"

namespace remediator::pipeline {

// `backoff_config`: exponential backoff between retries of one batch.
struct BackoffConfig {
  int64_t min_period_ns = 500 * kNanosPerMilli;  // min_period
  int64_t max_period_ns = 5 * kNanosPerMinute;   // max_period
  int64_t max_retries = 10;                      // max_retries; after that the batch is dropped
};

// `basic_auth`: password or password_file (read at load time into `password`).
struct BasicAuth {
  std::string username;
  std::string password;       // the password itself (from `password` or `password_file`)
  std::string password_file;  // absolute path, or empty
};

struct ClientConfig {
  std::string url;                                 // url, e.g. http://loki:3100/loki/api/v1/push
  std::string tenant_id;                           // tenant_id -> X-Scope-OrgID; empty = none
  int64_t batch_wait_ns = kNanosPerSecond;         // batchwait
  int64_t batch_size_bytes = 1024 * 1024;          // batchsize (bytes of log lines)
  int64_t timeout_ns = 10 * kNanosPerSecond;       // timeout of one HTTP request
  BackoffConfig backoff;                           // backoff_config
  Labels external_labels;                          // external_labels, added to every stream
  bool has_basic_auth = false;                     // basic_auth given
  BasicAuth basic_auth;
  std::string bearer_token;                        // bearer_token, or the contents of
  std::string bearer_token_file;                   //   bearer_token_file (absolute path)
  bool drop_rate_limited_batches = false;          // drop_rate_limited_batches: 429 drops
  std::vector<std::pair<std::string, std::string>> headers;  // headers: extra HTTP headers
};

// Parses one `clients[]` entry. `path` names it in errors ("clients[0]"); relative file
// paths resolve against `base_dir` (the config file's folder). Files named by
// bearer_token_file / password_file are read here so a missing file is a config error.
Result<ClientConfig> ParseClientConfig(const ConfigContext& ctx, const YAML::Node& node,
                                       std::string_view path, const std::string& base_dir);

}  // namespace remediator::pipeline
