// Store::AppendDeferred: big batches share one open block, committed (with their
// checkpoints) only when it is sealed; a block then holds several sections of one stream,
// which queries merge in time order, ties in arrival order; with section_bytes a stream's
// entries of several batches wait to become one section (at most section_buffer_bytes of
// all streams wait); a crash loses the open block's batches together with their
// checkpoints, so a writer resuming from Checkpoints() sends them again (exactly-once).
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/block.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace remediator::store {
namespace {

// Two streams of one job.
const Labels kA = MakeLabels({{"job", "access"}, {"service", "a"}});
const Labels kB = MakeLabels({{"job", "access"}, {"service", "b"}});

using testing::Entry;
using testing::Got;
using testing::M;
using testing::SelectAll;
using testing::TempDir;

StoreOptions Options(const std::string& dir, size_t deferred_block_bytes, int seal_threads = 1,
                     size_t section_bytes = 0, size_t section_buffer_bytes = 0) {
  StoreOptions o;
  o.dir = dir;
  o.block_bytes = 16 << 10;
  o.deferred_block_bytes = deferred_block_bytes;
  o.seal_threads = seal_threads;
  o.section_bytes = section_bytes;
  o.section_buffer_bytes = section_buffer_bytes;
  return o;
}

// Batch k: 300 entries, every third of stream b, at times 2i (so the batches overlap in time)
// and, for stream a, one entry at time 1000 tagged with the batch (a tie across batches).
std::vector<LogEntry> BigBatch(int k) {
  std::vector<LogEntry> batch;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(Entry(i % 3 ? kA : kB, 2 * i + k, fmt::format("{}-{:060}", k, i)));
  }
  batch.push_back(Entry(kA, 1000, fmt::format("tie-{}", k)));
  return batch;
}

// Waits for the child `pid` (which checked its own steps) and expects its exit code 0.
void ExpectExitedWithZero(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
}

size_t CountFiles(const std::string& dir, std::string_view ext) {
  size_t n = 0;
  for (auto& f : std::filesystem::directory_iterator(dir)) n += f.path().extension() == ext;
  return n;
}

std::string OnlyBlock(const std::string& dir) {
  for (auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".blk") return f.path().string();
  }
  return "";
}

// The sections of a block: (stream's service label, entries) in file order.
std::vector<std::pair<std::string, uint32_t>> Sections(const std::string& dir) {
  auto block = BlockFile::Open(OnlyBlock(dir));
  EXPECT_TRUE(block.ok()) << block.status().ToString();
  std::vector<std::pair<std::string, uint32_t>> out;
  if (!block.ok()) return out;
  for (const SectionMeta& m : (*block)->index().sections) out.emplace_back(std::string(LabelValue(m.labels, "service")), m.count);
  return out;
}

