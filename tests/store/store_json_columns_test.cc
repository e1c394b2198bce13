// JSON columns end to end: a store whose sections are laid out by JSON key answers every
// query as the same lines kept whole do (the engine's json_labels projection included), a
// projected Select hands objects of just the queried members, and a store written before
// JSON columns (block index version 2, tests/fixtures/store-v2, written by main at 6a93400)
// still opens and answers beside new blocks.
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "logql/eval/engine.h"
#include "logql/same_answer.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace remediator::store {
namespace {

using namespace testing;  // the store tests' helpers (store_test_util.h)

constexpr int64_t kSec = 1000000000;
const char* const kServices[] = {"jellyfin", "grafana", "authelia"};

// Access-log lines of three services over several blocks: compact objects (some nested,
// some with escapes), and a few lines that stay whole (spaced JSON, plain text).
void Fill(Store& store, int64_t t0, int batches) {
  std::mt19937 rng(5);
  int n = 0;
  for (int batch = 0; batch < batches; ++batch) {
    std::vector<LogEntry> entries;
    for (int i = 0; i < 150; ++i, ++n) {
      const char* svc = kServices[rng() % 3];
      std::string line;
      switch (n % 25) {
        case 7: line = fmt::format(R"({{"ServiceName": "{}", "DownstreamStatus": 500}})", svc); break;
        case 13: line = fmt::format("{} plain text line {}", svc, n); break;
        case 19:
          line = fmt::format(R"({{"ServiceName":"{}","DownstreamStatus":{},"req":{{"path":"/a\"b","ua":"x"}}}})", svc,
                             rng() % 2 ? 503 : 200);
          break;
        default:
          line = fmt::format(R"({{"ClientHost":"10.0.0.{}","DownstreamStatus":{},"Duration":{},"RequestPath":"/p/{}",)"
                             R"("ServiceName":"{}","service":"shadow"}})",
                             rng() % 200, (rng() % 10 == 0) ? 502 : 200, rng() % 100000, n, svc);
      }
      entries.push_back(Entry(MakeLabels({{"job", "traefik-access"}, {"service", svc}}), t0 + n * kSec, line));
    }
    ASSERT_TRUE(store.Append(entries, {}).ok());
  }
}

// The store with whole lines only (no projection).
EditedSelections WithoutProjection(const Store& store) {
  return EditedSelections(store, [](logql::StreamSelection& s) {
    s.json_labels.reset();
    s.line_tests.reset();
  });
}

void ExpectSameAnswers(const logql::StreamSource& a, const logql::StreamSource& b, int64_t start_ns, int64_t end_ns) {
  const char* queries[] = {
      R"(sum by (ServiceName) (count_over_time({job="traefik-access"} | json | DownstreamStatus >= 500 | __error__="" [10m])))",
      R"(quantile_over_time(0.95, {job="traefik-access"} | json | __error__="" | unwrap Duration [10m]) by (ServiceName))",
      R"(sum by (service) (rate({job="traefik-access"} | json | __error__="" | Duration > 50000 [10m])))",
      R"(sum by (req_path) (count_over_time({job="traefik-access"} | json | req_path != "" [10m])))",
      R"(sum by (service_extracted) (count_over_time({job="traefik-access"} | json | __error__="" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} | json | __error__!="" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} | json [10m])))",  // an error: plain lines
      R"(sum(count_over_time({job="traefik-access"} |= "jellyfin" [10m])))",
      R"(sum by (service) (rate({job="traefik-access"} |= "10.0.0" != "/p/1" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} |= "shadow" or "plain text" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} != "ServiceName" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} |= "\"DownstreamStatus\":5" [10m])))",
      R"({job="traefik-access"} | json | DownstreamStatus >= 500)",
  };
  for (const char* q : queries) {
    for (int threads : {1, 2}) {
      logql::QueryParams params;
      params.query = q;
      params.start_ns = start_ns;
      params.end_ns = end_ns;
      params.step_ns = 300 * kSec;
      params.limit = 300;
      auto x = logql::Engine(a, logql::EngineOptions{threads}).Query(params);
      auto y = logql::Engine(b, logql::EngineOptions{threads}).Query(params);
      ASSERT_EQ(x.status().ToString(), y.status().ToString()) << q;
      if (!x.ok()) continue;
      ASSERT_FALSE(x->matrix.empty() && x->streams.empty()) << q;
      logql::testing::ExpectSameAnswer(*x, *y, q);
    }
  }
}

