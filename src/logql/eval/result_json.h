// Loki's query API response body for a QueryResult: {"status":"success","data":{
// "resultType": "streams|vector|matrix|scalar", "result": [...], "stats": {...}}}.
#pragma once

#include <string>

#include "logql/eval/engine.h"

namespace remediator::logql {

// `exec_seconds` fills stats.summary.execTime and the per-second figures.
std::string EncodeQueryResponse(const QueryResult& result, double exec_seconds);

// Loki's error body is plain text; this is the JSON form our CLI prints:
// {"status":"error","errorType":"bad_data","error":"..."}.
std::string EncodeQueryError(const std::string& message);

}  // namespace remediator::logql
