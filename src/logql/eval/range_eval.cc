#include "logql/eval/range_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "logql/convert.h"
#include "logql/log/labels_builder.h"
#include "logql/log/pipeline.h"
#include "logql/log/required_literals.h"
#include "logql/template/template.h"

namespace remediator::logql::eval {

using syntax::RangeOp;

std::string LabelsKey(const Labels& labels) {
  std::string k;
  for (const Label& l : labels) {
    k += l.name;
    k += '\xff';
    k += l.value;
    k += '\xfe';
  }
  return k;
}

std::string PipelineErrorMessage(const Labels& series) {
  std::string type(LabelValue(series, log::kErrorLabel));
  return fmt::format(
      "pipeline error: '{}' for series: '{}'.\n"
      "Use a label filter to intentionally skip this error. (e.g | __error__!=\"{}\").\n"
      "To skip all potential errors you can match empty errors.(e.g __error__=\"\")\n"
      "The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )\n",
      type, FormatLabels(series), type);
}

namespace {

void CollectFilterLabels(const syntax::LabelFilter& f, std::set<std::string, std::less<>>& out) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, syntax::MatcherLabelFilter>) {
          out.insert(n.matcher.name());
        } else if constexpr (std::is_same_v<T, syntax::BinaryLabelFilter>) {
          CollectFilterLabels(*n.left, out);
          CollectFilterLabels(*n.right, out);
        } else {
          out.insert(n.name);
        }
      },
      f.node);
}

bool CollectTemplate(const std::string& text, std::set<std::string, std::less<>>& out) {
  auto t = tmpl::Template::Parse(text);
  if (!t.ok()) return true;  // the compile step reports the error
  for (const std::string& f : t->Fields()) out.insert(f);
  // `{{ . }}` or `$` reads every label.
  return text.find("{{ . }}") == std::string::npos && text.find("{{.}}") == std::string::npos &&
         text.find('$') == std::string::npos;
}

}  // namespace

bool CollectUsedLabels(const std::vector<syntax::Stage>& stages, const std::optional<syntax::Unwrap>& unwrap,
                       std::set<std::string, std::less<>>& out) {
  bool ok = true;
  for (const syntax::Stage& st : stages) {
    if (auto* f = std::get_if<syntax::LabelFilter>(&st.node)) {
      CollectFilterLabels(*f, out);
    } else if (auto* lf = std::get_if<syntax::LineFormat>(&st.node)) {
      ok = CollectTemplate(lf->tmpl, out) && ok;
    } else if (auto* lbf = std::get_if<syntax::LabelFormat>(&st.node)) {
      for (const auto& it : lbf->items) {
        out.insert(it.name);
        if (it.is_template) {
          ok = CollectTemplate(it.value, out) && ok;
        } else {
          out.insert(it.value);
        }
      }
    } else if (auto* d = std::get_if<syntax::DropLabels>(&st.node)) {
      for (const auto& n : d->labels) out.insert(n.name);
    } else if (auto* k = std::get_if<syntax::KeepLabels>(&st.node)) {
      for (const auto& n : k->labels) out.insert(n.name);
    }
  }
  if (unwrap) {
    out.insert(unwrap->label);
    for (const auto& f : unwrap->post_filters) CollectFilterLabels(f, out);
  }
  return ok;
}

