// Checks that two answers to one query are equal: the same streams and entries, the same
// series and points (values bit for bit). For tests that read the same data two ways.
#pragma once

#include <string_view>

#include <gtest/gtest.h>

#include "logql/eval/engine.h"

namespace remediator::logql::testing {

inline void ExpectSameAnswer(const QueryResult& a, const QueryResult& b, std::string_view query) {
  ASSERT_EQ(a.streams.size(), b.streams.size()) << query;
  for (size_t i = 0; i < a.streams.size(); ++i) {
    EXPECT_EQ(a.streams[i].labels, b.streams[i].labels) << query;
    ASSERT_EQ(a.streams[i].entries.size(), b.streams[i].entries.size()) << query;
    for (size_t k = 0; k < a.streams[i].entries.size(); ++k) {
      EXPECT_EQ(a.streams[i].entries[k].t_ns, b.streams[i].entries[k].t_ns) << query;
      EXPECT_EQ(a.streams[i].entries[k].line, b.streams[i].entries[k].line) << query;
    }
  }
  ASSERT_EQ(a.matrix.size(), b.matrix.size()) << query;
  for (size_t i = 0; i < a.matrix.size(); ++i) {
    EXPECT_EQ(a.matrix[i].labels, b.matrix[i].labels) << query;
    ASSERT_EQ(a.matrix[i].points.size(), b.matrix[i].points.size()) << query;
    for (size_t k = 0; k < a.matrix[i].points.size(); ++k) {
      EXPECT_EQ(a.matrix[i].points[k].t_ns, b.matrix[i].points[k].t_ns) << query;
      EXPECT_EQ(a.matrix[i].points[k].v, b.matrix[i].points[k].v) << query;
    }
  }
}

}  // namespace remediator::logql::testing