TEST(StoreDeferredTest, BatchesShareOneBlockAndCommitWhenItIsSealed) {
  // Without section_bytes each batch's entries of a stream are a section; with it, each
  // stream's entries of all three batches are one.
  for (auto [seal_threads, section_bytes] : {std::pair{1, 0}, {2, 0}, {1, 1 << 20}, {2, 1 << 20}}) {
    SCOPED_TRACE(fmt::format("seal_threads {}, section_bytes {}", seal_threads, section_bytes));
    TempDir dir;
    const StoreOptions o = Options(dir.path(), 1 << 20, seal_threads, section_bytes, 1 << 20);
    auto store = Store::Open(o).value();
    for (int k = 0; k < 3; ++k) {
      uint64_t ticket = 0;
      std::vector<Checkpoint> cp = {{"file", "ino", k + 1}};
      ASSERT_TRUE(store->AppendDeferred(BigBatch(k), cp, ticket).ok());
      EXPECT_EQ(ticket, static_cast<uint64_t>(k + 1));
      // Written, not committed: not durable, not visible, no checkpoint.
      EXPECT_EQ(store->durable_ticket(), 0u);
      EXPECT_EQ(store->Stats().blocks, 0u);
      EXPECT_FALSE(store->GetCheckpoint("file").has_value());
      EXPECT_TRUE(SelectAll(*store, {}).empty());
    }
    EXPECT_EQ(CountFiles(dir.path(), ".blk"), 0u);
    ASSERT_TRUE(store->SealDeferred().ok());
    EXPECT_EQ(store->durable_ticket(), 3u);
    EXPECT_EQ(store->Stats().blocks, 1u);
    EXPECT_EQ(store->Stats().block_entries, 3u * 301u);
    EXPECT_EQ(store->GetCheckpoint("file")->offset, 3);
    auto check = [&](Store& s) {
      const std::vector<Got> a = SelectAll(s, {M("service", MatchOp::kEqual, "a")});
      ASSERT_EQ(a.size(), 3u * 201u);
      for (size_t i = 1; i < a.size(); ++i) ASSERT_LE(a[i - 1].ts, a[i].ts) << i;
      // The tie at 1000 comes in arrival order, forward and backward.
      std::vector<std::string> ties;
      for (const Got& g : a) {
        if (g.ts == 1000) ties.push_back(g.line);
      }
      EXPECT_EQ(ties, (std::vector<std::string>{"tie-0", "tie-1", "tie-2"}));
      const std::vector<Got> back =
          SelectAll(s, {M("service", MatchOp::kEqual, "a")}, 999, 1001, logql::Direction::kBackward);
      ASSERT_EQ(back.size(), 3u);
      EXPECT_EQ(back[0].line, "tie-0");
      // A time range inside the batches: every batch's entries in it, in order.
      const std::vector<Got> b = SelectAll(s, {M("service", MatchOp::kEqual, "b")}, 100, 200);
      size_t want = 0;
      for (int k = 0; k < 3; ++k) {
        for (const LogEntry& e : BigBatch(k)) want += e.labels == kB && e.timestamp_ns >= 100 && e.timestamp_ns < 200;
      }
      EXPECT_EQ(b.size(), want);
      EXPECT_GT(want, 0u);
      for (size_t i = 1; i < b.size(); ++i) ASSERT_LE(b[i - 1].ts, b[i].ts) << i;
    };
    check(*store);
    store.reset();
    // One block, with a section per stream per batch, or per stream.
    EXPECT_EQ(Sections(dir.path()).size(), section_bytes == 0 ? 6u : 2u);
    auto again = Store::Open(o).value();
    EXPECT_EQ(again->GetCheckpoint("file")->offset, 3);
    check(*again);
  }
}

// A BigBatch brings stream a 201 entries of 94 bytes as InternBatch counts them (62 of line,
// 32 of bookkeeping): 18,894; and stream b 100: 9,400.
TEST(StoreDeferredTest, StreamReachingSectionBytesIsCompressedWithTheBatchThatBringsIt) {
  TempDir dir;
  auto store = Store::Open(Options(dir.path(), 1 << 20, 1, 30000, 1 << 20)).value();
  uint64_t ticket = 0;
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(store->AppendDeferred(BigBatch(k), {}, ticket).ok());
  ASSERT_TRUE(store->SealDeferred().ok());
  store.reset();
  // a reaches 30,000 with the second batch (both in one section); b never does, and the
  // third batch's a waits too: both are compressed when the block is sealed (b first: its
  // stream came first).
  EXPECT_EQ(Sections(dir.path()),
            (std::vector<std::pair<std::string, uint32_t>>{{"a", 402}, {"b", 300}, {"a", 201}}));
}

// Pending, a stream also counts its last chunk of lines as full: 16,384 bytes more.
TEST(StoreDeferredTest, WaitingEntriesPastTheBufferAreCompressedBiggestStreamFirst) {
  TempDir dir;
  auto store = Store::Open(Options(dir.path(), 1 << 20, 1, 1 << 20, 45000)).value();
  uint64_t ticket = 0;
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(store->AppendDeferred(BigBatch(k), {}, ticket).ok());
  ASSERT_TRUE(store->SealDeferred().ok());
  EXPECT_EQ(store->durable_ticket(), 3u);
  const std::vector<Got> all = SelectAll(*store, {});
  EXPECT_EQ(all.size(), 3u * 301u);
  store.reset();
  // Batch 0: a 35,278 + b 25,784 > 45,000, so a (the bigger) goes. Batch 1: a 35,278 + b
  // 35,184: a goes again. Batch 2: b's 44,584 is more than a's 35,278: b goes, and a stays
  // until the seal.
  EXPECT_EQ(Sections(dir.path()),
            (std::vector<std::pair<std::string, uint32_t>>{{"a", 201}, {"a", 201}, {"b", 300}, {"a", 201}}));
}