namespace {

struct SeriesAcc {
  Labels labels;
  std::vector<int64_t> ts;
  std::vector<double> v;
  bool sorted = true;
  bool error = false;
};

struct Acc {
  std::unordered_map<std::string, size_t> index;
  std::vector<SeriesAcc> series;
  std::optional<Labels> first_error_full;
};

bool IsUnwrapOp(RangeOp op) {
  switch (op) {
    case RangeOp::kCountOverTime:
    case RangeOp::kBytesOverTime:
    case RangeOp::kBytesRate:
    case RangeOp::kAbsentOverTime: return false;
    case RangeOp::kRate: return false;
    case RangeOp::kRateCounter:
    case RangeOp::kAvgOverTime:
    case RangeOp::kSumOverTime:
    case RangeOp::kMinOverTime:
    case RangeOp::kMaxOverTime:
    case RangeOp::kStdvarOverTime:
    case RangeOp::kStddevOverTime:
    case RangeOp::kQuantileOverTime:
    case RangeOp::kFirstOverTime:
    case RangeOp::kLastOverTime: return true;
  }
  return false;
}

// The labels a source may cut JSON lines down to (StreamSelection::json_labels): set only when
// the range function does not read the line (counts, rate, absent, unwrapped values), the
// pipeline reads each line only through one leading `| json` without parameters and then only
// touches labels (label filters, drop, keep, label_format renames), and the labels it uses
// are known (hints.needed). nullopt otherwise: lines must be whole.
std::optional<std::vector<std::string>> JsonProjectionLabels(const syntax::RangeAggregationExpr& e,
                                                             const log::LabelHints& hints) {
  if (!hints.needed) return std::nullopt;
  // Unwrapped functions read a label; of the others only these ignore the line (bytes_* read
  // its length).
  bool line_unread = e.op == RangeOp::kCountOverTime || e.op == RangeOp::kRate || e.op == RangeOp::kAbsentOverTime;
  if (!IsUnwrapOp(e.op) && !line_unread) return std::nullopt;
  const std::vector<syntax::Stage>& stages = e.range.selector.pipeline;
  if (stages.empty()) return std::nullopt;
  const auto* json = std::get_if<syntax::JsonParser>(&stages.front().node);
  if (json == nullptr || !json->params.empty()) return std::nullopt;
  for (size_t i = 1; i < stages.size(); ++i) {
    const auto& node = stages[i].node;
    if (std::holds_alternative<syntax::LabelFilter>(node) || std::holds_alternative<syntax::DropLabels>(node) ||
        std::holds_alternative<syntax::KeepLabels>(node)) {
      continue;
    }
    if (const auto* lf = std::get_if<syntax::LabelFormat>(&node)) {
      // A template may read __line__ (or any label): only plain renames.
      for (const syntax::LabelFormatItem& item : lf->items) {
        if (item.is_template) return std::nullopt;
      }
      continue;
    }
    return std::nullopt;  // a line filter, another parser, line_format, decolorize
  }
  return std::vector<std::string>(hints.needed->begin(), hints.needed->end());
}

// The strings a source may reduce lines to (StreamSelection::line_tests): set only when the
// range function does not read the line and every stage is a `|=` or `!=` filter of plain
// strings without a newline (a line passes them by which of the strings it holds).
std::optional<std::vector<std::string>> LineTestStrings(const syntax::RangeAggregationExpr& e) {
  if (e.op != RangeOp::kCountOverTime && e.op != RangeOp::kRate && e.op != RangeOp::kAbsentOverTime) {
    return std::nullopt;
  }
  if (e.range.unwrap || e.range.selector.pipeline.empty()) return std::nullopt;
  std::vector<std::string> strings;
  for (const syntax::Stage& stage : e.range.selector.pipeline) {
    const auto* filter = std::get_if<syntax::LineFilter>(&stage.node);
    if (filter == nullptr) return std::nullopt;
    if (filter->op != syntax::LineFilterOp::kContains && filter->op != syntax::LineFilterOp::kNotContains) {
      return std::nullopt;
    }
    for (const syntax::LineFilterOperand& operand : filter->operands) {
      if (operand.is_ip || operand.value.find('\n') != std::string::npos) return std::nullopt;
      if (std::find(strings.begin(), strings.end(), operand.value) == strings.end()) strings.push_back(operand.value);
    }
  }
  return strings;
}

// How an entry's final labels become its series' labels.
struct LabelShaper {
  std::string exclude;  // the unwrapped label
  std::optional<syntax::Grouping> grouping;
  std::optional<std::vector<std::string>> project_by;

