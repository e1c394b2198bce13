// `remediator query 'QUERY' --file PATH:'{job="x"}' ...`: runs a LogQL query over files
// (each file one stream with the given labels) and prints the result as a table, raw lines
// or Loki's query API JSON.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/time_format.h"
#include "logql/eval/engine.h"
#include "logql/eval/result_json.h"
#include "logql/source/file_source.h"
#include "logql/syntax/parse.h"
#include "store/store.h"

namespace remediator::cli {
namespace {

struct QueryOptions {
  std::string query;
  std::vector<std::string> files;
  std::string store;  // --store DIR: the embedded store, opened read-only
  std::string time_field;
  std::string since = "1h";
  std::string start, end, time, step;
  int64_t limit = 100;
  std::string direction = "backward";
  std::string output = "table";
};

// "PATH:{job=\"x\"}" -> path and labels (the equality matchers of the selector).
Result<logql::FileStream> ParseFileArg(const std::string& arg) {
  size_t sep = arg.find(":{");
  if (sep == std::string::npos) {
    return InvalidArgument("--file " + arg + ": expected PATH:'{label=\"value\", ...}'");
  }
  logql::FileStream fs;
  fs.path = arg.substr(0, sep);
  auto matchers = logql::syntax::ParseMatchers(arg.substr(sep + 1));
  if (!matchers.ok()) return InvalidArgument("--file " + arg + ": " + matchers.status().message());
  std::vector<Label> labels;
  for (const LabelMatcher& m : *matchers) {
    if (m.op() != MatchOp::kEqual) return InvalidArgument("--file " + arg + ": labels must use =");
    labels.push_back(Label{m.name(), m.value()});
  }
  fs.labels = MakeLabels(std::move(labels));
  return fs;
}

void PrintTable(const logql::QueryResult& r, bool raw) {
  using Type = logql::QueryResult::Type;
  switch (r.type) {
    case Type::kStreams: {
      // One time-ordered list across streams, in the query's direction (as Grafana shows it).
      struct Row {
        int64_t t;
        const Labels* labels;
        const std::string* line;
      };
      std::vector<Row> rows;
      for (const auto& s : r.streams) {
        for (const auto& e : s.entries) rows.push_back(Row{e.t_ns, &s.labels, &e.line});
      }
      bool backward = !rows.empty() && r.streams.size() > 0 && r.streams[0].entries.size() > 1 &&
                      r.streams[0].entries[0].t_ns > r.streams[0].entries[1].t_ns;
      std::stable_sort(rows.begin(), rows.end(),
                       [&](const Row& a, const Row& b) { return backward ? a.t > b.t : a.t < b.t; });
      for (const Row& row : rows) {
        if (raw) {
          std::printf("%s\n", row.line->c_str());
        } else {
          std::printf("%s %s %s\n", FormatRfc3339Nano(row.t).c_str(), FormatLabels(*row.labels).c_str(),
                      row.line->c_str());
        }
      }
      return;
    }
    case Type::kVector:
      for (const auto& v : r.vector) {
        std::printf("%s %s\n", FormatLabels(v.labels).c_str(), logql::FormatValue(v.v).c_str());
      }
      return;
    case Type::kMatrix:
      for (const auto& m : r.matrix) {
        std::printf("%s\n", FormatLabels(m.labels).c_str());
        for (const auto& p : m.points) {
          std::printf("  %s %s\n", FormatRfc3339(p.t_ns).c_str(), logql::FormatValue(p.v).c_str());
        }
      }
      return;
    case Type::kScalar:
      std::printf("%s\n", logql::FormatValue(r.scalar.v).c_str());
      return;
  }
}

int Run(const QueryOptions& o) {
  auto fail = [&](const std::string& msg, int code) {
    if (o.output == "json") {
      std::printf("%s\n", logql::EncodeQueryError(msg).c_str());
    } else {
      std::fprintf(stderr, "remediator query: %s\n", msg.c_str());
    }
    return code;
  };
  if (o.output != "table" && o.output != "json" && o.output != "raw") {
    return fail("--output must be table, json or raw", 2);
  }
  if (o.direction != "backward" && o.direction != "forward") return fail("--direction must be forward or backward", 2);

  // Where entries come from. Later: `--store DIR` (the embedded store's StreamSource) and
  // `--addr URL` (a remote Loki) plug in here, as alternatives to --file.
  std::vector<logql::FileStream> files;
  for (const std::string& f : o.files) {
    auto fs = ParseFileArg(f);
    if (!fs.ok()) return fail(fs.status().message(), 2);
    files.push_back(std::move(*fs));
  }
  std::unique_ptr<logql::StreamSource> source;
  if (!o.store.empty()) {
    if (!files.empty()) return fail("--store and --file are alternatives: give one", 2);
    store::StoreOptions sopts;
    sopts.dir = o.store;
    sopts.read_only = true;  // a running `ship`/`serve` may be writing it
    auto st = store::Store::Open(sopts);
    if (!st.ok()) return fail(st.status().message(), 2);
    source = std::move(st).value();
  } else {
    if (files.empty()) return fail("no source: give --store DIR or at least one --file PATH:'{job=\"x\"}'", 2);
    logql::FileSourceOptions fopts;
    fopts.time_field = o.time_field;
    auto fsrc = logql::FileStreamSource::Open(files, fopts);
    if (!fsrc.ok()) return fail(fsrc.status().message(), 2);
    source = std::move(fsrc).value();
  }

  // The time range, as Loki's API reads it.
  SystemClock clock;
  logql::QueryParams p;
  p.query = o.query;
  p.limit = o.limit;
  p.direction = o.direction == "forward" ? logql::Direction::kForward : logql::Direction::kBackward;
  auto parse_time = [&](const std::string& s, int64_t& out) -> Status {
    auto t = ParseTimeArg(s);
    if (!t.ok()) return t.status();
    out = *t;
    return Status::Ok();
  };
  if (!o.time.empty()) {
    Status st = parse_time(o.time, p.start_ns);
    if (!st.ok()) return fail("--time: " + st.message(), 2);
    p.end_ns = p.start_ns;
  } else {
    p.end_ns = clock.NowNs();
    if (!o.end.empty()) {
      Status st = parse_time(o.end, p.end_ns);
      if (!st.ok()) return fail("--end: " + st.message(), 2);
    }
    if (!o.start.empty()) {
      Status st = parse_time(o.start, p.start_ns);
      if (!st.ok()) return fail("--start: " + st.message(), 2);
    } else {
      auto since = ParseDuration(o.since);
      if (!since.ok()) return fail("--since: " + since.status().message(), 2);
      p.start_ns = p.end_ns - *since;
    }
    if (!o.step.empty()) {
      auto step = ParseDuration(o.step);
      if (!step.ok()) {
        // Loki also accepts a float number of seconds.
        char* end = nullptr;
        double secs = std::strtod(o.step.c_str(), &end);
        if (end == o.step.c_str() || *end != '\0' || secs <= 0) return fail("--step: " + step.status().message(), 2);
        p.step_ns = static_cast<int64_t>(secs * 1e9);
      } else {
        p.step_ns = *step;
      }
    }
  }
  auto expr = logql::syntax::Parse(o.query);
  if (!expr.ok()) return fail(expr.status().message(), 1);
  bool instant = p.start_ns == p.end_ns && p.step_ns == 0;
  if (logql::syntax::IsMetricQuery(*expr) && !instant) {
    // Loki's query frontend aligns range queries to the step.
    if (p.step_ns == 0) p.step_ns = logql::DefaultStepNs(p.start_ns, p.end_ns);
    p.start_ns = p.start_ns / p.step_ns * p.step_ns;
    p.end_ns = p.end_ns / p.step_ns * p.step_ns;
  }
  logql::Engine engine(*source);
  auto t0 = std::chrono::steady_clock::now();
  auto result = engine.Evaluate(*expr, p);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok()) return fail(result.status().message(), 1);
  if (o.output == "json") {
    std::printf("%s\n", logql::EncodeQueryResponse(*result, secs).c_str());
  } else {
    PrintTable(*result, o.output == "raw");
  }
  return 0;
}

}  // namespace

