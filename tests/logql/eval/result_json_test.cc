#include "logql/eval/result_json.h"

#include <cmath>

#include <gtest/gtest.h>

namespace remediator::logql {
namespace {

constexpr int64_t kT = 1767229200LL * 1'000'000'000;

TEST(ResultJson, EncodeThenDecodeGivesTheSameResultForEveryType) {
  QueryResult streams;
  streams.type = QueryResult::Type::kStreams;
  streams.streams.push_back(StreamResult{MakeLabels({{"job", "x"}}), {{kT + 5, "b \"q\""}, {kT, "a"}}});
  QueryResult vec;
  vec.type = QueryResult::Type::kVector;
  vec.vector.push_back(SampleResult{MakeLabels({{"alert", "A"}}), kT, 2.5});
  vec.vector.push_back(SampleResult{MakeLabels({{"alert", "B"}}), kT, std::nan("")});
  QueryResult matrix;
  matrix.type = QueryResult::Type::kMatrix;
  matrix.matrix.push_back(SeriesResult{MakeLabels({{"s", "j"}}), {{kT, 1}, {kT + 1'500'000'000, HUGE_VAL}}});
  QueryResult scalar;
  scalar.type = QueryResult::Type::kScalar;
  scalar.scalar = Point{kT, -3};

  auto s = DecodeQueryResponse(EncodeQueryResponse(streams, 0.1));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->type, QueryResult::Type::kStreams);
  ASSERT_EQ(s->streams.size(), 1u);
  EXPECT_EQ(s->streams[0].labels, streams.streams[0].labels);
  ASSERT_EQ(s->streams[0].entries.size(), 2u);
  EXPECT_EQ(s->streams[0].entries[0].t_ns, kT + 5);
  EXPECT_EQ(s->streams[0].entries[0].line, "b \"q\"");

  auto v = DecodeQueryResponse(EncodeQueryResponse(vec, 0.1));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->type, QueryResult::Type::kVector);
  ASSERT_EQ(v->vector.size(), 2u);
  EXPECT_EQ(v->vector[0].labels, vec.vector[0].labels);
  EXPECT_EQ(v->vector[0].t_ns, kT);
  EXPECT_EQ(v->vector[0].v, 2.5);
  EXPECT_TRUE(std::isnan(v->vector[1].v));

  auto m = DecodeQueryResponse(EncodeQueryResponse(matrix, 0.1));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->type, QueryResult::Type::kMatrix);
  ASSERT_EQ(m->matrix.size(), 1u);
  ASSERT_EQ(m->matrix[0].points.size(), 2u);
  EXPECT_EQ(m->matrix[0].points[1].t_ns, kT + 1'500'000'000);
  EXPECT_TRUE(std::isinf(m->matrix[0].points[1].v));

  auto sc = DecodeQueryResponse(EncodeQueryResponse(scalar, 0.1));
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  EXPECT_EQ(sc->type, QueryResult::Type::kScalar);
  EXPECT_EQ(sc->scalar.v, -3);
}

TEST(ResultJson, DecodeGivesTheServersErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"status":"error","errorType":"bad_data","error":"parse error at line 1, col 3"})", "parse error at line 1"},
      {"parse error : queries require at least one regexp or equality matcher\n", "queries require"},
      {R"({"status":"success","data":{"resultType":"tensor","result":[1]}})", "unknown resultType"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})",
       "not a string"},
      {"", "empty response"},
  };
  for (auto [body, want] : cases) {
    SCOPED_TRACE(body);
    auto r = DecodeQueryResponse(body);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
  }
  // Loki answers null for "no series".
  auto empty = DecodeQueryResponse(R"({"status":"success","data":{"resultType":"matrix","result":null}})");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->type, QueryResult::Type::kMatrix);
  EXPECT_TRUE(empty->matrix.empty());
}

}  // namespace
}  // namespace remediator::logql
