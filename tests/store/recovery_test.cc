// Crash recovery: a WAL cut or damaged at every offset, damaged block files, and a real
// child process killed with SIGKILL while appending.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "store/file_util.h"
#include "store/framing.h"
#include "store/log_format.h"
#include "store/section.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace remediator::store {
namespace {

namespace fs = std::filesystem;
using testing::Entry;
using testing::SelectAll;
using testing::TempDir;

const Labels kA = MakeLabels({{"job", "a"}});
const Labels kB = MakeLabels({{"job", "b"}});

std::string FileWith(const std::string& dir, std::string_view ext) {
  for (auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() == ext) return f.path().string();
  }
  return "";
}

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Writes batches i = 0..n-1 (one entry each, alternating streams, checkpoint offset i+1)
// and returns the WAL bytes and the WAL size after each batch.
struct WalImage {
  std::string bytes;
  std::vector<size_t> ends;
};
WalImage MakeWal(const std::string& dir, int n, const std::string& pad = "") {
  StoreOptions o;
  o.dir = dir;
  auto store = Store::Open(o).value();
  WalImage img;
  for (int i = 0; i < n; ++i) {
    std::vector<LogEntry> batch = {Entry(i % 2 ? kB : kA, i, fmt::format("line {}{}", i, pad))};
    std::vector<Checkpoint> cps = {{"f", "id", i + 1}};
    EXPECT_TRUE(store->Append(batch, cps).ok());
    img.ends.push_back(store->Stats().wal_bytes);
  }
  const std::string wal = FileWith(dir, ".log");
  img.bytes = ReadWholeFile(wal).value();
  // Simulate a crash: no Close, no seal, no destructor. The store is kept, not leaked, so
  // that LeakSanitizer (`make asan`) does not count it.
  static std::vector<std::unique_ptr<Store>> crashed;
  crashed.push_back(std::move(store));
  return img;
}

// A store in `dir` holding one entry of kA, sealed into a block (by Close).
void WriteOneSealedEntry(const std::string& dir) {
  StoreOptions o;
  o.dir = dir;
  auto store = Store::Open(o).value();
  ASSERT_TRUE(store->Append(std::vector{Entry(kA, 1, "one")}).ok());
  ASSERT_TRUE(store->Close().ok());
}

// Reopens `dir` and checks it holds exactly batches 0..k-1 and checkpoint k, for some k.
int CheckPrefix(const std::string& dir, const std::string& pad = "") {
  StoreOptions o;
  o.dir = dir;
  auto opened = Store::Open(o);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return -1;
  auto& store = *opened.value();
  auto got = SelectAll(store, {});
  std::sort(got.begin(), got.end(), [](auto& x, auto& y) { return x.ts < y.ts; });
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].ts, static_cast<int64_t>(i));
    EXPECT_EQ(got[i].line, fmt::format("line {}{}", i, pad));
  }
  const auto cp = store.GetCheckpoint("f");
  EXPECT_EQ(cp.has_value() ? cp->offset : 0, static_cast<int64_t>(got.size()));
  // The store stays writable after recovery and the next record lands after the good prefix.
  EXPECT_TRUE(store.Append(std::vector{Entry(kA, 1000, "after")}).ok());
  return static_cast<int>(got.size());
}

TEST(RecoveryTest, WalTruncatedAtEveryOffsetKeepsAWholeBatchPrefix) {
  TempDir src;
  const WalImage img = MakeWal(src.path(), 4);
  for (size_t cut = 0; cut <= img.bytes.size(); ++cut) {
    TempDir dir;
    WriteFile(dir.path() + "/wal-0000000000000001.log", std::string_view(img.bytes).substr(0, cut));
    const int k = CheckPrefix(dir.path());
    int want = 0;
    while (want < 4 && img.ends[static_cast<size_t>(want)] <= cut) ++want;
    ASSERT_EQ(k, want) << "cut at " << cut;
    // Reopening again gives the same prefix plus the entry written after recovery.
    StoreOptions o;
    o.dir = dir.path();
    auto again = Store::Open(o).value();
    ASSERT_EQ(SelectAll(*again, {}).size(), static_cast<size_t>(want + 1)) << "cut at " << cut;
  }
}

