// Queries as deep as the parser takes evaluate, on a thread with the default stack like the
// query API's; deeper ones are refused, not evaluated. A chain of 10,000 binary operations
// (`vector(1)+vector(1)+...`, 100 KB, under the 128 KiB query limit) once parsed and then
// overflowed the evaluator's stack, taking `remediator serve` down with it.
#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <string>
#include <thread>

#include "logql/eval/engine.h"
#include "logql/source/memory_source.h"

namespace remediator::logql {
namespace {

std::string Chain(int operations) {
  std::string q = "vector(1)";
  for (int i = 0; i < operations; ++i) q += "+vector(1)";
  return q;
}

// Runs an instant query at t = 1000 s on its own thread (the default stack, as the HTTP
// server's threads have).
Result<QueryResult> RunOnAThread(const std::string& query) {
  MemoryStreamSource source;
  std::optional<Result<QueryResult>> out;
  std::thread t([&] {
    Engine engine(source);
    QueryParams p;
    p.query = query;
    p.start_ns = p.end_ns = 1'000'000'000'000;
    out = engine.Query(p);
  });
  t.join();
  return std::move(*out);
}

TEST(DeepQueryTest, TheLongestChainAllowedEvaluates) {
  // 255 operations: a tree 256 levels tall, the parser's limit.
  auto r = RunOnAThread(Chain(255));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->vector.size(), 1u);
  EXPECT_EQ(r->vector[0].v, 256);
}

TEST(DeepQueryTest, LongerChainsAreRefusedNotEvaluated) {
  for (int operations : {256, 10000}) {
    auto r = RunOnAThread(Chain(operations));
    ASSERT_FALSE(r.ok()) << operations;
    EXPECT_NE(r.status().message().find("nested too deeply"), std::string::npos) << r.status().message();
  }
}

TEST(DeepQueryTest, ChainsInsideParenthesesCountTogether) {
  // Each chain alone is within the limit; the tree they make is 302 levels tall (150
  // operations in the parentheses below the 151 of the chain around them).
  std::string query = "(";
  query += Chain(150);
  query += ")+";
  query += Chain(150);
  auto r = RunOnAThread(query);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested too deeply"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace remediator::logql
