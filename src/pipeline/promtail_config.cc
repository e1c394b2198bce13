#include "pipeline/promtail_config.h"

#include <filesystem>

#include <fmt/format.h>

#include "pipeline/config_read.h"
#include "pipeline/stage_pipeline.h"
#include "pipeline/stages/label_names.h"

namespace remediator::pipeline {

namespace {

constexpr std::string_view kTopKeys[] = {"server", "positions", "clients", "client",
                                         "scrape_configs", "storage", "target_config", "global"};

Status ParsePositions(const ConfigContext& ctx, const YAML::Node& n, const std::string& base,
                      PositionsConfig& out) {
  out.filename = ResolvePath(base, "positions.yaml");
  if (!n.IsDefined() || n.IsNull()) return Status::Ok();
  REMEDIATOR_RETURN_IF_ERROR(
      CheckKnownKeys(ctx, n, "positions", {"filename", "sync_period", "ignore_invalid_yaml"}));
  std::string filename;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, n, "filename", filename));
  if (!filename.empty()) out.filename = ResolvePath(base, filename);
  REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, n, "sync_period", out.sync_period_ns));
  REMEDIATOR_RETURN_IF_ERROR(ReadBool(ctx, n, "ignore_invalid_yaml", out.ignore_invalid_yaml));
  if (out.sync_period_ns <= 0) return ConfigError(ctx, n["sync_period"], "positions.sync_period", "must be positive");
  return Status::Ok();
}

Status ParseStorage(const ConfigContext& ctx, const YAML::Node& n, const std::string& base,
                    StorageConfig& out) {
  out.path = ResolvePath(base, "data");
  if (!n.IsDefined()) return Status::Ok();
  out.enabled = true;
  if (n.IsNull()) return Status::Ok();
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, n, "storage", {"path", "retention"}));
  std::string path;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, n, "path", path));
  if (!path.empty()) out.path = ResolvePath(base, path);
  REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, n, "retention", out.retention_ns));
  if (out.retention_ns < 0) return ConfigError(ctx, n["retention"], "storage.retention", "must not be negative");
  return Status::Ok();
}

Status ParseScrape(const ConfigContext& ctx, const YAML::Node& n, std::string_view path,
                   const std::string& base, ScrapeConfig& out) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, n, path, {"job_name", "static_configs", "pipeline_stages"}));
  if (!n.IsMap()) return ConfigError(ctx, n, path, "must be a map");
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx, n, "job_name", out.job_name));
  if (out.job_name.empty()) return ConfigError(ctx, n, JoinKey(path, "job_name"), "is required");
  YAML::Node statics = n["static_configs"];
  std::string spath = JoinKey(path, "static_configs");
  if (!statics.IsDefined() || statics.IsNull()) return ConfigError(ctx, n, spath, "is required");
  if (!statics.IsSequence()) return ConfigError(ctx, statics, spath, "must be a list");
  size_t i = 0;
  for (const YAML::Node& s : statics) {
    std::string tpath = fmt::format("{}[{}]", spath, i++);
    REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, s, tpath, {"targets", "labels"}));
    if (!s.IsMap()) return ConfigError(ctx, s, tpath, "must be a map");
    std::vector<std::string> targets;
    REMEDIATOR_RETURN_IF_ERROR(ReadStringList(ctx, s["targets"], JoinKey(tpath, "targets"), targets));
    StringPairs labels;
    std::string lpath = JoinKey(tpath, "labels");
    REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(ctx, s["labels"], lpath, labels));
    StaticTarget t;
    std::vector<Label> ls;
    for (auto& [k, v] : labels) {
      if (k == "__path__") {
        t.path_glob = ResolvePath(base, v);
      } else if (k == "__path_exclude__") {
        t.path_exclude = ResolvePath(base, v);
      } else if (k.rfind("__", 0) == 0) {
        continue;  // Promtail deletes every other __ label from file targets
      } else {
        if (!stages::IsValidLabelName(k)) return ConfigError(ctx, s["labels"], JoinKey(lpath, k), "invalid label name");
        ls.push_back(Label{k, v});
      }
    }
    if (t.path_glob.empty()) return ConfigError(ctx, s, JoinKey(lpath, "__path__"), "is required");
    t.labels = MakeLabels(std::move(ls));
    out.targets.push_back(std::move(t));
  }
  if (const YAML::Node stages = n["pipeline_stages"]; stages.IsDefined()) out.pipeline_stages = stages;
  out.stages_path = JoinKey(path, "pipeline_stages");
  // Validate the stages now so a bad stage fails at load, with its line.
  StageContext sctx;
  sctx.config = ctx;
  sctx.job_name = out.job_name;
  Result<std::unique_ptr<StagePipeline>> p = StagePipeline::Create(sctx, out.pipeline_stages, out.stages_path);
  if (!p.ok()) return p.status();
  return Status::Ok();
}

}  // namespace