  bool Keep(std::string_view name) const {
    if (name == log::kErrorLabel || name == log::kErrorDetailsLabel) return true;
    if (project_by) return std::find(project_by->begin(), project_by->end(), name) != project_by->end();
    if (grouping) {
      bool listed = std::find(grouping->labels.begin(), grouping->labels.end(), name) != grouping->labels.end();
      if (grouping->without) return !listed && (exclude.empty() || name != exclude);
      return listed;
    }
    return name != exclude || exclude.empty();
  }
};

class Worker {
 public:
  Worker(const syntax::RangeAggregationExpr& e, const log::Pipeline& pipeline,
         const std::vector<std::unique_ptr<log::Stage>>& post, const LabelShaper& shaper, WorkStats& stats)
      : e_(e), pipeline_(pipeline), post_(post), shaper_(shaper), stats_(stats) {}

  Status Run(const StreamSource& source, const StreamSelection& sel) {
    return source.Select(sel, [&](const Labels& stream, EntryCursor& cursor) -> Status {
      VisitStream(stream, cursor);
      return Status::Ok();
    });
  }

  Acc acc;

 private:
  void VisitStream(const Labels& stream, EntryCursor& cursor) {
    EntryView ev;
    int64_t cached = -1;
    const bool unwrap = e_.range.unwrap.has_value();
    const bool bytes_op = e_.op == RangeOp::kBytesOverTime || e_.op == RangeOp::kBytesRate;
    int64_t lines = 0, bytes = 0;
    stream_series_.clear();
    while (cursor.Next(ev)) {
      ++lines;
      bytes += static_cast<int64_t>(ev.line.size());
      lbs_.Reset(&stream, ev.structured_metadata);
      std::string_view line = ev.line;
      if (!pipeline_.Process(ev.timestamp_ns, line, lbs_, scratch_)) continue;
      double value = 1;
      if (bytes_op) value = static_cast<double>(line.size());
      if (unwrap) {
        const syntax::Unwrap& u = *e_.range.unwrap;
        std::string_view sv;
        if (!lbs_.Get(u.label, sv) || sv.empty()) continue;
        Status err;
        switch (u.conversion) {
          case syntax::UnwrapConversion::kNone: {
            if (!ParseGoFloatFast(sv, value)) {
              err = ParseGoFloat(sv).status();
              value = 0;
            }
            break;
          }
          case syntax::UnwrapConversion::kDuration:
          case syntax::UnwrapConversion::kDurationSeconds: {
            auto d = ParseGoDuration(sv);
            if (d.ok()) {
              value = static_cast<double>(*d) / 1e9;
            } else {
              err = d.status();
              value = 0;
            }
            break;
          }
          case syntax::UnwrapConversion::kBytes: {
            auto b = ParseHumanBytes(sv);
            if (b.ok()) {
              value = static_cast<double>(*b);
            } else {
              err = b.status();
              value = 0;
            }
            break;
          }
        }
        if (!err.ok() && !lbs_.HasError()) {
          lbs_.SetError("SampleExtractionErr");
          lbs_.SetErrorDetails(err.message());
        }
        bool keep = true;
        for (const auto& f : post_) {
          if (!f->Process(ev.timestamp_ns, line, lbs_, scratch_)) {
            keep = false;
            break;
          }
        }
        if (!keep) continue;
      }
      size_t idx;
      if (!lbs_.Modified()) {
        if (cached < 0) cached = static_cast<int64_t>(SeriesFor());
        idx = static_cast<size_t>(cached);
      } else if (lbs_.OnlyParsed()) {
        idx = StreamSeriesFor();
      } else {
        idx = SeriesFor();
      }
      SeriesAcc& s = acc.series[idx];
      if (!s.ts.empty() && s.ts.back() > ev.timestamp_ns) s.sorted = false;
      s.ts.push_back(ev.timestamp_ns);
      s.v.push_back(value);
      if (lbs_.HasError() && !acc.first_error_full) acc.first_error_full = lbs_.ToLabels();
    }
    stats_.lines += lines;
    stats_.bytes += bytes;
  }

