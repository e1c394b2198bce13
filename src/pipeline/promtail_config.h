// Promtail's configuration keys, as they are (see docs/pipeline.md): server (accepted and
// ignored), positions, clients, scrape_configs, target_config, plus our `storage` block for the
// embedded store. The same keys may sit inside remediator.yml.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"
#include "core/yaml_config.h"
#include "pipeline/client_config.h"

namespace remediator::pipeline {

struct PositionsConfig {
  std::string filename;                         // absolute; default positions.yaml beside the config
  int64_t sync_period_ns = 10 * kNanosPerSecond;  // sync_period
  bool ignore_invalid_yaml = false;             // ignore_invalid_yaml
};

// Our `storage` block: the embedded store.
struct StorageConfig {
  bool enabled = false;     // the block is present, or neither storage nor clients are
  std::string path;         // absolute; default data/ beside the config file
  int64_t retention_ns = 0; // 0 = keep forever
};

// One static_configs[] entry.
struct StaticTarget {
  std::string path_glob;     // labels.__path__ (absolute; doublestar glob)
  std::string path_exclude;  // labels.__path_exclude__ (absolute glob), or empty
  Labels labels;             // the other labels, without the __-prefixed ones
};

struct ScrapeConfig {
  std::string job_name;
  std::vector<StaticTarget> targets;
  YAML::Node pipeline_stages;  // validated at load; built per shipper (stages hold state)
  std::string stages_path;     // "scrape_configs[N].pipeline_stages", for errors
};

struct PromtailConfig {
  ConfigContext ctx;        // the file the config came from
  std::string base_dir;     // the config file's folder
  PositionsConfig positions;
  std::vector<ClientConfig> clients;
  std::vector<ScrapeConfig> scrape_configs;
  StorageConfig storage;
  int64_t target_sync_period_ns = 10 * kNanosPerSecond;  // target_config.sync_period (re-glob)
  int64_t poll_period_ns = 250 * kNanosPerMilli;         // global.file_watch_config poll frequency
};

// Loads a Promtail config file; every unknown key is an error.
Result<PromtailConfig> LoadPromtailConfig(const std::string& path);

// Reads the Promtail keys of an already-loaded YAML map (a promtail.yml or a remediator.yml).
// With `strict_top_level`, any other top-level key is an error (a promtail file); otherwise
// the caller checks the other keys itself (remediator.yml; see IsPromtailKey).
Result<PromtailConfig> ParsePromtailConfig(const YAML::Node& root, const ConfigContext& ctx,
                                           bool strict_top_level);

// Whether `key` is a top-level key ParsePromtailConfig reads.
bool IsPromtailKey(std::string_view key);

// Whether the config asks for any shipping (has scrape_configs).
inline bool HasScrapeConfigs(const PromtailConfig& c) { return !c.scrape_configs.empty(); }

}  // namespace remediator::pipeline
