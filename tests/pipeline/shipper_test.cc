// The shipper end to end on real files: discovery, rotation of both kinds, truncation,
// deletion, restart from the positions file, and at-least-once delivery through a sink that
// fails. Time is a FakeClock; nothing sleeps.
#include "pipeline/shipper.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/yaml_config.h"

namespace remediator::pipeline {
namespace {

namespace fs = std::filesystem;

class RecordingSink final : public Sink {
 public:
  std::string_view name() const override { return "recorder"; }
  Status Send(std::span<const LogEntry> batch) override {
    ++calls;
    if (fail_next > 0) {
      --fail_next;
      return Unavailable("receiver down");
    }
    if (reject_next > 0) {
      --reject_next;
      return InvalidArgument("bad batch");
    }
    for (const LogEntry& e : batch) entries.push_back(e);
    batch_sizes.push_back(batch.size());
    return Status::Ok();
  }
  std::vector<std::string> Lines() const {
    std::vector<std::string> out;
    for (const LogEntry& e : entries) out.push_back(e.line);
    return out;
  }
  std::vector<LogEntry> entries;
  std::vector<size_t> batch_sizes;  // of the accepted batches
  int calls = 0;
  int fail_next = 0;
  int reject_next = 0;
};

class ShipperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = fs::path(tmp ? tmp : "/tmp") / fmt::format("shipper_test_{}_{}", ::getpid(), counter_++);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "logs");
  }
  void TearDown() override { fs::remove_all(dir_); }

  PromtailConfig Config(const std::string& stages = "[]", const std::string& extra = "") {
    std::string yaml = fmt::format(R"(
positions: {{filename: positions.yaml, sync_period: 1s}}
target_config: {{sync_period: 1s}}
{}
scrape_configs:
  - job_name: app
    static_configs:
      - targets: [localhost]
        labels: {{job: app, __path__: logs/*.log, __path_exclude__: logs/skip*.log}}
    pipeline_stages: {}
)",
                                   extra, stages);
    std::string file = (dir_ / "promtail.yml").string();
    Result<YAML::Node> node = ParseYaml(yaml, file);
    EXPECT_TRUE(node.ok());
    Result<PromtailConfig> c = ParsePromtailConfig(*node, ConfigContext{file}, true);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }

  std::unique_ptr<Shipper> Make(const PromtailConfig& c, Sink* sink, int64_t batch_entries = INT64_MAX,
                                size_t read_budget = 256 * 1024) {
    ShipperOptions o;
    o.batch_entries = batch_entries;
    o.read_budget_per_file = read_budget;
    o.batch_wait_ns = kNanosPerSecond;
    o.batch_bytes = 1 << 20;
    o.retry_min_ns = kNanosPerSecond;
    o.retry_max_ns = 4 * kNanosPerSecond;
    o.tailer.partial_line_timeout_ns = 5 * kNanosPerSecond;
    Result<std::unique_ptr<Shipper>> s = Shipper::Create(c, {sink}, clock_, &metrics_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }

  void Append(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ / "logs" / name, std::ios::app | std::ios::binary);
    out << text;
  }

  // Steps, advancing the clock past batchwait, until nothing more happens.
  void Drain(Shipper& s) {
    for (int i = 0; i < 50; ++i) {
      Result<bool> worked = s.Step();
      ASSERT_TRUE(worked.ok()) << worked.status().ToString();
      clock_.Advance(2 * kNanosPerSecond);
      Result<bool> again = s.Step();
      ASSERT_TRUE(again.ok());
      if (!*worked && !*again) return;
    }
  }

  fs::path dir_;
  static inline int counter_ = 0;
  FakeClock clock_{1'700'000'000'000'000'000};
  ShipMetrics metrics_;
};

TEST_F(ShipperTest, ReadsLinesWithLabelsAndFilename) {
  Append("a.log", "one\ntwo\n");
  Append("skip-me.log", "excluded\n");
  RecordingSink sink;
  auto s = Make(Config(), &sink);
  Drain(*s);
  ASSERT_EQ(sink.Lines(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(LabelValue(sink.entries[0].labels, "job"), "app");
  EXPECT_EQ(LabelValue(sink.entries[0].labels, "filename"), (dir_ / "logs" / "a.log").string());
  EXPECT_EQ(sink.entries[0].timestamp_ns, 1'700'000'000'000'000'000);
}

TEST_F(ShipperTest, BatchesAreCutAtTheEntryCap) {
  std::string text;
  for (int i = 0; i < 12; ++i) text += fmt::format("l{:02}\n", i);  // 4 bytes a line
  Append("a.log", text);
  // Steps at one instant (batchwait never expires), reading 2 lines each: only the cap cuts.
  auto step_in_place = [](Shipper& s) {
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.Step().ok());
  };
  RecordingSink capped;
  auto s = Make(Config(), &capped, /*batch_entries=*/3, /*read_budget=*/8);
  step_in_place(*s);
  // A batch is cut after the read that reaches the cap: at most one read (2 lines) over it.
  EXPECT_EQ(capped.batch_sizes, (std::vector<size_t>{4, 4, 4}));
  ASSERT_EQ(capped.entries.size(), 12u);
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(capped.entries[i].line, fmt::format("l{:02}", i));

  // Without a cap (Promtail's behaviour) nothing is cut until batchwait passes.
  fs::remove(dir_ / "positions.yaml");
  RecordingSink uncapped;
  auto t = Make(Config(), &uncapped, INT64_MAX, /*read_budget=*/8);
  step_in_place(*t);
  EXPECT_TRUE(uncapped.batch_sizes.empty());
  Drain(*t);
  EXPECT_EQ(uncapped.batch_sizes, (std::vector<size_t>{12}));
}

TEST_F(ShipperTest, PartialLineHeldUntilNewlineOrTimeout) {
  RecordingSink sink;
  Append("a.log", "first\nsecond-part");
  auto s = Make(Config(), &sink);
  ASSERT_TRUE(s->Step().ok());
  clock_.Advance(kNanosPerSecond + 1);
  ASSERT_TRUE(s->Step().ok());
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"first"}));
  Append("a.log", "-end\nthird-partial");
  Drain(*s);
  clock_.Advance(6 * kNanosPerSecond);
  Drain(*s);  // advances the clock past the partial-line timeout too
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"first", "second-part-end", "third-partial"}));
}

