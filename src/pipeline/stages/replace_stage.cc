// replace: every match of `expression` in the line (or `source`) has each of its capture
// groups replaced by the `replace` template (with `.Value` = the captured text and the
// extracted values). Named groups are also extracted. An empty `replace` removes them.
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "pipeline/stages/extracted_template_data.h"
#include "pipeline/stages/source_value.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

class ReplaceStage final : public Stage {
 public:
  ReplaceStage(StageContext ctx, std::unique_ptr<re2::RE2> re, std::string source, logql::tmpl::Template t)
      : ctx_(std::move(ctx)), re_(std::move(re)), source_(std::move(source)), template_(std::move(t)) {
    groups_.resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
    names_.resize(groups_.size());
    for (const auto& [name, index] : re_->NamedCapturingGroups()) names_[static_cast<size_t>(index)] = name;
  }
  std::string_view name() const override { return "replace"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    // The input may be an extracted value this stage overwrites: work on a copy.
    if (!CopySourceText(e, source_, ctx_, input_)) return StageResult::kContinue;
    out_.clear();
    size_t pos = 0, copied = 0;
    bool any = false;
    while (pos <= input_.size() &&
           re_->Match(input_, pos, input_.size(), re2::RE2::UNANCHORED, groups_.data(), static_cast<int>(groups_.size()))) {
      any = true;
      for (size_t g = 1; g < groups_.size(); ++g) {
        const re2::StringPiece& m = groups_[g];
        if (m.data() == nullptr) continue;
        size_t start = static_cast<size_t>(m.data() - input_.data());
        if (start < copied) continue;  // nested in a group already replaced
        std::string captured(m.data(), m.size());
        if (!names_[g].empty()) e.extracted.SetString(names_[g], captured);
        out_.append(input_, copied, start - copied);
        ExtractedTemplateData data(e, &captured, ctx_.clock);
        if (!template_.Execute(data, out_).ok()) {
          CountStageError(ctx_);
          return StageResult::kContinue;
        }
        copied = start + m.size();
      }
      const re2::StringPiece& whole = groups_[0];
      size_t end = static_cast<size_t>(whole.data() - input_.data()) + whole.size();
      pos = whole.size() == 0 ? end + 1 : end;
    }
    if (!any) return StageResult::kContinue;
    if (copied < input_.size()) out_.append(input_, copied, std::string::npos);
    if (source_.empty()) {
      e.entry.line.swap(out_);
    } else {
      e.extracted.SetString(source_, out_);
    }
    return StageResult::kContinue;
  }

 private:
  StageContext ctx_;
  std::unique_ptr<re2::RE2> re_;
  std::string source_;
  logql::tmpl::Template template_;
  std::vector<re2::StringPiece> groups_;
  std::vector<std::string> names_;  // by group index; "" for unnamed
  std::string input_, out_;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewReplaceStage(const StageContext& ctx, const YAML::Node& config,
                                               std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(ctx.config, config, path, {"expression", "source", "replace"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::string expr, source, replace;
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "expression", expr));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "replace", replace));
  std::string key = JoinKey(path, "expression");
  if (expr.empty()) return ConfigError(ctx.config, config, key, "is required");
  REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<re2::RE2> re, CompileStageRegex(ctx, config["expression"], key, expr));
  if (re->NumberOfCapturingGroups() == 0) {
    return ConfigError(ctx.config, config["expression"], key, "must have at least one capture group");
  }
  logql::tmpl::ParseOptions opts;
  opts.missing_key_zero = false;
  Result<logql::tmpl::Template> t = logql::tmpl::Template::Parse(replace, opts);
  if (!t.ok()) return ConfigError(ctx.config, config["replace"], JoinKey(path, "replace"), t.status().message());
  return std::unique_ptr<Stage>(new ReplaceStage(ctx, std::move(re), std::move(source), std::move(t).value()));
}

}  // namespace remediator::pipeline::stages