// Records of 4 KiB and more are stored zstd-compressed; cut and damage those too.
TEST(RecoveryTest, CompressedWalRecordsCutOrDamagedAnywhere) {
  std::string pad(6000, ' ');
  for (size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<char>('a' + (i * 7919) % 26);
  TempDir src;
  const WalImage img = MakeWal(src.path(), 3, pad);
  ASSERT_LT(img.bytes.size(), 3 * pad.size());  // they were compressed
  for (size_t at = 0; at <= img.bytes.size(); at += 3) {
    for (int mode = 0; mode < 2; ++mode) {
      if (mode == 1 && at == img.bytes.size()) continue;
      TempDir dir;
      std::string bad = mode == 0 ? img.bytes.substr(0, at) : img.bytes;
      if (mode == 1) bad[at] = static_cast<char>(bad[at] ^ 0x5A);
      WriteFile(dir.path() + "/wal-0000000000000001.log", bad);
      const int k = CheckPrefix(dir.path(), pad);
      int want = 0;
      if (mode == 0) {
        while (want < 3 && img.ends[static_cast<size_t>(want)] <= at) ++want;
      } else {
        while (img.ends[static_cast<size_t>(want)] <= at) ++want;
      }
      ASSERT_EQ(k, want) << "offset " << at << " mode " << mode;
    }
  }
}

TEST(RecoveryTest, WalWithADamagedByteAtEveryOffsetKeepsThePrefixBeforeIt) {
  TempDir src;
  const WalImage img = MakeWal(src.path(), 4);
  for (size_t at = 0; at < img.bytes.size(); ++at) {
    TempDir dir;
    std::string bad = img.bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    WriteFile(dir.path() + "/wal-0000000000000001.log", bad);
    const int k = CheckPrefix(dir.path());
    int want = 0;
    while (img.ends[static_cast<size_t>(want)] <= at) ++want;
    ASSERT_EQ(k, want) << "byte " << at;
  }
}

TEST(RecoveryTest, DamagedBlockIsSetAsideAndNeverCrashes) {
  TempDir src;
  {
    StoreOptions o;
    o.dir = src.path();
    auto store = Store::Open(o).value();
    std::vector<LogEntry> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(Entry(i % 2 ? kA : kB, i, fmt::format("l{}", i)));
    ASSERT_TRUE(store->Append(batch).ok());
    ASSERT_TRUE(store->Close().ok());
  }
  const std::string blk = FileWith(src.path(), ".blk");
  ASSERT_FALSE(blk.empty());
  const std::string image = ReadWholeFile(blk).value();
  const std::string name = fs::path(blk).filename().string();
  for (size_t at = 0; at < image.size(); ++at) {
    for (int mode = 0; mode < 2; ++mode) {  // 0: flip a byte, 1: truncate there
      TempDir dir;
      std::string bad = mode == 0 ? image : image.substr(0, at);
      if (mode == 0) bad[at] = static_cast<char>(bad[at] ^ 0x21);
      WriteFile(dir.path() + "/" + name, bad);
      StoreOptions o;
      o.dir = dir.path();
      auto store = Store::Open(o);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      logql::StreamSelection sel;
      sel.start_ns = INT64_MIN;
      sel.end_ns = INT64_MAX;
      size_t n = 0;
      Status st = (*store)->Select(sel, [&](const Labels&, logql::EntryCursor& c) {
        logql::EntryView v;
        while (c.Next(v)) ++n;
        return Status::Ok();
      });
      // Either the damage is caught (block set aside, or a section read reports DataLoss)
      // or it hit bytes that do not matter and everything reads back.
      if (st.ok()) {
        EXPECT_TRUE(n == 20 || (*store)->Stats().damaged_blocks == 1) << "byte " << at << " mode " << mode;
      } else {
        EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
      }
    }
  }
}

TEST(RecoveryTest, LeftoversOfAnInterruptedSealAreCleanedUp) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(WriteOneSealedEntry(dir.path()));
  // A crash after the block was renamed but before the old WAL was deleted: that WAL is
  // obsolete and must not be replayed again. And a half-written block (.tmp) is dropped.
  const std::string blk = FileWith(dir.path(), ".blk");
  WalImage img;
  {
    TempDir other;
    img = MakeWal(other.path(), 1);
  }
  WriteFile(dir.path() + "/wal-0000000000000001.log", img.bytes);
  WriteFile(dir.path() + "/blk-0000000000000009.blk.tmp", "partial");
  StoreOptions o;
  o.dir = dir.path();
  auto store = Store::Open(o).value();
  auto got = SelectAll(*store, {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].line, "one");
  EXPECT_FALSE(fs::exists(dir.path() + "/blk-0000000000000009.blk.tmp"));
  EXPECT_FALSE(fs::exists(dir.path() + "/wal-0000000000000001.log"));
}