TEST_F(ShipperTest, RenameCreateRotationLosesAndDuplicatesNothing) {
  RecordingSink sink;
  Append("a.log", "1\n2\n");
  auto s = Make(Config(), &sink);
  Drain(*s);
  Append("a.log", "3\n");
  fs::rename(dir_ / "logs" / "a.log", dir_ / "logs" / "a.log.1");  // not matched by *.log
  Append("a.log.1", "4\n");  // the writer still had the old file open
  Append("a.log", "5\n6\n");
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
}

TEST_F(ShipperTest, CopyTruncateRotation) {
  RecordingSink sink;
  Append("a.log", "1\n2\n");
  auto s = Make(Config(), &sink);
  Drain(*s);
  fs::copy_file(dir_ / "logs" / "a.log", dir_ / "logs" / "a.log.1");
  fs::resize_file(dir_ / "logs" / "a.log", 0);
  Append("a.log", "3\n");
  Drain(*s);
  // Truncated and rewritten past the old offset before the next poll: still noticed.
  fs::resize_file(dir_ / "logs" / "a.log", 0);
  Append("a.log", "4444444\n");
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2", "3", "4444444"}));
}

TEST_F(ShipperTest, RestartResumesFromPositions) {
  RecordingSink sink;
  Append("a.log", "1\n2\n");
  {
    auto s = Make(Config(), &sink);
    Drain(*s);
    ASSERT_TRUE(s->Flush(1).ok());
  }
  std::ifstream in(dir_ / "positions.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("positions:\n"), std::string::npos);
  EXPECT_NE(text.find("a.log\": \"4\""), std::string::npos) << text;
  Append("a.log", "3\n");
  auto s2 = Make(Config(), &sink);
  Drain(*s2);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2", "3"}));
}

TEST_F(ShipperTest, FailingSinkIsRetriedAndPositionsWait) {
  RecordingSink sink;
  sink.fail_next = 2;
  Append("a.log", "1\n2\n");
  auto s = Make(Config(), &sink);
  ASSERT_TRUE(s->Step().ok());
  clock_.Advance(kNanosPerSecond + 1);
  ASSERT_TRUE(s->Step().ok());  // cut, send fails
  EXPECT_EQ(s->positions().Get((dir_ / "logs" / "a.log").string()), -1);
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(sink.calls, 3);
  EXPECT_EQ(s->positions().Get((dir_ / "logs" / "a.log").string()), 4);
  EXPECT_EQ(metrics_.Snapshot().sinks["recorder"].entries_retried, 4u);
}

TEST_F(ShipperTest, RejectedBatchIsDroppedAndCounted) {
  RecordingSink sink;
  sink.reject_next = 1;
  Append("a.log", "1\n");
  auto s = Make(Config(), &sink);
  Drain(*s);
  Append("a.log", "2\n");
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"2"}));
  EXPECT_EQ(metrics_.Snapshot().sinks["recorder"].entries_dropped, 1u);
}

