// Template data for the template and replace stages: Promtail's map of extracted values as
// strings, plus `.Value` (the current value of the source) and `.Entry` (the line).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "logql/template/template.h"
#include "pipeline/stage.h"

namespace remediator::pipeline::stages {

class ExtractedTemplateData final : public logql::tmpl::TemplateData {
 public:
  ExtractedTemplateData(const PipelineEntry& e, const std::string* value, const Clock* clock)
      : e_(e), value_(value), clock_(clock) {}

  bool Lookup(std::span<const std::string> path, logql::tmpl::Value& out) const override {
    if (path.size() != 1) return false;
    if (path[0] == "Value") {
      if (value_ == nullptr) return false;
      out = logql::tmpl::Value::View(*value_);
      return true;
    }
    if (path[0] == "Entry") {
      out = logql::tmpl::Value::View(e_.entry.line);
      return true;
    }
    std::string_view v;
    if (!e_.extracted.GetString(path[0], v)) return false;
    out = logql::tmpl::Value::View(v);
    return true;
  }
  std::string_view Line() const override { return e_.entry.line; }
  int64_t TimestampNs() const override { return e_.entry.timestamp_ns; }
  int64_t NowNs() const override {
    return clock_ != nullptr ? clock_->NowNs() : logql::tmpl::TemplateData::NowNs();
  }

 private:
  const PipelineEntry& e_;
  const std::string* value_;  // may be null
  const Clock* clock_;
};

}  // namespace remediator::pipeline::stages
