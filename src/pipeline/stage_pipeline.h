// A list of stages built from `pipeline_stages` config, run in order on each entry.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/status.h"
#include "pipeline/stage.h"

namespace remediator::pipeline {

class StagePipeline {
 public:
  // Builds the stages of the YAML list `stages` (each item a one-key map: stage name ->
  // config). `path` names the list in errors ("scrape_configs[0].pipeline_stages").
  static Result<std::unique_ptr<StagePipeline>> Create(const StageContext& ctx,
                                                       const YAML::Node& stages,
                                                       std::string_view path);

  // Parses `yaml` (a pipeline_stages list; errors name ctx.config.file) and builds it.
  static Result<std::unique_ptr<StagePipeline>> FromYaml(const StageContext& ctx, std::string_view yaml);

  // Where entries that pass every stage go. REQUIRES: set before Process. Not owned.
  void SetOutput(EntryConsumer* out) { out_ = out; }
  // Runs every stage on `e`; zero or more entries reach the output.
  void Process(PipelineEntry& e) { RunFrom(0, e); }
  // Same, with a one-off output (used by nested pipelines of the match stage).
  void Process(PipelineEntry& e, EntryConsumer& out);
  void Tick(int64_t now_ns);
  void Tick(int64_t now_ns, EntryConsumer& out);
  void Close();
  void Close(EntryConsumer& out);
  size_t size() const { return stages_.size(); }

 private:
  class Next final : public EntryConsumer {
   public:
    Next(StagePipeline* p, size_t i) : p_(p), i_(i) {}
    void Consume(PipelineEntry& e) override { p_->RunFrom(i_, e); }

   private:
    StagePipeline* p_;
    size_t i_;
  };

  void RunFrom(size_t i, PipelineEntry& e);

  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<std::unique_ptr<Next>> nexts_;  // nexts_[i] runs stages i.. then the output
  EntryConsumer* out_ = nullptr;
};

}  // namespace remediator::pipeline
