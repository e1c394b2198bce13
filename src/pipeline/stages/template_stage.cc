// template: sets extracted[source] to a Go text/template over the extracted values, with
// `.Value` = the current value of source and `.Entry` = the line. Missing fields print as
// "<no value>" (Go's default, as in Promtail).
#include <memory>
#include <string>

#include <fmt/format.h>

#include "pipeline/stages/extracted_template_data.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class TemplateStage final : public Stage {
 public:
  TemplateStage(StageContext ctx, std::string source, logql::tmpl::Template t)
      : ctx_(std::move(ctx)), source_(std::move(source)), template_(std::move(t)) {}
  std::string_view name() const override { return "template"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    std::string_view v;
    const std::string* value = nullptr;
    if (e.extracted.GetString(source_, v)) {
      value_.assign(v);
      value = &value_;
    }
    out_.clear();
    ExtractedTemplateData data(e, value, ctx_.clock);
    Status st = template_.Execute(data, out_);
    if (!st.ok()) {
      CountStageError(ctx_);
      return StageResult::kContinue;
    }
    e.extracted.SetString(source_, out_);
    return StageResult::kContinue;
  }

 private:
  StageContext ctx_;
  std::string source_;
  logql::tmpl::Template template_;
  std::string value_, out_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewTemplateStage(const StageContext& ctx, const YAML::Node& config,
                                                std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"source", "template"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::string source, text;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "template", text));
  if (source.empty()) return ConfigError(ctx.config, config, JoinKey(path, "source"), "is required");
  logql::tmpl::ParseOptions opts;
  opts.missing_key_zero = false;
  Result<logql::tmpl::Template> t = logql::tmpl::Template::Parse(text, opts);
  if (!t.ok()) return ConfigError(ctx.config, config["template"], JoinKey(path, "template"), t.status().message());
  return std::unique_ptr<Stage>(new TemplateStage(ctx, std::move(source), std::move(t).value()));
}

}  // namespace remediator::pipeline::stages
