// The parameters of Loki's query API (`query`, `time`, `start`, `end`, `since`, `step`,
// `limit`, `direction`), as text, turned into QueryParams the way Loki reads them. Shared by
// `remediator query` (its flags carry the same names) and the HTTP API on `serve`.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "logql/eval/engine.h"
#include "logql/syntax/ast.h"

namespace remediator::logql {

struct QueryRequest {
  std::string query;
  std::string time;       // instant: the evaluation time (default now); RFC 3339 or Unix s / ns
  std::string start;      // range: default end - since
  std::string end;        // range: default now
  std::string since;      // range: a duration (default 1h)
  std::string step;       // range: a duration or float seconds (default Loki's, range / 250)
  std::string limit;      // log queries: maximum entries (default 100)
  std::string direction;  // log queries: backward (default) or forward, any case
};

enum class QueryKind {
  kInstant,  // GET /loki/api/v1/query: evaluated at `time`
  kRange,    // GET /loki/api/v1/query_range: over [start, end] by step
};

// Reads the request's parameters. Errors (kInvalidArgument) name the parameter:
// `invalid parameter "step": ...`.
Result<QueryParams> ResolveQueryRequest(const QueryRequest& request, QueryKind kind, int64_t now_ns);

// Aligns a metric range query to its step, as Loki's query frontend does (start and end
// rounded down to a multiple of the step; the default step when none was given). Instant
// queries and log queries are left as they are.
void AlignToStep(const syntax::Expr& expr, QueryParams& params);

}  // namespace remediator::logql
