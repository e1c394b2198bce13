// The store's trigram filters end to end: a query's `|=` literal skips, unread, the sections
// that cannot hold it (counted in StoreStats), answers are the same as without the hint
// (false positives only cost a read), and a store written before the filters (index
// version 1, tests/fixtures/store-v1, written by main at c688f81) still opens and answers,
// never skipping by trigrams.
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "logql/eval/engine.h"
#include "logql/same_answer.h"
#include "store/block.h"
#include "store/store.h"
#include "store/store_test_util.h"
#include "store/trigram_filter.h"

namespace remediator::store {
namespace {

using namespace testing;  // the store tests' helpers (store_test_util.h)

constexpr int64_t kSec = 1000000000;
const char* const kServices[] = {"jellyfin", "grafana", "authelia", "nextcloud"};

// Access-log lines of four services, one stream each, over several blocks; the last batch
// stays in the head.
std::unique_ptr<Store> Fill(const std::string& dir) {
  std::unique_ptr<Store> store = testing::OpenSmallBlocks(dir, 25000);
  std::mt19937 rng(3);
  int n = 0;
  for (int batch = 0; batch < 14; ++batch) {
    std::vector<LogEntry> entries;
    for (int k = 0; k < (batch < 13 ? 100 : 8); ++k, ++n) {  // the last, small one stays in the head
      const char* svc = kServices[rng() % 4];
      const int64_t ts = (batch * 300 + static_cast<int64_t>(rng() % 300)) * kSec;
      entries.push_back(Entry(MakeLabels({{"job", "traefik-access"}, {"service", svc}}), ts,
                              fmt::format(R"({{"RequestHost":"{}.home.example.org","RequestPath":"/p/{}","DownstreamStatus":{},"Duration":{}}})",
                                          svc, n, 200 + 100 * (rng() % 4), rng() % 100000)));
    }
    EXPECT_TRUE(store->Append(entries).ok());
  }
  EXPECT_GT(store->Stats().blocks, 3u);
  EXPECT_GT(store->Stats().head_entries, 0u);
  return store;
}

std::vector<Got> WithLine(std::vector<Got> got, std::string_view needle) {
  std::erase_if(got, [&](const Got& g) { return g.line.find(needle) == std::string::npos; });
  return got;
}

std::vector<Got> SelectHinted(const Store& store, std::vector<std::string> needles) {
  logql::StreamSelection sel;
  sel.matchers = {M("job", MatchOp::kEqual, "traefik-access")};
  sel.start_ns = INT64_MIN;
  sel.end_ns = INT64_MAX;
  sel.line_contains = std::move(needles);
  std::vector<Got> out;
  EXPECT_TRUE(store
                  .Select(sel,
                          [&](const Labels& labels, logql::EntryCursor& cursor) {
                            logql::EntryView v;
                            while (cursor.Next(v)) out.push_back(Got{FormatLabels(labels), v.timestamp_ns, std::string(v.line)});
                            return Status::Ok();
                          })
                  .ok());
  return out;
}

TEST(StoreTrigramTest, SectionsWithoutTheLiteralAreSkippedUnread) {
  TempDir dir;
  auto store = Fill(dir.path());
  const StoreStats before = store->Stats();
  const std::vector<Got> all = SelectAll(*store, {M("job", MatchOp::kEqual, "traefik-access")});
  const StoreStats read_all = store->Stats();
  const uint64_t sections = read_all.sections_decompressed - before.sections_decompressed;
  EXPECT_EQ(read_all.sections_skipped_trigrams, 0u);
  ASSERT_GE(sections, 16u);  // four streams over at least four blocks

  const std::vector<Got> got = SelectHinted(*store, {"jellyfin"});
  const StoreStats after = store->Stats();
  EXPECT_EQ(WithLine(got, "jellyfin"), WithLine(all, "jellyfin"));
  // The other three streams' sections are not read at all, the zstd literal check is not
  // reached for them.
  const uint64_t decompressed = after.sections_decompressed - read_all.sections_decompressed;
  const uint64_t skipped = after.sections_skipped_trigrams - read_all.sections_skipped_trigrams;
  EXPECT_EQ(decompressed + skipped + (after.sections_skipped_alphabet - read_all.sections_skipped_alphabet), sections);
  // About 3/4 of the sections are other streams'; a few pass the filters wrongly.
  EXPECT_GE(skipped, sections / 2);
  EXPECT_LE(decompressed, sections / 2);

  // Two literals: a section is skipped when either is missing.
  const StoreStats two_before = store->Stats();
  const std::vector<Got> two = SelectHinted(*store, {"home.example", "grafana"});
  const StoreStats two_after = store->Stats();
  EXPECT_EQ(WithLine(two, "grafana"), WithLine(all, "grafana"));
  EXPECT_GE(two_after.sections_skipped_trigrams - two_before.sections_skipped_trigrams, sections / 2);

  // A literal every line holds, or one too short for trigrams: nothing skipped by them.
  for (const char* needle : {"RequestPath", "/p"}) {
    const StoreStats b = store->Stats();
    EXPECT_EQ(WithLine(SelectHinted(*store, {needle}), needle), WithLine(all, needle)) << needle;
    EXPECT_EQ(store->Stats().sections_skipped_trigrams, b.sections_skipped_trigrams) << needle;
  }
  // A literal no line holds: every sealed section skipped (the head is not filtered).
  const StoreStats b = store->Stats();
  EXPECT_EQ(SelectHinted(*store, {"no such text"}).size(), store->Stats().head_entries);
  EXPECT_GE(store->Stats().sections_skipped_trigrams - b.sections_skipped_trigrams, sections - 2);
}

TEST(StoreTrigramTest, FiltersSurviveReopening) {
  TempDir dir;
  const std::vector<Got> want = [&] {
    auto store = Fill(dir.path());
    return WithLine(SelectAll(*store, {M("job", MatchOp::kEqual, "traefik-access")}), "authelia");
  }();
  auto reopened = Store::Open(StoreOptions{.dir = dir.path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(WithLine(SelectHinted(**reopened, {"authelia"}), "authelia"), want);
  EXPECT_GT((*reopened)->Stats().sections_skipped_trigrams, 10u);
}

// The store without the line hints: nothing is skipped.
EditedSelections WithoutHints(const Store& store) {
  return EditedSelections(store, [](logql::StreamSelection& s) { s.line_contains.clear(); });
}

TEST(StoreTrigramTest, EngineAnswersTheSameWithAndWithoutTheFilters) {
  TempDir dir;
  auto store = Fill(dir.path());
  EditedSelections plain = WithoutHints(*store);
  const char* queries[] = {
      R"(sum(count_over_time({job="traefik-access"} |= "jellyfin" [10m])))",
      R"(sum by (service) (count_over_time({job="traefik-access"} |= "home" |= "grafana" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} | json | DownstreamStatus >= 400 |= "nextcloud" [10m])))",
      R"(quantile_over_time(0.9, {job="traefik-access"} |= "authelia" | json | unwrap Duration [10m]) by (service))",
      R"(sum(count_over_time({job="traefik-access"} | line_format "{{.service}}" |= "jellyfin" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} |= "jellyfin" or "grafana" [10m])))",
      R"(sum(count_over_time({job="traefik-access"} != "jellyfin" |~ "graf.na" [10m])))",
      R"({job="traefik-access"} |= "nextcloud" | json | DownstreamStatus >= 300)",
      R"({job="traefik-access"} |= "nothing like this")",
  };
  for (const char* q : queries) {
    for (int threads : {1, 2}) {
      logql::QueryParams params;
      params.query = q;
      params.start_ns = 0;
      params.end_ns = 3700 * kSec;
      params.step_ns = 300 * kSec;
      params.limit = 200;
      auto filtered = logql::Engine(*store, logql::EngineOptions{threads}).Query(params);
      auto unfiltered = logql::Engine(plain, logql::EngineOptions{threads}).Query(params);
      ASSERT_TRUE(filtered.ok()) << q << ": " << filtered.status().ToString();
      ASSERT_TRUE(unfiltered.ok()) << q << ": " << unfiltered.status().ToString();
      logql::testing::ExpectSameAnswer(*filtered, *unfiltered, q);
    }
  }
  EXPECT_GT(store->Stats().sections_skipped_trigrams, 20u);
}

TEST(StoreTrigramTest, BlocksGetFiltersOnlyWhenEverySectionsTrigramsAreKnown) {
  TempDir dir;
  const std::vector<std::string> lines = {"jellyfin GET /a", "jellyfin GET /b"};
  const std::vector<RawEntry> raw = RawLines(lines, 1);
  const auto [frame, raw_bytes] = CompressSection(raw);
  const Labels labels = MakeLabels({{"job", "x"}});
  for (bool known : {true, false}) {
    const std::string path = dir.path() + (known ? "/known.blk" : "/unknown.blk");
    BlockWriter writer(1);
    ASSERT_TRUE(writer.Open(path).ok());
    ASSERT_TRUE(writer.AddSection(labels, raw).ok());  // computes its hashes
    std::optional<std::vector<uint16_t>> hashes;
    if (known) TrigramCollector().Collect(raw, hashes.emplace());
    ASSERT_TRUE(writer.AddCompressedSection(labels, frame, 2, 1, 1, raw_bytes, hashes).ok());
    ASSERT_TRUE(writer.Finish(1, {}).ok());
    for (bool keep : {true, false}) {
      auto block = BlockFile::Open(path, keep);
      ASSERT_TRUE(block.ok()) << block.status().ToString();
      const BlockIndex& idx = (*block)->index();
      ASSERT_EQ(idx.sections.size(), 2u);
      EXPECT_EQ(idx.common_trigrams.empty(), !known || !keep) << known << keep;
      SectionDecompressor d;
      // Its bytes are there, its trigram "b/a" is not.
      const std::vector<std::string> needle = {"jellyfin GET /b/a"};
      d.Require(needle);
      EXPECT_EQ((*block)->MayHoldRequired(1, d), !known || !keep) << known << keep;
      auto section = (*block)->ReadSection(1, d);
      ASSERT_TRUE(section.ok());
      EXPECT_EQ(section->size(), known && keep ? 0u : 2u);  // skipped unread, or decompressed
    }
  }
}

TEST(StoreTrigramTest, AStoreWrittenBeforeTheFiltersStillAnswers) {
  TempDir dir;
  const std::string fixture = std::string(REMEDIATOR_SOURCE_DIR) + "/tests/fixtures/store-v1";
  for (const auto& f : std::filesystem::directory_iterator(fixture)) {
    std::filesystem::copy_file(f.path(), dir.path() + "/" + f.path().filename().string());
  }
  auto opened = Store::Open(StoreOptions{.dir = dir.path()});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  EXPECT_EQ(store.Stats().blocks, 1u);
  EXPECT_EQ(store.Stats().block_entries, 30u);
  EXPECT_EQ(store.Checkpoints(), (std::vector<Checkpoint>{{"file", "ino:1", 1234}}));
  const std::vector<Got> all = SelectAll(store, {M("job", MatchOp::kEqual, "traefik-access")});
  ASSERT_EQ(all.size(), 30u);
  const std::vector<Got> jellyfin = WithLine(all, "jellyfin");
  ASSERT_EQ(jellyfin.size(), 10u);
  EXPECT_EQ(WithLine(SelectHinted(store, {"jellyfin"}), "jellyfin"), jellyfin);
  EXPECT_EQ(store.Stats().sections_skipped_trigrams, 0u);

  // New blocks get filters beside the old one; both answer.
  std::vector<LogEntry> more;
  for (int i = 0; i < 20; ++i) {
    const char* svc = i % 2 ? "jellyfin" : "grafana";
    more.push_back(Entry(MakeLabels({{"job", "traefik-access"}, {"service", svc}}), 1767225700 * kSec + i,
                         fmt::format(R"({{"RequestHost":"{}.home.example.org"}})", svc)));
  }
  ASSERT_TRUE(store.Append(more).ok());
  ASSERT_TRUE(store.Seal().ok());
  const std::vector<Got> after = SelectHinted(store, {"jellyfin"});
  EXPECT_EQ(WithLine(after, "jellyfin").size(), 20u);
  EXPECT_LE(store.Stats().sections_skipped_trigrams, 1u);  // at most the new block's grafana section

  const char* q = R"(sum by (service) (count_over_time({job="traefik-access"} |= "jellyfin" [1h])))";
  logql::QueryParams params;
  params.query = q;
  params.start_ns = 1767225600 * kSec;
  params.end_ns = 1767229200 * kSec;
  params.step_ns = 600 * kSec;
  EditedSelections plain = WithoutHints(store);
  auto filtered = logql::Engine(store, logql::EngineOptions{2}).Query(params);
  auto unfiltered = logql::Engine(plain, logql::EngineOptions{2}).Query(params);
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  ASSERT_TRUE(unfiltered.ok()) << unfiltered.status().ToString();
  ASSERT_FALSE(filtered->matrix.empty());
  logql::testing::ExpectSameAnswer(*filtered, *unfiltered, q);
}

}  // namespace
}  // namespace remediator::store
