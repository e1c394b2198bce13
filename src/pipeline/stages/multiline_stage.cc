// multiline: joins lines into blocks per stream. A line matching `firstline` starts a new
// block (sending the previous one on); other lines are appended with '\n'. A block goes on
// after `max_lines` lines, after `max_wait_time` without a new line, or at end of input. It
// keeps the first line's time and labels.
#include <map>
#include <memory>
#include <string>

#include <re2/re2.h>

#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class MultilineStage final : public Stage {
 public:
  MultilineStage(std::unique_ptr<re2::RE2> firstline, int64_t max_wait_ns, int64_t max_lines)
      : firstline_(std::move(firstline)), max_wait_ns_(max_wait_ns), max_lines_(max_lines) {}
  std::string_view name() const override { return "multiline"; }

  StageResult Process(PipelineEntry& e, EntryConsumer& next) override {
    std::string key = FormatLabels(e.entry.labels);
    Block& b = blocks_[key];
    if (re2::RE2::PartialMatch(e.entry.line, *firstline_)) Flush(b, next);
    if (b.lines == 0) {
      b.entry = e;
    } else {
      b.entry.entry.line.push_back('\n');
      b.entry.entry.line.append(e.entry.line);
    }
    ++b.lines;
    b.last_ns = e.read_time_ns;
    if (b.lines >= max_lines_) Flush(b, next);
    return StageResult::kConsumed;
  }

  void Tick(int64_t now_ns, EntryConsumer& next) override {
    for (auto& [key, b] : blocks_) {
      if (b.lines > 0 && now_ns - b.last_ns >= max_wait_ns_) Flush(b, next);
    }
  }

  void Close(EntryConsumer& next) override {
    for (auto& [key, b] : blocks_) Flush(b, next);
  }

 private:
  struct Block {
    PipelineEntry entry;
    int64_t lines = 0;
    int64_t last_ns = 0;
  };

  void Flush(Block& b, EntryConsumer& next) {
    if (b.lines == 0) return;
    b.lines = 0;
    next.Consume(b.entry);
  }

  std::unique_ptr<re2::RE2> firstline_;
  int64_t max_wait_ns_;
  int64_t max_lines_;
  std::map<std::string, Block> blocks_;  // by stream (label set)
};

}  // namespace

Result<std::unique_ptr<Stage>> NewMultilineStage(const StageContext& ctx, const YAML::Node& config,
                                                 std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"firstline", "max_wait_time", "max_lines"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::string firstline;
  int64_t max_wait = 3 * kNanosPerSecond, max_lines = 128;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "firstline", firstline));
  REMEDIATOR_RETURN_IF_ERROR(ReadDuration(ctx.config, config, "max_wait_time", max_wait));
  REMEDIATOR_RETURN_IF_ERROR(ReadInt(ctx.config, config, "max_lines", max_lines));
  std::string key = JoinKey(path, "firstline");
  if (firstline.empty()) return ConfigError(ctx.config, config, key, "is required");
  if (max_lines <= 0) return ConfigError(ctx.config, config["max_lines"], JoinKey(path, "max_lines"), "must be positive");
  if (max_wait <= 0) return ConfigError(ctx.config, config["max_wait_time"], JoinKey(path, "max_wait_time"), "must be positive");
  REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<re2::RE2> re, CompileStageRegex(ctx, config["firstline"], key, firstline));
  return std::unique_ptr<Stage>(new MultilineStage(std::move(re), max_wait, max_lines));
}

}  // namespace remediator::pipeline::stages
