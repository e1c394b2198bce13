// logfmt: extracts key=value pairs (go-logfmt syntax) of the line or `source`, as named by
// `mapping: {extracted key: logfmt key, or empty for the same}`.
#include <string>
#include <vector>

#include "pipeline/config_read.h"
#include "pipeline/stages/source_value.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

bool IsKeyChar(char c) { return c > ' ' && c != '=' && c != '"' && c != 0x7f; }

class LogfmtStage final : public Stage {
 public:
  LogfmtStage(StageContext ctx, StringPairs mapping, std::string source)
      : ctx_(std::move(ctx)), mapping_(std::move(mapping)), source_(std::move(source)) {}
  std::string_view name() const override { return "logfmt"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    // The input may be an extracted value this stage overwrites: work on a copy.
    if (!CopySourceText(e, source_, ctx_, input_)) return StageResult::kContinue;
    std::string_view s = input_;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] <= ' ') ++i;
      size_t ks = i;
      while (i < s.size() && IsKeyChar(s[i])) ++i;
      std::string_view key = s.substr(ks, i - ks);
      if (key.empty()) {
        // A stray character go-logfmt rejects: skip it and stop (an error, like Promtail's).
        if (i < s.size()) CountStageError(ctx_);
        break;
      }
      value_.clear();
      if (i < s.size() && s[i] == '=') {
        ++i;
        if (i < s.size() && s[i] == '"') {
          ++i;
          bool closed = false;
          while (i < s.size()) {
            char c = s[i++];
            if (c == '"') {
              closed = true;
              break;
            }
            if (c == '\\' && i < s.size()) {
              char n = s[i++];
              switch (n) {
                case 'n': value_.push_back('\n'); break;
                case 't': value_.push_back('\t'); break;
                case 'r': value_.push_back('\r'); break;
                default: value_.push_back(n); break;
              }
            } else {
              value_.push_back(c);
            }
          }
          if (!closed) {
            CountStageError(ctx_);
            break;
          }
        } else {
          size_t vs = i;
          while (i < s.size() && s[i] > ' ') ++i;
          value_.assign(s.substr(vs, i - vs));
        }
      }
      for (const auto& [extracted, lkey] : mapping_) {
        if (lkey == key) e.extracted.SetString(extracted, value_);
      }
    }
    return StageResult::kContinue;
  }

 private:
  StageContext ctx_;
  StringPairs mapping_;  // extracted key -> logfmt key
  std::string source_;
  std::string input_, value_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewLogfmtStage(const StageContext& ctx, const YAML::Node& config,
                                              std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"mapping", "source"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  StringPairs mapping;
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(ctx.config, config["mapping"], JoinKey(path, "mapping"), mapping));
  if (mapping.empty()) return ConfigError(ctx.config, config, JoinKey(path, "mapping"), "must not be empty");
  for (auto& [k, v] : mapping) {
    if (v.empty()) v = k;
  }
  std::string source;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
  if (config["source"].IsDefined() && source.empty()) {
    return ConfigError(ctx.config, config["source"], JoinKey(path, "source"), "must not be empty");
  }
  return std::unique_ptr<Stage>(new LogfmtStage(ctx, std::move(mapping), std::move(source)));
}

}  // namespace remediator::pipeline::stages
