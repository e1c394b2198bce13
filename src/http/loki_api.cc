#include "http/loki_api.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "logql/eval/engine.h"
#include "logql/eval/query_request.h"
#include "logql/eval/result_json.h"
#include "logql/syntax/parse.h"

namespace remediator::http {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

int HttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kFailedPrecondition: return 400;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

void Fail(httplib::Response& res, const Status& st) {
  res.status = HttpStatus(st.code());
  std::string_view type = res.status == 503 ? "unavailable" : res.status >= 500 ? "internal" : "bad_data";
  res.set_content(logql::EncodeQueryError(st.message(), type), kJson);
}

// Parameters from the query string or, for POST, a form body.
class Params {
 public:
  explicit Params(const httplib::Request& req) : req_(req) {
    if (req.method == "POST" && !req.body.empty() &&
        req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
      httplib::detail::parse_query_text(req.body, form_);
    }
  }
  std::string Get(const std::string& name) const {
    if (req_.has_param(name)) return req_.get_param_value(name);
    auto it = form_.find(name);
    return it == form_.end() ? std::string() : it->second;
  }
  std::vector<std::string> GetAll(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = req_.params.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    auto [fb, fe] = form_.equal_range(name);
    for (auto it = fb; it != fe; ++it) out.push_back(it->second);
    return out;
  }

 private:
  const httplib::Request& req_;
  httplib::Params form_;
};

// The [start, end) range of a label or series request: default the last 6 h.
Status LabelRange(const Params& p, int64_t now_ns, int64_t& start_ns, int64_t& end_ns) {
  logql::QueryRequest r;
  r.query = "-";  // not used here
  r.start = p.Get("start");
  r.end = p.Get("end");
  r.since = p.Get("since");
  if (r.since.empty()) r.since = "6h";
  auto params = logql::ResolveQueryRequest(r, logql::QueryKind::kRange, now_ns);
  if (!params.ok()) return params.status();
  start_ns = params->start_ns;
  end_ns = params->end_ns + 1;  // Loki's label queries include the end
  return Status::Ok();
}

// Streams with entries in [start, end) whose labels match one of the selectors (all streams
// when there is none), deduplicated and sorted.
Result<std::vector<Labels>> MatchingStreams(const logql::StreamSource& source, const std::vector<std::string>& selectors,
                                            int64_t start_ns, int64_t end_ns) {
  std::vector<std::vector<LabelMatcher>> matcher_sets;
  for (const std::string& s : selectors) {
    auto m = logql::syntax::ParseMatchers(s);
    if (!m.ok()) return m.status();
    matcher_sets.push_back(std::move(*m));
  }
  if (matcher_sets.empty()) matcher_sets.emplace_back();
  std::set<Labels> found;
  for (const auto& matchers : matcher_sets) {
    logql::StreamSelection sel;
    sel.matchers = matchers;
    sel.start_ns = start_ns;
    sel.end_ns = end_ns;
    Status st = source.Select(sel, [&](const Labels& labels, logql::EntryCursor& entries) {
      logql::EntryView e;
      if (entries.Next(e)) found.insert(labels);
      return Status::Ok();
    });
    if (!st.ok()) return st;
  }
  return std::vector<Labels>(found.begin(), found.end());
}

// The optional `query` parameter of a label request: a stream selector.
std::vector<std::string> SelectorsOf(const std::string& query) {
  if (query.empty()) return {};
  return {query};
}

}  // namespace

