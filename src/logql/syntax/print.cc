#include "logql/syntax/print.h"

#include <cmath>

#include <fmt/format.h>

#include "core/duration.h"
#include "logql/syntax/literals.h"

namespace remediator::logql::syntax {
namespace {

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string MatcherText(const LabelMatcher& m) {
  return fmt::format("{}{}{}", m.name(), MatchOpText(m.op()), QuoteString(m.value()));
}

// Prometheus notation ("5m", "1h30m") where it is exact, Go's otherwise ("1.5µs", "-5m0s").
std::string RangeDuration(int64_t ns) {
  if (ns > 0 && ns % 1'000'000 == 0) return FormatDuration(ns);
  return FormatGoDuration(ns);
}

// Literal values that have no number syntax print as expressions that fold back to them.
std::string LiteralText(double v) {
  if (std::isnan(v)) return "(0 / 0)";
  if (std::isinf(v)) return v > 0 ? "(2 ^ 1024)" : "(-1 * 2 ^ 1024)";
  return FormatFloat(v);
}

void AppendLabelFilter(std::string& out, const LabelFilter& f);

struct LabelFilterPrinter {
  std::string& out;
  void operator()(const MatcherLabelFilter& f) const { out += MatcherText(f.matcher); }
  void operator()(const NumberLabelFilter& f) const {
    out += fmt::format("{}{}{}", f.name, CompareOpText(f.op), FormatFloat(f.value));
  }
  void operator()(const DurationLabelFilter& f) const {
    out += fmt::format("{}{}{}", f.name, CompareOpText(f.op), FormatGoDuration(f.value_ns));
  }
  void operator()(const BytesLabelFilter& f) const {
    out += fmt::format("{}{}{}", f.name, CompareOpText(f.op), FormatBytes(f.value_bytes));
  }
  void operator()(const IpLabelFilter& f) const {
    out += fmt::format("{}{}ip({})", f.name, f.negated ? "!=" : "=", QuoteString(f.pattern));
  }
  void operator()(const BinaryLabelFilter& f) const {
    out += "( ";
    AppendLabelFilter(out, *f.left);
    out += f.is_and ? " , " : " or ";
    AppendLabelFilter(out, *f.right);
    out += " )";
  }
};

void AppendLabelFilter(std::string& out, const LabelFilter& f) {
  std::visit(LabelFilterPrinter{out}, f.node);
}

std::string ExtractionsText(const std::vector<LabelExtraction>& params) {
  std::vector<std::string> parts;
  for (const LabelExtraction& p : params) {
    parts.push_back(fmt::format("{}={}", p.name, QuoteString(p.expression)));
  }
  return Join(parts, ",");
}

std::string NamedMatchersText(const std::vector<NamedMatcher>& names) {
  std::vector<std::string> parts;
  for (const NamedMatcher& n : names) parts.push_back(n.matcher ? MatcherText(*n.matcher) : n.name);
  return Join(parts, ",");
}

struct StagePrinter {
  std::string& out;
  void operator()(const LineFilter& f) const {
    out += LineFilterOpText(f.op);
    out += ' ';
    for (size_t i = 0; i < f.operands.size(); ++i) {
      if (i > 0) out += " or ";
      const LineFilterOperand& o = f.operands[i];
      out += o.is_ip ? fmt::format("ip({})", QuoteString(o.value)) : QuoteString(o.value);
    }
  }
  void operator()(const JsonParser& p) const {
    out += "| json";
    if (!p.params.empty()) out += fmt::format(" {}", ExtractionsText(p.params));
  }
  void operator()(const LogfmtParser& p) const {
    out += "| logfmt";
    if (p.strict) out += " --strict";
    if (p.keep_empty) out += " --keep-empty";
    if (!p.params.empty()) out += fmt::format(" {}", ExtractionsText(p.params));
  }
  void operator()(const RegexpParser& p) const { out += fmt::format("| regexp {}", QuoteString(p.regex)); }
  void operator()(const PatternParser& p) const {
    out += fmt::format("| pattern {}", QuoteString(p.pattern));
  }
  void operator()(const UnpackParser&) const { out += "| unpack"; }
  void operator()(const LabelFilter& f) const {
    out += "| ";
    AppendLabelFilter(out, f);
  }
  void operator()(const LineFormat& f) const {
    out += fmt::format("| line_format {}", QuoteString(f.tmpl));
  }
  void operator()(const LabelFormat& f) const {
    std::vector<std::string> parts;
    for (const LabelFormatItem& i : f.items) {
      parts.push_back(fmt::format("{}={}", i.name, i.is_template ? QuoteString(i.value) : i.value));
    }
    out += fmt::format("| label_format {}", Join(parts, ","));
  }
  void operator()(const DropLabels& d) const {
    out += fmt::format("| drop {}", NamedMatchersText(d.labels));
  }
  void operator()(const KeepLabels& k) const {
    out += fmt::format("| keep {}", NamedMatchersText(k.labels));
  }
  void operator()(const Decolorize&) const { out += "| decolorize"; }
};

void AppendLogSelector(std::string& out, const LogSelectorExpr& e) {
  out += '{';
  for (size_t i = 0; i < e.matchers.size(); ++i) {
    if (i > 0) out += ", ";
    out += MatcherText(e.matchers[i]);
  }
  out += '}';
  for (const Stage& s : e.pipeline) {
    out += ' ';
    std::visit(StagePrinter{out}, s.node);
  }
}

std::string GroupingText(const Grouping& g) {
  return fmt::format(" {} ({})", g.without ? "without" : "by", Join(g.labels, ","));
}

void AppendExpr(std::string& out, const Expr& e);

struct ExprPrinter {
  std::string& out;
  void operator()(const LogSelectorExpr& e) const { AppendLogSelector(out, e); }
  void operator()(const RangeAggregationExpr& e) const {
    out += RangeOpText(e.op);
    out += '(';
    if (e.param) out += fmt::format("{},", FormatFloat(*e.param));
    AppendLogSelector(out, e.range.selector);
    if (e.range.unwrap) {
      const Unwrap& u = *e.range.unwrap;
      out += " | unwrap ";
      if (u.conversion == UnwrapConversion::kNone) {
        out += u.label;
      } else {
        out += fmt::format("{}({})", UnwrapConversionText(u.conversion), u.label);
      }
      for (const LabelFilter& f : u.post_filters) {
        out += " | ";
        AppendLabelFilter(out, f);
      }
    }
    out += fmt::format("[{}]", RangeDuration(e.range.range_ns));
    if (e.range.offset_ns != 0) out += fmt::format(" offset {}", FormatGoDuration(e.range.offset_ns));
    out += ')';
    if (e.grouping) out += GroupingText(*e.grouping);
  }
  void operator()(const VectorAggregationExpr& e) const {
    out += VectorOpText(e.op);
    if (e.grouping) out += GroupingText(*e.grouping);
    out += '(';
    if (e.param) out += fmt::format("{},", *e.param);
    AppendExpr(out, *e.inner);
    out += ')';
  }
  void operator()(const BinaryExpr& e) const {
    out += '(';
    AppendExpr(out, *e.lhs);
    out += ' ';
    out += BinaryOpText(e.op);
    if (e.return_bool) out += " bool";
    const VectorMatching& m = e.matching;
    if (m.on || !m.labels.empty() || m.cardinality != Cardinality::kOneToOne) {
      out += fmt::format(" {} ({})", m.on ? "on" : "ignoring", Join(m.labels, ","));
      switch (m.cardinality) {
        case Cardinality::kOneToOne: break;
        case Cardinality::kManyToOne: out += " group_left"; break;
        case Cardinality::kOneToMany: out += " group_right"; break;
      }
      if (m.cardinality != Cardinality::kOneToOne && !m.include.empty()) {
        out += fmt::format(" ({})", Join(m.include, ","));
      }
    }
    out += ' ';
    AppendExpr(out, *e.rhs);
    out += ')';
  }
  void operator()(const LiteralExpr& e) const { out += LiteralText(e.value); }
  void operator()(const VectorExpr& e) const {
    out += fmt::format("vector({})", FormatFloat(e.value));
  }
  void operator()(const LabelReplaceExpr& e) const {
    out += "label_replace(";
    AppendExpr(out, *e.inner);
    out += fmt::format(",{},{},{},{})", QuoteString(e.dst), QuoteString(e.replacement),
                       QuoteString(e.src), QuoteString(e.regex));
  }
};

void AppendExpr(std::string& out, const Expr& e) { std::visit(ExprPrinter{out}, e.node); }

}  // namespace

std::string Print(const Expr& expr) {
  std::string out;
  AppendExpr(out, expr);
  return out;
}

std::string Print(const LogSelectorExpr& expr) {
  std::string out;
  AppendLogSelector(out, expr);
  return out;
}

std::string Print(const LabelFilter& filter) {
  std::string out;
  AppendLabelFilter(out, filter);
  return out;
}

std::string Print(const Stage& stage) {
  std::string out;
  std::visit(StagePrinter{out}, stage.node);
  return out;
}

}  // namespace remediator::logql::syntax
