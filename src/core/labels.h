// Label sets and label matchers, shared by Alertmanager routing, the pipeline, the store and
// LogQL (Alertmanager's and LogQL's matchers have the same four operators and both anchor
// their regular expressions fully).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "core/status.h"

namespace remediator {

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label&) const = default;
  auto operator<=>(const Label&) const = default;
};

// A label set: sorted by name, names unique. Build with MakeLabels or keep it sorted.
using Labels = std::vector<Label>;

// Sorts by name; a later duplicate name replaces an earlier one.
Labels MakeLabels(std::vector<Label> labels);
// The value of `name`, or "" when absent (Prometheus/Loki treat absent and empty alike).
std::string_view LabelValue(const Labels& labels, std::string_view name);
// Inserts or replaces, keeping the set sorted.
void SetLabel(Labels& labels, std::string_view name, std::string_view value);
void RemoveLabel(Labels& labels, std::string_view name);
// `{a="1", b="x\"y"}` — Prometheus/Loki series notation with Go-style quoting.
std::string FormatLabels(const Labels& labels);

// One entry as stages produce it and sinks consume it (the DESIGN.md contract).
struct LogEntry {
  int64_t timestamp_ns = 0;
  std::string line;
  Labels labels;
  Labels structured_metadata;  // Loki's structured metadata; usually empty
};

enum class MatchOp {
  kEqual,     // =
  kNotEqual,  // !=
  kRegex,     // =~  (fully anchored RE2)
  kNotRegex,  // !~
};
std::string_view MatchOpText(MatchOp op);

// name op value. Immutable after Create; safe to share across threads.
class LabelMatcher {
 public:
  // Fails (InvalidArgument) when a regex does not compile.
  static Result<LabelMatcher> Create(std::string name, MatchOp op, std::string value);

  const std::string& name() const { return name_; }
  MatchOp op() const { return op_; }
  const std::string& value() const { return value_; }

  // Whether a label value (empty when the label is absent) satisfies the matcher.
  bool Matches(std::string_view label_value) const;
  bool Matches(const Labels& labels) const { return Matches(LabelValue(labels, name_)); }
  // Whether the matcher accepts the empty string (Loki rejects selectors of only such).
  bool MatchesEmpty() const { return Matches(std::string_view()); }
  // `name="value"` with Go-style quoting of the value.
  std::string ToString() const;

  bool operator==(const LabelMatcher& other) const {
    return name_ == other.name_ && op_ == other.op_ && value_ == other.value_;
  }

 private:
  std::string name_;
  MatchOp op_ = MatchOp::kEqual;
  std::string value_;
  std::shared_ptr<const re2::RE2> regex_;  // anchored; set for kRegex / kNotRegex
};

// Quotes like Go's strconv.Quote: "..." with \" \\ \n \t \xNN escapes.
std::string GoQuote(std::string_view s);

}  // namespace remediator
