#include "logqltest/logqltest_runner.h"

// g++ 12 reports a false -Wrestrict in std::string concatenation (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/duration.h"
#include "core/labels.h"
#include "logql/eval/engine.h"
#include "logql/source/memory_source.h"

namespace remediator::logql::logqltest {
namespace {

constexpr int64_t kEpochNs = 1767225600LL * 1'000'000'000;  // 2026-01-01T00:00:00Z

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Removes a `#` comment that is outside quotes and backticks.
std::string_view StripComment(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '`') {
      quote = c;
    } else if (c == '#') {
      return s.substr(0, i);
    }
  }
  return s;
}

bool ParseDur(std::string_view s, int64_t& out) {
  auto r = ParseDuration(Trim(s));
  if (!r.ok()) return false;
  out = *r;
  return true;
}

// Parses `{a="b", c="d"}` at s[pos]; pos ends after '}'.
bool ParseLabelSet(std::string_view s, size_t& pos, Labels& out) {
  if (pos >= s.size() || s[pos] != '{') return false;
  ++pos;
  std::vector<Label> labels;
  while (true) {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == ',')) ++pos;
    if (pos >= s.size()) return false;
    if (s[pos] == '}') {
      ++pos;
      break;
    }
    size_t ns = pos;
    while (pos < s.size() && s[pos] != '=' && s[pos] != ' ') ++pos;
    std::string name(s.substr(ns, pos - ns));
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos >= s.size() || s[pos] != '=') return false;
    ++pos;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos >= s.size() || s[pos] != '"') return false;
    ++pos;
    std::string value;
    while (pos < s.size() && s[pos] != '"') {
      if (s[pos] == '\\' && pos + 1 < s.size()) {
        char e = s[pos + 1];
        switch (e) {
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case '"': value += '"'; break;
          case '\\': value += '\\'; break;
          default: value += '\\'; value += e;
        }
        pos += 2;
        continue;
      }
      value += s[pos++];
    }
    if (pos >= s.size()) return false;
    ++pos;
    labels.push_back(Label{name, value});
  }
  out = MakeLabels(std::move(labels));
  return true;
}

bool ParseNumber(std::string_view s, double& v) {
  if (s == "NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "Inf" || s == "+Inf") {
    v = std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == "-Inf") {
    v = -std::numeric_limits<double>::infinity();
    return true;
  }
  std::string str(s);
  char* end = nullptr;
  v = std::strtod(str.c_str(), &end);
  return end == str.c_str() + str.size() && !str.empty();
}

// One expected point: a value or a gap.
struct ExpPoint {
  bool gap = false;
  double v = 0;
};

bool ParseValues(std::string_view s, std::vector<ExpPoint>& out) {
  std::istringstream in{std::string(s)};
  std::string tok;
  while (in >> tok) {
    if (tok == "_") {
      out.push_back(ExpPoint{true, 0});
      continue;
    }
    size_t x = tok.find('x');
    if (x != std::string::npos && tok != "NaN") {
      std::string base = tok.substr(0, x);
      int count = std::atoi(tok.substr(x + 1).c_str());
      // a+b / a-b / a
      double a = 0, b = 0;
      size_t op = base.find_first_of("+-", 1);
      if (op != std::string::npos) {
        if (!ParseNumber(base.substr(0, op), a) || !ParseNumber(base.substr(op + 1), b)) return false;
        if (base[op] == '-') b = -b;
      } else if (!ParseNumber(base, a)) {
        return false;
      }
      for (int i = 0; i <= count; ++i) out.push_back(ExpPoint{false, a + b * i});
      continue;
    }
    double v = 0;
    if (!ParseNumber(tok, v)) return false;
    out.push_back(ExpPoint{false, v});
  }
  return true;
}

bool Close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  if (a == b) return true;
  double diff = std::fabs(a - b);
  return diff <= 1e-6 * std::max(std::fabs(a), std::fabs(b)) || diff < 1e-9;
}

std::string Fmt(double v) { return FormatValue(v); }

struct ExpSeries {
  Labels labels;
  std::vector<ExpPoint> points;
};

