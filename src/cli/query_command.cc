// `remediator query 'QUERY' --file PATH:'{job="x"}' ...`: runs a LogQL query over files
// (each file one stream with the given labels) and prints the result as a table, raw lines
// or Loki's query API JSON.
#include <cinttypes>
#include <chrono>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

#include "cli/command.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/time_format.h"
#include "logql/eval/engine.h"
#include "logql/eval/query_request.h"
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
  bool stats = false;  // --stats: what the store read (stderr)
  std::string addr;   // --addr URL: a Loki (or `remediator serve`) query API
  std::string bearer_token_file, org_id;
  std::string time_field;
  std::string max_disorder = "1h";
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

// `invalid parameter "step": ...` -> `--step: ...`: the CLI names its flags.
std::string FlagMessage(const std::string& message) {
  constexpr std::string_view kPrefix = "invalid parameter \"";
  if (message.rfind(kPrefix, 0) != 0) return message;
  size_t close = message.find("\": ", kPrefix.size());
  if (close == std::string::npos) return message;
  return "--" + message.substr(kPrefix.size(), close - kPrefix.size()) + ": " + message.substr(close + 3);
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

// Sends the query to a Loki query API at --addr ("http://loki:3100", a path prefix allowed)
// and returns the response body. A non-200 answer is kInvalidArgument with the server's
// error text; a connection failure kUnavailable.
Status QueryRemote(const QueryOptions& o, const logql::QueryParams& p, bool instant, std::string& body) {
  std::string addr = o.addr;
  size_t scheme_end = addr.find("://");
  if (scheme_end == std::string::npos) return InvalidArgument("--addr " + addr + ": expected http://HOST:PORT");
  size_t path_at = addr.find('/', scheme_end + 3);
  std::string base = addr.substr(0, path_at);
  std::string prefix = path_at == std::string::npos ? "" : addr.substr(path_at);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  httplib::Client client(base);
  if (!client.is_valid()) return InvalidArgument("--addr " + addr + ": not a usable URL");
  client.set_connection_timeout(10);
  client.set_read_timeout(300);
  httplib::Headers headers;
  if (!o.bearer_token_file.empty()) {
    std::ifstream in(o.bearer_token_file);
    std::string token;
    if (!in || !std::getline(in, token)) return FailedPrecondition("--bearer-token-file " + o.bearer_token_file + ": cannot read it");
    headers.emplace("Authorization", "Bearer " + token);
  }
  if (!o.org_id.empty()) headers.emplace("X-Scope-OrgID", o.org_id);
  httplib::Params params{{"query", p.query},
                         {"limit", std::to_string(p.limit)},
                         {"direction", p.direction == logql::Direction::kForward ? "forward" : "backward"}};
  std::string path = prefix;
  if (instant) {
    path += "/loki/api/v1/query";
    params.emplace("time", std::to_string(p.start_ns));
  } else {
    path += "/loki/api/v1/query_range";
    params.emplace("start", std::to_string(p.start_ns));
    params.emplace("end", std::to_string(p.end_ns));
    if (p.step_ns > 0) params.emplace("step", std::to_string(p.step_ns / 1'000'000) + "ms");
  }
  auto res = client.Get(path, params, headers);
  if (!res) return Unavailable("--addr " + addr + ": " + httplib::to_string(res.error()));
  body = std::move(res->body);
  if (res->status != 200) {
    auto decoded = logql::DecodeQueryResponse(body);
    std::string message = decoded.ok() ? body : decoded.status().message();
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
    return InvalidArgument(fmt::format("{} answered {}: {}", addr, res->status, message));
  }
  return Status::Ok();
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

  // The time range and the other parameters, as Loki's API reads them.
  SystemClock clock;
  logql::QueryRequest req;
  req.query = o.query;
  req.time = o.time;
  req.start = o.start;
  req.end = o.end;
  req.since = o.since;
  req.step = o.step;
  req.limit = std::to_string(o.limit);
  req.direction = o.direction;
  auto p = logql::ResolveQueryRequest(req, o.time.empty() ? logql::QueryKind::kRange : logql::QueryKind::kInstant,
                                      clock.NowNs());
  if (!p.ok()) return fail(FlagMessage(p.status().message()), 2);

  if (!o.addr.empty()) {
    if (!o.files.empty() || !o.store.empty()) return fail("--addr, --store and --file are alternatives: give one", 2);
    std::string body;
    Status st = QueryRemote(o, *p, !o.time.empty(), body);
    if (!st.ok()) return fail(st.message(), st.code() == StatusCode::kInvalidArgument ? 1 : 2);
    auto result = logql::DecodeQueryResponse(body);
    if (!result.ok()) return fail(result.status().message(), 1);
    if (o.output == "json") {
      std::printf("%s\n", body.c_str());  // the server's own answer
    } else {
      PrintTable(*result, o.output == "raw");
    }
    return 0;
  }

  // A remote server parses the query itself (it may know newer syntax).
  auto expr = logql::syntax::Parse(o.query);
  if (!expr.ok()) return fail(expr.status().message(), 1);
  logql::AlignToStep(*expr, *p);
  // Where entries come from: files, the embedded store, or (above) a remote Loki.
  std::vector<logql::FileStream> files;
  for (const std::string& f : o.files) {
    auto fs = ParseFileArg(f);
    if (!fs.ok()) return fail(fs.status().message(), 2);
    files.push_back(std::move(*fs));
  }
  std::unique_ptr<logql::StreamSource> source;
  const store::Store* opened_store = nullptr;
  if (!o.store.empty()) {
    if (!files.empty()) return fail("--store and --file are alternatives: give one", 2);
    store::StoreOptions sopts;
    sopts.dir = o.store;
    sopts.read_only = true;  // a running `ship`/`serve` may be writing it
    auto st = store::Store::Open(sopts);
    if (!st.ok()) return fail(st.status().message(), 2);
    opened_store = st->get();
    source = std::move(st).value();
  } else {
    if (files.empty()) return fail("no source: give --store DIR or at least one --file PATH:'{job=\"x\"}'", 2);
    logql::FileSourceOptions fopts;
    fopts.time_field = o.time_field;
    if (o.max_disorder == "none") {
      fopts.max_disorder_ns = -1;
    } else {
      auto d = ParseDuration(o.max_disorder);
      if (!d.ok() || *d < 0) return fail("--max-disorder: want a duration such as 1h or 5m, or none", 2);
      fopts.max_disorder_ns = *d;
    }
    auto fsrc = logql::FileStreamSource::Open(files, fopts);
    if (!fsrc.ok()) return fail(fsrc.status().message(), 2);
    source = std::move(fsrc).value();
  }

  logql::Engine engine(*source);
  auto t0 = std::chrono::steady_clock::now();
  auto result = engine.Evaluate(*expr, *p);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok()) return fail(result.status().message(), 1);
  if (o.stats && opened_store != nullptr) {
    const store::StoreStats s = opened_store->Stats();
    std::fprintf(stderr, "store sections: %" PRIu64 " decompressed, %" PRIu64 " skipped unread (trigram filters), %" PRIu64
                 " skipped by their zstd literals\n", s.sections_decompressed, s.sections_skipped_trigrams,
                 s.sections_skipped_alphabet);
  }
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
  c.app = root.add_subcommand("query", "Run a LogQL query over log files, the embedded store or a Loki");
  auto o = std::make_shared<QueryOptions>();
  c.app->add_option("query", o->query, "The LogQL query")->required();
  c.app->add_option("--addr", o->addr,
                    "Send the query to Loki's query API at this URL (a Loki, or `remediator serve`), "
                    "e.g. http://127.0.0.1:3100");
  c.app->add_option("--bearer-token-file", o->bearer_token_file, "With --addr: send this token as a bearer token");
  c.app->add_option("--org-id", o->org_id, "With --addr: the tenant (X-Scope-OrgID header)");
  c.app->add_option("--store", o->store, "Query the embedded log store in DIR (storage.path), read-only");
  c.app->add_flag("--stats", o->stats, "With --store: print how many sections were read and skipped (stderr)");
  c.app->add_option("--file", o->files,
                    "PATH:'{label=\"value\",...}': a file read as one stream with these labels (repeatable)");
  c.app->add_option("--time-field", o->time_field,
                    "Take each line's time from this JSON/logfmt field (RFC 3339 or Unix seconds); without it "
                    "the last line is at the file's mtime and earlier lines 1ns apart, in file order");
  c.app->add_option("--max-disorder", o->max_disorder,
                    "With --time-field: how far out of time order a file's lines may be (default 1h); log "
                    "queries read a file from one end only as far as that allows. `none`: no bound (read it "
                    "all). See docs/logql-guide.md");
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
