#include "logql/eval/result_json.h"

#include <fmt/format.h>

#include "core/json_writer.h"

namespace remediator::logql {
namespace {

void AppendLabelsObject(std::string& out, const Labels& labels) {
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, labels[i].name);
    out += ':';
    AppendJsonString(out, labels[i].value);
  }
  out += '}';
}

// Unix seconds with millisecond precision, as a JSON number (Loki's model.Time).
void AppendSeconds(std::string& out, int64_t ns) {
  int64_t ms = ns / 1'000'000;
  if (ns % 1'000'000 < 0) --ms;
  int64_t s = ms / 1000, rem = ms % 1000;
  if (rem < 0) {
    rem += 1000;
    --s;
  }
  if (rem == 0) {
    out += std::to_string(s);
  } else {
    std::string frac = fmt::format("{:03d}", rem);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += fmt::format("{}.{}", s, frac);
  }
}

void AppendPoint(std::string& out, int64_t ns, double v) {
  out += '[';
  AppendSeconds(out, ns);
  out += ',';
  AppendJsonString(out, FormatValue(v));
  out += ']';
}

}  // namespace

std::string EncodeQueryResponse(const QueryResult& r, double exec_seconds) {
  std::string out = R"({"status":"success","data":{"resultType":)";
  switch (r.type) {
    case QueryResult::Type::kStreams: {
      out += R"("streams","result":[)";
      for (size_t i = 0; i < r.streams.size(); ++i) {
        if (i > 0) out += ',';
        out += R"({"stream":)";
        AppendLabelsObject(out, r.streams[i].labels);
        out += R"(,"values":[)";
        for (size_t j = 0; j < r.streams[i].entries.size(); ++j) {
          if (j > 0) out += ',';
          out += "[\"";
          out += std::to_string(r.streams[i].entries[j].t_ns);
          out += "\",";
          AppendJsonString(out, r.streams[i].entries[j].line);
          out += ']';
        }
        out += "]}";
      }
      out += ']';
      break;
    }
    case QueryResult::Type::kVector: {
      out += R"("vector","result":[)";
      for (size_t i = 0; i < r.vector.size(); ++i) {
        if (i > 0) out += ',';
        out += R"({"metric":)";
        AppendLabelsObject(out, r.vector[i].labels);
        out += R"(,"value":)";
        AppendPoint(out, r.vector[i].t_ns, r.vector[i].v);
        out += '}';
      }
      out += ']';
      break;
    }
    case QueryResult::Type::kMatrix: {
      out += R"("matrix","result":[)";
      for (size_t i = 0; i < r.matrix.size(); ++i) {
        if (i > 0) out += ',';
        out += R"({"metric":)";
        AppendLabelsObject(out, r.matrix[i].labels);
        out += R"(,"values":[)";
        for (size_t j = 0; j < r.matrix[i].points.size(); ++j) {
          if (j > 0) out += ',';
          AppendPoint(out, r.matrix[i].points[j].t_ns, r.matrix[i].points[j].v);
        }
        out += "]}";
      }
      out += ']';
      break;
    }
    case QueryResult::Type::kScalar:
      out += R"("scalar","result":)";
      AppendPoint(out, r.scalar.t_ns, r.scalar.v);
      break;
  }
  double secs = exec_seconds > 0 ? exec_seconds : 1e-9;
  out += fmt::format(
      R"(,"stats":{{"summary":{{"bytesProcessedPerSecond":{},"linesProcessedPerSecond":{},"totalBytesProcessed":{},"totalLinesProcessed":{},"execTime":{}}}}}}}}})",
      static_cast<int64_t>(static_cast<double>(r.bytes_processed) / secs),
      static_cast<int64_t>(static_cast<double>(r.lines_processed) / secs), r.bytes_processed, r.lines_processed,
      exec_seconds);
  return out;
}

std::string EncodeStringListResponse(const std::vector<std::string>& values) {
  std::string out = R"({"status":"success","data":[)";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, values[i]);
  }
  out += "]}";
  return out;
}

std::string EncodeSeriesResponse(const std::vector<Labels>& series) {
  std::string out = R"({"status":"success","data":[)";
  for (size_t i = 0; i < series.size(); ++i) {
    if (i > 0) out += ',';
    AppendLabelsObject(out, series[i]);
  }
  out += "]}";
  return out;
}

std::string EncodeQueryError(const std::string& message, std::string_view error_type) {
  std::string out = R"({"status":"error","errorType":)";
  AppendJsonString(out, error_type);
  out += R"(,"error":)";
  AppendJsonString(out, message);
  out += '}';
  return out;
}

}  // namespace remediator::logql
