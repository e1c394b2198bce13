// The LogQL engine: evaluates a parsed query over a StreamSource with Loki's semantics.
//
//   Engine engine(source);
//   auto result = engine.Query(params);   // instant, range or log query
//
// Thread-safe: Query may be called concurrently; each call uses up to `parallelism`
// threads (the selected time range is split between them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "logql/stream_source.h"
#include "logql/syntax/ast.h"

namespace remediator::logql {

struct QueryParams {
  std::string query;
  // An instant query when start_ns == end_ns and step_ns == 0 (as in Loki's API).
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t step_ns = 0;
  // Log queries: the maximum number of entries and which end they come from.
  int64_t limit = 100;
  Direction direction = Direction::kBackward;
};

struct Point {
  int64_t t_ns;
  double v;
};

struct SeriesResult {  // one matrix series
  Labels labels;
  std::vector<Point> points;
};

struct SampleResult {  // one vector element
  Labels labels;
  int64_t t_ns;
  double v;
};

struct StreamEntry {
  int64_t t_ns;
  std::string line;
};

struct StreamResult {
  Labels labels;
  std::vector<StreamEntry> entries;  // in the query's direction
};

struct QueryResult {
  enum class Type {
    kStreams,  // a log query
    kVector,   // an instant metric query
    kMatrix,   // a range metric query
    kScalar,   // a literal-only query
  };
  Type type = Type::kStreams;
  std::vector<StreamResult> streams;
  std::vector<SampleResult> vector;
  std::vector<SeriesResult> matrix;
  Point scalar{0, 0};
  // Whether the order of `vector` is meaningful (sort, sort_desc, topk, bottomk).
  bool ordered = false;
  // Work done, for statistics.
  int64_t lines_processed = 0;
  int64_t bytes_processed = 0;
};

struct EngineOptions {
  int parallelism = 2;        // threads per query
  int64_t max_points = 11000;  // per series, like Loki
};

class Engine {
 public:
  explicit Engine(const StreamSource& source, EngineOptions options = {}) : source_(source), options_(options) {}

  // Parses and evaluates. Errors: InvalidArgument for parse and validation errors and for
  // Loki's query-time failures (a pipeline error in a metric query, a many-to-many match).
  Result<QueryResult> Query(const QueryParams& params) const;
  // Evaluates an already parsed query.
  Result<QueryResult> Evaluate(const syntax::Expr& expr, const QueryParams& params) const;

 private:
  const StreamSource& source_;
  EngineOptions options_;
};

// Loki's default step for a range query: max(floor((end - start) / 250), 1s).
int64_t DefaultStepNs(int64_t start_ns, int64_t end_ns);

// Loki's value text: strconv.FormatFloat(v, 'f', -1, 64), "NaN", "+Inf", "-Inf".
std::string FormatValue(double v);

}  // namespace remediator::logql
