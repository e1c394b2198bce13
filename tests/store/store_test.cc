#include "store/store.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace remediator::store {
namespace {

using testing::Entry;
using testing::Got;
using testing::M;
using testing::SelectAll;
using testing::TempDir;
using logql::Direction;

const Labels kA = MakeLabels({{"job", "traefik"}, {"service", "a"}});
const Labels kB = MakeLabels({{"job", "traefik"}, {"service", "b"}});
const Labels kC = MakeLabels({{"job", "decisions"}});

std::unique_ptr<Store> OpenStore(const std::string& dir, size_t block_bytes = 1 << 20,
                                 const Clock* clock = nullptr, int64_t retention = 0,
                                 bool index_sections = true) {
  StoreOptions o;
  o.index_sections = index_sections;
  o.dir = dir;
  o.block_bytes = block_bytes;
  o.clock = clock;
  o.retention_ns = retention;
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

std::vector<LogEntry> Sample() {
  return {Entry(kA, 30, "a30"), Entry(kB, 10, "b10"), Entry(kA, 10, "a10"),
          Entry(kC, 20, "c20"), Entry(kA, 20, "a20"), Entry(kA, 20, "a20-second")};
}

// The same answers from the head, from sealed blocks and after a reopen.
class StoreReadTest : public ::testing::TestWithParam<int> {};

TEST_P(StoreReadTest, SelectsByMatchersRangeAndDirection) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const auto batch = Sample();
  // Split across two appends (and, for mode 1 and 2, two blocks).
  ASSERT_TRUE(store->Append(std::span(batch).subspan(0, 3)).ok());
  if (GetParam() >= 1) {
    ASSERT_TRUE(store->Seal().ok());
  }
  ASSERT_TRUE(store->Append(std::span(batch).subspan(3)).ok());
  if (GetParam() >= 1) {
    ASSERT_TRUE(store->Seal().ok());
  }
  if (GetParam() == 2) {
    store.reset();
    store = OpenStore(dir.path());
  }
  const std::string a = FormatLabels(kA), b = FormatLabels(kB), c = FormatLabels(kC);
  struct Case {
    std::string name;
    std::vector<LabelMatcher> matchers;
    int64_t start, end;
    Direction dir;
    std::vector<Got> want;
  };
  const std::vector<Case> cases = {
      {"eq forward", {M("service", MatchOp::kEqual, "a")}, 0, 100, Direction::kForward,
       {{a, 10, "a10"}, {a, 20, "a20"}, {a, 20, "a20-second"}, {a, 30, "a30"}}},
      {"eq backward keeps arrival order of equal timestamps", {M("service", MatchOp::kEqual, "a")}, 0, 100,
       Direction::kBackward, {{a, 30, "a30"}, {a, 20, "a20"}, {a, 20, "a20-second"}, {a, 10, "a10"}}},
      {"range is [start, end)", {M("service", MatchOp::kEqual, "a")}, 20, 30, Direction::kForward,
       {{a, 20, "a20"}, {a, 20, "a20-second"}}},
      {"regex over two streams", {M("service", MatchOp::kRegex, "a|b")}, 0, 15, Direction::kForward,
       {{a, 10, "a10"}, {b, 10, "b10"}}},
      {"not-equal matches absent label", {M("service", MatchOp::kNotEqual, "a")}, 0, 100, Direction::kForward,
       {{c, 20, "c20"}, {b, 10, "b10"}}},
      {"not-regex", {M("job", MatchOp::kNotRegex, "trae.*")}, 0, 100, Direction::kForward, {{c, 20, "c20"}}},
      {"no such value", {M("service", MatchOp::kEqual, "zzz")}, 0, 100, Direction::kForward, {}},
      {"no such name", {M("nope", MatchOp::kEqual, "x")}, 0, 100, Direction::kForward, {}},
      {"empty range", {M("job", MatchOp::kEqual, "traefik")}, 11, 20, Direction::kForward, {}},
  };
  for (const Case& tc : cases) {
    auto got = SelectAll(*store, tc.matchers, tc.start, tc.end, tc.dir);
    // Streams come in store order; compare as sets of streams but ordered within a stream.
    auto by_stream = [](std::vector<Got> v) {
      std::stable_sort(v.begin(), v.end(), [](const Got& x, const Got& y) { return x.stream < y.stream; });
      return v;
    };
    EXPECT_EQ(by_stream(got), by_stream(tc.want)) << tc.name << " mode " << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(HeadBlocksReopen, StoreReadTest, ::testing::Values(0, 1, 2));

TEST(StoreTest, MergesOverlappingBlocksAndHeadInTimeOrder) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  std::vector<Got> want;
  const std::string a = FormatLabels(kA);
  // Three blocks and a head whose time ranges interleave.
  for (int round = 0; round < 4; ++round) {
    std::vector<LogEntry> batch;
    for (int i = 0; i < 50; ++i) {
      const int64_t ts = (i * 7 + round * 3) % 100;
      batch.push_back(Entry(kA, ts, fmt::format("r{}-{}", round, i)));
    }
    ASSERT_TRUE(store->Append(batch).ok());
    if (round < 3) {
    ASSERT_TRUE(store->Seal().ok());
  }
    for (auto& e : batch) want.push_back(Got{a, e.timestamp_ns, e.line});
  }
  std::stable_sort(want.begin(), want.end(), [](const Got& x, const Got& y) { return x.ts < y.ts; });
  EXPECT_EQ(SelectAll(*store, {M("service", MatchOp::kEqual, "a")}), want);
  // Backward: newest first, equal timestamps in arrival order.
  std::vector<Got> back = want;
  std::stable_sort(back.begin(), back.end(), [](const Got& x, const Got& y) { return x.ts > y.ts; });
  EXPECT_EQ(SelectAll(*store, {M("service", MatchOp::kEqual, "a")}, INT64_MIN, INT64_MAX, Direction::kBackward),
            back);
}

TEST(StoreTest, StructuredMetadataSurvivesSealing) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  LogEntry e = Entry(kA, 5, "line");
  e.structured_metadata = MakeLabels({{"trace_id", "abc"}});
  ASSERT_TRUE(store->Append(std::span(&e, 1)).ok());
  ASSERT_TRUE(store->Seal().ok());
  logql::StreamSelection sel;
  sel.matchers = {M("service", MatchOp::kEqual, "a")};
  sel.start_ns = 0;
  sel.end_ns = 10;
  int seen = 0;
  ASSERT_TRUE(store->Select(sel, [&](const Labels&, logql::EntryCursor& c) {
                logql::EntryView v;
                while (c.Next(v)) {
                  ++seen;
                  EXPECT_EQ(v.structured_metadata.size(), 1u);
                  if (!v.structured_metadata.empty()) {
                    EXPECT_EQ(v.structured_metadata[0].value, "abc");
                  }
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(seen, 1);
}

TEST(StoreTest, VisitorErrorStopsTheWalk) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->Append(Sample()).ok());
  logql::StreamSelection sel;
  sel.matchers = {M("job", MatchOp::kRegex, ".+")};
  sel.start_ns = 0;
  sel.end_ns = 100;
  int calls = 0;
  Status st = store->Select(sel, [&](const Labels&, logql::EntryCursor&) {
    ++calls;
    return ResourceExhausted("enough");
  });
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(calls, 1);
}

TEST(StoreTest, CheckpointsCommitWithEntriesAndSurviveSealAndReopen) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  EXPECT_TRUE(store->Checkpoints().empty());
  std::vector<LogEntry> batch = {Entry(kA, 1, "x")};
  std::vector<Checkpoint> cps = {{"/var/log/a.log", "1:2", 100}};
  ASSERT_TRUE(store->Append(batch, cps).ok());
  EXPECT_EQ(store->GetCheckpoint("/var/log/a.log")->offset, 100);
  ASSERT_TRUE(store->Seal().ok());
  cps = {{"/var/log/a.log", "1:2", 200}, {"/var/log/b.log", "1:3", 7}};
  ASSERT_TRUE(store->Append({}, cps).ok());  // checkpoint-only commit
  store.reset();
  store = OpenStore(dir.path());
  EXPECT_EQ(store->Checkpoints(), cps);
  ASSERT_TRUE(store->Seal().ok());  // now only in the block index
  store.reset();
  store = OpenStore(dir.path());
  EXPECT_EQ(store->Checkpoints(), cps);
  EXPECT_FALSE(store->GetCheckpoint("/nope").has_value());
}

TEST(StoreTest, SealsAutomaticallyAndCompresses) {
  TempDir dir;
  auto store = OpenStore(dir.path(), 64 << 10);
  std::vector<LogEntry> batch;
  for (int i = 0; i < 5000; ++i) {
    batch.push_back(Entry(i % 2 ? kA : kB, i,
                          fmt::format(R"({{"RequestMethod":"GET","RequestPath":"/api/{}","DownstreamStatus":200}})", i % 37)));
  }
  ASSERT_TRUE(store->Append(batch).ok());
  const StoreStats st = store->Stats();
  EXPECT_GE(st.blocks, 1u);
  EXPECT_GT(st.block_raw_bytes, 4 * st.block_bytes);
  EXPECT_EQ(st.block_entries + st.head_entries, 5000u);
  EXPECT_EQ(SelectAll(*store, {}).size(), 5000u);
}

// `ship`'s store (index_sections false) keeps no sealed block open and no per-section index,
// so its open files and memory stay flat however much it writes; its counts and checkpoints
// still hold, and a store opened for queries afterwards reads every entry.
TEST(StoreTest, WriteOnlyStoreKeepsNoBlockOpenAndALaterReaderSeesEverything) {
  TempDir dir;
  auto open_fds = [] {
    size_t n = 0;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) n += !fd.path().empty();
    return n;
  };
  StoreOptions o;
  o.dir = dir.path();
  o.index_sections = false;
  auto writer = Store::Open(o);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  Store& store = **writer;
  const size_t fds_before = open_fds();
  std::vector<Checkpoint> cps;
  for (int b = 0; b < 20; ++b) {
    std::vector<LogEntry> batch = {Entry(kA, b * 10, fmt::format("a{}", b)),
                                   Entry(kB, b * 10 + 1, fmt::format("b{}", b))};
    cps = {{"/var/log/a.log", "1:2", (b + 1) * 100}};
    ASSERT_TRUE(store.Append(batch, cps).ok());
    ASSERT_TRUE(store.Seal().ok());
  }
  const StoreStats st = store.Stats();
  EXPECT_EQ(st.blocks, 20u);
  EXPECT_EQ(st.block_entries, 40u);
  EXPECT_GT(st.block_raw_bytes, 0u);
  EXPECT_EQ(open_fds(), fds_before);  // an indexed store holds one more per block
  EXPECT_TRUE(SelectAll(store, {}).empty());  // sealed blocks are not indexed for reads
  EXPECT_EQ(store.Checkpoints(), cps);
  writer->reset();

  auto reader = OpenStore(dir.path());
  EXPECT_EQ(SelectAll(*reader, {}).size(), 40u);
  EXPECT_EQ(reader->Checkpoints(), cps);
  EXPECT_EQ(reader->Stats().block_entries, 40u);
}

// Both for a store that answers queries and for `ship`'s write-only one.
TEST(StoreTest, RetentionDropsOldBlocksButKeepsTheNewest) {
  for (bool index_sections : {true, false}) {
    SCOPED_TRACE(index_sections ? "indexed" : "write-only");
    TempDir dir;
    FakeClock clock(1000 * kNanosPerHour);
    auto store = OpenStore(dir.path(), 1 << 20, &clock, kNanosPerHour, index_sections);
    ASSERT_TRUE(store->Append(std::vector{Entry(kA, 100 * kNanosPerHour, "old")}).ok());
    ASSERT_TRUE(store->Seal().ok());
    ASSERT_TRUE(store->Append(std::vector{Entry(kA, 999 * kNanosPerHour + 1, "new")}).ok());
    ASSERT_TRUE(store->Seal().ok());
    EXPECT_EQ(store->Stats().blocks, 1u);
    if (index_sections) {
      auto got = SelectAll(*store, {});
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0].line, "new");
    }
    clock.Advance(10 * kNanosPerHour);
    ASSERT_TRUE(store->ApplyRetention().ok());
    EXPECT_EQ(store->Stats().blocks, 1u);  // the newest stays: it holds the checkpoints
    int blk = 0;
    for (auto& f : std::filesystem::directory_iterator(dir.path())) blk += f.path().extension() == ".blk";
    EXPECT_EQ(blk, 1);
    store.reset();
    auto reader = OpenStore(dir.path());
    auto got = SelectAll(*reader, {});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].line, "new");
  }
}

