// A subset of Go's text/template with Loki's template functions, shared by LogQL's
// line_format / label_format and the pipeline's `template` stage.
//
// Supported: text and {{actions}} with {{- -}} trimming and {{/* comments */}}; pipelines
// with `|`; fields `.a` and `.a.b`, `.`, `$`, variables `$x := ...` / `$x = ...`; string
// (double-quoted with Go escapes, or backtick raw), number, bool and nil literals;
// parenthesised sub-pipelines; if / else if / else / end, range (over lists, maps, integers)
// with else, with / else; Go's builtins and Loki's function table (see functions.h).
//
// Compile once with Template::Parse; Execute is const and thread-safe, and appends to a
// caller-owned string so a hot loop reuses its buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "logql/template/value.h"

namespace remediator::logql::tmpl {

// What a template reads. Implementations are cheap adapters over the caller's data (a label
// set, a map of extracted values); they are used only during one Execute call.
class TemplateData {
 public:
  virtual ~TemplateData() = default;
  // `.a.b` looks up path {"a", "b"}. Fills `out` and returns true when present. A returned
  // string may be a view into the caller's data (Value::View): it must stay valid for the
  // Execute call.
  virtual bool Lookup(std::span<const std::string> path, Value& out) const = 0;
  // The entry's original line (`__line__`) and time (`__timestamp__`).
  virtual std::string_view Line() const { return {}; }
  virtual int64_t TimestampNs() const { return 0; }
  // The wall clock, for `now` and for `date` of a non-time value (Loki prints now there).
  virtual int64_t NowNs() const;
};

struct ParseOptions {
  // Go's missingkey=zero (Loki's line_format): a missing field prints as "". When false
  // (Go's default, Promtail's template stage) it prints as "<no value>".
  bool missing_key_zero = true;
};

class Node;

// Limits of one Execute call, so that no template runs unbounded in time or memory.
inline constexpr int64_t kMaxExecSteps = 100'000;
inline constexpr size_t kMaxOutputBytes = 16 << 20;

class Template {
 public:
  // Parses the template. Errors read like Go's: `template: line:1: unclosed action`,
  // `template: line:1: function "x" not defined`.
  static Result<Template> Parse(std::string_view text, ParseOptions options = {});

  // Appends the output to `out`. On an execution error (a function failing, a bad argument,
  // more than kMaxExecSteps actions and loop iterations, or more than kMaxOutputBytes of
  // output) returns the error; `out` then holds the partial output.
  Status Execute(const TemplateData& data, std::string& out) const;

  // When the template is exactly `{{.name}}` (with optional spaces), the field name: callers
  // may skip Execute and copy the value.
  const std::string* SingleField() const { return single_field_.empty() ? nullptr : &single_field_; }
  // When the template has no actions at all, its constant text.
  bool IsConstant() const { return is_constant_; }
  // The field names (first path element) the template reads, for callers that track which
  // labels are used.
  std::span<const std::string> Fields() const { return fields_; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::shared_ptr<const Node> root_;
  ParseOptions options_;
  std::string single_field_;
  bool is_constant_ = false;
  std::vector<std::string> fields_;
};

}  // namespace remediator::logql::tmpl
