#include "pipeline/stage_pipeline.h"

#include <fmt/format.h>

#include "pipeline/stage_registry.h"

namespace remediator::pipeline {

Result<std::unique_ptr<StagePipeline>> StagePipeline::Create(const StageContext& ctx,
                                                             const YAML::Node& stages,
                                                             std::string_view path) {
  auto p = std::unique_ptr<StagePipeline>(new StagePipeline());
  if (stages.IsDefined() && !stages.IsNull()) {
    if (!stages.IsSequence()) return ConfigError(ctx.config, stages, path, "must be a list of stages");
    size_t i = 0;
    for (const YAML::Node& item : stages) {
      std::string item_path = fmt::format("{}[{}]", path, i++);
      if (!item.IsMap() || item.size() != 1) {
        return ConfigError(ctx.config, item, item_path,
                           "each stage must be a map with exactly one key, the stage name");
      }
      auto it = item.begin();
      if (!it->first.IsScalar()) return ConfigError(ctx.config, it->first, item_path, "bad stage name");
      std::string name = it->first.Scalar();
      REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<Stage> stage,
                                  NewStage(ctx, name, it->first, it->second, JoinKey(item_path, name)));
      p->stages_.push_back(std::move(stage));
    }
  }
  for (size_t i = 0; i <= p->stages_.size(); ++i) {
    p->nexts_.push_back(std::make_unique<Next>(p.get(), i));
  }
  return p;
}

Result<std::unique_ptr<StagePipeline>> StagePipeline::FromYaml(const StageContext& ctx, std::string_view yaml) {
  REMEDIATOR_ASSIGN_OR_RETURN(YAML::Node node, ParseYaml(yaml, ctx.config.file));
  return Create(ctx, node, "pipeline_stages");
}

void StagePipeline::RunFrom(size_t i, PipelineEntry& e) {
  for (size_t j = i; j < stages_.size(); ++j) {
    if (stages_[j]->Process(e, *nexts_[j + 1]) == StageResult::kConsumed) return;
  }
  if (out_ != nullptr) out_->Consume(e);
}

void StagePipeline::Process(PipelineEntry& e, EntryConsumer& out) {
  EntryConsumer* saved = out_;
  out_ = &out;
  RunFrom(0, e);
  out_ = saved;
}

void StagePipeline::Tick(int64_t now_ns) {
  for (size_t j = 0; j < stages_.size(); ++j) stages_[j]->Tick(now_ns, *nexts_[j + 1]);
}

void StagePipeline::Tick(int64_t now_ns, EntryConsumer& out) {
  EntryConsumer* saved = out_;
  out_ = &out;
  Tick(now_ns);
  out_ = saved;
}

void StagePipeline::Close() {
  for (size_t j = 0; j < stages_.size(); ++j) stages_[j]->Close(*nexts_[j + 1]);
}

void StagePipeline::Close(EntryConsumer& out) {
  EntryConsumer* saved = out_;
  out_ = &out;
  Close();
  out_ = saved;
}

}  // namespace remediator::pipeline
