#include "pipeline/sinks/store_sink.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

namespace remediator::pipeline::sinks {
namespace {

TEST(StoreSinkTest, SendsDurablyAndCommitsCheckpointsWithEntries) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/store_sink_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl.data());
  LogEntry e;
  e.labels = MakeLabels({{"job", "x"}});
  e.timestamp_ns = 42;
  e.line = "hello";
  {
    store::StoreOptions o;
    o.dir = dir;
    auto st = store::Store::Open(o).value();
    StoreSink sink(*st);
    EXPECT_EQ(sink.name(), "store:" + dir);
    ASSERT_TRUE(sink.Send(std::vector{e}).ok());
    std::vector<store::Checkpoint> cps = {{"/var/log/x.log", "1:2", 6}};
    ASSERT_TRUE(sink.SendWithCheckpoints(std::vector{e}, cps).ok());
    EXPECT_EQ(sink.Checkpoints(), cps);
  }
  store::StoreOptions o;
  o.dir = dir;
  auto st = store::Store::Open(o).value();
  EXPECT_EQ(st->Stats().block_entries + st->Stats().head_entries, 2u);
  ASSERT_TRUE(st->GetCheckpoint("/var/log/x.log").has_value());
  EXPECT_EQ(st->GetCheckpoint("/var/log/x.log")->offset, 6);
  st.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace remediator::pipeline::sinks