Command AddQueryCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("query", "Run a LogQL query over log files");
  auto o = std::make_shared<QueryOptions>();
  c.app->add_option("query", o->query, "The LogQL query")->required();
  c.app->add_option("--store", o->store, "Query the embedded log store in DIR (storage.path), read-only");
  c.app->add_option("--file", o->files,
                    "PATH:'{label=\"value\",...}': a file read as one stream with these labels (repeatable)");
  c.app->add_option("--time-field", o->time_field,
                    "Take each line's time from this JSON/logfmt field (RFC 3339 or Unix seconds); without it "
                    "the last line is at the file's mtime and earlier lines 1ns apart, in file order");
  c.app->add_option("--since", o->since, "Range ending now (or at --end): 24h, 30m (default 1h)");
  c.app->add_option("--start", o->start, "Range start: RFC 3339 or Unix time");
  c.app->add_option("--end", o->end, "Range end: RFC 3339 or Unix time (default now)");
  c.app->add_option("--step", o->step, "Range query step (default: Loki's, range/250 but at least 1s)");
  c.app->add_option("--time", o->time, "Run an instant query at this time");
  c.app->add_option("--limit", o->limit, "Log queries: maximum entries (default 100)");
  c.app->add_option("--direction", o->direction, "Log queries: backward (newest first, default) or forward");
  c.app->add_option("--output,-o", o->output, "table (default), raw (lines only) or json (Loki's API shape)");
  c.run = [o] { return Run(*o); };
  return c;
}

}  // namespace remediator::cli