struct Eval {
  int line = 0;
  bool instant = true;
  int64_t at = 0, start = 0, end = 0, step = 0;
  std::string query;
  std::vector<ExpSeries> series;
  std::optional<double> scalar;
  bool expect_empty = false;
  bool ordered = false;
  bool expect_fail = false;
  std::string fail_msg;
  std::string fail_regex;
  bool bad_syntax = false;
};

std::string DescribeResult(const QueryResult& r) {
  std::string s;
  switch (r.type) {
    case QueryResult::Type::kScalar: return "scalar " + Fmt(r.scalar.v);
    case QueryResult::Type::kVector:
      for (const auto& v : r.vector) s += "    " + FormatLabels(v.labels) + " " + Fmt(v.v) + "\n";
      return s.empty() ? "    (empty vector)\n" : s;
    case QueryResult::Type::kMatrix:
      for (const auto& m : r.matrix) {
        s += "    " + FormatLabels(m.labels);
        for (const auto& p : m.points) s += fmt::format(" {}@{}s", Fmt(p.v), (p.t_ns - kEpochNs) / 1'000'000'000);
        s += "\n";
      }
      return s.empty() ? "    (empty matrix)\n" : s;
    case QueryResult::Type::kStreams:
      for (const auto& st : r.streams) s += "    " + FormatLabels(st.labels) + fmt::format(" {} entries\n", st.entries.size());
      return s.empty() ? "    (no streams)\n" : s;
  }
  return s;
}

std::string DescribeExpected(const Eval& e) {
  if (e.expect_fail) return "    expect fail " + e.fail_msg + e.fail_regex + "\n";
  if (e.expect_empty) return "    expect empty\n";
  if (e.scalar) return "    scalar " + Fmt(*e.scalar) + "\n";
  std::string s;
  for (const auto& x : e.series) {
    s += "    " + FormatLabels(x.labels);
    for (const auto& p : x.points) s += p.gap ? " _" : " " + Fmt(p.v);
    s += "\n";
  }
  return s;
}

// Returns "" when the result matches.
std::string Check(const Eval& e, const Result<QueryResult>& res) {
  if (e.expect_fail) {
    if (res.ok()) return "expected a failure, got a result";
    const std::string msg = res.status().message();
    if (!e.fail_msg.empty() && msg.find(e.fail_msg) == std::string::npos) return "error message mismatch: " + msg;
    if (!e.fail_regex.empty() && !RE2::PartialMatch(msg, e.fail_regex)) return "error message mismatch: " + msg;
    return "";
  }
  if (!res.ok()) return "unexpected error: " + res.status().message();
  const QueryResult& r = *res;
  if (e.expect_empty) {
    bool empty = (r.type == QueryResult::Type::kVector && r.vector.empty()) ||
                 (r.type == QueryResult::Type::kMatrix && r.matrix.empty()) ||
                 (r.type == QueryResult::Type::kStreams && r.streams.empty());
    return empty ? "" : "expected empty";
  }
  if (e.scalar) {
    if (r.type == QueryResult::Type::kScalar) return Close(r.scalar.v, *e.scalar) ? "" : "scalar mismatch";
    if (r.type == QueryResult::Type::kVector && r.vector.size() == 1 && r.vector[0].labels.empty()) {
      return Close(r.vector[0].v, *e.scalar) ? "" : "scalar mismatch";
    }
    return "expected a scalar";
  }
  if (e.instant) {
    if (r.type != QueryResult::Type::kVector) return "expected a vector";
    if (r.vector.size() != e.series.size()) return "sample count mismatch";
    std::vector<bool> used(r.vector.size(), false);
    for (size_t i = 0; i < e.series.size(); ++i) {
      const ExpSeries& x = e.series[i];
      if (x.points.size() != 1 || x.points[0].gap) return "bad expectation";
      bool found = false;
      for (size_t j = 0; j < r.vector.size(); ++j) {
        if (used[j] || r.vector[j].labels != x.labels) continue;
        if (e.ordered && j != i) return "order mismatch";
        if (!Close(r.vector[j].v, x.points[0].v)) return "value mismatch for " + FormatLabels(x.labels);
        used[j] = true;
        found = true;
        break;
      }
      if (!found) return "missing series " + FormatLabels(x.labels);
    }
    return "";
  }
  if (r.type != QueryResult::Type::kMatrix) return "expected a matrix";
  if (r.matrix.size() != e.series.size()) return "series count mismatch";
  std::vector<int64_t> steps;
  for (int64_t t = e.start; t <= e.end; t += e.step) steps.push_back(t);
  std::vector<bool> used(r.matrix.size(), false);
  for (const ExpSeries& x : e.series) {
    bool found = false;
    for (size_t j = 0; j < r.matrix.size(); ++j) {
      if (used[j] || r.matrix[j].labels != x.labels) continue;
      found = true;
      used[j] = true;
      const auto& pts = r.matrix[j].points;
      size_t k = 0;
      for (size_t i = 0; i < steps.size(); ++i) {
        bool want_gap = i >= x.points.size() || x.points[i].gap;
        bool have = k < pts.size() && pts[k].t_ns == steps[i];
        if (want_gap && have) return fmt::format("unexpected point at step {}", i);
        if (!want_gap && !have) return fmt::format("missing point at step {}", i);
        if (have) {
          if (!Close(pts[k].v, x.points[i].v)) return fmt::format("value mismatch at step {}", i);
          ++k;
        }
      }
      if (x.points.size() > steps.size()) return "more expected values than steps";
      break;
    }
    if (!found) return "missing series " + FormatLabels(x.labels);
  }
  return "";
}

}  // namespace