  // The series of an entry whose labels are its stream's plus parsed ones (OnlyParsed):
  // within one stream it depends only on the parsed labels the shaper keeps (a parsed label
  // shadowing a stream label of the same name is kept or dropped with it), so it is looked
  // up by those alone, without collecting, sorting and shaping every label per entry.
  size_t StreamSeriesFor() {
    stream_key_.clear();
    for (size_t i = 0; i < lbs_.parsed_count(); ++i) {
      const std::string_view name = lbs_.parsed_name(i);
      if (i == keep_slot_.size()) keep_slot_.emplace_back();
      auto& [slot_name, keep] = keep_slot_[i];
      if (slot_name != name) {  // parsers set the same names in the same order: rarely taken
        slot_name.assign(name);
        keep = shaper_.Keep(name);
      }
      if (!keep) continue;
      stream_key_ += name;
      stream_key_ += '\xff';
      stream_key_ += lbs_.parsed_value(i);
      stream_key_ += '\xfe';
    }
    auto it = stream_series_.find(stream_key_);
    if (it != stream_series_.end()) return it->second;
    const size_t idx = SeriesFor();
    stream_series_.emplace(stream_key_, idx);
    return idx;
  }

  size_t SeriesFor() {
    lbs_.Collect(pairs_);
    key_.clear();
    for (const auto& [n, v] : pairs_) {
      if (!shaper_.Keep(n)) continue;
      key_ += n;
      key_ += '\xff';
      key_ += v;
      key_ += '\xfe';
    }
    auto it = acc.index.find(key_);
    if (it != acc.index.end()) return it->second;
    SeriesAcc s;
    for (const auto& [n, v] : pairs_) {
      if (!shaper_.Keep(n)) continue;
      s.labels.push_back(Label{std::string(n), std::string(v)});
      if (n == log::kErrorLabel) s.error = true;
    }
    acc.series.push_back(std::move(s));
    acc.index.emplace(key_, acc.series.size() - 1);
    return acc.series.size() - 1;
  }