TEST(StoreDeferredTest, FullBlockSealsItselfAndSmallBatchesWaitForTheNextSync) {
  TempDir dir;
  // About two big batches fill the open block.
  auto store = Store::Open(Options(dir.path(), 30 << 10)).value();
  uint64_t ticket = 0;
  ASSERT_TRUE(store->AppendDeferred(BigBatch(0), std::vector<Checkpoint>{{"file", "ino", 1}}, ticket).ok());
  EXPECT_EQ(store->durable_ticket(), 0u);
  ASSERT_TRUE(store->AppendDeferred(BigBatch(1), std::vector<Checkpoint>{{"file", "ino", 2}}, ticket).ok());
  EXPECT_EQ(ticket, 2u);
  EXPECT_EQ(store->durable_ticket(), 2u);
  EXPECT_EQ(store->Stats().blocks, 1u);
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 2);
  // Small batches go through the WAL (into the head), not fdatasync'ed: durable at the
  // next sync.
  for (int k = 3; k <= 4; ++k) {
    ASSERT_TRUE(store->AppendDeferred(std::vector<LogEntry>{Entry(kA, 5000 + k, "small")},
                                      std::vector<Checkpoint>{{"file", "ino", k}}, ticket)
                    .ok());
    EXPECT_EQ(ticket, static_cast<uint64_t>(k));
    EXPECT_EQ(store->durable_ticket(), 2u);
  }
  EXPECT_EQ(store->Stats().head_entries, 2u);
  EXPECT_GT(store->Stats().wal_bytes, 0u);
  ASSERT_TRUE(store->SealDeferred().ok());
  EXPECT_EQ(store->durable_ticket(), 4u);
  EXPECT_EQ(store->Stats().blocks, 1u);  // synced, not sealed
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 4);
  // An Append syncs too, and with it the deferred records before it.
  ASSERT_TRUE(store->AppendDeferred(std::vector<LogEntry>{Entry(kA, 6000, "small")},
                                    std::vector<Checkpoint>{{"file", "ino", 5}}, ticket)
                  .ok());
  EXPECT_EQ(store->durable_ticket(), 4u);
  ASSERT_TRUE(store->Append(std::vector<LogEntry>{Entry(kB, 6001, "durable")}).ok());
  EXPECT_EQ(store->durable_ticket(), 5u);
}

// A WAL record must not commit checkpoints past batches that are only in the open block: an
// Append through the WAL seals the open block first.
TEST(StoreDeferredTest, WalAppendSealsTheOpenBlockFirst) {
  TempDir dir;
  const StoreOptions o = Options(dir.path(), 1 << 20);
  auto store = Store::Open(o).value();
  uint64_t ticket = 0;
  ASSERT_TRUE(store->AppendDeferred(BigBatch(0), std::vector<Checkpoint>{{"file", "ino", 1}}, ticket).ok());
  EXPECT_EQ(store->durable_ticket(), 0u);
  ASSERT_TRUE(store->Append(std::vector<LogEntry>{Entry(kB, 7000, "small")},
                            std::vector<Checkpoint>{{"file", "ino", 2}})
                  .ok());
  EXPECT_EQ(store->durable_ticket(), 1u);
  EXPECT_EQ(store->Stats().blocks, 1u);
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 2);
  store.reset();
  auto again = Store::Open(o).value();
  EXPECT_EQ(again->GetCheckpoint("file")->offset, 2);
  EXPECT_EQ(SelectAll(*again, {}).size(), 302u);
}

// The process dies with batches in the open block: they are gone after a restart, and so are
// their checkpoints; what was committed before is there once, and the half-written block is
// removed.
class StoreDeferredCrashTest : public ::testing::TestWithParam<size_t> {};

