// pack: the line becomes a JSON object of the named labels (removed from the stream) or
// extracted values, keys sorted, plus `_entry` (the original line) last. LogQL's `unpack`
// reverses it. With ingest_timestamp (default) the entry's time becomes now.
#include <algorithm>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "pipeline/config_read.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class PackStage final : public Stage {
 public:
  PackStage(StageContext ctx, std::vector<std::string> labels, bool ingest_timestamp)
      : ctx_(std::move(ctx)), labels_(std::move(labels)), ingest_timestamp_(ingest_timestamp) {
    std::sort(labels_.begin(), labels_.end());
    labels_.erase(std::unique(labels_.begin(), labels_.end()), labels_.end());
  }
  std::string_view name() const override { return "pack"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    out_.clear();
    out_.push_back('{');
    for (const std::string& name : labels_) {
      std::string_view v;
      bool found = false;
      for (const Label& l : e.entry.labels) {
        if (l.name == name) {
          value_.assign(l.value);
          found = true;
          break;
        }
      }
      if (found) {
        RemoveLabel(e.entry.labels, name);
      } else if (e.extracted.GetString(name, v)) {
        value_.assign(v);
        found = true;
      }
      if (!found) continue;
      AppendJsonString(out_, name);
      out_.push_back(':');
      AppendJsonString(out_, value_);
      out_.push_back(',');
    }
    out_ += "\"_entry\":";
    AppendJsonString(out_, e.entry.line);
    out_.push_back('}');
    e.entry.line.swap(out_);
    if (ingest_timestamp_ && ctx_.clock != nullptr) e.entry.timestamp_ns = ctx_.clock->NowNs();
    return StageResult::kContinue;
  }

 private:
  StageContext ctx_;
  std::vector<std::string> labels_;
  bool ingest_timestamp_;
  std::string out_, value_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewPackStage(const StageContext& ctx, const YAML::Node& config,
                                            std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"labels", "ingest_timestamp"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::vector<std::string> labels;
  REMEDIATOR_RETURN_IF_ERROR(ReadStringList(ctx.config, config["labels"], JoinKey(path, "labels"), labels));
  if (labels.empty()) return ConfigError(ctx.config, config, JoinKey(path, "labels"), "must not be empty");
  bool ingest = true;
  REMEDIATOR_RETURN_IF_ERROR(ReadBool(ctx.config, config, "ingest_timestamp", ingest));
  return std::unique_ptr<Stage>(new PackStage(ctx, std::move(labels), ingest));
}

}  // namespace remediator::pipeline::stages