  const syntax::RangeAggregationExpr& e_;
  const log::Pipeline& pipeline_;
  const std::vector<std::unique_ptr<log::Stage>>& post_;
  const LabelShaper& shaper_;
  WorkStats& stats_;
  log::LabelsBuilder lbs_;
  log::LineScratch scratch_;
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;
  std::string key_;
  std::unordered_map<std::string, size_t> stream_series_;  // of the current stream (StreamSeriesFor)
  std::vector<std::pair<std::string, bool>> keep_slot_;   // parsed slot i: its last name, kept?
  std::string stream_key_;
};

double Quantile(double q, std::vector<double>& vals) {
  if (vals.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  double n = static_cast<double>(vals.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  // The two order statistics around the rank, as a full sort would place them: a selection
  // in linear time (NaNs, which have no order, take the sort).
  const auto lo = static_cast<size_t>(lower), hi = static_cast<size_t>(upper);
  if (std::any_of(vals.begin(), vals.end(), [](double v) { return std::isnan(v); })) {
    std::sort(vals.begin(), vals.end());
  } else {
    std::nth_element(vals.begin(), vals.begin() + static_cast<std::ptrdiff_t>(lo), vals.end());
    if (hi > lo) {
      std::iter_swap(vals.begin() + static_cast<std::ptrdiff_t>(hi),
                     std::min_element(vals.begin() + static_cast<std::ptrdiff_t>(lo) + 1, vals.end()));
    }
  }
  return vals[lo] * (1 - weight) + vals[hi] * weight;
}

double ExtrapolatedRate(const int64_t* ts, const double* v, size_t n, int64_t range_ns, int64_t offset_ns,
                        int64_t t) {
  if (n < 2) return 0;
  double range_start = static_cast<double>(t - (range_ns + offset_ns));
  double range_end = static_cast<double>(t - offset_ns);
  double result = v[n - 1] - v[0];
  double last = 0;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] < last) result += last;
    last = v[i];
  }
  double to_start = (static_cast<double>(ts[0]) - range_start) / 1e9;
  double to_end = (range_end - static_cast<double>(ts[n - 1])) / 1e9;
  double sampled = static_cast<double>(ts[n - 1] - ts[0]) / 1e9;
  double avg = sampled / static_cast<double>(n - 1);
  double threshold = avg * 1.1;
  if (to_start >= threshold) to_start = avg / 2;
  if (result > 0 && v[0] >= 0) {
    double to_zero = sampled * (v[0] / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  double interval = sampled;
  interval += to_start;
  interval += to_end < threshold ? to_end : avg / 2;
  if (sampled == 0) return 0;
  result = result * (interval / sampled);
  return result / (static_cast<double>(range_ns) / 1e9);
}

// Evaluates the op over samples [lo, hi) of a series for the window ending at t.
double WindowValue(const syntax::RangeAggregationExpr& e, const SeriesAcc& s, size_t lo, size_t hi, int64_t t,
                   std::vector<double>& scratch) {
  const double range_s = static_cast<double>(e.range.range_ns) / 1e9;
  const double* v = s.v.data();
  size_t n = hi - lo;
  switch (e.op) {
    case RangeOp::kCountOverTime: return static_cast<double>(n);
    case RangeOp::kRate:
      if (e.range.unwrap) {
        double sum = 0;
        for (size_t i = lo; i < hi; ++i) sum += v[i];
        return sum / range_s;
      }
      return static_cast<double>(n) / range_s;
    case RangeOp::kBytesOverTime:
    case RangeOp::kSumOverTime: {
      double sum = 0;
      for (size_t i = lo; i < hi; ++i) sum += v[i];
      return sum;
    }
    case RangeOp::kBytesRate: {
      double sum = 0;
      for (size_t i = lo; i < hi; ++i) sum += v[i];
      return sum / range_s;
    }
    case RangeOp::kRateCounter:
      return ExtrapolatedRate(s.ts.data() + lo, v + lo, n, e.range.range_ns, e.range.offset_ns, t);
    case RangeOp::kAvgOverTime: {
      double mean = 0, count = 0;
      for (size_t i = lo; i < hi; ++i) {
        count++;
        if (std::isinf(mean)) {
          if (std::isinf(v[i]) && (mean > 0) == (v[i] > 0)) continue;
          if (!std::isinf(v[i]) && !std::isnan(v[i])) continue;
        }
        mean += v[i] / count - mean / count;
      }
      return mean;
    }
    case RangeOp::kMinOverTime: {
      double m = v[lo];
      for (size_t i = lo; i < hi; ++i) {
        if (v[i] < m || std::isnan(m)) m = v[i];
      }
      return m;
    }
    case RangeOp::kMaxOverTime: {
      double m = v[lo];
      for (size_t i = lo; i < hi; ++i) {
        if (v[i] > m || std::isnan(m)) m = v[i];
      }
      return m;
    }
    case RangeOp::kStdvarOverTime:
    case RangeOp::kStddevOverTime: {
      double count = 0, mean = 0, aux = 0;
      for (size_t i = lo; i < hi; ++i) {
        count++;
        double delta = v[i] - mean;
        mean += delta / count;
        aux += delta * (v[i] - mean);
      }
      double var = aux / count;
      return e.op == RangeOp::kStddevOverTime ? std::sqrt(var) : var;
    }
    case RangeOp::kQuantileOverTime:
      scratch.assign(v + lo, v + hi);
      return Quantile(e.param.value_or(0), scratch);
    case RangeOp::kFirstOverTime: return v[lo];
    case RangeOp::kLastOverTime: return v[hi - 1];
    case RangeOp::kAbsentOverTime: return 1;
  }
  return 0;
}

}  // namespace

Result<StepValue> EvalRangeAggregation(const syntax::RangeAggregationExpr& e, const std::vector<int64_t>& steps,
                                       const StreamSource& source, const RangeEvalOptions& options,
                                       WorkStats& stats) {
  log::LabelHints hints;
  if (options.needed) {
    std::set<std::string, std::less<>> needed = *options.needed;
    if (CollectUsedLabels(e.range.selector.pipeline, e.range.unwrap, needed)) hints.needed = std::move(needed);
  }
  auto pipeline = log::Pipeline::Compile(e.range.selector.pipeline, hints);
  if (!pipeline.ok()) return pipeline.status();
  std::vector<std::unique_ptr<log::Stage>> post;
  if (e.range.unwrap) {
    for (const auto& f : e.range.unwrap->post_filters) {
      auto s = log::CompileLabelFilter(f);
      if (!s.ok()) return s.status();
      post.push_back(std::move(*s));
    }
  }
  LabelShaper shaper;
  if (e.range.unwrap) shaper.exclude = e.range.unwrap->label;
  shaper.grouping = e.grouping;
  if (!e.grouping) shaper.project_by = options.project_by;

  StepValue out;
  if (steps.empty()) return out;
  const int64_t off = e.range.offset_ns;
  const int64_t range = e.range.range_ns;
  const int64_t sel_start = steps.front() - off - range + 1;
  const int64_t sel_end = steps.back() - off + 1;

  StreamSelection whole;
  whole.matchers = e.range.selector.matchers;
  whole.start_ns = sel_start;
  whole.end_ns = sel_end;
  whole.direction = Direction::kForward;
  // The `|= "literal"` filters every counted line passes: a source may skip what cannot
  // contain them (the store skips sections unread).
  whole.line_contains = log::RequiredLineLiterals(e.range.selector.pipeline);
  // A query that reads only a few JSON members: a source may hand just those (the store
  // decompresses only their columns).
  whole.json_labels = JsonProjectionLabels(e, hints);
  // A query that only tests lines for strings: a source may hand stand-ins holding the same
  // of them (the store need not rebuild lines it keeps by JSON field).
  whole.line_tests = LineTestStrings(e);
  // Parts in order: worker i's entries come before worker i + 1's (in time, or in file order
  // for the file source; unordered series are sorted stably below).
  std::vector<StreamSelection> sels = source.Split(whole, std::max(1, options.parallelism));
  if (sels.empty()) sels.push_back(whole);
  const int parts = static_cast<int>(sels.size());
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<Status> statuses(static_cast<size_t>(parts));
  for (int i = 0; i < parts; ++i) workers.push_back(std::make_unique<Worker>(e, **pipeline, post, shaper, stats));
  auto run = [&](int i) {
    statuses[static_cast<size_t>(i)] = workers[static_cast<size_t>(i)]->Run(source, sels[static_cast<size_t>(i)]);
  };
  if (parts == 1) {
    run(0);
  } else {
    std::vector<std::thread> threads;
    for (int i = 1; i < parts; ++i) threads.emplace_back(run, i);
    run(0);
    for (auto& t : threads) t.join();
  }
  for (const Status& st : statuses) REMEDIATOR_RETURN_IF_ERROR(st);

  // Merge the workers' series (worker i holds earlier times than worker i + 1).
  Acc& acc = workers[0]->acc;
  for (size_t w = 1; w < workers.size(); ++w) {
    Acc& other = workers[w]->acc;
    if (!acc.first_error_full) acc.first_error_full = other.first_error_full;
    for (SeriesAcc& s : other.series) {
      std::string key = LabelsKey(s.labels);
      auto it = acc.index.find(key);
      if (it == acc.index.end()) {
        // Rebuild keys of worker 0 lazily: index keys there are built the same way.
        acc.series.push_back(std::move(s));
        acc.index.emplace(key, acc.series.size() - 1);
        continue;
      }
      SeriesAcc& d = acc.series[it->second];
      if (!d.ts.empty() && !s.ts.empty() && s.ts.front() < d.ts.back()) d.sorted = false;
      d.sorted = d.sorted && s.sorted;
      d.ts.insert(d.ts.end(), s.ts.begin(), s.ts.end());
      d.v.insert(d.v.end(), s.v.begin(), s.v.end());
    }
  }

  const size_t nsteps = steps.size();
  if (e.op == RangeOp::kAbsentOverTime) {
    StepSeries as;
    for (const LabelMatcher& m : e.range.selector.matchers) {
      if (m.op() == MatchOp::kEqual) as.labels.push_back(Label{m.name(), m.value()});
    }
    as.labels = MakeLabels(std::move(as.labels));
    as.v.assign(nsteps, 1);
    as.has.assign(nsteps, 1);
    for (SeriesAcc& s : acc.series) {
      if (!s.sorted) {
        std::vector<size_t> order(s.ts.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.ts[a] < s.ts[b]; });
        std::vector<int64_t> ts2;
        for (size_t i : order) ts2.push_back(s.ts[i]);
        s.ts = std::move(ts2);
      }
      for (size_t i = 0; i < nsteps; ++i) {
        int64_t hi_t = steps[i] - off;
        auto lo = std::upper_bound(s.ts.begin(), s.ts.end(), hi_t - range);
        auto hi = std::upper_bound(s.ts.begin(), s.ts.end(), hi_t);
        if (hi > lo) as.has[i] = 0;
      }
    }
    out.series.push_back(std::move(as));
    return out;
  }