// A child appends batches with checkpoints as fast as it can (sealing now and then) and is
// killed with SIGKILL; the reopened store must hold exactly the entries its checkpoint claims.
TEST(RecoveryTest, SigkillMidWriteLosesNothingCommittedAndDuplicatesNothing) {
  for (int round = 0; round < 2; ++round) {
    TempDir dir;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      StoreOptions o;
      o.dir = dir.path();
      o.block_bytes = 32 << 10;
      auto store = Store::Open(o);
      if (!store.ok()) ::_exit(3);
      for (int64_t i = 0;; i += 10) {
        std::vector<LogEntry> batch;
        for (int64_t k = i; k < i + 10; ++k) batch.push_back(Entry(k % 3 ? kA : kB, k, fmt::format("entry {}", k)));
        std::vector<Checkpoint> cps = {{"file", "ino", i + 10}};
        if (!(*store)->Append(batch, cps).ok()) ::_exit(4);
      }
    }
    // Let it run until it has sealed a few blocks, then kill it mid-write.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    size_t blocks = 0;
    while (blocks < static_cast<size_t>(2 + round) && std::chrono::steady_clock::now() < deadline) {
      blocks = 0;
      for (auto& f : fs::directory_iterator(dir.path())) blocks += f.path().extension() == ".blk";
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
    StoreOptions o;
    o.dir = dir.path();
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const auto cp = (*store)->GetCheckpoint("file");
    ASSERT_TRUE(cp.has_value());
    auto got = SelectAll(**store, {});
    std::sort(got.begin(), got.end(), [](auto& x, auto& y) { return x.ts < y.ts; });
    ASSERT_EQ(static_cast<int64_t>(got.size()), cp->offset);
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].ts, static_cast<int64_t>(i));
  }
}

// store_open_fuzz: a WAL frame of a few bytes whose zstd header declares 256 MiB made
// recovery allocate and zero all of it (seconds under ASan, 256 MiB of RSS) before finding
// the frame empty. It is a torn tail like any other, and memory follows what decompresses.
TEST(RecoveryTest, CompressedRecordDeclaringAHugeSizeIsCutWithoutAllocatingIt) {
  // zstd frame: magic, single segment with a 4-byte content size (256 MiB), one empty raw block.
  const std::string bomb("\x28\xb5\x2f\xfd\xa0\x00\x00\x00\x10\x01\x00\x00", 12);
  std::string out;
  EXPECT_EQ(Decompress(bomb, kMaxRecordSize, out).code(), StatusCode::kDataLoss);
  EXPECT_LT(out.capacity(), 4u << 20);
  // Records bigger than the first buffer (and than a one-segment frame) still decompress.
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  std::string compressed;
  ASSERT_TRUE(Compress(big, kWalZstdLevel, compressed).ok());  // as the WAL writes them
  ASSERT_TRUE(Decompress(compressed, kMaxRecordSize, out).ok());
  EXPECT_TRUE(out == big);
  EXPECT_EQ(Decompress(compressed, big.size() - 1, out).code(), StatusCode::kDataLoss);
  EXPECT_EQ(Decompress(std::string_view(compressed).substr(0, compressed.size() - 1), kMaxRecordSize, out).code(),
            StatusCode::kDataLoss);

  TempDir src, dir;
  const WalImage img = MakeWal(src.path(), 2);
  std::string wal = img.bytes;
  AppendFramed(wal, std::string(1, static_cast<char>(WalRecordType::kCompressed)) + bomb);
  WriteFile(dir.path() + "/wal-0000000000000001.log", wal);
  EXPECT_EQ(CheckPrefix(dir.path()), 2);
}

// store_open_fuzz: a block file named blk-ffffffffffffffff.blk made the next WAL number wrap
// around to 0: the store opened, wrote its WAL and next block below that block, and lost
// them (deleted as obsolete, or its checkpoints shadowed by the older block's) at the next
// start. Such a store is refused; one that reaches the last number refuses to seal.
TEST(RecoveryTest, NoSequenceNumberWrapsAroundPastTheLast) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(WriteOneSealedEntry(dir.path()));
  const std::string blk = FileWith(dir.path(), ".blk");
  const std::string image = ReadWholeFile(blk).value();
  StoreOptions o;
  o.dir = dir.path();
  WriteFile(dir.path() + "/blk-ffffffffffffffff.blk", image);
  auto refused = Store::Open(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition) << refused.status().ToString();
  // The last number is left for the WAL: appends go there, sealing fails, nothing is lost.
  fs::rename(dir.path() + "/blk-ffffffffffffffff.blk", dir.path() + "/blk-fffffffffffffffe.blk");
  {
    auto store = Store::Open(o).value();
    const std::vector<Checkpoint> cps = {{"f", "id", 7}};
    ASSERT_TRUE(store->Append(std::vector{Entry(kB, 2, "two")}, cps).ok());
    EXPECT_EQ(store->Seal().code(), StatusCode::kFailedPrecondition);
    EXPECT_FALSE(store->Close().ok());
  }
  EXPECT_TRUE(fs::exists(dir.path() + "/wal-ffffffffffffffff.log"));
  auto store = Store::Open(o).value();
  EXPECT_EQ(SelectAll(*store, {}).size(), 3u);  // "one" twice (the copied block), "two"
  const auto cp = store->GetCheckpoint("f");
  EXPECT_EQ(cp.has_value() ? cp->offset : 0, 7);
}

}  // namespace
}  // namespace remediator::store
