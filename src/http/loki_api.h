// Loki's HTTP query API over a LogQL StreamSource (the embedded store on `remediator serve`),
// so Grafana's Loki data source and logcli can point at remediator. GET or POST (form body):
//
//   /loki/api/v1/query                query, time, limit, direction      -> vector | scalar | streams
//   /loki/api/v1/query_range          query, start, end, since, step, limit, direction
//                                                                        -> matrix | streams
//   /loki/api/v1/labels               start, end, since, query           -> ["job", ...]
//   /loki/api/v1/label/<name>/values  start, end, since, query           -> ["x", ...]
//   /loki/api/v1/series               match[] (repeatable), start, end, since -> [{"job":"x"}, ...]
//   /loki/api/v1/status/buildinfo     (GET)                              -> {"version":"2.9.0",...}
//
// Bodies have Loki's shapes ({"status":"success","data":...}); a LogQL parse error, a bad
// parameter or a query-time failure is 400 with {"status":"error","errorType":"bad_data",
// "error":"parse error at line 1, col 5: ..."}. Label endpoints look back 6 h by default, as
// Loki does. See docs/logql-api.md.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>

#include "core/clock.h"
#include "logql/stream_source.h"
#include "store/store.h"

namespace remediator::http {

// Answers (401) and returns false when a request may not read; nullptr lets every request in.
using LokiAuthorize = std::function<bool(const httplib::Request&, httplib::Response&)>;

struct LokiApiOptions {
  int query_parallelism = 2;       // threads per query
  int64_t max_limit = 5000;        // log query limit ceiling (Loki's max_entries_limit_per_query)
};

// Registers the routes on `server`. `source` and `clock` must outlive the server; handlers run
// on the server's threads (StreamSource::Select is thread-safe).
void RegisterLokiApi(httplib::Server& server, const logql::StreamSource& source, const Clock& clock,
                     LokiAuthorize authorize, LokiApiOptions options = {});

// The embedded store in `dir`, opened read-only for queries beside a writer in another process
// (`remediator ship`): reopened when the last open is older than `max_age_ns`, so entries
// written since show up. A store that cannot be opened (not created yet) answers kUnavailable.
class ReopeningStoreSource final : public logql::StreamSource {
 public:
  ReopeningStoreSource(std::string dir, const Clock& clock, int64_t max_age_ns);
  Status Select(const logql::StreamSelection& selection, const Visitor& visit) const override;

 private:
  Result<std::shared_ptr<const store::Store>> Current() const;

  const std::string dir_;
  const Clock& clock_;
  const int64_t max_age_ns_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const store::Store> store_;  // guarded by mu_
  mutable int64_t opened_ns_ = 0;                      // guarded by mu_
};

}  // namespace remediator::http
