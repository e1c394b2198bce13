// Loki's query API response body for a QueryResult: {"status":"success","data":{
// "resultType": "streams|vector|matrix|scalar", "result": [...], "stats": {...}}}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "logql/eval/engine.h"

namespace remediator::logql {

// `exec_seconds` fills stats.summary.execTime and the per-second figures.
std::string EncodeQueryResponse(const QueryResult& result, double exec_seconds);

// Loki's label and label-values response: {"status":"success","data":["a","b"]}.
std::string EncodeStringListResponse(const std::vector<std::string>& values);

// Loki's series response: {"status":"success","data":[{"job":"x",...},...]}.
std::string EncodeSeriesResponse(const std::vector<Labels>& series);

// Reads a Loki query API response body (from a real Loki or `remediator serve`) back into a
// QueryResult. A body with "status":"error" gives its error text as kInvalidArgument; a body
// that is not such JSON gives kInvalidArgument naming the problem. (The stats are not read.)
Result<QueryResult> DecodeQueryResponse(std::string_view body);

// Loki's error body is plain text; this is the JSON form our CLI prints:
// {"status":"error","errorType":"bad_data","error":"..."}.
// `error_type` is Prometheus' errorType: bad_data, execution, unavailable, internal.
std::string EncodeQueryError(const std::string& message, std::string_view error_type = "bad_data");

}  // namespace remediator::logql