  // Each series' windows (sorting it first when needed), on the workers' threads when there
  // are many samples: quantiles sort every window, and this would be the serial tail.
  const size_t nseries = acc.series.size();
  std::vector<StepSeries> done(nseries);
  std::vector<uint8_t> any(nseries, 0), window_error(nseries, 0);
  auto eval_series = [&](size_t k, std::vector<double>& scratch) {
    SeriesAcc& s = acc.series[k];
    if (!s.sorted) {
      std::vector<size_t> order(s.ts.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.ts[a] < s.ts[b]; });
      std::vector<int64_t> ts2;
      std::vector<double> v2;
      ts2.reserve(order.size());
      v2.reserve(order.size());
      for (size_t i : order) {
        ts2.push_back(s.ts[i]);
        v2.push_back(s.v[i]);
      }
      s.ts = std::move(ts2);
      s.v = std::move(v2);
      s.sorted = true;
    }
    StepSeries& ss = done[k];
    ss.v.assign(nsteps, 0);
    ss.has.assign(nsteps, 0);
    size_t lo = 0, hi = 0;
    for (size_t i = 0; i < nsteps; ++i) {
      int64_t hi_t = steps[i] - off;
      int64_t lo_t = hi_t - range;
      while (lo < s.ts.size() && s.ts[lo] <= lo_t) ++lo;
      if (hi < lo) hi = lo;
      while (hi < s.ts.size() && s.ts[hi] <= hi_t) ++hi;
      if (hi <= lo) continue;
      if (s.error) {
        window_error[k] = 1;
        continue;
      }
      ss.v[i] = WindowValue(e, s, lo, hi, steps[i], scratch);
      ss.has[i] = 1;
      any[k] = 1;
    }
  };
  size_t samples = 0;
  for (const SeriesAcc& s : acc.series) samples += s.ts.size();
  const int threads = samples >= (size_t{1} << 16) ? static_cast<int>(std::min<size_t>(
                                                           static_cast<size_t>(std::max(1, options.parallelism)), nseries))
                                                     : 1;
  std::atomic<size_t> next_series{0};
  auto eval_some = [&] {
    std::vector<double> window;
    for (size_t k; (k = next_series.fetch_add(1)) < nseries;) eval_series(k, window);
  };
  {
    std::vector<std::thread> helpers;
    for (int i = 1; i < threads; ++i) helpers.emplace_back(eval_some);
    eval_some();
    for (auto& t : helpers) t.join();
  }
  std::optional<Labels> error_series;
  for (size_t k = 0; k < nseries; ++k) {
    if (window_error[k] && !error_series) error_series = acc.series[k].labels;
    if (!any[k]) continue;
    done[k].labels = std::move(acc.series[k].labels);
    out.series.push_back(std::move(done[k]));
  }
  if (error_series) {
    Labels shown = acc.first_error_full && !options.project_by ? *error_series : *error_series;
    if (acc.first_error_full && (options.project_by || (shaper.grouping && !shaper.grouping->without))) {
      shown = *acc.first_error_full;
    }
    return InvalidArgument(PipelineErrorMessage(shown));
  }
  return out;
}

}  // namespace remediator::logql::eval