TEST(StoreJsonColumnsTest, AnswersAsWholeLinesDo) {
  TempDir columns_dir, plain_dir;
  auto columns = OpenSmallBlocks(columns_dir.path(), 40000);
  auto plain_opened = Store::Open(StoreOptions{.dir = plain_dir.path(), .block_bytes = 40000, .json_columns = false});
  ASSERT_TRUE(plain_opened.ok());
  Store& plain = **plain_opened;
  Fill(*columns, 0, 12);
  Fill(plain, 0, 12);
  ASSERT_GT(columns->Stats().blocks, 3u);
  EXPECT_EQ(SelectAll(*columns, {M("job", MatchOp::kEqual, "traefik-access")}),
            SelectAll(plain, {M("job", MatchOp::kEqual, "traefik-access")}));
  EditedSelections whole = WithoutProjection(*columns);
  ExpectSameAnswers(*columns, whole, 0, 2000 * kSec);
  ExpectSameAnswers(*columns, plain, 0, 2000 * kSec);
}

TEST(StoreJsonColumnsTest, ProjectedSelectHandsTheQueriedMembers) {
  TempDir dir;
  auto store = OpenSmallBlocks(dir.path(), 40000);
  Fill(*store, 0, 4);
  ASSERT_TRUE(store->Seal().ok());
  logql::StreamSelection sel;
  sel.matchers = {M("service", MatchOp::kEqual, "grafana")};
  sel.start_ns = 0;
  sel.end_ns = INT64_MAX;
  sel.json_labels = std::vector<std::string>{"DownstreamStatus", "req_path"};
  size_t projected = 0, whole = 0, nested = 0;
  Status st = store->Select(sel, [&](const Labels&, logql::EntryCursor& cursor) {
    logql::EntryView v;
    while (cursor.Next(v)) {
      const std::string_view line = v.line;
      if (line.starts_with(R"({"DownstreamStatus":)") && line.find("ServiceName") == std::string_view::npos) {
        ++projected;
        if (line.find(R"("req":{"path":"/a\"b","ua":"x"})") != std::string_view::npos) ++nested;
      } else {
        ++whole;  // a plain text or spaced line, or one of a section kept whole
      }
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(projected, 100u);
  EXPECT_GT(nested, 3u);
  EXPECT_GT(whole, 3u);
}

TEST(StoreJsonColumnsTest, AStoreWrittenBeforeJsonColumnsStillAnswers) {
  TempDir dir;
  const std::string fixture = std::string(REMEDIATOR_SOURCE_DIR) + "/tests/fixtures/store-v2";
  for (const auto& f : std::filesystem::directory_iterator(fixture)) {
    if (f.path().extension() == ".blk") {
      std::filesystem::copy_file(f.path(), dir.path() + "/" + f.path().filename().string());
    }
  }
  auto opened = Store::Open(StoreOptions{.dir = dir.path(), .block_bytes = 40000});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  EXPECT_EQ(store.Stats().blocks, 1u);
  const std::vector<Got> old = SelectAll(store, {M("job", MatchOp::kEqual, "traefik-access")});
  ASSERT_EQ(old.size(), 40u);
  for (const Got& g : old) EXPECT_TRUE(g.line.starts_with(R"({"ClientAddr":")")) << g.line;
  // New blocks (JSON columns) beside the old one: both answer, projected or not.
  Fill(store, 1767225600 * kSec + 3600 * kSec, 6);
  ASSERT_GT(store.Stats().blocks, 2u);
  EditedSelections whole = WithoutProjection(store);
  ExpectSameAnswers(store, whole, 1767225600 * kSec, (1767225600 + 3 * 3600) * kSec);
  EXPECT_EQ(SelectAll(store, {M("job", MatchOp::kEqual, "traefik-access")}, INT64_MIN,
                      (1767225600 + 3600) * kSec),
            old);
}

}  // namespace
}  // namespace remediator::store