bool IsPromtailKey(std::string_view key) {
  for (std::string_view k : kTopKeys) {
    if (k == key) return true;
  }
  return false;
}

namespace {

Result<PromtailConfig> ParseUnguarded(const YAML::Node& root, const ConfigContext& ctx,
                                      bool strict_top_level) {
  PromtailConfig c;
  c.ctx = ctx;
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(DirName(ctx.file), ec);
  c.base_dir = ec ? DirName(ctx.file) : abs.lexically_normal().string();
  if (c.base_dir.size() > 1 && c.base_dir.back() == '/') c.base_dir.pop_back();
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    return ConfigError(ctx, root, "(top level)", "must be a map");
  }
  if (strict_top_level) {
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (!IsPromtailKey(key)) return ConfigError(ctx, it->first, key, "unknown key");
    }
  }
  // server: accepted as Promtail has it; remediator serves its own HTTP.
  REMEDIATOR_RETURN_IF_ERROR(ParsePositions(ctx, root["positions"], c.base_dir, c.positions));
  const YAML::Node plural = root["clients"];
  const YAML::Node clients = plural.IsDefined() && !plural.IsNull() ? plural : root["client"];  // Promtail's singular form too
  if (clients.IsDefined() && !clients.IsNull()) {
    if (clients.IsMap()) {
      REMEDIATOR_ASSIGN_OR_RETURN(ClientConfig cc, ParseClientConfig(ctx, clients, "client", c.base_dir));
      c.clients.push_back(std::move(cc));
    } else if (clients.IsSequence()) {
      size_t i = 0;
      for (const YAML::Node& n : clients) {
        REMEDIATOR_ASSIGN_OR_RETURN(ClientConfig cc,
                                    ParseClientConfig(ctx, n, fmt::format("clients[{}]", i++), c.base_dir));
        c.clients.push_back(std::move(cc));
      }
    } else {
      return ConfigError(ctx, clients, "clients", "must be a list");
    }
  }
  REMEDIATOR_RETURN_IF_ERROR(ParseStorage(ctx, root["storage"], c.base_dir, c.storage));
  if (c.clients.empty()) c.storage.enabled = true;  // neither: the store at data/
  if (YAML::Node tc = root["target_config"]; tc.IsDefined() && !tc.IsNull()) {
    REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, tc, "target_config", {"sync_period"}));
    REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, tc, "sync_period", c.target_sync_period_ns));
  }
  if (YAML::Node g = root["global"]; g.IsDefined() && !g.IsNull()) {
    REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, g, "global", {"file_watch_config"}));
    YAML::Node fw = g["file_watch_config"];
    REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx, fw, "global.file_watch_config",
                                              {"min_poll_frequency", "max_poll_frequency"}));
    REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx, fw, "min_poll_frequency", c.poll_period_ns));
  }
  YAML::Node scrapes = root["scrape_configs"];
  if (scrapes.IsDefined() && !scrapes.IsNull()) {
    if (!scrapes.IsSequence()) return ConfigError(ctx, scrapes, "scrape_configs", "must be a list");
    size_t i = 0;
    for (const YAML::Node& n : scrapes) {
      ScrapeConfig sc;
      REMEDIATOR_RETURN_IF_ERROR(ParseScrape(ctx, n, fmt::format("scrape_configs[{}]", i++), c.base_dir, sc));
      for (const ScrapeConfig& other : c.scrape_configs) {
        if (other.job_name == sc.job_name) {
          return ConfigError(ctx, n["job_name"], fmt::format("scrape_configs[{}].job_name", i - 1),
                             fmt::format("duplicate job_name \"{}\"", sc.job_name));
        }
      }
      c.scrape_configs.push_back(std::move(sc));
    }
  }
  return c;
}

}  // namespace

Result<PromtailConfig> ParsePromtailConfig(const YAML::Node& root, const ConfigContext& ctx,
                                           bool strict_top_level) {
  try {
    return ParseUnguarded(root, ctx, strict_top_level);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(fmt::format("{}:{}: {}", ctx.file, e.mark.line + 1, e.msg));
  }
}

Result<PromtailConfig> LoadPromtailConfig(const std::string& path) {
  REMEDIATOR_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  return ParsePromtailConfig(root, ConfigContext{path}, true);
}

}  // namespace remediator::pipeline