void RegisterLokiApi(httplib::Server& server, const logql::StreamSource& source, const Clock& clock,
                     LokiAuthorize authorize, LokiApiOptions options) {
  auto allowed = [authorize](const httplib::Request& req, httplib::Response& res) {
    return !authorize || authorize(req, res);
  };

  auto query_handler = [&source, &clock, allowed, options](logql::QueryKind kind) {
    return [&source, &clock, allowed, options, kind](const httplib::Request& req, httplib::Response& res) {
      if (!allowed(req, res)) return;
      Params p(req);
      logql::QueryRequest r;
      r.query = p.Get("query");
      r.time = p.Get("time");
      r.start = p.Get("start");
      r.end = p.Get("end");
      r.since = p.Get("since");
      r.step = p.Get("step");
      r.limit = p.Get("limit");
      r.direction = p.Get("direction");
      auto params = logql::ResolveQueryRequest(r, kind, clock.NowNs());
      if (!params.ok()) return Fail(res, params.status());
      if (params->limit > options.max_limit) {
        return Fail(res, InvalidArgument("max entries limit per query exceeded, limit > max_entries_limit (" +
                                         std::to_string(params->limit) + " > " +
                                         std::to_string(options.max_limit) + ")"));
      }
      auto expr = logql::syntax::Parse(r.query);
      if (!expr.ok()) return Fail(res, expr.status());
      logql::AlignToStep(*expr, *params);
      logql::EngineOptions eo;
      eo.parallelism = options.query_parallelism;
      logql::Engine engine(source, eo);
      auto t0 = std::chrono::steady_clock::now();
      auto result = engine.Evaluate(*expr, *params);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!result.ok()) return Fail(res, result.status());
      res.set_content(logql::EncodeQueryResponse(*result, secs), kJson);
    };
  };
  auto get_and_post = [&server](const std::string& pattern, const httplib::Server::Handler& h) {
    server.Get(pattern, h);
    server.Post(pattern, h);
  };
  get_and_post("/loki/api/v1/query", query_handler(logql::QueryKind::kInstant));
  get_and_post("/loki/api/v1/query_range", query_handler(logql::QueryKind::kRange));

  // /labels and /label/<name>/values: the names, or one label's values, of the streams with
  // entries in the range that match the optional `query` selector.
  auto label_handler = [&source, &clock, allowed](bool values) {
    return [&source, &clock, allowed, values](const httplib::Request& req, httplib::Response& res) {
      if (!allowed(req, res)) return;
      Params p(req);
      int64_t start = 0, end = 0;
      Status st = LabelRange(p, clock.NowNs(), start, end);
      if (!st.ok()) return Fail(res, st);
      auto streams = MatchingStreams(source, SelectorsOf(p.Get("query")), start, end);
      if (!streams.ok()) return Fail(res, streams.status());
      const std::string name = values ? std::string(req.matches[1]) : std::string();
      std::set<std::string> out;
      for (const Labels& ls : *streams) {
        for (const Label& l : ls) {
          if (!values) {
            out.insert(l.name);
          } else if (l.name == name) {
            out.insert(l.value);
          }
        }
      }
      res.set_content(logql::EncodeStringListResponse({out.begin(), out.end()}), kJson);
    };
  };
  get_and_post("/loki/api/v1/labels", label_handler(false));
  get_and_post(R"(/loki/api/v1/label/([^/]+)/values)", label_handler(true));

  // Grafana reads the version to pick features; the language here is Loki 2.9's.
  server.Get("/loki/api/v1/status/buildinfo", [allowed](const httplib::Request& req, httplib::Response& res) {
    if (!allowed(req, res)) return;
    res.set_content(R"({"version":"2.9.0","revision":"remediator","branch":"","buildUser":"","buildDate":"","goVersion":""})",
                    kJson);
  });

  get_and_post("/loki/api/v1/series", [&source, &clock, allowed](const httplib::Request& req, httplib::Response& res) {
    if (!allowed(req, res)) return;
    Params p(req);
    int64_t start = 0, end = 0;
    Status st = LabelRange(p, clock.NowNs(), start, end);
    if (!st.ok()) return Fail(res, st);
    std::vector<std::string> selectors = p.GetAll("match[]");
    if (selectors.empty()) selectors = p.GetAll("match");
    if (selectors.empty()) return Fail(res, InvalidArgument("at least one match[] argument is required"));
    auto streams = MatchingStreams(source, selectors, start, end);
    if (!streams.ok()) return Fail(res, streams.status());
    res.set_content(logql::EncodeSeriesResponse(*streams), kJson);
  });
}

ReopeningStoreSource::ReopeningStoreSource(std::string dir, const Clock& clock, int64_t max_age_ns)
    : dir_(std::move(dir)), clock_(clock), max_age_ns_(max_age_ns) {}

Result<std::shared_ptr<const store::Store>> ReopeningStoreSource::Current() const {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowNs();
  if (store_ != nullptr && now - opened_ns_ < max_age_ns_) return store_;
  store::StoreOptions o;
  o.dir = dir_;
  o.read_only = true;
  o.clock = &clock_;
  auto opened = store::Store::Open(o);
  if (!opened.ok()) {
    if (store_ != nullptr) return store_;  // keep serving the last good view
    return Unavailable(opened.status().message());
  }
  store_ = std::shared_ptr<const store::Store>(std::move(*opened));
  opened_ns_ = now;
  return store_;
}

Status ReopeningStoreSource::Select(const logql::StreamSelection& selection, const Visitor& visit) const {
  auto current = Current();
  if (!current.ok()) return current.status();
  return (*current)->Select(selection, visit);  // the shared_ptr keeps it open meanwhile
}

}  // namespace remediator::http