std::vector<std::string> ExpandPaths(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    std::error_code ec;
    if (std::filesystem::is_directory(a, ec)) {
      std::vector<std::string> files;
      for (const auto& de : std::filesystem::directory_iterator(a, ec)) {
        if (de.path().extension() == ".logqltest") files.push_back(de.path().string());
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(a);
    }
  }
  return out;
}

FileReport RunFile(const std::string& path, std::ostream& out) {
  FileReport rep;
  rep.path = path;
  std::ifstream in(path);
  if (!in) {
    out << path << ": cannot open\n";
    rep.failed = 1;
    return rep;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  MemoryStreamSource source;
  Engine engine(source, EngineOptions{.parallelism = 1});
  enum class Mode { kNone, kLoad, kEval };
  Mode mode = Mode::kNone;
  std::optional<Eval> cur;

  auto finish = [&]() {
    if (!cur) return;
    Eval& e = *cur;
    QueryParams p;
    p.query = e.query;
    if (e.instant) {
      p.start_ns = p.end_ns = e.at;
    } else {
      p.start_ns = e.start;
      p.end_ns = e.end;
      p.step_ns = e.step;
    }
    std::string why;
    Result<QueryResult> res = e.bad_syntax ? Result<QueryResult>(InvalidArgument("bad eval line")) : engine.Query(p);
    if (e.bad_syntax) {
      why = "cannot read the eval line";
    } else {
      why = Check(e, res);
    }
    if (why.empty()) {
      ++rep.passed;
    } else {
      ++rep.failed;
      out << fmt::format("FAIL {}:{}: {}\n  query: {}\n  expected:\n{}  actual:\n{}", path, e.line, why, e.query,
                         DescribeExpected(e),
                         res.ok() ? DescribeResult(*res) : "    error: " + res.status().message() + "\n");
    }
    cur.reset();
  };

  for (size_t ln = 0; ln < lines.size(); ++ln) {
    std::string_view raw = lines[ln];
    bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    if (!indented) {
      finish();
      std::string_view stmt = Trim(StripComment(line));
      if (stmt == "clear") {
        source.Clear();
        mode = Mode::kNone;
      } else if (stmt == "load") {
        mode = Mode::kLoad;
      } else if (stmt.starts_with("eval ")) {
        mode = Mode::kEval;
        Eval e;
        e.line = static_cast<int>(ln + 1);
        std::string_view rest = Trim(stmt.substr(5));
        auto word = [&](std::string_view& s) {
          s = Trim(s);
          size_t sp = s.find(' ');
          std::string_view w = s.substr(0, sp);
          s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
          return w;
        };
        std::string_view kind = word(rest);
        bool ok = true;
        if (kind == "instant") {
          ok = word(rest) == "at" && ParseDur(word(rest), e.at);
          e.at += kEpochNs;
        } else if (kind == "range") {
          ok = word(rest) == "from" && ParseDur(word(rest), e.start) && word(rest) == "to" &&
               ParseDur(word(rest), e.end) && word(rest) == "step" && ParseDur(word(rest), e.step);
          e.instant = false;
          e.start += kEpochNs;
          e.end += kEpochNs;
        } else {
          ok = false;
        }
        e.query = std::string(Trim(rest));
        e.bad_syntax = !ok;
        cur = std::move(e);
      } else {
        out << fmt::format("{}:{}: unknown statement: {}\n", path, ln + 1, stmt);
      }
      continue;
    }
    if (mode == Mode::kLoad) {
      std::string_view s = Trim(StripComment(line));
      size_t pos = 0;
      Labels labels;
      if (!ParseLabelSet(s, pos, labels)) {
        out << fmt::format("{}:{}: bad load line\n", path, ln + 1);
        continue;
      }
      while (pos < s.size() && s[pos] == ' ') ++pos;
      char q = pos < s.size() ? s[pos] : 0;
      if (q != '"' && q != '`') {
        out << fmt::format("{}:{}: bad load line\n", path, ln + 1);
        continue;
      }
      size_t end = pos + 1;
      while (end < s.size() && s[end] != q) {
        if (q == '"' && s[end] == '\\') ++end;
        ++end;
      }
      std::string text(s.substr(pos + 1, end - pos - 1));
      std::string_view rest = Trim(s.substr(std::min(end + 1, s.size())));
      int64_t at = 0, every = 0;
      int count = 1;
      Labels metadata;
      if (rest.starts_with("@")) {
        rest = Trim(rest.substr(1));
        size_t sp = rest.find(' ');
        ParseDur(rest.substr(0, sp), at);
        rest = sp == std::string_view::npos ? std::string_view() : Trim(rest.substr(sp));
      }
      while (rest.starts_with("[")) {
        size_t close = rest.find(']');
        // metadata values may contain ']' inside quotes; find the bracket after the last quote.
        std::string_view body = rest.substr(1, close - 1);
        if (body.starts_with("repeat every")) {
          std::istringstream bs{std::string(body)};
          std::string w1, w2, dur, w3;
          bs >> w1 >> w2 >> dur >> w3 >> count;
          ParseDur(dur, every);
        } else if (body.starts_with("metadata")) {
          std::string braces = "{" + std::string(Trim(body.substr(8))) + "}";
          // metadata k="v" k2="v2" -> {k="v", k2="v2"}
          size_t p2 = 0;
          ParseLabelSet(braces, p2, metadata);
        }
        rest = Trim(rest.substr(close + 1));
      }
      for (int i = 0; i < count; ++i) {
        std::string l = text;
        size_t k;
        while ((k = l.find("{{.i}}")) != std::string::npos) l.replace(k, 6, std::to_string(i));
        source.Add(labels, kEpochNs + at + every * i, l, metadata);
      }
      continue;
    }
    if (mode == Mode::kEval && cur) {
      std::string_view s = Trim(StripComment(line));
      if (s.empty()) continue;
      if (s == "expect empty") {
        cur->expect_empty = true;
      } else if (s == "expect ordered") {
        cur->ordered = true;
      } else if (s.starts_with("expect fail")) {
        cur->expect_fail = true;
        std::string_view r = Trim(s.substr(11));
        if (r.starts_with("msg:")) cur->fail_msg = std::string(Trim(r.substr(4)));
        if (r.starts_with("regex:")) cur->fail_regex = std::string(Trim(r.substr(6)));
      } else if (s.starts_with("skip ")) {
        // Deployment-specific comparisons do not apply to a single engine.
      } else if (s[0] == '{') {
        size_t pos = 0;
        ExpSeries x;
        if (!ParseLabelSet(s, pos, x.labels) || !ParseValues(s.substr(pos), x.points)) {
          cur->bad_syntax = true;
        }
        cur->series.push_back(std::move(x));
      } else {
        double v = 0;
        if (ParseNumber(s, v)) {
          cur->scalar = v;
        } else {
          cur->bad_syntax = true;
        }
      }
    }
  }
  finish();
  return rep;
}

}  // namespace remediator::logql::logqltest
