// The shipper into the store alone (pipelined: batches are committed on the store sink's
// thread while the next one is read) is exactly-once across kill -9: a child ships a file and
// is killed mid-file; a second run resumes from the store's checkpoint, and the store then
// holds every line exactly once. And a file replaced while the shipper was down is read from
// its start (the checkpoint's identity names the old file).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/yaml_config.h"
#include "pipeline/shipper.h"
#include "pipeline/sinks/store_sink.h"
#include "store/store_test_util.h"

namespace remediator::pipeline {
namespace {

namespace fs = std::filesystem;
using store::testing::SelectAll;
using store::testing::TempDir;

PromtailConfig Config(const std::string& dir) {
  const std::string yaml = fmt::format(R"(
positions: {{filename: {0}/positions.yaml}}
scrape_configs:
  - job_name: app
    static_configs:
      - targets: [localhost]
        labels: {{job: app, __path__: {0}/app.log}}
    pipeline_stages:
      - regex: {{expression: '^(?P<n>\d+) (?P<kind>\w+)'}}
      - labels: {{kind: }}
)",
                                       dir);
  Result<YAML::Node> node = ParseYaml(yaml, dir + "/promtail.yml");
  EXPECT_TRUE(node.ok());
  Result<PromtailConfig> c = ParsePromtailConfig(*node, ConfigContext{dir + "/promtail.yml"}, true);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

// Ships everything under `dir` into the store at dir/store, small batches and blocks; with
// `deferred_block_bytes`, the batches share open blocks of that size (Store::AppendDeferred),
// and with `section_bytes` their lines wait in memory to become sections of that size.
store::StoreOptions SmallStore(const std::string& dir, size_t deferred_block_bytes, size_t section_bytes) {
  store::StoreOptions so;
  so.dir = dir + "/store";
  so.block_bytes = 64 << 10;
  so.deferred_block_bytes = deferred_block_bytes;
  so.section_bytes = section_bytes;
  so.section_buffer_bytes = 2 * section_bytes;
  return so;
}

// Batches of 1000 entries or `batch_bytes`, read 16 KiB per file per round.
ShipperOptions SmallBatches(sinks::StoreSink& sink, int64_t batch_bytes) {
  ShipperOptions o;
  o.store_sink = &sink;
  o.batch_entries = 1000;
  o.batch_bytes = batch_bytes;
  o.read_budget_per_file = 16 << 10;
  return o;
}

Status ShipOnce(const std::string& dir, size_t deferred_block_bytes = 0, size_t section_bytes = 0,
                int64_t batch_bytes = 32 << 10) {
  REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> st,
                              store::Store::Open(SmallStore(dir, deferred_block_bytes, section_bytes)));
  sinks::StoreSink sink(*st);
  const ShipperOptions o = SmallBatches(sink, batch_bytes);
  SystemClock clock;
  const PromtailConfig config = Config(dir);
  REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<Shipper> shipper,
                              Shipper::Create(config, {&sink}, clock, nullptr, o));
  REMEDIATOR_RETURN_IF_ERROR(shipper->RunOnce());
  shipper.reset();
  return st->Close();
}

// Line number -> how many times the store holds it.
std::map<int, int> Stored(const std::string& dir) {
  store::StoreOptions so;
  so.dir = dir + "/store";
  so.read_only = true;
  std::map<int, int> seen;
  auto st = store::Store::Open(so);
  EXPECT_TRUE(st.ok()) << st.status().ToString();
  if (!st.ok()) return seen;
  for (const auto& g : SelectAll(**st, {})) ++seen[std::stoi(g.line)];
  return seen;
}

void WriteLines(const std::string& path, int from, int to, std::string_view tag) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  for (int i = from; i < to; ++i) out << fmt::format("{} {} {}\n", i, i % 3 ? "odd" : "even", tag);
}

