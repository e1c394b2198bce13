// Store::Split: its parts together give exactly what one Select gives (entries, order, and
// the engine's answers), over sealed blocks that overlap in time, ties, ranges that cut
// through sections, and the unsealed head.
#include <map>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "logql/eval/engine.h"
#include "logql/same_answer.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace remediator::store {
namespace {

using logql::Direction;
using testing::Entry;
using testing::Got;
using testing::M;
using testing::SelectAll;
using testing::TempDir;

constexpr int64_t kSec = 1000000000;

// Three streams, 60 s apart batches of 40 entries with jitter (out of order across batches,
// equal timestamps within and across streams), small blocks; the last batches stay in the
// head, unsealed.
std::unique_ptr<Store> Fill(const std::string& dir) {
  std::unique_ptr<Store> store = testing::OpenSmallBlocks(dir, 6000);
  const Labels streams[] = {MakeLabels({{"job", "t"}, {"service", "a"}}), MakeLabels({{"job", "t"}, {"service", "b"}}),
                            MakeLabels({{"job", "t"}, {"service", "c"}})};
  std::mt19937 rng(7);
  int n = 0;
  for (int batch = 0; batch < 62; ++batch) {
    std::vector<LogEntry> entries;
    for (int k = 0; k < 40; ++k, ++n) {
      const int64_t ts = (batch * 60 + static_cast<int64_t>(rng() % 90)) * kSec + (rng() % 3) * 1000;
      entries.push_back(Entry(streams[rng() % 3], ts,
                              fmt::format(R"({{"n":{},"status":{},"d":{}.{}}})", n, 200 + 100 * (rng() % 4),
                                          rng() % 100, rng() % 10)));
    }
    EXPECT_TRUE(store->Append(entries).ok());
  }
  const StoreStats st = store->Stats();
  EXPECT_GT(st.blocks, 10u);
  EXPECT_GT(st.head_entries, 0u);
  return store;
}

struct Range {
  int64_t start, end;
};
const Range kRanges[] = {
    {INT64_MIN, INT64_MAX},            // everything
    {0, 3600 * kSec},                  // the whole data
    {1234 * kSec + 1000, 2345 * kSec}, // cuts through sections on both sides
    {3500 * kSec, 3700 * kSec},        // mostly the head
    {600 * kSec, 610 * kSec},          // a sliver
};

TEST(StoreSplitTest, PartsAreContiguousTimeSpansThatTogetherGiveTheWholeSelection) {
  TempDir dir;
  auto store = Fill(dir.path());
  for (const Range& r : kRanges) {
    for (Direction dir : {Direction::kForward, Direction::kBackward}) {
      const std::vector<Got> whole = SelectAll(*store, {}, r.start, r.end, dir);
      for (int n : {1, 2, 3, 5}) {
        logql::StreamSelection sel;
        sel.start_ns = r.start;
        sel.end_ns = r.end;
        sel.direction = dir;
        const std::vector<logql::StreamSelection> parts = store->Split(sel, n);
        ASSERT_FALSE(parts.empty());
        ASSERT_LE(parts.size(), static_cast<size_t>(n));
        EXPECT_EQ(parts.front().start_ns, r.start);
        EXPECT_EQ(parts.back().end_ns, r.end);
        for (size_t i = 0; i + 1 < parts.size(); ++i) EXPECT_EQ(parts[i].end_ns, parts[i + 1].start_ns);
        // Per stream: the parts' entries, parts in time order, are the whole's in order.
        std::map<std::string, std::vector<Got>> want, got;
        for (const Got& g : whole) want[g.stream].push_back(g);
        for (size_t i = 0; i < parts.size(); ++i) {
          const logql::StreamSelection& p = parts[dir == Direction::kForward ? i : parts.size() - 1 - i];
          EXPECT_FALSE(p.any_order);
          for (const Got& g : SelectAll(*store, {}, p.start_ns, p.end_ns, dir)) got[g.stream].push_back(g);
        }
        EXPECT_EQ(got, want) << "range " << r.start << ".." << r.end << " n=" << n;
      }
    }
  }
}

TEST(StoreSplitTest, BigRangesSplitIntoBalancedParts) {
  TempDir dir;
  auto store = Fill(dir.path());
  logql::StreamSelection sel;
  sel.start_ns = 0;
  sel.end_ns = 3600 * kSec;
  const auto parts = store->Split(sel, 2);
  ASSERT_EQ(parts.size(), 2u);
  const size_t first = SelectAll(*store, {}, parts[0].start_ns, parts[0].end_ns).size();
  const size_t second = SelectAll(*store, {}, parts[1].start_ns, parts[1].end_ns).size();
  EXPECT_NEAR(static_cast<double>(first), static_cast<double>(second), 0.2 * static_cast<double>(first + second));
}

TEST(StoreSplitTest, EngineAnswersTheSameOnOneThreadAndOnSeveral) {
  TempDir dir;
  auto store = Fill(dir.path());
  const char* queries[] = {
      R"(sum(count_over_time({job="t"} |= "status\":5" [5m])))",
      R"(sum by (status) (count_over_time({job="t"} | json | status >= 400 [10m])))",
      R"(quantile_over_time(0.9, {job="t"} | json | unwrap d [10m]) by (service))",
      R"(sum_over_time({job="t"} | json | unwrap d [7m]))",
      R"(first_over_time({job="t"} | json | unwrap n [3m]) by (service))",
      R"(last_over_time({job="t"} | json | unwrap n [3m]))",
      R"({job="t"} |= "status\":3")",
      R"({service="b"})",
  };
  for (const char* q : queries) {
    for (const Range& r : {Range{0, 3700 * kSec}, Range{1234 * kSec + 1000, 2345 * kSec}}) {
      for (Direction dir : {Direction::kForward, Direction::kBackward}) {
        logql::QueryParams params;
        params.query = q;
        params.start_ns = r.start;
        params.end_ns = r.end;
        params.step_ns = 60 * kSec;
        params.limit = 150;
        params.direction = dir;
        auto one = logql::Engine(*store, logql::EngineOptions{1}).Query(params);
        auto three = logql::Engine(*store, logql::EngineOptions{3}).Query(params);
        ASSERT_TRUE(one.ok()) << q << ": " << one.status().ToString();
        ASSERT_TRUE(three.ok()) << q << ": " << three.status().ToString();
        logql::testing::ExpectSameAnswer(*one, *three, q);
        EXPECT_EQ(one->matrix.empty() && one->streams.empty(), false) << q;
      }
    }
  }
}

