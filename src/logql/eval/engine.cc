#include "logql/eval/engine.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

#include "logql/eval/range_eval.h"
#include "logql/eval/step_value.h"
#include "logql/log/labels_builder.h"
#include "logql/log/pipeline.h"
#include "logql/log/required_literals.h"
#include "logql/regex_expand.h"
#include "logql/syntax/parse.h"

namespace remediator::logql {

using eval::StepSeries;
using eval::StepValue;
using syntax::BinaryOp;
using syntax::VectorOp;

int64_t DefaultStepNs(int64_t start_ns, int64_t end_ns) {
  int64_t secs = static_cast<int64_t>(std::floor(static_cast<double>(end_ns - start_ns) / 250.0 / 1e9));
  return std::max<int64_t>(secs, 1) * 1'000'000'000;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  if (ec != std::errc()) return fmt::format("{}", v);
  std::string s(buf, end);
  if (s == "-0") s = "-0";
  return s;
}

namespace {

using Needed = std::optional<std::set<std::string, std::less<>>>;

struct Ctx {
  const StreamSource& source;
  const std::vector<int64_t>& steps;
  int parallelism;
  eval::WorkStats& stats;
};

Result<StepValue> Eval(const syntax::Expr& e, const Ctx& ctx, const Needed& needed,
                       const std::optional<std::vector<std::string>>& project_by);

Labels GroupLabels(const Labels& in, const std::optional<syntax::Grouping>& g) {
  Labels out;
  if (!g) return out;
  for (const Label& l : in) {
    bool listed = std::find(g->labels.begin(), g->labels.end(), l.name) != g->labels.end();
    if (g->without ? !listed : listed) out.push_back(l);
  }
  return out;
}

Result<StepValue> EvalVectorAgg(const syntax::VectorAggregationExpr& e, const Ctx& ctx) {
  Needed inner_needed;
  std::optional<std::vector<std::string>> project;
  const auto* inner_range = std::get_if<syntax::RangeAggregationExpr>(&e.inner->node);
  bool keeps_labels = e.op == VectorOp::kTopk || e.op == VectorOp::kBottomk || e.op == VectorOp::kSort ||
                      e.op == VectorOp::kSortDesc || e.op == VectorOp::kApproxTopk;
  if (!keeps_labels) {
    if (!e.grouping) {
      inner_needed.emplace();
    } else if (!e.grouping->without) {
      inner_needed.emplace(e.grouping->labels.begin(), e.grouping->labels.end());
    }
    // sum by (x) over count/rate/bytes/sum_over_time: project the samples right away.
    if (inner_range != nullptr && !inner_range->grouping && (!e.grouping || !e.grouping->without)) {
      using syntax::RangeOp;
      RangeOp op = inner_range->op;
      bool additive = op == RangeOp::kCountOverTime || op == RangeOp::kRate || op == RangeOp::kBytesOverTime ||
                      op == RangeOp::kBytesRate || op == RangeOp::kSumOverTime;
      if ((e.op == VectorOp::kSum && additive) || (e.op == VectorOp::kMax && op == RangeOp::kMaxOverTime) ||
          (e.op == VectorOp::kMin && op == RangeOp::kMinOverTime)) {
        project.emplace(e.grouping ? e.grouping->labels : std::vector<std::string>{});
      }
    }
  }
  REMEDIATOR_ASSIGN_OR_RETURN(StepValue in, Eval(*e.inner, ctx, inner_needed, project));
  const size_t n = ctx.steps.size();
  StepValue out;
  if (in.is_scalar) return InvalidArgument("vector aggregation over a scalar");

  if (e.op == VectorOp::kSort || e.op == VectorOp::kSortDesc) {
    out = std::move(in);
    out.ordered = true;
    bool desc = e.op == VectorOp::kSortDesc;
    // Orders by the value at the last step (instant queries have one).
    std::stable_sort(out.series.begin(), out.series.end(), [&](const StepSeries& a, const StepSeries& b) {
      double x = a.v[n - 1], y = b.v[n - 1];
      if (std::isnan(x)) return false;
      if (std::isnan(y)) return true;
      return desc ? x > y : x < y;
    });
    return out;
  }

  // Group the series.
  std::map<Labels, std::vector<size_t>> groups;
  for (size_t i = 0; i < in.series.size(); ++i) {
    Labels g = e.grouping ? GroupLabels(in.series[i].labels, e.grouping) : Labels{};
    groups[g].push_back(i);
  }

  if (e.op == VectorOp::kTopk || e.op == VectorOp::kBottomk || e.op == VectorOp::kApproxTopk) {
    int64_t k = e.param.value_or(1);
    bool top = e.op != VectorOp::kBottomk;
    std::vector<StepSeries> res = in.series;
    for (auto& s : res) std::fill(s.has.begin(), s.has.end(), 0);
    for (const auto& [g, idxs] : groups) {
      for (size_t t = 0; t < n; ++t) {
        std::vector<size_t> cand;
        for (size_t i : idxs) {
          if (in.series[i].has[t]) cand.push_back(i);
        }
        std::stable_sort(cand.begin(), cand.end(), [&](size_t a, size_t b) {
          double x = in.series[a].v[t], y = in.series[b].v[t];
          if (std::isnan(x)) return false;
          if (std::isnan(y)) return true;
          return top ? x > y : x < y;
        });
        for (size_t j = 0; j < cand.size() && static_cast<int64_t>(j) < k; ++j) res[cand[j]].has[t] = 1;
      }
    }
    for (auto& s : res) {
      if (std::any_of(s.has.begin(), s.has.end(), [](uint8_t h) { return h != 0; })) out.series.push_back(std::move(s));
    }
    // Instant results come ordered by value.
    std::stable_sort(out.series.begin(), out.series.end(), [&](const StepSeries& a, const StepSeries& b) {
      return top ? a.v[n - 1] > b.v[n - 1] : a.v[n - 1] < b.v[n - 1];
    });
    out.ordered = true;
    return out;
  }

  for (const auto& [g, idxs] : groups) {
    StepSeries s;
    s.labels = g;
    s.v.assign(n, 0);
    s.has.assign(n, 0);
    bool any = false;
    for (size_t t = 0; t < n; ++t) {
      double sum = 0, count = 0, mean = 0, aux = 0;
      double mx = std::numeric_limits<double>::quiet_NaN(), mn = mx;
      bool first = true;
      for (size_t i : idxs) {
        const StepSeries& in_s = in.series[i];
        if (!in_s.has[t]) continue;
        double v = in_s.v[t];
        count++;
        sum += v;
        double delta = v - mean;
        mean += delta / count;
        aux += delta * (v - mean);
        if (first || v > mx || std::isnan(mx)) mx = first ? v : (v > mx || std::isnan(mx) ? v : mx);
        if (first || v < mn || std::isnan(mn)) mn = first ? v : (v < mn || std::isnan(mn) ? v : mn);
        first = false;
      }
      if (count == 0) continue;
      double r = 0;
      switch (e.op) {
        case VectorOp::kSum: r = sum; break;
        case VectorOp::kAvg: r = mean; break;
        case VectorOp::kCount: r = count; break;
        case VectorOp::kMax: r = mx; break;
        case VectorOp::kMin: r = mn; break;
        case VectorOp::kStddev: r = std::sqrt(aux / count); break;
        case VectorOp::kStdvar: r = aux / count; break;
        case VectorOp::kBottomk:
        case VectorOp::kTopk:
        case VectorOp::kSort:
        case VectorOp::kSortDesc:
        case VectorOp::kApproxTopk: break;
      }
      s.v[t] = r;
      s.has[t] = 1;
      any = true;
    }
    if (any) out.series.push_back(std::move(s));
  }
  return out;
}

double Arith(BinaryOp op, double a, double b, bool& keep) {
  keep = true;
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return b == 0 ? std::numeric_limits<double>::quiet_NaN() : a / b;
    case BinaryOp::kMod: return b == 0 ? std::numeric_limits<double>::quiet_NaN() : std::fmod(a, b);
    case BinaryOp::kPow: return std::pow(a, b);
    case BinaryOp::kEqual: keep = a == b; return keep ? 1 : 0;
    case BinaryOp::kNotEqual: keep = a != b; return keep ? 1 : 0;
    case BinaryOp::kGreater: keep = a > b; return keep ? 1 : 0;
    case BinaryOp::kGreaterEqual: keep = a >= b; return keep ? 1 : 0;
    case BinaryOp::kLess: keep = a < b; return keep ? 1 : 0;
    case BinaryOp::kLessEqual: keep = a <= b; return keep ? 1 : 0;
    case BinaryOp::kOr:
    case BinaryOp::kAnd:
    case BinaryOp::kUnless: return a;
  }
  return a;
}

Labels Signature(const Labels& l, const syntax::VectorMatching& m) {
  Labels out;
  for (const Label& x : l) {
    bool listed = std::find(m.labels.begin(), m.labels.end(), x.name) != m.labels.end();
    if (m.on ? listed : !listed) out.push_back(x);
  }
  return out;
}

Labels ResultLabels(const Labels& lhs, const Labels& rhs, const syntax::VectorMatching& m) {
  Labels out;
  if (m.cardinality == syntax::Cardinality::kOneToOne) {
    out = Signature(lhs, m);
  } else {
    out = lhs;
  }
  for (const std::string& inc : m.include) {
    std::string_view v = LabelValue(rhs, inc);
    if (v.empty()) {
      RemoveLabel(out, inc);
    } else {
      SetLabel(out, inc, v);
    }
  }
  return out;
}

Result<StepValue> EvalBinary(const syntax::BinaryExpr& e, const Ctx& ctx) {
  REMEDIATOR_ASSIGN_OR_RETURN(StepValue l, Eval(*e.lhs, ctx, std::nullopt, std::nullopt));
  REMEDIATOR_ASSIGN_OR_RETURN(StepValue r, Eval(*e.rhs, ctx, std::nullopt, std::nullopt));
  const size_t n = ctx.steps.size();
  const bool cmp = syntax::IsComparison(e.op);
  StepValue out;
  if (l.is_scalar && r.is_scalar) {
    out.is_scalar = true;
    out.scalar.resize(n);
    for (size_t t = 0; t < n; ++t) {
      bool keep;
      out.scalar[t] = Arith(e.op, l.scalar[t], r.scalar[t], keep);
    }
    return out;
  }
  if (l.is_scalar || r.is_scalar) {
    if (syntax::IsSetOperation(e.op)) return InvalidArgument("set operations need two vectors");
    bool scalar_left = l.is_scalar;
    StepValue& vec = scalar_left ? r : l;
    const std::vector<double>& sc = scalar_left ? l.scalar : r.scalar;
    for (StepSeries& s : vec.series) {
      StepSeries o;
      o.labels = s.labels;
      o.v.assign(n, 0);
      o.has.assign(n, 0);
      bool any = false;
      for (size_t t = 0; t < n; ++t) {
        if (!s.has[t]) continue;
        bool keep;
        double a = scalar_left ? sc[t] : s.v[t];
        double b = scalar_left ? s.v[t] : sc[t];
        double v = Arith(e.op, a, b, keep);
        if (cmp && !e.return_bool) {
          if (!keep) continue;
          v = s.v[t];  // Loki keeps the vector's value, whichever side it is on
        }
        o.v[t] = v;
        o.has[t] = 1;
        any = true;
      }
      if (any) out.series.push_back(std::move(o));
    }
    return out;
  }
  // vector op vector, per step.
  std::map<Labels, StepSeries> result;
  auto add_point = [&](const Labels& labels, size_t t, double v) -> Status {
    auto it = result.find(labels);
    if (it == result.end()) {
      StepSeries s;
      s.labels = labels;
      s.v.assign(n, 0);
      s.has.assign(n, 0);
      it = result.emplace(labels, std::move(s)).first;
    }
    if (it->second.has[t]) {
      return InvalidArgument("multiple matches for labels: grouping labels must ensure unique matches");
    }
    it->second.v[t] = v;
    it->second.has[t] = 1;
    return Status::Ok();
  };
  const syntax::VectorMatching& m = e.matching;
  for (size_t t = 0; t < n; ++t) {
    if (syntax::IsSetOperation(e.op)) {
      std::map<Labels, bool> rsig;
      for (const StepSeries& s : r.series) {
        if (s.has[t]) rsig[Signature(s.labels, m)] = true;
      }
      std::map<Labels, bool> lsig;
      for (const StepSeries& s : l.series) {
        if (!s.has[t]) continue;
        Labels sig = Signature(s.labels, m);
        lsig[sig] = true;
        bool in_r = rsig.count(sig) > 0;
        if ((e.op == BinaryOp::kAnd && in_r) || e.op == BinaryOp::kOr || (e.op == BinaryOp::kUnless && !in_r)) {
          REMEDIATOR_RETURN_IF_ERROR(add_point(s.labels, t, s.v[t]));
        }
      }
      if (e.op == BinaryOp::kOr) {
        for (const StepSeries& s : r.series) {
          if (s.has[t] && lsig.count(Signature(s.labels, m)) == 0) {
            REMEDIATOR_RETURN_IF_ERROR(add_point(s.labels, t, s.v[t]));
          }
        }
      }
      continue;
    }
    bool right_one = m.cardinality != syntax::Cardinality::kOneToMany;
    // "one" side indexed by signature.
    const StepValue& one = right_one ? r : l;
    const StepValue& many = right_one ? l : r;
    std::map<Labels, const StepSeries*> index;
    for (const StepSeries& s : one.series) {
      if (!s.has[t]) continue;
      Labels sig = Signature(s.labels, m);
      if (index.count(sig) > 0) {
        return InvalidArgument(right_one ? "found duplicate series on the right hand-side of the operation"
                                         : "found duplicate series on the left hand-side of the operation");
      }
      index[sig] = &s;
    }
    std::map<Labels, int> matched_one_to_one;
    for (const StepSeries& s : many.series) {
      if (!s.has[t]) continue;
      Labels sig = Signature(s.labels, m);
      auto it = index.find(sig);
      if (it == index.end()) continue;
      if (m.cardinality == syntax::Cardinality::kOneToOne) {
        if (++matched_one_to_one[sig] > 1) {
          return InvalidArgument(
              "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        }
      }
      const StepSeries& o = *it->second;
      const StepSeries& ls = right_one ? s : o;
      const StepSeries& rs = right_one ? o : s;
      bool keep;
      double v = Arith(e.op, ls.v[t], rs.v[t], keep);
      if (cmp && !e.return_bool) {
        if (!keep) continue;
        v = ls.v[t];
      }
      Labels labels = right_one ? ResultLabels(s.labels, o.labels, m) : ResultLabels(s.labels, o.labels, m);
      REMEDIATOR_RETURN_IF_ERROR(add_point(labels, t, v));
    }
  }
  for (auto& [k, s] : result) out.series.push_back(std::move(s));
  return out;
}

Result<StepValue> EvalLabelReplace(const syntax::LabelReplaceExpr& e, const Ctx& ctx) {
  REMEDIATOR_ASSIGN_OR_RETURN(StepValue in, Eval(*e.inner, ctx, std::nullopt, std::nullopt));
  RE2::Options o;
  o.set_log_errors(false);
  RE2 re("^(?:" + e.regex + ")$", o);
  if (!re.ok()) return InvalidArgument("invalid regex in label_replace: " + re.error());
  int ng = re.NumberOfCapturingGroups() + 1;
  for (StepSeries& s : in.series) {
    std::string src(LabelValue(s.labels, e.src));
    std::vector<re2::StringPiece> groups(static_cast<size_t>(ng));
    if (!re.Match(src, 0, src.size(), RE2::UNANCHORED, groups.data(), ng)) continue;
    std::string v;
    AppendRegexExpand(v, e.replacement, re, groups.data(), static_cast<int>(groups.size()));
    if (v.empty()) {
      RemoveLabel(s.labels, e.dst);
    } else {
      SetLabel(s.labels, e.dst, v);
    }
  }
  return in;
}

Result<StepValue> Eval(const syntax::Expr& e, const Ctx& ctx, const Needed& needed,
                       const std::optional<std::vector<std::string>>& project_by) {
  const size_t n = ctx.steps.size();
  if (auto* ra = std::get_if<syntax::RangeAggregationExpr>(&e.node)) {
    eval::RangeEvalOptions o;
    o.needed = needed;
    o.project_by = project_by;
    if (ra->grouping && !ra->grouping->without) {
      o.needed.emplace(ra->grouping->labels.begin(), ra->grouping->labels.end());
    } else if (ra->grouping && ra->grouping->without) {
      o.needed.reset();
    }
    o.parallelism = ctx.parallelism;
    return eval::EvalRangeAggregation(*ra, ctx.steps, ctx.source, o, ctx.stats);
  }
  if (auto* va = std::get_if<syntax::VectorAggregationExpr>(&e.node)) return EvalVectorAgg(*va, ctx);
  if (auto* b = std::get_if<syntax::BinaryExpr>(&e.node)) return EvalBinary(*b, ctx);
  if (auto* lit = std::get_if<syntax::LiteralExpr>(&e.node)) {
    StepValue v;
    v.is_scalar = true;
    v.scalar.assign(n, lit->value);
    return v;
  }
  if (auto* vec = std::get_if<syntax::VectorExpr>(&e.node)) {
    StepValue v;
    StepSeries s;
    s.v.assign(n, vec->value);
    s.has.assign(n, 1);
    v.series.push_back(std::move(s));
    return v;
  }
  if (auto* lr = std::get_if<syntax::LabelReplaceExpr>(&e.node)) return EvalLabelReplace(*lr, ctx);
  return InvalidArgument("a log query cannot be evaluated as a metric query");
}

// ---------------------------------------------------------------- log queries

Result<QueryResult> EvalLogQuery(const syntax::LogSelectorExpr& sel, const QueryParams& p, const StreamSource& source,
                                 eval::WorkStats& stats) {
  auto pipeline = log::Pipeline::Compile(sel.pipeline);
  if (!pipeline.ok()) return pipeline.status();
  struct Kept {
    int64_t ts;
    size_t seq;
    size_t stream;
    std::string line;
  };
  std::vector<Kept> kept;
  std::unordered_map<std::string, size_t> index;
  std::vector<Labels> labels;
  const size_t limit = p.limit <= 0 ? std::numeric_limits<size_t>::max() : static_cast<size_t>(p.limit);
  StreamSelection s;
  s.matchers = sel.matchers;
  s.start_ns = p.start_ns;
  s.end_ns = p.end_ns;
  s.direction = p.direction;
  s.line_contains = log::RequiredLineLiterals(sel.pipeline);  // the pipeline drops lines without them
  log::LabelsBuilder lbs;
  log::LineScratch scratch;
  size_t seq = 0;
  Status st = source.Select(s, [&](const Labels& stream, EntryCursor& cursor) -> Status {
    EntryView ev;
    size_t taken = 0;
    int64_t cached = -1;
    while (taken < limit && cursor.Next(ev)) {
      stats.lines += 1;
      stats.bytes += static_cast<int64_t>(ev.line.size());
      lbs.Reset(&stream, ev.structured_metadata);
      std::string_view line = ev.line;
      if (!(*pipeline)->Process(ev.timestamp_ns, line, lbs, scratch)) continue;
      size_t idx;
      if (!lbs.Modified() && cached >= 0) {
        idx = static_cast<size_t>(cached);
      } else {
        Labels l = lbs.ToLabels();
        std::string key = eval::LabelsKey(l);
        auto it = index.find(key);
        if (it == index.end()) {
          labels.push_back(std::move(l));
          it = index.emplace(key, labels.size() - 1).first;
        }
        idx = it->second;
        if (!lbs.Modified()) cached = static_cast<int64_t>(idx);
      }
      kept.push_back(Kept{ev.timestamp_ns, seq++, idx, std::string(line)});
      ++taken;
    }
    return Status::Ok();
  });
  REMEDIATOR_RETURN_IF_ERROR(st);
  bool backward = p.direction == Direction::kBackward;
  std::stable_sort(kept.begin(), kept.end(), [&](const Kept& a, const Kept& b) {
    if (a.ts != b.ts) return backward ? a.ts > b.ts : a.ts < b.ts;
    return a.seq < b.seq;
  });
  if (kept.size() > limit) kept.resize(limit);
  QueryResult r;
  r.type = QueryResult::Type::kStreams;
  std::map<size_t, size_t> pos;
  for (Kept& k : kept) {
    auto it = pos.find(k.stream);
    if (it == pos.end()) {
      r.streams.push_back(StreamResult{labels[k.stream], {}});
      it = pos.emplace(k.stream, r.streams.size() - 1).first;
    }
    r.streams[it->second].entries.push_back(StreamEntry{k.ts, std::move(k.line)});
  }
  std::sort(r.streams.begin(), r.streams.end(),
            [](const StreamResult& a, const StreamResult& b) { return a.labels < b.labels; });
  return r;
}

}  // namespace

Result<QueryResult> Engine::Query(const QueryParams& params) const {
  auto expr = syntax::Parse(params.query);
  if (!expr.ok()) return expr.status();
  return Evaluate(*expr, params);
}

Result<QueryResult> Engine::Evaluate(const syntax::Expr& expr, const QueryParams& params) const {
  eval::WorkStats stats;
  if (auto* sel = std::get_if<syntax::LogSelectorExpr>(&expr.node)) {
    QueryParams p = params;
    if (p.start_ns == p.end_ns) p.end_ns = p.start_ns + 1;
    auto r = EvalLogQuery(*sel, p, source_, stats);
    if (r.ok()) {
      r->lines_processed = stats.lines;
      r->bytes_processed = stats.bytes;
    }
    return r;
  }
  const bool instant = params.start_ns == params.end_ns && params.step_ns == 0;
  std::vector<int64_t> steps;
  if (instant) {
    steps.push_back(params.start_ns);
  } else {
    int64_t step = params.step_ns > 0 ? params.step_ns : DefaultStepNs(params.start_ns, params.end_ns);
    if (params.end_ns < params.start_ns) return InvalidArgument("end timestamp must not be before start time");
    if ((params.end_ns - params.start_ns) / step > options_.max_points) {
      return InvalidArgument(
          "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution "
          "(?step=XX)");
    }
    for (int64_t t = params.start_ns; t <= params.end_ns; t += step) steps.push_back(t);
  }
  Ctx ctx{source_, steps, options_.parallelism, stats};
  auto v = Eval(expr, ctx, std::nullopt, std::nullopt);
  if (!v.ok()) return v.status();
  QueryResult r;
  r.lines_processed = stats.lines;
  r.bytes_processed = stats.bytes;
  r.ordered = v->ordered;
  if (v->is_scalar && instant) {
    r.type = QueryResult::Type::kScalar;
    r.scalar = Point{steps[0], v->scalar[0]};
    return r;
  }
  if (v->is_scalar) {
    StepSeries s;
    s.v = v->scalar;
    s.has.assign(steps.size(), 1);
    v->series.push_back(std::move(s));
  }
  if (instant) {
    r.type = QueryResult::Type::kVector;
    for (StepSeries& s : v->series) {
      if (s.has[0]) r.vector.push_back(SampleResult{std::move(s.labels), steps[0], s.v[0]});
    }
    if (!r.ordered) {
      std::sort(r.vector.begin(), r.vector.end(),
                [](const SampleResult& a, const SampleResult& b) { return a.labels < b.labels; });
    }
    return r;
  }
  r.type = QueryResult::Type::kMatrix;
  for (StepSeries& s : v->series) {
    SeriesResult sr;
    sr.labels = std::move(s.labels);
    for (size_t i = 0; i < steps.size(); ++i) {
      if (s.has[i]) sr.points.push_back(Point{steps[i], s.v[i]});
    }
    if (!sr.points.empty()) r.matrix.push_back(std::move(sr));
  }
  std::sort(r.matrix.begin(), r.matrix.end(),
            [](const SeriesResult& a, const SeriesResult& b) { return a.labels < b.labels; });
  return r;
}

}  // namespace remediator::logql