TEST_F(ShipperTest, DeletedFileIsForgottenAndNewFilesFound) {
  RecordingSink sink;
  Append("a.log", "a1\n");
  auto s = Make(Config(), &sink);
  Drain(*s);
  Append("a.log", "a2\n");
  ASSERT_TRUE(s->Step().ok());  // a2 read
  fs::remove(dir_ / "logs" / "a.log");
  Append("b.log", "b1\n");
  Drain(*s);
  ASSERT_TRUE(s->Flush(1).ok());
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(s->positions().Get((dir_ / "logs" / "a.log").string()), -1);
  EXPECT_EQ(s->positions().Get((dir_ / "logs" / "b.log").string()), 3);
}

TEST_F(ShipperTest, RunOnceShipsAnUnterminatedLastLineOnceAndResumesAfterIt) {
  RecordingSink sink;
  Append("a.log", "one\npartial");
  const std::string path = (dir_ / "logs" / "a.log").string();
  for (int run = 0; run < 2; ++run) {  // a second run over the same file adds nothing
    auto s = Make(Config(), &sink);
    ASSERT_TRUE(s->RunOnce(1).ok());
    EXPECT_EQ(s->positions().Get(path), 11) << "run " << run;
  }
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"one", "partial"}));
  EXPECT_EQ(metrics_.Snapshot().files[path].lines_read, 2u);  // the flushed last line counts
  Append("a.log", "-rest\nthree\n");
  auto s = Make(Config(), &sink);
  ASSERT_TRUE(s->RunOnce(1).ok());
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"one", "partial", "-rest", "three"}));
  EXPECT_EQ(s->positions().Get(path), 23);
}

TEST_F(ShipperTest, PositionOfADeletedFileIsForgottenBeforeARestart) {
  RecordingSink sink;
  Append("a.log", "1\n2\n3\n");
  const std::string path = (dir_ / "logs" / "a.log").string();
  {
    auto s = Make(Config(), &sink);
    Drain(*s);
    fs::remove(dir_ / "logs" / "a.log");
    ASSERT_TRUE(s->Flush(1).ok());  // no poll since the deletion
    EXPECT_EQ(s->positions().Get(path), -1);
  }
  Append("a.log", "new1\nnew2\n");  // a new file, longer than the old offset
  auto s = Make(Config(), &sink);
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2", "3", "new1", "new2"}));
}

TEST_F(ShipperTest, RotationBeforeARestartLosesNothing) {
  RecordingSink sink;
  Append("a.log", "1\n");
  {
    auto s = Make(Config(), &sink);
    Drain(*s);
    Append("a.log", "2\n");
    fs::rename(dir_ / "logs" / "a.log", dir_ / "logs" / "a.log.1");
    Append("a.log", "3\n4\n5\n");  // longer than the old offset
    ASSERT_TRUE(s->Flush(1).ok());  // drains the old file, positions name the new one
  }
  auto s = Make(Config(), &sink);
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
}

TEST_F(ShipperTest, TruncationBeforeARestartLosesNothing) {
  RecordingSink sink;
  Append("a.log", "1\n2\n");
  {
    auto s = Make(Config(), &sink);
    Drain(*s);
    fs::resize_file(dir_ / "logs" / "a.log", 0);
    Append("a.log", "3333\n4\n");  // rewritten past the old offset
    ASSERT_TRUE(s->Flush(1).ok());
  }
  auto s = Make(Config(), &sink);
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"1", "2", "3333", "4"}));
}

TEST_F(ShipperTest, StalePositionOfAFileDeletedWhileDownIsNotApplied) {
  RecordingSink sink;
  const std::string path = (dir_ / "logs" / "a.log").string();
  std::ofstream(dir_ / "positions.yaml") << "positions:\n  \"" << path << "\": \"4\"\n";
  auto s = Make(Config(), &sink);
  ASSERT_TRUE(s->Step().ok());  // the first re-scan: a.log is not there
  Append("a.log", "first\nsecond\n");
  clock_.Advance(2 * kNanosPerSecond);  // the next re-scan finds it
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"first", "second"}));
}

TEST_F(ShipperTest, MalformedLinesGoThroughJsonStage) {
  RecordingSink sink;
  Append("a.log", "{\"msg\":\"ok\"}\n{broken\n\n");
  auto s = Make(Config("[{json: {expressions: {msg: msg}}}, {output: {source: msg}}]"), &sink);
  Drain(*s);
  EXPECT_EQ(sink.Lines(), (std::vector<std::string>{"ok", "{broken", ""}));
  EXPECT_EQ(metrics_.Snapshot().stage_errors, 2u);
}

}  // namespace
}  // namespace remediator::pipeline