TEST_P(StoreDeferredCrashTest, CrashLosesTheOpenBlockWithItsCheckpoints) {
  TempDir dir;
  const StoreOptions o = Options(dir.path(), 1 << 20, 1, GetParam(), 1 << 20);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(o);
    if (!store.ok()) ::_exit(3);
    if (!(*store)->Append(BigBatch(0), std::vector<Checkpoint>{{"file", "ino", 1}}).ok()) ::_exit(4);
    uint64_t ticket = 0;
    if (!(*store)->AppendDeferred(BigBatch(1), std::vector<Checkpoint>{{"file", "ino", 2}}, ticket).ok()) {
      ::_exit(5);
    }
    ::_exit(CountFiles(o.dir, ".tmp") == 1 ? 0 : 6);  // no Close, no destructor: as kill -9
  }
  ASSERT_NO_FATAL_FAILURE(ExpectExitedWithZero(pid));
  auto store = Store::Open(o).value();
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 1);
  const std::vector<Got> all = SelectAll(*store, {});
  ASSERT_EQ(all.size(), 301u);
  for (const Got& g : all) EXPECT_EQ(g.line[0] == 't' ? g.line.back() : g.line[0], '0') << g.line;
  EXPECT_EQ(CountFiles(dir.path(), ".tmp"), 0u);
}

// section_bytes 0: the batch is in the open block's file; 1 MiB: it waits in memory.
INSTANTIATE_TEST_SUITE_P(SectionBytes, StoreDeferredCrashTest, ::testing::Values(0, 1 << 20));

// A small batch of a writer catching up (backlog): 20 entries of about 50 bytes.
std::vector<LogEntry> SmallBatch(int k) {
  std::vector<LogEntry> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(Entry(i % 2 ? kA : kB, 100 * k + i, fmt::format("{}-{:040}", k, i)));
  return batch;
}

// Backlog batches go into the head without a WAL record: seen by queries at once, committed
// with their checkpoints when they are sealed or logged; SealDeferred logs them in one
// record (a writer that catches up often must not make a block each time).
TEST(StoreDeferredBacklogTest, SmallBatchesSkipTheWalUntilSealDeferredLogsThemInOneRecord) {
  TempDir dir;
  auto store = Store::Open(Options(dir.path(), 1 << 20)).value();
  uint64_t ticket = 0;
  for (int k = 1; k <= 2; ++k) {
    ASSERT_TRUE(store->AppendDeferred(SmallBatch(k), std::vector<Checkpoint>{{"file", "ino", k}}, ticket, true).ok());
    EXPECT_EQ(ticket, static_cast<uint64_t>(k));
  }
  EXPECT_EQ(store->durable_ticket(), 0u);
  EXPECT_EQ(store->Stats().wal_bytes, 0u);
  EXPECT_EQ(store->Stats().head_entries, 40u);
  EXPECT_FALSE(store->GetCheckpoint("file").has_value());
  EXPECT_EQ(SelectAll(*store, {}).size(), 40u);
  ASSERT_TRUE(store->SealDeferred().ok());
  EXPECT_EQ(store->durable_ticket(), 2u);
  EXPECT_EQ(store->Stats().blocks, 0u);
  EXPECT_GT(store->Stats().wal_bytes, 0u);
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 2);
  // Logged once: more backlog batches go on without a record, and a restart finds the
  // logged ones (the WAL holds them) but not the rest.
  const uint64_t wal_bytes = store->Stats().wal_bytes;
  ASSERT_TRUE(store->AppendDeferred(SmallBatch(3), std::vector<Checkpoint>{{"file", "ino", 3}}, ticket, true).ok());
  EXPECT_EQ(store->Stats().wal_bytes, wal_bytes);
  EXPECT_EQ(store->Stats().head_entries, 60u);
  ASSERT_TRUE(store->SealDeferred().ok());
  EXPECT_GT(store->Stats().wal_bytes, wal_bytes);
  store.reset();
  auto again = Store::Open(Options(dir.path(), 1 << 20)).value();
  EXPECT_EQ(again->GetCheckpoint("file")->offset, 3);
  EXPECT_EQ(SelectAll(*again, {}).size(), 60u);
}