TEST(StoreSplitTest, LineFiltersSkipSectionsThatCannotMatchWithTheSameAnswer) {
  // Stream a has a 'Q' in some lines, stream b never: b's sections are skipped unread for
  // `|= "Q"`, and the counts are those of the lines themselves.
  TempDir dir;
  StoreOptions o;
  o.dir = dir.path();
  o.block_bytes = 4000;
  auto store = Store::Open(o).value();
  const Labels a = MakeLabels({{"job", "t"}, {"service", "a"}}), b = MakeLabels({{"job", "t"}, {"service", "b"}});
  std::map<std::string, int> want;
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<LogEntry> entries;
    for (int k = 0; k < 30; ++k) {
      const int64_t ts = (batch * 30 + k) * kSec;
      const bool q = k % 7 == 0;
      entries.push_back(Entry(a, ts, fmt::format("GET /a/{} {}", k, q ? "Query" : "plain")));
      entries.push_back(Entry(b, ts, fmt::format("GET /b/{} plain", k)));
      if (q) ++want["a"];
    }
    ASSERT_TRUE(store->Append(entries).ok());
  }
  ASSERT_TRUE(store->Seal().ok());
  logql::QueryParams params;
  params.query = R"(sum by (service) (count_over_time({job="t"} |= "Q" |= "uer" [1h])))";
  params.start_ns = params.end_ns = 600 * kSec;
  auto got = logql::Engine(*store).Query(params);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->vector.size(), 1u);
  EXPECT_EQ(got->vector[0].labels, MakeLabels({{"service", "a"}}));
  EXPECT_EQ(got->vector[0].v, want["a"]);
  EXPECT_EQ(got->lines_processed, 600) << "stream b's 600 lines are not read";
}

}  // namespace
}  // namespace remediator::store