TEST(StoreTest, ClosedStoreRefusesAppends) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->Close().ok());
  EXPECT_EQ(store->Append(Sample()).code(), StatusCode::kFailedPrecondition);
}

TEST(StoreTest, ConcurrentSelectsWhileAppending) {
  TempDir dir;
  auto store = OpenStore(dir.path(), 16 << 10);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto got = SelectAll(*store, {M("service", MatchOp::kEqual, "a")});
        for (size_t i = 1; i < got.size(); ++i) {
          if (got[i].ts < got[i - 1].ts) failures.fetch_add(1);
        }
        // Entries are appended in order 0..n-1, so a reader sees a gap-free prefix.
        for (size_t i = 0; i < got.size(); ++i) {
          if (got[i].ts != static_cast<int64_t>(i)) {
            failures.fetch_add(1);
            break;
          }
        }
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(store->Append(std::vector{Entry(kA, i, std::string(100, 'x'))}).ok());
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(SelectAll(*store, {}).size(), 2000u);
}

}  // namespace
}  // namespace remediator::store

namespace remediator::store {
namespace {

TEST(StoreTest, OneWriterAtATimeAndReadOnlyBesideIt) {
  testing::TempDir dir;
  auto writer = OpenStore(dir.path());
  ASSERT_TRUE(writer->Append(std::vector{testing::Entry(kA, 1, "sealed")}).ok());
  ASSERT_TRUE(writer->Seal().ok());
  ASSERT_TRUE(writer->Append(std::vector{testing::Entry(kA, 2, "in the wal")}).ok());
  StoreOptions o;
  o.dir = dir.path();
  auto second = Store::Open(o);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  o.read_only = true;
  auto reader = Store::Open(o);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(testing::SelectAll(**reader, {}).size(), 2u);
  EXPECT_EQ((*reader)->Append(std::vector{testing::Entry(kA, 3, "x")}).code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE((*reader)->ApplyRetention().ok());
  reader->reset();
  // The writer's files are untouched: it goes on appending and a reopen sees everything.
  ASSERT_TRUE(writer->Append(std::vector{testing::Entry(kA, 3, "after")}).ok());
  writer.reset();
  auto again = OpenStore(dir.path());
  EXPECT_EQ(testing::SelectAll(*again, {}).size(), 3u);
}

}  // namespace
}  // namespace remediator::store

namespace remediator::store {
namespace {

// A batch that fills the head skips the WAL: head + batch become one block carrying the
// checkpoint, read back merged in time order, before and after a reopen; the WAL stays empty.
TEST(StoreTest, BatchThatFillsTheHeadIsSealedWithItWithoutAWalRecord) {
  for (int seal_threads : {1, 2}) {
    SCOPED_TRACE(seal_threads);
    TempDir dir;
    StoreOptions o;
    o.dir = dir.path();
    o.block_bytes = 16 << 10;
    o.seal_threads = seal_threads;
    auto store = Store::Open(o).value();
    // A small batch stays in the head (a WAL record).
    std::vector<LogEntry> small = {testing::Entry(kA, 16, "a16-head"), testing::Entry(kB, 5, "b5-head")};
    std::vector<Checkpoint> cp1 = {{"file", "ino", 2}};
    ASSERT_TRUE(store->Append(small, cp1).ok());
    EXPECT_EQ(store->Stats().blocks, 0u);
    EXPECT_GT(store->Stats().wal_bytes, 0u);
    // A big one, interleaved in time with the head's entries, goes straight into a block.
    std::vector<LogEntry> big;
    for (int i = 0; i < 400; ++i) big.push_back(testing::Entry(i % 3 ? kA : kB, i, fmt::format("{:064}", i)));
    std::vector<Checkpoint> cp2 = {{"file", "ino", 402}};
    ASSERT_TRUE(store->Append(big, cp2).ok());
    StoreStats st = store->Stats();
    EXPECT_EQ(st.blocks, 1u);
    EXPECT_EQ(st.wal_bytes, 0u);
    EXPECT_EQ(st.head_entries, 0u);
    EXPECT_EQ(st.block_entries, 402u);
    EXPECT_EQ(store->GetCheckpoint("file")->offset, 402);
    auto check = [&](Store& s) {
      auto got = SelectAll(s, {M("service", MatchOp::kEqual, "a")});
      ASSERT_EQ(got.size(), 1u + 266u);
      for (size_t i = 1; i < got.size(); ++i) EXPECT_LE(got[i - 1].ts, got[i].ts);
      // Equal times keep arrival order: the head's a16 before the batch's 16.
      auto it = std::find_if(got.begin(), got.end(), [](const Got& g) { return g.ts == 16; });
      ASSERT_NE(it, got.end());
      EXPECT_EQ(it->line, "a16-head");
    };
    check(*store);
    store.reset();
    auto again = Store::Open(o).value();
    EXPECT_EQ(again->GetCheckpoint("file")->offset, 402);
    EXPECT_EQ(again->Stats().block_entries, 402u);
    check(*again);
    size_t wals = 0;
    for (auto& f : std::filesystem::directory_iterator(dir.path())) wals += f.path().extension() == ".log";
    EXPECT_EQ(wals, 1u);
  }
}

// Once a block is renamed into place its batch is committed: a failure after that (here the
// empty WAL cannot be renamed to the next sequence number, because a folder has its name)
// must not be reported for that batch (the caller would send it again, a duplicate), but
// must break the store for the Appends that follow. Reopened, the batch is there once.
TEST(StoreTest, FailureAfterTheBlockIsCommittedReportsSuccessAndBreaksTheStore) {
  TempDir dir;
  StoreOptions o;
  o.dir = dir.path();
  o.block_bytes = 16 << 10;
  auto store = Store::Open(o).value();
  const std::string blocker = dir.path() + "/wal-0000000000000002.log";
  ASSERT_TRUE(std::filesystem::create_directory(blocker));
  ASSERT_TRUE(std::filesystem::create_directory(blocker + "/keep"));  // not empty: rename fails
  std::vector<LogEntry> big;
  for (int i = 0; i < 400; ++i) big.push_back(testing::Entry(kA, i, fmt::format("{:064}", i)));
  std::vector<Checkpoint> cp = {{"file", "ino", 400}};
  ASSERT_TRUE(store->Append(big, cp).ok());
  EXPECT_EQ(store->Stats().blocks, 1u);
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 400);
  EXPECT_EQ(SelectAll(*store, {M("service", MatchOp::kEqual, "a")}).size(), 400u);
  Status next = store->Append(std::vector<LogEntry>{testing::Entry(kA, 500, "later")});
  EXPECT_FALSE(next.ok());
  EXPECT_NE(next.message().find("sealed"), std::string::npos) << next.ToString();
  store.reset();
  std::filesystem::remove_all(blocker);
  auto again = Store::Open(o).value();
  EXPECT_EQ(again->GetCheckpoint("file")->offset, 400);
  EXPECT_EQ(SelectAll(*again, {M("service", MatchOp::kEqual, "a")}).size(), 400u);
}

}  // namespace
}  // namespace remediator::store
