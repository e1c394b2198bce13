// The merge cursor over sections that follow one another with a little overlap (how a
// shipper's batches land in the store): entries come in time order, ties in arrival order,
// for any [start, end) cut, forward and backward, with and without structured metadata,
// whether a section is served alone or merged with the next one.
#include <algorithm>

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace remediator::store {
namespace {

using logql::Direction;
using namespace testing;  // the store tests' helpers (store_test_util.h)

const Labels kA = MakeLabels({{"job", "traefik"}, {"service", "a"}});

struct Case {
  const char* name;
  int64_t overlap;  // how far each section reaches back into the one before
  bool metadata;
};

TEST(MergeCursorTest, SequentialSectionsWithOverlapReadInTimeOrderForEveryCut) {
  const Case cases[] = {{"disjoint", 0, false}, {"overlap 3", 3, false}, {"overlap 15", 15, false},
                        {"ties at the seams", 1, false}, {"overlap with metadata", 4, true}};
  for (const Case& c : cases) {
    TempDir dir;
    auto store = OpenSmallBlocks(dir.path(), 1 << 20);
    ASSERT_NE(store, nullptr);
    std::vector<Got> want;
    const std::string a = FormatLabels(kA);
    for (int round = 0; round < 5; ++round) {
      std::vector<LogEntry> batch;
      for (int i = 0; i < 40; ++i) {
        // Section `round` holds times [round*30 - overlap, round*30 + 29], a few repeated.
        const int64_t ts = round * 30 - c.overlap + (i * (30 + c.overlap)) / 40;
        batch.push_back(Entry(kA, ts, fmt::format("r{}-{}", round, i)));
        if (c.metadata && i % 3 == 0) batch.back().structured_metadata = {Label{"trace", fmt::format("t{}", i)}};
      }
      ASSERT_TRUE(store->Append(batch).ok());
      ASSERT_TRUE(store->Seal().ok());
      for (auto& e : batch) want.push_back(Got{a, e.timestamp_ns, e.line});
    }
    std::stable_sort(want.begin(), want.end(), [](const Got& x, const Got& y) { return x.ts < y.ts; });
    const std::pair<int64_t, int64_t> cuts[] = {{INT64_MIN, INT64_MAX}, {0, 150}, {17, 95}, {29, 31}, {60, 61},
                                                {-100, 5}, {140, 400}};
    for (auto [start, end] : cuts) {
      std::vector<Got> fwd;
      for (const Got& g : want) {
        if (g.ts >= start && g.ts < end) fwd.push_back(g);
      }
      EXPECT_EQ(SelectAll(*store, {M("service", MatchOp::kEqual, "a")}, start, end), fwd)
          << c.name << " [" << start << ", " << end << ")";
      std::vector<Got> back = fwd;
      std::stable_sort(back.begin(), back.end(), [](const Got& x, const Got& y) { return x.ts > y.ts; });
      EXPECT_EQ(SelectAll(*store, {M("service", MatchOp::kEqual, "a")}, start, end, Direction::kBackward), back)
          << c.name << " backward [" << start << ", " << end << ")";
    }
  }
}

}  // namespace
}  // namespace remediator::store
