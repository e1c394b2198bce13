// The LogQL abstract syntax tree: plain data, copyable, comparable with `==`.
//
// Namespace remediator::logql::syntax. Produced by Parse() (parse.h), printed back to
// canonical LogQL by Print() (print.h); parse(print(ast)) == ast. Parentheses are not kept
// (they only group), literal-only binary operations are folded by the parser, and stage
// operands are stored as the query wrote them (regexes and templates are compiled by the
// evaluator, not here; the parser only checks what Loki checks at parse time).
//
// Walking: every sum type is a std::variant; use std::visit / std::get_if on `.node`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/labels.h"
#include "logql/syntax/box.h"

namespace remediator::logql::syntax {

// ---------------------------------------------------------------------------------------
// Line filters: `|= "a"`, `!~ "re"`, `|> "<_> x"`, `|= ip("10.0.0.0/8")`, `|= "a" or "b"`.

enum class LineFilterOp {
  kContains,     // |=  substring (or ip match)
  kNotContains,  // !=  no substring (or no ip match)
  kRegex,        // |~  unanchored RE2 search
  kNotRegex,     // !~  negated regex
  kPattern,      // |>  pattern with <_> wildcards, matching the whole line
  kNotPattern,   // !>  negated pattern
};

struct LineFilterOperand {
  std::string value;   // the string, decoded (for ip: the ip("...") argument)
  bool is_ip = false;  // ip("...") form; only with kContains / kNotContains
  bool operator==(const LineFilterOperand&) const = default;
};

// One filter stage. `operands` has at least one element; more come from `or` chains (a line
// passes if any operand matches), and the op applies to each. Only the positive ops (|= |~ |>)
// have several operands: the parser turns a negative chain `!= "a" or "b"` into the stages
// `!= "a"` `!= "b"` (drop lines containing a or b), as Loki does.
struct LineFilter {
  LineFilterOp op = LineFilterOp::kContains;
  std::vector<LineFilterOperand> operands;
  bool operator==(const LineFilter&) const = default;
};

// ---------------------------------------------------------------------------------------
// Parsers.

// `name="expression"`; `| json foo` is stored as {foo, "foo"}.
struct LabelExtraction {
  std::string name;
  std::string expression;
  bool operator==(const LabelExtraction&) const = default;
};

struct JsonParser {  // | json [a="b.c", d]
  std::vector<LabelExtraction> params;
  bool operator==(const JsonParser&) const = default;
};

struct LogfmtParser {  // | logfmt [--strict] [--keep-empty] [params]
  bool strict = false;
  bool keep_empty = false;
  std::vector<LabelExtraction> params;
  bool operator==(const LogfmtParser&) const = default;
};

struct RegexpParser {  // | regexp "(?P<name>re)"
  std::string regex;
  bool operator==(const RegexpParser&) const = default;
};

struct PatternParser {  // | pattern "<ip> - <_> <method>"
  std::string pattern;
  bool operator==(const PatternParser&) const = default;
};

struct UnpackParser {  // | unpack
  bool operator==(const UnpackParser&) const = default;
};

// ---------------------------------------------------------------------------------------
// Label filters: `| a="x"`, `| status >= 500`, `| latency > 250ms`, `| size < 20MB`,
// `| addr = ip("10.0.0.0/8")`, combined with and / , / juxtaposition / or / parentheses.

enum class CompareOp {
  kEqual,         // = or ==
  kNotEqual,      // !=
  kGreater,       // >
  kGreaterEqual,  // >=
  kLess,          // <
  kLessEqual,     // <=
};

struct MatcherLabelFilter {  // a="x", a!="x", a=~"re", a!~"re" (string comparison)
  LabelMatcher matcher;
  bool operator==(const MatcherLabelFilter&) const = default;
};

struct NumberLabelFilter {  // status >= 500 (label value parsed as a float)
  std::string name;
  CompareOp op = CompareOp::kEqual;
  double value = 0;
  bool operator==(const NumberLabelFilter&) const = default;
};

struct DurationLabelFilter {  // latency > 250ms (label value parsed as a Go duration)
  std::string name;
  CompareOp op = CompareOp::kEqual;
  int64_t value_ns = 0;
  bool operator==(const DurationLabelFilter&) const = default;
};

struct BytesLabelFilter {  // size < 20MB (label value parsed as humanized bytes)
  std::string name;
  CompareOp op = CompareOp::kEqual;
  uint64_t value_bytes = 0;
  bool operator==(const BytesLabelFilter&) const = default;
};

struct IpLabelFilter {  // addr = ip("10.0.0.0/8"), addr != ip("...")
  std::string name;
  bool negated = false;  // != form
  std::string pattern;
  bool operator==(const IpLabelFilter&) const = default;
};

struct LabelFilter;

// `and` (also `,` and juxtaposition) or `or`. AND binds tighter than OR.
struct BinaryLabelFilter {
  bool is_and = true;
  Box<LabelFilter> left;
  Box<LabelFilter> right;
  bool operator==(const BinaryLabelFilter&) const = default;
};

struct LabelFilter {
  std::variant<MatcherLabelFilter, NumberLabelFilter, DurationLabelFilter, BytesLabelFilter,
               IpLabelFilter, BinaryLabelFilter>
      node;
  bool operator==(const LabelFilter&) const = default;
};

// ---------------------------------------------------------------------------------------
// Formatting and label stages.

struct LineFormat {  // | line_format "{{.a}} {{.b}}"
  std::string tmpl;
  bool operator==(const LineFormat&) const = default;
};

// dst=src renames (is_template false, value = source label name);
// dst="{{.tmpl}}" sets from a template (is_template true, value = template text).
struct LabelFormatItem {
  std::string name;
  std::string value;
  bool is_template = false;
  bool operator==(const LabelFormatItem&) const = default;
};

struct LabelFormat {  // | label_format a=b, c="{{.d}}"
  std::vector<LabelFormatItem> items;
  bool operator==(const LabelFormat&) const = default;
};

// A drop/keep operand: a bare name, or a matcher (then name == matcher->name()) that limits
// the operation to labels whose value matches.
struct NamedMatcher {
  std::string name;
  std::optional<LabelMatcher> matcher;
  bool operator==(const NamedMatcher&) const = default;
};

struct DropLabels {  // | drop a, b="x", c=~"re"
  std::vector<NamedMatcher> labels;
  bool operator==(const DropLabels&) const = default;
};

struct KeepLabels {  // | keep a, b="x"
  std::vector<NamedMatcher> labels;
  bool operator==(const KeepLabels&) const = default;
};

struct Decolorize {  // | decolorize
  bool operator==(const Decolorize&) const = default;
};

// One pipeline stage, in query order.
struct Stage {
  std::variant<LineFilter, JsonParser, LogfmtParser, RegexpParser, PatternParser,
               UnpackParser, LabelFilter, LineFormat, LabelFormat, DropLabels, KeepLabels,
               Decolorize>
      node;
  bool operator==(const Stage&) const = default;
};

// ---------------------------------------------------------------------------------------
// Log queries.

// `{a="b", c=~"d"} <pipeline>`. A bare selector has an empty pipeline.
struct LogSelectorExpr {
  std::vector<LabelMatcher> matchers;
  std::vector<Stage> pipeline;
  bool operator==(const LogSelectorExpr&) const = default;
};

// ---------------------------------------------------------------------------------------
// Metric queries.

enum class UnwrapConversion {
  kNone,             // unwrap x             (strconv.ParseFloat)
  kBytes,            // unwrap bytes(x)      (humanized bytes)
  kDuration,         // unwrap duration(x)   (Go duration, in seconds)
  kDurationSeconds,  // unwrap duration_seconds(x) (same as kDuration)
};

// `| unwrap [conv(]label[)] { | labelFilter }` — the filters after it apply post-conversion.
struct Unwrap {
  std::string label;
  UnwrapConversion conversion = UnwrapConversion::kNone;
  std::vector<LabelFilter> post_filters;
  bool operator==(const Unwrap&) const = default;
};

// A log selector with its pipeline, optional unwrap, `[range]` and `offset`.
struct LogRange {
  LogSelectorExpr selector;
  std::optional<Unwrap> unwrap;
  int64_t range_ns = 0;
  int64_t offset_ns = 0;  // 0 when absent
  bool operator==(const LogRange&) const = default;
};

enum class RangeOp {
  kCountOverTime,     // count_over_time
  kRate,              // rate
  kRateCounter,       // rate_counter (unwrap only)
  kBytesOverTime,     // bytes_over_time
  kBytesRate,         // bytes_rate
  kAvgOverTime,       // avg_over_time (unwrap only)
  kSumOverTime,       // sum_over_time (unwrap only)
  kMinOverTime,       // min_over_time (unwrap only)
  kMaxOverTime,       // max_over_time (unwrap only)
  kStdvarOverTime,    // stdvar_over_time (unwrap only)
  kStddevOverTime,    // stddev_over_time (unwrap only)
  kQuantileOverTime,  // quantile_over_time(φ, ...) (unwrap only)
  kFirstOverTime,     // first_over_time (unwrap only)
  kLastOverTime,      // last_over_time (unwrap only)
  kAbsentOverTime,    // absent_over_time
};

// `by (a, b)` / `without (a)`.
struct Grouping {
  bool without = false;
  std::vector<std::string> labels;
  bool operator==(const Grouping&) const = default;
};

struct Expr;

// rate({...}[5m]), quantile_over_time(0.99, {...} | unwrap x [5m]) by (a)
struct RangeAggregationExpr {
  RangeOp op = RangeOp::kCountOverTime;
  LogRange range;
  std::optional<double> param;  // set only for kQuantileOverTime
  std::optional<Grouping> grouping;
  bool operator==(const RangeAggregationExpr&) const = default;
};

enum class VectorOp {
  kSum,         // sum
  kAvg,         // avg
  kCount,       // count
  kMax,         // max
  kMin,         // min
  kStddev,      // stddev
  kStdvar,      // stdvar
  kBottomk,     // bottomk(k, v)
  kTopk,        // topk(k, v)
  kSort,        // sort
  kSortDesc,    // sort_desc
  kApproxTopk,  // approx_topk(k, v) (instant only; no grouping)
};

// sum by (a) (x), topk(5, x); grouping may be written before or after the argument.
struct VectorAggregationExpr {
  VectorOp op = VectorOp::kSum;
  Box<Expr> inner;
  std::optional<Grouping> grouping;
  std::optional<int64_t> param;  // k of topk / bottomk / approx_topk (> 0)
  bool operator==(const VectorAggregationExpr&) const = default;
};

enum class BinaryOp {
  kOr,            // or
  kAnd,           // and
  kUnless,        // unless
  kAdd,           // +
  kSub,           // -
  kMul,           // *
  kDiv,           // /
  kMod,           // %
  kPow,           // ^
  kEqual,         // ==
  kNotEqual,      // !=
  kGreater,       // >
  kGreaterEqual,  // >=
  kLess,          // <
  kLessEqual,     // <=
};

enum class Cardinality {
  kOneToOne,   // default
  kManyToOne,  // group_left
  kOneToMany,  // group_right
};

// on(...) / ignoring(...) [group_left(...) | group_right(...)]. The default (ignoring
// nothing, one-to-one) is what a binary operation without a matching clause gets.
struct VectorMatching {
  bool on = false;  // on(labels) when true, ignoring(labels) when false
  std::vector<std::string> labels;
  Cardinality cardinality = Cardinality::kOneToOne;
  std::vector<std::string> include;  // group_left(include) / group_right(include)
  bool operator==(const VectorMatching&) const = default;
};

struct BinaryExpr {
  BinaryOp op = BinaryOp::kAdd;
  Box<Expr> lhs;
  Box<Expr> rhs;
  bool return_bool = false;  // `> bool`
  VectorMatching matching;
  bool operator==(const BinaryExpr&) const = default;
};

// A number: 1, -2.5, 1e3. Literal-only binary operations are folded into one (so a
// literal can be NaN, from 0/0; two NaN literals compare equal).
struct LiteralExpr {
  double value = 0;
  bool operator==(const LiteralExpr& o) const {
    return value == o.value || (value != value && o.value != o.value);
  }
};

// vector(1)
struct VectorExpr {
  double value = 0;
  bool operator==(const VectorExpr&) const = default;
};

// label_replace(v, "dst", "replacement", "src", "regex")
struct LabelReplaceExpr {
  Box<Expr> inner;
  std::string dst;
  std::string replacement;
  std::string src;
  std::string regex;  // checked to compile as ^(?:regex)$ at parse time
  bool operator==(const LabelReplaceExpr&) const = default;
};

// A whole query. LogSelectorExpr is a log query; every other alternative is a metric
// ("sample") query.
struct Expr {
  std::variant<LogSelectorExpr, RangeAggregationExpr, VectorAggregationExpr, BinaryExpr,
               LiteralExpr, VectorExpr, LabelReplaceExpr>
      node;
  bool operator==(const Expr&) const = default;
};

inline bool IsLogQuery(const Expr& e) { return std::holds_alternative<LogSelectorExpr>(e.node); }
inline bool IsMetricQuery(const Expr& e) { return !IsLogQuery(e); }

// Names as written in queries: "count_over_time", "sum", "+", "group_left", ...
std::string_view LineFilterOpText(LineFilterOp op);
std::string_view CompareOpText(CompareOp op);  // kEqual prints as "=="
std::string_view RangeOpText(RangeOp op);
std::string_view VectorOpText(VectorOp op);
std::string_view BinaryOpText(BinaryOp op);
std::string_view UnwrapConversionText(UnwrapConversion c);  // "" for kNone

// Whether an op is a comparison (== != > >= < <=) or a set operation (and or unless).
bool IsComparison(BinaryOp op);
bool IsSetOperation(BinaryOp op);

}  // namespace remediator::logql::syntax
