// Checks that two answers to one query are equal: the same streams and entries, the same
// series and points (values bit for bit). For tests that read the same data two ways.
#pragma once

#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "logql/eval/engine.h"

namespace remediator::logql::testing {

// Both lists hold the same series (same labels, in order), whose items (`items` of each)
// agree on their time and on `value`.
template <class Series, class Item, class Value>
void ExpectSameSeries(const std::vector<Series>& a, const std::vector<Series>& b,
                      std::vector<Item> Series::*items, Value Item::*value, std::string_view query) {
  ASSERT_EQ(a.size(), b.size()) << query;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].labels, b[i].labels) << query;
    const std::vector<Item>& x = a[i].*items;
    const std::vector<Item>& y = b[i].*items;
    ASSERT_EQ(x.size(), y.size()) << query;
    for (size_t k = 0; k < x.size(); ++k) {
      EXPECT_EQ(x[k].t_ns, y[k].t_ns) << query;
      EXPECT_EQ(x[k].*value, y[k].*value) << query;
    }
  }
}

inline void ExpectSameAnswer(const QueryResult& a, const QueryResult& b, std::string_view query) {
  ExpectSameSeries(a.streams, b.streams, &StreamResult::entries, &StreamEntry::line, query);
  ExpectSameSeries(a.matrix, b.matrix, &SeriesResult::points, &Point::v, query);  // values bit for bit
}

}  // namespace remediator::logql::testing