TEST(StoreExactlyOnceTest, KillNineMidFileThenResumeStoresEveryLineOnce) {
  constexpr int kLines = 40000;
  // Rounds 0 and 1: a block per batch; round 2: batches share blocks of 160 KiB of lines
  // (about five batches), so the kill also lands while batches sit in an open block; round
  // 3: and their lines wait in memory to become sections of 80 KiB (about two batches);
  // round 4: batches of 8 KiB, too small for the open block, go into the head without a WAL
  // record (backlog), so the kill also lands while they sit there uncommitted.
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE(round);
    const size_t deferred = round >= 2 ? 160 << 10 : 0;
    const size_t section_bytes = round == 3 ? 80 << 10 : 0;
    const int64_t batch_bytes = round == 4 ? 8 << 10 : 32 << 10;
    TempDir dir;
    WriteLines(dir.path() + "/app.log", 0, kLines, "padding-padding-padding-padding-padding");
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Status st = ShipOnce(dir.path(), deferred, section_bytes, batch_bytes);
      ::_exit(st.ok() ? 0 : 3);
    }
    // Kill it once it has sealed a few blocks (mid-file: the file makes about 70, or 15).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    size_t blocks = 0;
    const size_t wanted = round >= 2 ? 4 : 3 + 5 * round;
    while (blocks < wanted && std::chrono::steady_clock::now() < deadline) {
      blocks = 0;
      std::error_code ec;
      for (auto& f : fs::directory_iterator(dir.path() + "/store", ec)) blocks += f.path().extension() == ".blk";
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child ended before the kill with " << WEXITSTATUS(status);
    if (round == 4) {  // nothing went through the WAL
      std::error_code ec;
      for (auto& f : fs::directory_iterator(dir.path() + "/store", ec)) {
        if (f.path().extension() == ".log") {
          EXPECT_EQ(fs::file_size(f.path()), 0u) << f.path();
        }
      }
    }
    const std::map<int, int> partial = Stored(dir.path());
    EXPECT_GT(partial.size(), 0u);
    EXPECT_LT(partial.size(), static_cast<size_t>(kLines));

    Status st = ShipOnce(dir.path(), deferred, section_bytes, batch_bytes);
    ASSERT_TRUE(st.ok()) << st.ToString();
    const std::map<int, int> all = Stored(dir.path());
    ASSERT_EQ(all.size(), static_cast<size_t>(kLines));
    for (const auto& [n, times] : all) ASSERT_EQ(times, 1) << "line " << n;
  }
}

TEST(StoreExactlyOnceTest, FileReplacedWhileDownIsReadFromItsStart) {
  TempDir dir;
  const std::string path = dir.path() + "/app.log";
  WriteLines(path, 0, 100, "first");
  ASSERT_TRUE(ShipOnce(dir.path()).ok());
  // Rotated away while down; the new file is longer than the old one's checkpoint.
  fs::rename(path, path + ".1");
  WriteLines(path, 100, 300, "second");
  ASSERT_TRUE(ShipOnce(dir.path()).ok());
  const std::map<int, int> all = Stored(dir.path());
  ASSERT_EQ(all.size(), 300u);
  for (const auto& [n, times] : all) ASSERT_EQ(times, 1) << "line " << n;
}

// Batches committed into the store's open block are not durable yet: the positions (and the
// store's checkpoints) must not move past them until the block is sealed, which the shipper
// asks for once it has caught up. Step-driven: the invariant is checked after every round.
TEST(StoreExactlyOnceTest, PositionsWaitUntilTheOpenBlockIsSealed) {
  TempDir dir;
  const std::string path = dir.path() + "/app.log";
  WriteLines(path, 0, 3000, "padding-padding-padding-padding-padding");
  const int64_t size = static_cast<int64_t>(fs::file_size(path));
  const store::StoreOptions so = SmallStore(dir.path(), 16 << 20, 0);  // never full here
  auto st = store::Store::Open(so).value();
  sinks::StoreSink sink(*st);
  // Batches of 1000 lines or a bit more (big enough to skip the WAL). The clock stands still
  // until the file is read: no batch is cut by age before.
  const ShipperOptions o = SmallBatches(sink, 1 << 20);
  FakeClock clock(1'700'000'000'000'000'000);
  const PromtailConfig config = Config(dir.path());
  auto shipper = Shipper::Create(config, {&sink}, clock, nullptr, o).value();
  bool saw_undurable = false;
  auto step_until_idle = [&] {
    for (int round = 0; round < 1000; ++round) {
      Result<bool> worked = shipper->Step();
      ASSERT_TRUE(worked.ok()) << worked.status().ToString();
      if (st->durable_ticket() == 0) {
        ASSERT_LE(shipper->positions().Get(path), 0) << "round " << round;
        ASSERT_FALSE(st->GetCheckpoint(path).has_value());
        saw_undurable |= fs::exists(so.dir + "/blk-0000000000000001.blk.tmp");
      }
      if (!*worked) return;
    }
  };
  step_until_idle();
  // The file is read; the last, partial batch waits for its age. Then it goes in, and with
  // nothing left batched the shipper has the store seal the open block.
  EXPECT_EQ(st->durable_ticket(), 0u);
  clock.Advance(2 * kNanosPerSecond);
  step_until_idle();
  EXPECT_TRUE(saw_undurable);  // batches did sit in the open block
  EXPECT_EQ(shipper->positions().Get(path), size);
  ASSERT_TRUE(st->GetCheckpoint(path).has_value());
  EXPECT_EQ(st->GetCheckpoint(path)->offset, size);
  EXPECT_EQ(st->Stats().blocks, 1u);  // every batch in one block
  EXPECT_EQ(st->Stats().block_entries, 3000u);
}

}  // namespace
}  // namespace remediator::pipeline