// The batch that fills the head (16 KiB of lines here) is sealed with it, durable at once.
TEST(StoreDeferredBacklogTest, BatchThatFillsTheHeadIsSealedWithIt) {
  TempDir dir;
  auto store = Store::Open(Options(dir.path(), 1 << 20)).value();
  uint64_t ticket = 0;
  int k = 0;
  while (store->Stats().blocks == 0) {
    ++k;
    ASSERT_TRUE(store->AppendDeferred(SmallBatch(k), std::vector<Checkpoint>{{"file", "ino", k}}, ticket, true).ok());
    ASSERT_LT(k, 100);
  }
  EXPECT_GT(k, 1);
  EXPECT_EQ(store->durable_ticket(), static_cast<uint64_t>(k));
  EXPECT_EQ(store->GetCheckpoint("file")->offset, k);
  EXPECT_EQ(store->Stats().wal_bytes, 0u);
  EXPECT_EQ(SelectAll(*store, {}).size(), 20u * k);
}

// A batch through the WAL (cut by time, or an Append) must not commit checkpoints past the
// unlogged batches before it: their record is written first.
TEST(StoreDeferredBacklogTest, WalRecordLogsTheUnloggedBatchesFirst) {
  TempDir dir;
  const StoreOptions o = Options(dir.path(), 1 << 20);
  auto store = Store::Open(o).value();
  uint64_t ticket = 0;
  ASSERT_TRUE(store->AppendDeferred(SmallBatch(1), std::vector<Checkpoint>{{"file", "ino", 1}}, ticket, true).ok());
  EXPECT_EQ(store->Stats().wal_bytes, 0u);
  ASSERT_TRUE(store->AppendDeferred(SmallBatch(2), std::vector<Checkpoint>{{"file", "ino", 2}}, ticket, false).ok());
  EXPECT_EQ(ticket, 2u);
  EXPECT_EQ(store->durable_ticket(), 0u);  // both are in the WAL, not synced yet
  EXPECT_EQ(store->Stats().blocks, 0u);
  EXPECT_GT(store->Stats().wal_bytes, 0u);
  ASSERT_TRUE(store->SealDeferred().ok());
  EXPECT_EQ(store->durable_ticket(), 2u);
  store.reset();
  auto again = Store::Open(o).value();
  EXPECT_EQ(again->GetCheckpoint("file")->offset, 2);
  EXPECT_EQ(SelectAll(*again, {}).size(), 40u);
}

// The process dies with backlog batches in the head: after a restart they are gone with
// their checkpoints, and what was committed before them is there once.
TEST(StoreDeferredBacklogTest, CrashLosesTheUnloggedBatchesWithTheirCheckpoints) {
  TempDir dir;
  const StoreOptions o = Options(dir.path(), 1 << 20);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(o);
    uint64_t ticket = 0;
    if (!store.ok()) ::_exit(3);
    if (!(*store)->AppendDeferred(SmallBatch(1), std::vector<Checkpoint>{{"file", "ino", 1}}, ticket, true).ok() ||
        !(*store)->SealDeferred().ok()) {
      ::_exit(4);
    }
    const uint64_t wal_bytes = (*store)->Stats().wal_bytes;
    for (int k = 2; k <= 3; ++k) {
      if (!(*store)->AppendDeferred(SmallBatch(k), std::vector<Checkpoint>{{"file", "ino", k}}, ticket, true).ok()) {
        ::_exit(5);
      }
    }
    const StoreStats stats = (*store)->Stats();
    ::_exit(stats.head_entries == 60 && stats.wal_bytes == wal_bytes ? 0 : 6);  // no Close, no destructor: as kill -9
  }
  ASSERT_NO_FATAL_FAILURE(ExpectExitedWithZero(pid));
  auto store = Store::Open(o).value();
  EXPECT_EQ(store->GetCheckpoint("file")->offset, 1);
  const std::vector<Got> all = SelectAll(*store, {});
  ASSERT_EQ(all.size(), 20u);
  for (const Got& g : all) EXPECT_EQ(g.line[0], '1') << g.line;
}

}  // namespace
}  // namespace remediator::store
