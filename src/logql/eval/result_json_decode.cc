// DecodeQueryResponse: Loki's query API JSON -> QueryResult, for `remediator query --addr`.
#include <cmath>
#include <cstdlib>
#include <string>

#include <simdjson.h>

#include "logql/eval/result_json.h"

namespace remediator::logql {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Status Bad(std::string_view what) { return InvalidArgument("unexpected query response: " + std::string(what)); }

Result<element> Field(element e, std::string_view key) {
  element out;
  if (e[key].get(out)) return Bad("no \"" + std::string(key) + "\"");
  return out;
}

Result<Labels> ReadLabels(element e) {
  object o;
  if (e.get(o)) return Bad("labels are not an object");
  std::vector<Label> labels;
  for (auto field : o) {
    std::string_view v;
    if (field.value.get(v)) return Bad("a label value is not a string");
    labels.push_back(Label{std::string(field.key), std::string(v)});
  }
  return MakeLabels(std::move(labels));
}

// [<unix seconds, a number>, "<value>"]
Result<Point> ReadPoint(element e) {
  array a;
  if (e.get(a) || a.size() < 2) return Bad("a sample is not [time, \"value\"]");
  double secs = 0;
  element t = a.at(0).value_unsafe();
  if (t.is_double()) {
    secs = t.get_double().value_unsafe();
  } else if (t.is_int64()) {
    secs = static_cast<double>(t.get_int64().value_unsafe());
  } else if (t.is_uint64()) {
    secs = static_cast<double>(t.get_uint64().value_unsafe());
  } else {
    return Bad("a sample time is not a number");
  }
  std::string_view v;
  if (a.at(1).get(v)) return Bad("a sample value is not a string");
  std::string text(v);
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return Bad("a sample value is not a number: " + text);
  return Point{std::llround(secs * 1e3) * 1'000'000, value};
}

}  // namespace

Result<QueryResult> DecodeQueryResponse(std::string_view body) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(body.data(), body.size()).get(doc)) {
    std::string start(body.substr(0, 200));
    return InvalidArgument(start.empty() ? "empty response" : start);  // Loki's plain-text errors
  }
  std::string_view status;
  if (doc["status"].get(status)) return Bad("no status");
  if (status != "success") {
    std::string_view message;
    if (doc["error"].get(message) && doc["message"].get(message)) message = status;
    return InvalidArgument(std::string(message));
  }
  std::string_view type;
  if (doc["data"]["resultType"].get(type)) return Bad("no data.resultType");
  element result;
  if (doc["data"]["result"].get(result)) return Bad("no data.result");
  QueryResult r;
  if (type == "vector") r.type = QueryResult::Type::kVector;
  if (type == "matrix") r.type = QueryResult::Type::kMatrix;
  if (type == "scalar") {
    r.type = QueryResult::Type::kScalar;
    REMEDIATOR_ASSIGN_OR_RETURN(r.scalar, ReadPoint(result));
    return r;
  }
  array items;
  if (result.get(items)) {
    if (result.is_null()) return r;  // Loki sends null for no series
    return Bad("data.result is not an array");
  }
  for (element item : items) {
    if (type == "streams") {
      r.type = QueryResult::Type::kStreams;
      StreamResult s;
      REMEDIATOR_ASSIGN_OR_RETURN(element item_stream, Field(item, "stream"));
      REMEDIATOR_ASSIGN_OR_RETURN(s.labels, ReadLabels(item_stream));
      array values;
      if (item["values"].get(values)) return Bad("a stream has no values");
      for (element v : values) {
        array pair;
        std::string_view ts, line;
        if (v.get(pair) || pair.size() < 2 || pair.at(0).get(ts) || pair.at(1).get(line)) {
          return Bad("a stream entry is not [\"ns\", \"line\"]");
        }
        StreamEntry e;
        e.t_ns = std::strtoll(std::string(ts).c_str(), nullptr, 10);
        e.line = std::string(line);
        s.entries.push_back(std::move(e));
      }
      r.streams.push_back(std::move(s));
    } else if (type == "vector") {
      r.type = QueryResult::Type::kVector;
      r.ordered = true;  // keep the server's order
      SampleResult s;
      REMEDIATOR_ASSIGN_OR_RETURN(element item_metric, Field(item, "metric"));
      REMEDIATOR_ASSIGN_OR_RETURN(element item_value, Field(item, "value"));
      REMEDIATOR_ASSIGN_OR_RETURN(s.labels, ReadLabels(item_metric));
      REMEDIATOR_ASSIGN_OR_RETURN(Point p, ReadPoint(item_value));
      s.t_ns = p.t_ns;
      s.v = p.v;
      r.vector.push_back(std::move(s));
    } else if (type == "matrix") {
      r.type = QueryResult::Type::kMatrix;
      SeriesResult s;
      REMEDIATOR_ASSIGN_OR_RETURN(element item_metric, Field(item, "metric"));
      REMEDIATOR_ASSIGN_OR_RETURN(s.labels, ReadLabels(item_metric));
      array values;
      if (item["values"].get(values)) return Bad("a series has no values");
      for (element v : values) {
        REMEDIATOR_ASSIGN_OR_RETURN(Point p, ReadPoint(v));
        s.points.push_back(p);
      }
      r.matrix.push_back(std::move(s));
    } else {
      return Bad("unknown resultType " + std::string(type));
    }
  }
  return r;
}

}  // namespace remediator::logql
